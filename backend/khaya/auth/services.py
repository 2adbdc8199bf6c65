"""Signing in and out, token rotation, passwords, and managing an LGO's users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from . import throttle
from .access import Principal
from .errors import (
    AccountDisabled,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidUserChange,
    TokenRevoked,
)
from .models import AuthSession, RefreshToken, User, utcnow
from .passwords import (
    context_words,
    hash_password,
    needs_rehash,
    normalize_phone,
    password_problem,
    verify_password,
)
from .scoping import unscoped
from .tokens import hash_refresh_token, issue_access_token, new_refresh_token


@dataclass
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    user: User
    token_type: str = "Bearer"


def find_login(login: str) -> User | None:
    """Return the account for a phone number (any Thai format) or a username."""
    phone = normalize_phone(login)
    column = User.phone if phone else User.username
    value = phone or login.strip().lower()
    # Signing in happens before any scope exists.
    return db.session.execute(
        select(User).where(column == value), execution_options=unscoped()
    ).scalar_one_or_none()


def login(login: str, password: str, device_id: str) -> TokenPair:
    """Check the password and open a session for the device; throttle wrong passwords.

    A known login with a wrong password and an unknown login do the same work in the same
    order (the throttle row, the account lookup, one Argon2 check, the count), so neither the
    answer nor its time tells whether an account exists.
    """
    now = utcnow()
    counter = throttle.claim(login, now)
    user = find_login(login)
    # Without an account the check runs against a dummy hash of the same cost.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        throttle.failed(counter, now)
        raise InvalidCredentials()
    throttle.succeeded(counter)
    if not user.is_active:
        raise AccountDisabled()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session = AuthSession(user_id=user.id, device_id=device_id, created_at=now, last_used_at=now)
    db.session.add(session)
    db.session.flush()
    return _issue(user, session, now)


def _issue(user: User, session: AuthSession, now: dt.datetime) -> TokenPair:
    access, ttl = issue_access_token(user.id, session.id, now)
    token, token_hash = new_refresh_token()
    db.session.add(
        RefreshToken(
            session_id=session.id,
            token_hash=token_hash,
            issued_at=now,
            expires_at=now + dt.timedelta(seconds=current_app.config["REFRESH_TOKEN_TTL"]),
        )
    )
    db.session.flush()
    return TokenPair(access_token=access, expires_in=ttl, refresh_token=token, user=user)


def refresh(refresh_token: str, device_id: str) -> TokenPair:
    """Swap a refresh token for a new pair; a reused token ends its whole session."""
    now = utcnow()
    row = db.session.execute(
        select(RefreshToken)
        .where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
        .with_for_update(),
        execution_options=unscoped(),
    ).scalar_one_or_none()
    if row is None:
        raise InvalidRefreshToken()
    session = row.session
    if session.revoked_at is not None or session.device_id != device_id:
        raise InvalidRefreshToken()
    if row.used_at is not None:
        # Someone replayed a spent token: whoever holds the newer one may be a thief, so the
        # session ends for both (OAuth 2.0 refresh-token rotation with reuse detection).
        revoke_session(session, "refresh_reuse", now)
        raise InvalidRefreshToken("This refresh token was already used; sign in again.",
                                  message_th="โทเค็นต่ออายุนี้ถูกใช้ไปแล้ว กรุณาเข้าสู่ระบบอีกครั้ง")
    if row.expires_at <= now:
        raise InvalidRefreshToken("The refresh token has expired; sign in again.",
                                  message_th="โทเค็นต่ออายุหมดอายุแล้ว กรุณาเข้าสู่ระบบอีกครั้ง")
    user = db.session.get(User, session.user_id, execution_options=unscoped())
    if user is None or not user.is_active:
        raise AccountDisabled()
    row.used_at = now
    session.last_used_at = now
    return _issue(user, session, now)


def revoke_session(session: AuthSession, reason: str, now: dt.datetime | None = None) -> None:
    if session.revoked_at is None:
        session.revoked_at = now or utcnow()
        session.revoked_reason = reason
    db.session.flush()


def logout(principal: Principal) -> None:
    """End the caller's session: its access and refresh tokens stop working."""
    session = db.session.get(AuthSession, principal.session_id, execution_options=unscoped())
    if session is not None:
        revoke_session(session, "logout")


def revoke_all_sessions(user_id: int, reason: str) -> None:
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason),
        execution_options=unscoped(),
    )


def own_user(principal: Principal) -> User:
    """Return the caller's own account (one's own record is always in one's own scope)."""
    user = db.session.get(User, principal.user_id, execution_options=unscoped())
    if user is None:
        raise TokenRevoked()
    return user


def change_own_password(principal: Principal, current: str, new: str) -> None:
    """Change the caller's password; other devices are signed out."""
    user = own_user(principal)
    if not verify_password(user.password_hash, current):
        raise InvalidUserChange(errors={"current_password": ["Wrong password."]})
    if current == new:
        raise InvalidUserChange(errors={"new_password": ["Choose a different password."]})
    check_new_password("new_password", new, user.username, user.phone, user.display_name)
    _set_password(user, new)
    db.session.execute(
        update(AuthSession)
        .where(
            AuthSession.user_id == user.id,
            AuthSession.id != principal.session_id,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow(), revoked_reason="password_changed"),
        execution_options=unscoped(),
    )


def check_new_password(field: str, password: str, login: str | None, phone: str | None,
                       name: str | None) -> None:
    """Refuse a common password or one built from the person's own details (NIST 800-63B)."""
    problem = password_problem(password, context_words(login=login, phone=phone, name=name))
    if problem:
        raise InvalidUserChange(errors={field: [problem]})


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.flush()
