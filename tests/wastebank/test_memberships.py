"""GET /api/v1/me/memberships: a caller's waste-bank accounts, banks and today's prices at once,
never reaching another LGO's bank."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from khaya.auth.models import AuditEvent

URL = "/api/v1/me/memberships"


@pytest.fixture
def resident_household(client, auth, bank):
    """Tie the town's demo resident to the bank's first member household."""
    me = client.get("/api/v1/me", headers=auth("0810000011")).get_json()
    linked = client.post(f"/api/v1/households/{bank['households'][0]}/residents",
                         headers=auth("town.staff"), json={"user_id": me["user"]["id"]})
    assert linked.status_code == 200, linked.get_json()
    return bank["households"][0]


def test_a_resident_gets_their_own_accounts_banks_and_prices(
    client, auth, bank, nga_bank, resident_household
):
    client.post(f"/api/v1/waste-banks/{bank['id']}/deposits", headers=auth("town.staff"),
                json={"member_id": bank["members"][0], "deposit_date": "2024-07-01",
                      "lines": [{"material": "aluminium", "kg": "0.5"}]})
    response = client.get(URL, headers=auth("0810000011"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    (account,) = body["items"]
    assert account["id"] == bank["members"][0]
    assert account["household_id"] == resident_household
    assert account["balance"] == 20.0
    assert account["household"]["house_number"] == "wb-1"
    # Only the town's bank: Mueang Nga's is neither listed nor asked about.
    assert [b["id"] for b in body["banks"]] == [bank["id"]]
    # The price in force today (PET changed on 1 June 2024), one per material.
    assert {(p["bank_id"], p["material"], p["price_per_kg"]) for p in body["prices"]} == {
        (bank["id"], "pet", 9.0), (bank["id"], "paper", 3.0), (bank["id"], "aluminium", 40.0)}
    assert body["meta"]["total"] == 1


def test_a_volunteer_gets_the_accounts_of_their_villages_only(client, auth, bank, nga_bank):
    town = client.get(URL, headers=auth("0810000001")).get_json()
    assert sorted(m["id"] for m in town["items"]) == sorted(bank["members"])
    assert [b["id"] for b in town["banks"]] == [bank["id"]]
    nga = client.get(URL, headers=auth("0810000002")).get_json()
    assert [m["id"] for m in nga["items"]] == [nga_bank["member"]]
    assert [b["id"] for b in nga["banks"]] == [nga_bank["id"]]
    assert nga["banks"][0]["next_buying_day"] is not None  # a weekly buying day


def test_one_household_by_id_with_its_lgos_banks(client, auth, bank, nga_bank):
    household = bank["households"][1]
    one = client.get(f"{URL}?household_id={household}", headers=auth("0810000001")).get_json()
    assert [m["household_id"] for m in one["items"]] == [household]
    # A household with no account yet still learns which bank it could join.
    fresh = client.post("/api/v1/households", headers=auth("town.staff"), json={
        "village_code": "51010102", "house_number": "wb-new", "registered_on": "2024-01-01",
    }).get_json()
    none = client.get(f"{URL}?household_id={fresh['id']}", headers=auth("0810000001")).get_json()
    assert none["items"] == []
    assert [b["id"] for b in none["banks"]] == [bank["id"]]


@pytest.mark.parametrize("login", ["0810000001", "0810000011", "town.staff"])
def test_another_lgos_household_answers_404(client, auth, nga_bank, login):
    response = client.get(f"{URL}?household_id={nga_bank['household']}", headers=auth(login))
    assert response.status_code == 404
    assert response.get_json()["code"] == "household_not_found"


def test_provincial_officers_see_no_accounts(client, auth):
    assert client.get(URL, headers=auth("province")).status_code == 403


def test_bad_arguments_get_the_envelope(client, auth):
    for query in ("household_id=abc", "per_page=0", "bank=1"):
        response = client.get(f"{URL}?{query}", headers=auth("0810000001"))
        assert response.status_code == 422, query
        assert response.get_json()["code"] == "validation_error"


def test_the_read_is_audited_per_household(client, auth, bank, db_session):
    household = bank["households"][2]
    client.get(f"{URL}?household_id={household}", headers=auth("0810000001"))
    client.get(URL, headers=auth("0810000001"))
    events = db_session.execute(
        select(AuditEvent.action, AuditEvent.entity_id).where(
            AuditEvent.entity == "household", AuditEvent.endpoint == URL)
    ).all()
    assert ("read", str(household)) in events
    assert sorted(e for a, e in events if a == "list") == sorted(
        str(h) for h in bank["households"])


def test_queries_do_not_grow_with_the_accounts(client, auth, bank, query_counter):
    headers = auth("0810000001")
    client.get(f"{URL}?household_id={bank['households'][0]}", headers=headers)
    one = len(query_counter)
    query_counter.clear()
    client.get(URL, headers=headers)
    # The list has no household lookup but three accounts: no query per account.
    assert len(query_counter) <= one
