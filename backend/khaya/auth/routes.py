"""Signing in and out.

POST /api/v1/auth/login      phone or username + password -> access and refresh tokens
POST /api/v1/auth/refresh    rotate the refresh token
POST /api/v1/auth/logout     end this device's session
"""

from __future__ import annotations

from flask import current_app, request

from ..blueprint import Blueprint
from ..extensions import db, limiter
from . import services
from .access import current_principal, mark_private, public, requires
from .errors import InvalidCredentials, InvalidRefreshToken
from .passwords import normalize_phone
from .schemas import LoginSchema, RefreshSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Signing in and out")


def _login_key() -> str:
    body = request.get_json(silent=True)
    # Runs before the body is validated: it may be any JSON value, not only an object.
    login = str(body.get("login", "") if isinstance(body, dict) else "")[:100]
    return "login:" + (normalize_phone(login) or login.strip().lower())


def _ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_IP"]


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]


@blp.route("/login", methods=["POST"])
@limiter.limit(_ip_limit)
@limiter.limit(_account_limit, key_func=_login_key)
@public
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
def login(data):
    """Sign in with a phone number or username and a password."""
    mark_private()  # tokens are never cached (RFC 6749, 5.1)
    try:
        pair = services.login(data["login"], data["password"], data["device_id"])
    except InvalidCredentials:
        # The failure count must survive the error response.
        db.session.commit()
        raise
    db.session.commit()
    return pair


@blp.route("/refresh", methods=["POST"])
@limiter.limit(_ip_limit)
@public
@blp.arguments(RefreshSchema)
@blp.response(200, TokenSchema)
def refresh(data):
    """Swap a refresh token for a new access and refresh token."""
    mark_private()
    try:
        pair = services.refresh(data["refresh_token"], data["device_id"])
    except InvalidRefreshToken:
        # A detected reuse revokes the session; that must stick even though the call fails.
        db.session.commit()
        raise
    db.session.commit()
    return pair


@blp.route("/logout", methods=["POST"])
@requires("session")
@blp.response(204)
def logout():
    """End this device's session: its tokens stop working at once."""
    services.logout(current_principal())
    db.session.commit()
