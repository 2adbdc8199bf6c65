"""The server's VAPID key pair (RFC 8292): push services check each message was signed by it.

``make run`` makes the pair once under ``var/vapid/`` (``flask push ensure-keys``); the private
key never leaves the server, the public one is the browsers' ``applicationServerKey``.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid

from .errors import PushNotConfigured


def key_file() -> Path:
    configured = current_app.config.get("PUSH_VAPID_KEY_FILE")
    if configured:
        return Path(configured)
    return Path(current_app.config["PROJECT_ROOT"]) / "var" / "vapid" / "private_key.pem"


def ensure_keys(path: Path | None = None) -> Path:
    """Make the key pair if it is not there yet (readable by its owner only); return its path."""
    path = path or key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        vapid = Vapid()
        vapid.generate_keys()
        vapid.save_key(str(path))
        path.chmod(0o600)
    return path


def _vapid() -> Vapid:
    path = key_file()
    if not path.exists():
        raise PushNotConfigured()
    return Vapid.from_file(str(path))


def public_key() -> str:
    """The public key as browsers take it: the uncompressed P-256 point, base64url, no padding."""
    raw = _vapid().public_key.public_bytes(serialization.Encoding.X962,
                                           serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def private_key_path() -> str:
    _vapid()  # raises when there is none
    return str(key_file())
