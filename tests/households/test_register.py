"""The household register through the API: register, list, edit with versions, deactivate."""

from __future__ import annotations

from sqlalchemy import select

from khaya.auth.models import AuditEvent, User

TOWN_POINT = {"type": "Point", "coordinates": [99.0121, 18.5865]}


def test_register_and_read(client, auth, make_household):
    created = make_household(point=TOWN_POINT, gps_accuracy_m=8)
    assert created["village_code"] == "51010101"
    assert created["lgo_code"] == "lamphun-town-municipality"
    assert created["phone"] == "+66891234567"
    assert created["version"] == 1
    assert created["qr_url"].endswith(f"/h/{created['qr_token']}")
    assert len(created["qr_token"]) >= 16
    one = client.get(f"/api/v1/households/{created['id']}", headers=auth("town.staff"))
    assert one.get_json()["point"] == TOWN_POINT


def test_list_masks_phones_and_filters(client, auth, make_household):
    make_household(house_number="199/3", wet_bin="none")
    make_household(village="51010102")
    page = client.get("/api/v1/households?village=51010101", headers=auth("town.staff")).get_json()
    assert [h["house_number"] for h in page["items"]] == ["199/3"]
    assert page["items"][0]["phone"] == "08xxxxx567"
    no_bin = client.get("/api/v1/households?wet_bin=none", headers=auth("town.staff")).get_json()
    assert {h["house_number"] for h in no_bin["items"]} == {"199/3"}


def test_house_numbers_are_unique_in_a_village(client, auth, make_household):
    make_household(house_number="12")
    again = client.post("/api/v1/households", headers=auth("town.staff"),
                        json={"village_code": "51010101", "house_number": "12"})
    assert again.status_code == 409
    assert again.get_json()["code"] == "duplicate_house_number"
    other_village = client.post("/api/v1/households", headers=auth("town.staff"),
                                json={"village_code": "51010102", "house_number": "12"})
    assert other_village.status_code == 201


def test_bad_fields_are_422(client, auth):
    response = client.post("/api/v1/households", headers=auth("town.staff"), json={
        "village_code": "5101", "house_number": "", "members": -1, "phone": "12",
        "registered_on": "2999-01-01", "point": {"type": "Point", "coordinates": [500, 0]},
    })
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {
        "village_code", "house_number", "members", "phone", "registered_on", "point"}


def test_point_far_from_the_village_is_rejected(client, auth):
    response = client.post("/api/v1/households", headers=auth("town.staff"), json={
        "village_code": "51010101", "house_number": "1",
        "point": {"type": "Point", "coordinates": [100.5018, 13.7563]},
    })
    assert response.status_code == 422
    assert "point" in response.get_json()["errors"]


def test_cannot_register_in_another_lgo(client, auth):
    response = client.post("/api/v1/households", headers=auth("town.staff"),
                           json={"village_code": "51010201", "house_number": "1"})
    assert response.status_code == 422
    assert "village_code" in response.get_json()["errors"]


def test_edit_with_version(client, auth, make_household):
    household = make_household()
    url = f"/api/v1/households/{household['id']}"
    first = client.patch(url, headers=auth("town.staff"), json={"version": 1, "members": 6})
    assert first.status_code == 200
    assert first.get_json()["version"] == 2
    stale = client.patch(url, headers=auth("town.admin"), json={"version": 1, "members": 2})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["code"] == "version_conflict"
    assert body["current"]["members"] == 6
    assert body["current"]["version"] == 2
    assert body["yours"] == {"version": 1, "members": 2}
    assert client.get(url, headers=auth("town.staff")).get_json()["members"] == 6


