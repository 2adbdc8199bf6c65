"""A push service of our own on loopback, standing in for the browser vendor's (FCM, Mozilla's).

It checks each message's VAPID signature (RFC 8292) against the key the message names and
decrypts the payload (RFC 8291, aes128gcm) with the private key and auth secret a browser would
hold, using http_ece, not the code that encrypted it. Used by the reminders' API tests and by the
browser test that subscribes through the settings screen.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64(raw: bytes) -> str:
    """Encode as base64url without padding, as Web Push writes keys."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    """Decode base64url with or without its padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """One browser's subscription at a push service on loopback."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.status = 201
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    message = service.open(self.headers, body)
                except Exception as error:  # noqa: BLE001 - the test reads what was wrong
                    service.refused.append(repr(error))
                    self.send_response(400)
                else:
                    service.received.append({"path": self.path, **message})
                    self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def subscription(self) -> dict[str, Any]:
        """A new endpoint with this browser's keys, as ``PushSubscription.toJSON()`` gives it."""
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{b64(os.urandom(12))}",
                "keys": {"p256dh": b64(point), "auth": b64(self.auth_secret)}}

    def open(self, headers: Any, body: bytes) -> dict[str, Any]:
        """Check the VAPID header and decrypt the message, as a push service and browser do."""
        scheme, _, params = headers["Authorization"].partition(" ")
        assert scheme == "vapid", headers["Authorization"]
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        signer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
        claims = jwt.decode(fields["t"], signer, algorithms=["ES256"], audience=self.origin)
        assert claims["exp"] > dt.datetime.now(dt.UTC).timestamp()
        assert claims["sub"].startswith("mailto:")
        assert headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(body, private_key=self.private_key,
                                 auth_secret=self.auth_secret, version="aes128gcm")
        return {"key": fields["k"], "ttl": int(headers["TTL"]),
                "payload": json.loads(plain.decode())}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
