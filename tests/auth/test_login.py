"""Signing in, tokens, refresh rotation, logout, passwords and rate limits."""

from __future__ import annotations

import datetime as dt
import uuid

import jwt
import pytest
from sqlalchemy import select

from khaya.auth.models import AuthSession, User, utcnow
from khaya.auth.passwords import mask_phone, normalize_phone
from khaya.auth.tokens import issue_access_token
from khaya.extensions import limiter
from seed.accounts import DEMO_PASSWORD


def login(client, who: str, password: str = DEMO_PASSWORD, device: str = "phone-1"):
    return client.post(
        "/api/v1/auth/login", json={"login": who, "password": password, "device_id": device}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("081-000-0011", "+66810000011"),
        ("0810000011", "+66810000011"),
        ("+66 81 000 0011", "+66810000011"),
        ("66810000011", "+66810000011"),
        ("(081) 000 0011", "+66810000011"),
        ("053-511-000", "+6653511000"),
        ("12345", None),
        ("0123456789", None),
        ("hello", None),
    ],
)
def test_thai_phone_formats(typed, e164):
    assert normalize_phone(typed) == e164


def test_mask_phone():
    assert mask_phone("+66812345678") == "08xxxxx678"


@pytest.mark.parametrize("typed", ["081-000-0011", "+66810000011", "0810000011"])
def test_login_with_phone_in_any_format(client, typed):
    response = login(client, typed)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["refresh_token"]
    me = client.get("/api/v1/me", headers=bearer(body["access_token"])).get_json()
    assert me["roles"] == ["resident"]
    assert me["user"]["phone"] == "+66810000011"


def test_login_with_username_is_case_insensitive(client):
    assert login(client, "Town.Admin").status_code == 200


def test_wrong_password_and_unknown_login_look_the_same(client):
    wrong = login(client, "town.staff", "not-the-password")
    unknown = login(client, "nobody.here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["code"] == unknown.get_json()["code"] == "invalid_credentials"


def test_password_hashes_are_argon2id_with_the_required_cost(db_session):
    stored = db_session.scalars(select(User.password_hash)).first()
    assert stored.startswith("$argon2id$v=19$")
    cost = dict(part.split("=") for part in stored.split("$")[3].split(","))
    assert int(cost["m"]) >= 19 * 1024
    assert int(cost["t"]) >= 2
    assert int(cost["p"]) == 1


@pytest.fixture
def tight_limits(app):
    saved = (app.config["LOGIN_RATE_LIMIT_PER_IP"], app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"])
    limiter.reset()
    yield app
    app.config["LOGIN_RATE_LIMIT_PER_IP"], app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = saved
    limiter.reset()


def test_login_rate_limit_per_account(tight_limits, client):
    tight_limits.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "3 per minute"
    statuses = [login(client, "province", "wrong-password").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # Another account from the same address is not held back by the first one's limit.
    assert login(client, "admin").status_code == 200


def test_login_rate_limit_per_ip(tight_limits, client):
    tight_limits.config["LOGIN_RATE_LIMIT_PER_IP"] = "2 per minute"
    login(client, "admin")
    login(client, "province")
    limited = login(client, "town.admin")
    assert limited.status_code == 429
    body = limited.get_json()
    assert body["code"] == "too_many_requests"
    assert body["status"] == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_missing_and_malformed_tokens(client):
    assert client.get("/api/v1/me").get_json()["code"] == "unauthorized"
    for header in ("Bearer", "Basic abc", "Bearer not.a.jwt", "Token abc"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["code"] == "invalid_token"


def test_tampered_token_is_rejected(client):
    token = login(client, "admin").get_json()["access_token"]
    header, payload, signature = token.split(".")
    forged = jwt.encode(
        {**jwt.decode(token, options={"verify_signature": False}), "sub": "1"},
        "guessed-secret",
        algorithm="HS256",
    )
    for bad in (f"{header}.{payload}.{signature[::-1]}", forged):
        response = client.get("/api/v1/me", headers=bearer(bad))
        assert response.status_code == 401
        assert response.get_json()["code"] == "invalid_token"


def test_expired_token_is_rejected(app, client, db_session):
    user_id = db_session.scalar(select(User.id).where(User.username == "admin"))
    session = AuthSession(user_id=user_id, device_id="old")
    db_session.add(session)
    db_session.commit()
    with app.test_request_context():
        token, ttl = issue_access_token(
            user_id, session.id, utcnow() - dt.timedelta(seconds=app.config["ACCESS_TOKEN_TTL"] + 5)
        )
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_expired"


def test_token_of_unknown_session_is_rejected(app, client, db_session):
    user_id = db_session.scalar(select(User.id).where(User.username == "admin"))
    with app.test_request_context():
        token, _ = issue_access_token(user_id, uuid.uuid4(), utcnow())
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["code"] == "token_revoked"


def test_logout_revokes_access_and_refresh(client):
    pair = login(client, "town.staff").get_json()
    assert (
        client.post("/api/v1/auth/logout", headers=bearer(pair["access_token"])).status_code == 204
    )
    after = client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    assert after.status_code == 401
    assert after.get_json()["code"] == "token_revoked"
    refreshed = client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": pair["refresh_token"], "device_id": "phone-1"},
    )
    assert refreshed.status_code == 401


def test_refresh_rotates(client):
    pair = login(client, "town.staff").get_json()
    new = client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": pair["refresh_token"], "device_id": "phone-1"},
    )
    assert new.status_code == 200
    new_pair = new.get_json()
    assert new_pair["refresh_token"] != pair["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(new_pair["access_token"])).status_code == 200


def test_refresh_is_bound_to_the_device(client):
    pair = login(client, "town.staff", device="phone-1").get_json()
    stolen = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"], "device_id": "other"}
    )
    assert stolen.status_code == 401
    assert stolen.get_json()["code"] == "invalid_refresh_token"


def test_refresh_reuse_ends_the_session(client):
    pair = login(client, "town.staff").get_json()
    body = {"refresh_token": pair["refresh_token"], "device_id": "phone-1"}
    second = client.post("/api/v1/auth/refresh", json=body).get_json()
    replay = client.post("/api/v1/auth/refresh", json=body)
    assert replay.status_code == 401
    assert "already used" in replay.get_json()["message"]
    # The thief's replay also ends the legitimate holder's newer tokens.
    assert client.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 401
    again = client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": second["refresh_token"], "device_id": "phone-1"},
    )
    assert again.status_code == 401


def test_expired_refresh_token(client, db_session):
    from khaya.auth.models import RefreshToken

    pair = login(client, "town.staff").get_json()
    for row in db_session.scalars(select(RefreshToken)):
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db_session.commit()
    response = client.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": pair["refresh_token"], "device_id": "phone-1"},
    )
    assert response.status_code == 401
    assert "expired" in response.get_json()["message"]


