"""Managing an LGO's users, grants and volunteers, inside the caller's LGO only."""

from __future__ import annotations

from sqlalchemy import func, select

from khaya.auth.models import AuditEvent, User
from seed.accounts import DEMO_PASSWORD


def user_id(db_session, login: str) -> int:
    column = User.phone if login.startswith("+") else User.username
    return db_session.scalar(select(User.id).where(column == login))


def new_member(**overrides):
    return {
        "display_name": "สมชาย ทดสอบ",
        "phone": "089-111-2233",
        "password": "a-long-password",
        "role": "lgo_staff",
        **overrides,
    }


def test_lgo_admin_lists_only_their_lgo_with_masked_phones(client, auth):
    body = client.get("/api/v1/users?per_page=100", headers=auth("town.admin")).get_json()
    lgos = {u["lgo_code"] for u in body["items"]}
    assert lgos == {"lamphun-town-municipality"}
    phones = [u["phone"] for u in body["items"] if u["phone"]]
    assert phones
    assert all("x" in phone and not phone.startswith("+") for phone in phones)
    assert body["meta"]["total"] == len(body["items"]) == 4


def test_admin_lists_everyone(client, auth):
    body = client.get("/api/v1/users?per_page=100", headers=auth("admin")).get_json()
    assert body["meta"]["total"] == 11


def test_list_filters(client, auth):
    volunteers = client.get("/api/v1/users?role=volunteer", headers=auth("admin")).get_json()
    assert {u["volunteer"]["volunteer_type"] for u in volunteers["items"]} == {
        "environment",
        "health",
    }
    by_phone = client.get("/api/v1/users?q=081-000-0012", headers=auth("admin")).get_json()
    assert [u["display_name"] for u in by_phone["items"]] == ["ครัวเรือน บ้านต้นผึ้ง"]


def test_detail_shows_full_phone_and_is_audited(client, auth, db_session):
    target = user_id(db_session, "+66810000011")
    response = client.get(f"/api/v1/users/{target}", headers=auth("town.admin"))
    assert response.status_code == 200
    assert response.get_json()["phone"] == "+66810000011"
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == str(target))
    ).all()
    assert [(e.action, e.actor_role, e.endpoint) for e in events] == [
        ("read", "lgo_admin", f"/api/v1/users/{target}")
    ]


def test_listing_is_audited_per_user(client, auth, db_session):
    before = db_session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))
    client.get("/api/v1/users", headers=auth("nga.admin"))
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "list", AuditEvent.id > before)
    ).all()
    assert len(events) == 4
    assert {e.lgo_id for e in events} == {events[0].lgo_id}


def test_other_lgos_users_are_404(client, auth, db_session):
    other = user_id(db_session, "nga.staff")
    assert client.get(f"/api/v1/users/{other}", headers=auth("town.admin")).status_code == 404
    response = client.patch(
        f"/api/v1/users/{other}", headers=auth("town.admin"), json={"display_name": "x"}
    )
    assert response.status_code == 404
    assert response.get_json()["code"] == "user_not_found"


def test_create_member_in_own_lgo(client, auth, db_session):
    response = client.post("/api/v1/users", headers=auth("town.admin"), json=new_member())
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/users/{body['id']}"
    assert body["lgo_code"] == "lamphun-town-municipality"
    assert body["phone"] == "+66891112233"
    assert [g["role"] for g in body["grants"]] == ["lgo_staff"]
    login = client.post(
        "/api/v1/auth/login", json={"login": "0891112233", "password": "a-long-password"}
    )
    assert login.status_code == 200


def test_create_volunteer_with_villages(client, auth):
    body = new_member(
        role="volunteer",
        volunteer={
            "volunteer_type": "health",
            "trained_on": "2024-06-01",
            "village_codes": ["51010104", "51010105"],
        },
    )
    response = client.post("/api/v1/users", headers=auth("town.admin"), json=body)
    assert response.status_code == 201, response.get_json()
    volunteer = response.get_json()["volunteer"]
    assert volunteer == {
        "volunteer_type": "health",
        "active": True,
        "trained_on": "2024-06-01",
        "village_codes": ["51010104", "51010105"],
    }


def test_volunteer_villages_must_be_in_the_lgo(client, auth):
    body = new_member(
        role="volunteer",
        volunteer={
            "volunteer_type": "health",
            "village_codes": ["51010201"],
        },
    )
    response = client.post("/api/v1/users", headers=auth("town.admin"), json=body)
    assert response.status_code == 422
    assert "51010201" in response.get_json()["errors"]["village_codes"][0]


def test_lgo_admin_cannot_create_province_or_admin_roles(client, auth):
    for role in ("admin", "province_officer"):
        response = client.post(
            "/api/v1/users",
            headers=auth("town.admin"),
            json=new_member(role=role, province_code="51"),
        )
        assert response.status_code == 403, role