def test_the_version_conflict_is_documented(client):
    """Found by the fuzz test: 409 was covered only by the blanket "default" response."""
    document = client.get("/api/v1/openapi.json").get_json()
    responses = document["paths"]["/api/v1/households/{household_id}"]["patch"]["responses"]
    assert responses["409"] == {"$ref": "#/components/responses/CONFLICT"}
    conflict = document["components"]["responses"]["CONFLICT"]
    assert conflict["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_volunteer_may_read_but_not_edit(client, auth, make_household):
    household = make_household()
    url = f"/api/v1/households/{household['id']}"
    assert client.get(url, headers=auth("0810000001")).status_code == 200
    edit = client.patch(url, headers=auth("0810000001"), json={"version": 1, "members": 1})
    assert edit.status_code == 403


def test_volunteer_sees_only_assigned_villages(client, auth, make_household):
    inside = make_household(village="51010101")
    outside = make_household(village="51010109")
    seen = client.get("/api/v1/households", headers=auth("0810000001")).get_json()["items"]
    assert [h["id"] for h in seen] == [inside["id"]]
    hidden = client.get(f"/api/v1/households/{outside['id']}", headers=auth("0810000001"))
    assert hidden.status_code == 404


def test_other_lgo_and_province_cannot_reach_households(client, auth, make_household):
    household = make_household()
    url = f"/api/v1/households/{household['id']}"
    assert client.get(url, headers=auth("nga.staff")).status_code == 404
    assert client.get(url, headers=auth("province")).status_code == 403
    assert client.get("/api/v1/households", headers=auth("province")).status_code == 403


def test_deactivate_keeps_the_record(client, auth, make_household):
    household = make_household(house_number="7")
    url = f"/api/v1/households/{household['id']}"
    response = client.post(f"{url}/deactivate", headers=auth("town.staff"),
                           json={"reason": "ย้ายออก"})
    assert response.status_code == 200
    assert response.get_json()["active"] is False
    listed = client.get("/api/v1/households", headers=auth("town.staff")).get_json()
    assert household["id"] not in [h["id"] for h in listed["items"]]
    gone = client.get("/api/v1/households?active=false", headers=auth("town.staff")).get_json()
    assert household["id"] in [h["id"] for h in gone["items"]]
    # The house number is free again for a new household.
    assert client.post("/api/v1/households", headers=auth("town.staff"),
                       json={"village_code": "51010101", "house_number": "7"}).status_code == 201


def test_qr_card_opens_only_in_scope(client, auth, make_household):
    household = make_household()
    url = f"/api/v1/households/by-qr/{household['qr_token']}"
    assert client.get(url, headers=auth("0810000001")).get_json()["id"] == household["id"]
    assert client.get(url, headers=auth("0810000002")).status_code == 404
    assert client.get(url, headers=auth("nga.staff")).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/households/by-qr/not-a-token",
                      headers=auth("town.staff")).status_code == 404


def test_resident_sees_only_their_linked_household(client, auth, make_household, db_session):
    mine = make_household()
    other = make_household()
    resident = db_session.scalar(select(User.id).where(User.phone == "+66810000011"))
    linked = client.post(f"/api/v1/households/{mine['id']}/residents",
                         headers=auth("town.staff"), json={"user_id": resident})
    assert linked.status_code == 200
    headers = auth("0810000011")
    assert client.get(f"/api/v1/households/{mine['id']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/households/{other['id']}", headers=headers).status_code == 404
    listed = client.get("/api/v1/households", headers=headers).get_json()["items"]
    assert [h["id"] for h in listed] == [mine["id"]]


def test_linking_a_resident_of_another_village_fails(client, auth, make_household, db_session):
    household = make_household(village="51010105")
    resident = db_session.scalar(select(User.id).where(User.phone == "+66810000011"))
    response = client.post(f"/api/v1/households/{household['id']}/residents",
                           headers=auth("town.staff"), json={"user_id": resident})
    assert response.status_code == 422


def test_reads_and_lists_are_audited(client, auth, make_household, db_session):
    household = make_household()
    client.get(f"/api/v1/households/{household['id']}", headers=auth("town.admin"))
    client.get("/api/v1/households", headers=auth("0810000001"))
    events = db_session.execute(
        select(AuditEvent.action, AuditEvent.actor_role).where(
            AuditEvent.entity == "household", AuditEvent.entity_id == str(household["id"]))
        .order_by(AuditEvent.id)
    ).all()
    assert events == [("create", "lgo_staff"), ("read", "lgo_admin"), ("list", "volunteer")]
    who = client.get(f"/api/v1/audit-events?entity=household&entity_id={household['id']}",
                     headers=auth("town.admin")).get_json()["items"]
    assert [e["action"] for e in who] == ["list", "read", "create"]


def test_list_carries_the_card_token_for_offline_scans(client, auth, make_household):
    household = make_household()
    listed = client.get("/api/v1/households", headers=auth("0810000001")).get_json()["items"]
    assert [h["qr_token"] for h in listed] == [household["qr_token"]]
