"""Sign-in: known and unknown logins answer alike; wrong passwords slow down their identifier.

After 5 wrong passwords an existing login answered 423 and an unknown one 401 forever (and the
two took different times), so logins could be enumerated, and the lock let anyone lock anyone
out. Tests move a throttle's clock back in the database instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from khaya.auth import passwords
from khaya.auth.models import LoginThrottle, User
from khaya.auth.throttle import key_for
from seed.accounts import DEMO_PASSWORD

URL = "/api/v1/auth/login"


def login(client, who: str, password: str = "wrong-password-1"):
    return client.post(URL, json={"login": who, "password": password, "device_id": "t"})


def answer(response) -> tuple:
    # Retry-After is left out: Flask-Limiter raises it to its own window's reset, a moment
    # that moves between two requests; the body's retry_after is the throttle's wait.
    body = response.get_json()
    return response.status_code, body["code"], body["message"], body.get("retry_after")


def _time_passes(app, db_session, who: str) -> None:
    """Move the identifier's wait into the past, as if it had been sat out."""
    with app.test_request_context():
        key = key_for(who)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db_session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                       .values(blocked_until=past))
    db_session.commit()


def test_known_and_unknown_logins_answer_alike_through_the_throttle(app, client, db_session):
    known, unknown = [], []
    free = app.config["LOGIN_THROTTLE_FREE_FAILURES"]
    for _ in range(free + 4):
        known.append(answer(login(client, "nga.staff")))
        unknown.append(answer(login(client, "nobody.at.all")))
    assert known == unknown
    statuses = [a[0] for a in known]
    assert statuses == [401] * (free + 1) + [429] * 3
    assert known[-1][1] == "login_throttled"
    # The right password waits like any other: nothing is checked during the wait.
    assert login(client, "nga.staff", DEMO_PASSWORD).status_code == 429


def _normalised(statements: list[str]) -> list[str]:
    return [re.sub(r"%\(\w+\)s|\$\d+|'[^']*'|\d+", "?", s) for s in statements]


def test_known_and_unknown_logins_do_the_same_work(client, query_counter, monkeypatch):
    """The same statements in the same order and one Argon2 check each: the time of the
    answer cannot tell an account apart (bench/login_timing.py measures it)."""
    checks = []
    real = passwords.HASHER

    class Counted:
        def verify(self, hash_, password):
            checks.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "HASHER", Counted())
    assert login(client, "town.staff").status_code == 401
    known = _normalised(query_counter)
    query_counter.clear()
    assert login(client, "no.such.person").status_code == 401
    unknown = _normalised(query_counter)
    assert known == unknown
    assert len(checks) == 2
    assert all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in checks)


def test_waits_grow_and_stop_at_the_cap(app, client, db_session):
    free = app.config["LOGIN_THROTTLE_FREE_FAILURES"]
    waits = []
    for attempt in range(free + 12):
        response = login(client, "0819999999")
        if attempt >= free:  # from the free ones' last on, each wrong password earns a wait
            assert response.status_code == 401
            blocked = login(client, "0819999999")
            assert blocked.status_code == 429
            waits.append(blocked.get_json()["retry_after"])
            assert int(blocked.headers["Retry-After"]) >= waits[-1] - 1
            _time_passes(app, db_session, "0819999999")
    assert waits[:5] == [1, 2, 4, 8, 16]
    assert waits == sorted(waits)
    assert max(waits) == app.config["LOGIN_THROTTLE_MAX_SECONDS"]


def test_the_right_password_after_the_wait_clears_the_count(app, client, db_session):
    for _ in range(app.config["LOGIN_THROTTLE_FREE_FAILURES"] + 1):
        login(client, "town.staff")
    assert login(client, "town.staff", DEMO_PASSWORD).status_code == 429
    _time_passes(app, db_session, "Town.Staff")  # the same identifier however it is typed
    assert login(client, "town.staff", DEMO_PASSWORD).status_code == 200
    # Counting starts afresh: one wrong password costs nothing again.
    assert login(client, "town.staff").status_code == 401
    assert login(client, "town.staff", DEMO_PASSWORD).status_code == 200


def test_a_phone_login_is_one_identifier_in_every_spelling(app, client):
    spellings = ["081-000-0011", "0810000011", "+66 81 000 0011", "66810000011", "(081) 000 0011",
                 "+66810000011"]
    assert len(spellings) == app.config["LOGIN_THROTTLE_FREE_FAILURES"] + 1
    for typed in spellings:
        assert login(client, typed).status_code == 401
    assert login(client, "081 000 0011").status_code == 429


def test_throttling_one_login_leaves_the_others_alone(app, client):
    for _ in range(app.config["LOGIN_THROTTLE_FREE_FAILURES"] + 1):
        login(client, "town.admin")
    assert login(client, "town.admin", DEMO_PASSWORD).status_code == 429
    assert login(client, "nga.admin", DEMO_PASSWORD).status_code == 200


def test_an_lgo_admin_lifts_the_wait(app, client, auth, db_session):
    for _ in range(app.config["LOGIN_THROTTLE_FREE_FAILURES"] + 1):
        login(client, "town.staff")
    assert login(client, "town.staff", DEMO_PASSWORD).status_code == 429
    user_id = db_session.scalar(select(User.id).where(User.username == "town.staff"))
    lifted = client.post(f"/api/v1/users/{user_id}/unlock", headers=auth("town.admin"))
    assert lifted.status_code == 200
    assert login(client, "town.staff", DEMO_PASSWORD).status_code == 200


def test_the_table_names_no_login(app, client, db_session):
    login(client, "0812223333")
    keys = db_session.scalars(select(LoginThrottle.key)).all()
    assert keys
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    assert not any("2223333" in key for key in keys)


@pytest.mark.parametrize("hours", [25])
def test_a_quiet_day_forgets_the_count(app, client, db_session, hours):
    for _ in range(app.config["LOGIN_THROTTLE_FREE_FAILURES"] + 1):
        login(client, "province")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    with app.test_request_context():
        key = key_for("province")
    db_session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                       .values(last_failure_at=long_ago, blocked_until=long_ago))
    db_session.commit()
    assert login(client, "province").status_code == 401
    failures = db_session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key))
    assert failures == 1