def test_lgo_admin_cannot_create_users_in_another_lgo(client, auth):
    response = client.post(
        "/api/v1/users",
        headers=auth("town.admin"),
        json=new_member(lgo_code="mueang-nga-subdistrict-municipality"),
    )
    assert response.status_code == 403


def test_duplicate_phone_is_409(client, auth):
    response = client.post(
        "/api/v1/users",
        headers=auth("admin"),
        json=new_member(phone="081-000-0011", lgo_code="lamphun-town-municipality"),
    )
    assert response.status_code == 409
    assert response.get_json()["code"] == "login_taken"


def test_bad_user_fields(client, auth):
    response = client.post(
        "/api/v1/users",
        headers=auth("town.admin"),
        json={
            "display_name": "",
            "phone": "12345",
            "password": "short",
            "role": "king",
        },
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert set(errors) >= {"display_name", "phone", "password", "role"}


def test_resident_needs_a_village_of_the_lgo(client, auth):
    missing = client.post(
        "/api/v1/users", headers=auth("town.admin"), json=new_member(role="resident")
    )
    assert missing.status_code == 422
    assert "village_code" in missing.get_json()["errors"]
    elsewhere = client.post(
        "/api/v1/users",
        headers=auth("town.admin"),
        json=new_member(role="resident", village_code="51010201"),
    )
    assert elsewhere.status_code == 422
    ok = client.post(
        "/api/v1/users",
        headers=auth("town.admin"),
        json=new_member(role="resident", village_code="51010104"),
    )
    assert ok.status_code == 201
    assert ok.get_json()["grants"][0]["village_code"] == "51010104"


def test_reset_password_signs_the_member_out(client, auth, db_session):
    member = auth("town.staff")
    target = user_id(db_session, "town.staff")
    response = client.post(
        f"/api/v1/users/{target}/password",
        headers=auth("town.admin"),
        json={"new_password": "brand-new-secret"},
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=member).status_code == 401
    old = client.post("/api/v1/auth/login", json={"login": "town.staff", "password": DEMO_PASSWORD})
    assert old.status_code == 401
    new = client.post(
        "/api/v1/auth/login", json={"login": "town.staff", "password": "brand-new-secret"}
    )
    assert new.status_code == 200


def test_grants_add_and_remove(client, auth, db_session):
    target = user_id(db_session, "town.staff")
    added = client.post(
        f"/api/v1/users/{target}/grants", headers=auth("town.admin"), json={"role": "volunteer"}
    )
    assert added.status_code == 201
    roles = sorted(g["role"] for g in added.get_json()["grants"])
    assert roles == ["lgo_staff", "volunteer"]
    twice = client.post(
        f"/api/v1/users/{target}/grants", headers=auth("town.admin"), json={"role": "volunteer"}
    )
    assert twice.status_code == 422
    grant = next(g for g in added.get_json()["grants"] if g["role"] == "volunteer")
    removed = client.delete(
        f"/api/v1/users/{target}/grants/{grant['id']}", headers=auth("town.admin")
    )
    assert [g["role"] for g in removed.get_json()["grants"]] == ["lgo_staff"]


def test_admin_cannot_remove_own_admin_role(client, auth, db_session):
    me = client.get("/api/v1/me", headers=auth("town.admin")).get_json()
    grant = me["user"]["grants"][0]
    response = client.delete(
        f"/api/v1/users/{me['user']['id']}/grants/{grant['id']}", headers=auth("town.admin")
    )
    assert response.status_code == 422
    # The OpenAPI document says so (the fuzz test found it answered only under "default").
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/users/{user_id}/grants/{grant_id}"]["delete"]
    assert "422" in operation["responses"]


def test_volunteer_assignment_changes_their_scope(client, auth, db_session):
    volunteer = user_id(db_session, "+66810000001")
    response = client.put(
        f"/api/v1/users/{volunteer}/volunteer",
        headers=auth("town.admin"),
        json={"volunteer_type": "environment", "village_codes": ["51010109"]},
    )
    assert response.status_code == 200
    assert response.get_json()["volunteer"]["village_codes"] == ["51010109"]


def test_me_lists_roles_and_permissions(client, auth):
    me = client.get("/api/v1/me", headers=auth("0810000001")).get_json()
    assert me["roles"] == ["volunteer"]
    assert "inspections.write" in me["permissions"]
    assert "users.read" not in me["permissions"]
    assert me["user"]["volunteer"]["village_codes"] == ["51010101", "51010102", "51010103"]


def test_removing_every_login_while_deactivating_is_422(client, auth, db_session):
    """Found by the fuzz test: deactivating signs the user out, whose query flushed the user
    without a login first, and the database constraint answered 500."""
    target = user_id(db_session, "town.staff")
    response = client.patch(
        f"/api/v1/users/{target}",
        headers=auth("town.admin"),
        json={"phone": None, "username": None, "is_active": False},
    )
    assert response.status_code == 422, response.get_json()
    assert "phone" in response.get_json()["errors"]
    user = db_session.get(User, target)
    db_session.refresh(user)
    assert user.username == "town.staff"
    assert user.is_active
