"""Wrong passwords slow down the login identifier they were typed for, known or not.

Why not lock accounts: a lock after five wrong passwords let anyone lock anyone out by typing
their phone number, and it answered 423 for real accounts but 401 for unknown ones, which told
an attacker which logins exist. Instead every identifier (an account's or not, normalised as
sign-in reads it) has a counter of wrong passwords in PostgreSQL, which every worker and server
shares and which is there whenever sign-in can work at all:

- the first ``LOGIN_THROTTLE_FREE_FAILURES`` (5) cost nothing;
- after each further one the identifier must wait before the next try, 1 s, 2 s, 4 s, ...
  doubling up to ``LOGIN_THROTTLE_MAX_SECONDS`` (15 minutes); a try during the wait answers 429
  with ``Retry-After`` and is not checked at all, right password or not;
- a right password clears the counter, and so does a day without wrong ones
  (``LOGIN_THROTTLE_FORGET_HOURS``), or an LGO administrator (``POST /users/{id}/unlock``).

So a guesser gets about a hundred tries a day per identifier (NIST SP 800-63B allows at most
100 in a row), while someone typing a victim's phone delays them by at most the cap, and the
victim's phone, which holds a refresh token, is not signed out at all. The identifier's row is
locked while its password is checked, so parallel guesses queue instead of racing the counter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from ..extensions import db
from .errors import LoginThrottled
from .models import LoginThrottle
from .passwords import normalize_phone
from .scoping import unscoped

# Expired rows removed per wrong password: the table stays small without a periodic job.
PRUNE_BATCH = 100


def identifier(login: str) -> str:
    """Return a login as sign-in reads it: a phone in E.164, or a lower-case username."""
    return normalize_phone(login) or login.strip().lower()


def key_for(login: str) -> str:
    secret = (current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, b"login:" + identifier(login).encode(), hashlib.sha256).hexdigest()


def claim(login: str, now: dt.datetime) -> LoginThrottle:
    """Lock the identifier's counter for this attempt; raise ``LoginThrottled`` while it waits."""
    key = key_for(login)
    db.session.execute(
        insert(LoginThrottle).values(key=key, failures=0)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = db.session.execute(
        select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        .execution_options(populate_existing=True),
        execution_options=unscoped(),
    ).scalar_one()
    forget = dt.timedelta(hours=current_app.config["LOGIN_THROTTLE_FORGET_HOURS"])
    if row.last_failure_at is not None and now - row.last_failure_at > forget:
        row.failures, row.blocked_until = 0, None
    if row.blocked_until is not None and row.blocked_until > now:
        wait = max(1, math.ceil((row.blocked_until - now).total_seconds()))
        raise LoginThrottled(extra={"retry_after": wait}, headers={"Retry-After": str(wait)})
    return row


def delay_after(failures: int) -> int:
    """Return the seconds to wait after ``failures`` wrong passwords in a row."""
    free = current_app.config["LOGIN_THROTTLE_FREE_FAILURES"]
    if failures <= free:
        return 0
    cap = current_app.config["LOGIN_THROTTLE_MAX_SECONDS"]
    return min(cap, 2 ** min(failures - free - 1, 30))


def failed(row: LoginThrottle, now: dt.datetime) -> None:
    """Count a wrong password and start the wait it earns."""
    row.failures += 1
    row.last_failure_at = now
    wait = delay_after(row.failures)
    row.blocked_until = now + dt.timedelta(seconds=wait) if wait else None
    forget = dt.timedelta(hours=current_app.config["LOGIN_THROTTLE_FORGET_HOURS"])
    stale = (select(LoginThrottle.key).where(LoginThrottle.last_failure_at < now - forget)
             .limit(PRUNE_BATCH).with_for_update(skip_locked=True))
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)),
                       execution_options={"synchronize_session": False})
    db.session.flush()


def succeeded(row: LoginThrottle) -> None:
    """The right password: the identifier starts afresh."""
    db.session.delete(row)
    db.session.flush()


def clear(logins: list[str]) -> None:
    """Forget the wrong passwords typed for these logins (an administrator's help)."""
    keys = [key_for(login) for login in logins if login]
    if keys:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)),
                           execution_options={"synchronize_session": False})
