"""New passwords: common and context-specific ones are refused, with no composition rules.

``12345678``, ``password``, ``aaaaaaaa`` and eight spaces were accepted (NIST SP 800-63B asks
for a blocklist of common, expected or compromised values and of context words).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from khaya.auth.models import User
from khaya.auth.passwords import TOO_COMMON, TOO_PERSONAL, TOO_REGULAR
from seed.accounts import DEMO_PASSWORD

WEAK = {
    "12345678": TOO_COMMON,
    "password": TOO_COMMON,
    "iloveyou": TOO_COMMON,
    "aaaaaaaa": TOO_REGULAR,
    "        ": TOO_REGULAR,
    "lamphun1": TOO_PERSONAL,
    "Lamphun-2567": TOO_PERSONAL,
    "khaya-khaya": TOO_PERSONAL,
    "ลำพูน12345": TOO_PERSONAL,
}
# Long enough and not guessable: accepted whatever their mix of letters, digits and signs.
STRONG = ["correct horse battery staple", "mango-river-42", "จำง่ายแต่ยาวพอ-2567",
          "brand-new-secret"]


def _change(client, auth, new: str, who: str = "0810000012"):
    return client.post("/api/v1/me/password", headers=auth(who),
                       json={"current_password": DEMO_PASSWORD, "new_password": new})


@pytest.mark.parametrize(("password", "reason"), WEAK.items())
def test_changing_ones_own_password_refuses_weak_ones(client, auth, password, reason):
    response = _change(client, auth, password)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"] == {"new_password": [reason]}


def test_ones_own_login_phone_and_name_are_refused(client, auth, db_session):
    user = db_session.execute(select(User).where(User.phone == "+66810000012")).scalar_one()
    first_name = user.display_name.split()[-1]
    for password in ("0810000012", "+66810000012!", "81000001200", f"{first_name}{first_name}",
                     user.display_name, "-".join(reversed(user.display_name.split()))):
        response = _change(client, auth, password)
        assert response.status_code == 422, (password, response.get_json())
        assert response.get_json()["errors"] == {"new_password": [TOO_PERSONAL]}, password
    staff = client.post("/api/v1/me/password", headers=auth("town.staff"), json={
        "current_password": DEMO_PASSWORD, "new_password": "town.staff.2024"})
    assert staff.get_json()["errors"] == {"new_password": [TOO_PERSONAL]}


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_need_no_particular_characters(client, auth, password):
    assert _change(client, auth, password).status_code == 204


def test_creating_a_user_checks_the_password_against_their_details(client, auth):
    body = {"display_name": "นายทองดี มีสุข Thongdee Meesuk", "username": "thongdee.m",
            "phone": "089-555-1234", "role": "lgo_staff"}
    for password in ("thongdee.m", "Thongdee-Meesuk", "0895551234", "password1"):
        response = client.post("/api/v1/users", headers=auth("town.admin"),
                               json={**body, "password": password})
        assert response.status_code == 422, (password, response.get_json())
        assert "password" in response.get_json()["errors"], password
    created = client.post("/api/v1/users", headers=auth("town.admin"),
                          json={**body, "password": "mango-river-42"})
    assert created.status_code == 201, created.get_json()


def test_a_reset_by_an_lgo_admin_checks_it_too(client, auth, db_session):
    user_id = db_session.scalar(select(User.id).where(User.username == "town.staff"))
    url = f"/api/v1/users/{user_id}/password"
    weak = client.post(url, headers=auth("town.admin"), json={"new_password": "12345678"})
    assert weak.status_code == 422
    assert weak.get_json()["errors"] == {"new_password": [TOO_COMMON]}
    strong = client.post(url, headers=auth("town.admin"), json={"new_password": "mango-river-42"})
    assert strong.status_code == 204
