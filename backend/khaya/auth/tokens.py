"""Access tokens (short-lived JWTs) and refresh tokens (opaque, single-use, stored hashed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

import jwt
from flask import current_app

from .errors import InvalidToken, TokenExpired

ALGORITHM = "HS256"


def _secret() -> str:
    secret = current_app.config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("Set KHAYA_SECRET_KEY: tokens cannot be signed without it.")
    return secret


def issue_access_token(user_id: int, session_id: uuid.UUID, now: dt.datetime) -> tuple[str, int]:
    """Return a signed access token and its lifetime in seconds."""
    ttl = int(current_app.config["ACCESS_TOKEN_TTL"])
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ttl,
        "typ": "access",
    }
    return jwt.encode(claims, _secret(), algorithm=ALGORITHM), ttl


def decode_access_token(token: str) -> dict[str, Any]:
    """Return the claims of a valid access token or raise InvalidToken / TokenExpired."""
    try:
        claims = jwt.decode(
            token,
            _secret(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "sid", "exp", "iat", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired() from None
    except jwt.PyJWTError:
        raise InvalidToken() from None
    if claims.get("typ") != "access":
        raise InvalidToken()
    try:
        claims["sid"] = uuid.UUID(claims["sid"])
        claims["sub"] = int(claims["sub"])
    except ValueError:
        raise InvalidToken() from None
    return claims


def new_refresh_token() -> tuple[str, str]:
    """Return a fresh refresh token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