def test_change_own_password(client):
    pair = login(client, "0810000012", device="a").get_json()
    other = login(client, "0810000012", device="b").get_json()
    wrong = client.post(
        "/api/v1/me/password",
        headers=bearer(pair["access_token"]),
        json={"current_password": "nope-nope", "new_password": "a-new-password"},
    )
    assert wrong.status_code == 422
    assert "current_password" in wrong.get_json()["errors"]
    changed = client.post(
        "/api/v1/me/password",
        headers=bearer(pair["access_token"]),
        json={"current_password": DEMO_PASSWORD, "new_password": "a-new-password"},
    )
    assert changed.status_code == 204
    assert login(client, "0810000012").status_code == 401
    assert login(client, "0810000012", "a-new-password").status_code == 200
    # This device stays signed in; the other device is signed out.
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 401


def test_short_new_password_is_rejected(client, auth):
    response = client.post(
        "/api/v1/me/password",
        headers=auth("0810000012"),
        json={"current_password": DEMO_PASSWORD, "new_password": "short"},
    )
    assert response.status_code == 422
    assert "new_password" in response.get_json()["errors"]["json"]


def test_deactivated_user_cannot_sign_in_or_use_tokens(client, auth, db_session):
    token = auth("nga.staff")
    user_id = db_session.scalar(select(User.id).where(User.username == "nga.staff"))
    response = client.patch(
        f"/api/v1/users/{user_id}", headers=auth("nga.admin"), json={"is_active": False}
    )
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert login(client, "nga.staff").get_json()["code"] == "account_disabled"


@pytest.mark.parametrize("body", [[None, None], "admin", 7, None])
def test_login_body_that_is_not_an_object_is_422(client, body):
    """The per-account rate-limit key reads the body before it is validated; a JSON array
    there answered 500."""
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "validation_error"
