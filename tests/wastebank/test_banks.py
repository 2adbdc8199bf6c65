"""Banks as the office sees them: the list scoped to the caller's LGO, the next buying day,
members named by their household, and a passbook PDF that says whose it is and in what money."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from khaya.auth.models import AuditEvent
from khaya.wastebank.models import first_buying_day
from tests.pdfs import pdf_text


def names(client, auth, login: str, query: str = "") -> set[str]:
    response = client.get(f"/api/v1/waste-banks?per_page=500{query}", headers=auth(login))
    assert response.status_code == 200, response.get_json()
    return {bank["name_th"] for bank in response.get_json()["items"]}


TOWN_BANK, NGA_BANK = "ธนาคารขยะชุมชนที่ 1", "ธนาคารขยะบ้านต้นผึ้ง"


@pytest.mark.parametrize(
    ("login", "sees"),
    [
        ("town.staff", {TOWN_BANK}),
        ("town.admin", {TOWN_BANK}),
        ("nga.staff", {NGA_BANK}),
        ("0810000001", {TOWN_BANK}),  # volunteer of town communities 1-3
        ("0810000002", {NGA_BANK}),  # volunteer of Mueang Nga moo 1-2
        ("0810000011", {TOWN_BANK}),  # resident of town community 1
        ("0810000012", {NGA_BANK}),  # resident of Mueang Nga moo 1
        ("province", {TOWN_BANK, NGA_BANK}),
        ("admin", {TOWN_BANK, NGA_BANK}),
    ],
)
def test_the_list_holds_only_the_callers_own_banks(client, auth, bank, nga_bank, login, sees):
    assert names(client, auth, login) == sees


def test_an_lgo_filter_never_widens_the_list(client, auth, bank, nga_bank):
    assert names(client, auth, "town.staff", "&lgo=mueang-nga-subdistrict-municipality") == set()
    assert names(client, auth, "admin", "&lgo=mueang-nga-subdistrict-municipality") == {NGA_BANK}


@pytest.mark.parametrize(
    ("schedule", "today", "expected"),
    [
        ({}, dt.date(2025, 1, 1), None),
        ({"dates": ["2024-12-05"]}, dt.date(2025, 1, 1), None),
        ({"dates": ["2024-12-05", "2025-01-05", "2025-02-05"]}, dt.date(2025, 1, 1),
         dt.date(2025, 1, 5)),
        ({"dates": ["2025-01-01"]}, dt.date(2025, 1, 1), dt.date(2025, 1, 1)),  # today counts
        # 1 Jan 2025 is a Wednesday (2); Saturdays (5) come on the 4th.
        ({"weekly": [{"day": 5, "opens": "08:00", "closes": "11:00"}]}, dt.date(2025, 1, 1),
         dt.date(2025, 1, 4)),
        ({"weekly": [{"day": 0, "opens": "08:00", "closes": "11:00"}],
          "dates": ["2025-01-03"]}, dt.date(2025, 1, 1), dt.date(2025, 1, 3)),
    ],
)
def test_first_buying_day(schedule, today, expected):
    assert first_buying_day(schedule, today) == expected


def test_banks_say_their_next_buying_day(client, auth, bank):
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    client.patch(f"/api/v1/waste-banks/{bank['id']}", headers=auth("town.staff"),
                 json={"buying_schedule": {"dates": ["2024-01-05", future]}})
    listed = client.get("/api/v1/waste-banks", headers=auth("town.staff")).get_json()
    assert listed["items"][0]["next_buying_day"] == future
    one = client.get(f"/api/v1/waste-banks/{bank['id']}", headers=auth("town.staff")).get_json()
    assert one["next_buying_day"] == future


def test_members_carry_their_household_with_the_phone_masked(client, auth, bank, db_session):
    response = client.get(f"/api/v1/waste-banks/{bank['id']}/members", headers=auth("town.staff"))
    assert response.status_code == 200
    first, second, third = response.get_json()["items"]
    assert first["household"] == {
        "id": bank["households"][0],
        "house_number": "wb-1",
        "head_name": "นางบัวผัน ใจดี",
        "phone": "08xxxxx678",
        "village_code": "51010101",
        "village_name_th": "ชุมชนที่ 1",
        "village_name_en": "Community 1",
        "moo": None,
    }
    assert second["household"]["head_name"] == "นายคำปัน ศรีวิชัย"
    assert third["household"]["head_name"] is None
    # Names are personal data: showing them is on the record, one event per household.
    listed = db_session.scalars(
        select(AuditEvent.entity_id).where(
            AuditEvent.entity == "household", AuditEvent.action == "list",
            AuditEvent.endpoint == f"/api/v1/waste-banks/{bank['id']}/members",
        )
    ).all()
    assert sorted(listed) == sorted(str(h) for h in bank["households"])


def test_the_passbook_pdf_names_the_member_and_counts_in_baht(client, auth, bank):
    member = bank["members"][0]
    client.post(f"/api/v1/waste-banks/{bank['id']}/deposits", headers=auth("town.staff"),
                json={"member_id": member, "deposit_date": "2024-07-01",
                      "lines": [{"material": "paper", "kg": "10"}]})
    url = f"/api/v1/waste-banks/{bank['id']}/members/{member}/passbook.pdf"
    with client.get(url, headers=auth("town.staff")) as response:
        assert response.status_code == 200
        thai = pdf_text(response.data)
    for words in ("สมาชิกเลขที่ 1", "นางบัวผัน ใจดี", "บ้านเลขที่ wb-1", "ชุมชน",
                  "คงเหลือ (บาท)", "30.00 บาท", "2567"):
        assert words in thai, (words, thai)
    with client.get(f"{url}?lang=en", headers=auth("town.staff")) as response:
        assert response.status_code == 200
        english = pdf_text(response.data)
    for words in ("Member no. 1", "นางบัวผัน ใจดี", "House wb-1", "Balance (baht)",
                  "30.00 baht", "1 July 2024", "paper 10 kg"):
        assert words in english, (words, english)


def test_a_passbook_pdf_in_another_language_is_refused(client, auth, bank):
    url = f"/api/v1/waste-banks/{bank['id']}/members/{bank['members'][0]}/passbook.pdf?lang=fr"
    response = client.get(url, headers=auth("town.staff"))
    assert response.status_code == 422
    assert "lang" in str(response.get_json()["errors"])


@pytest.mark.parametrize("login", ["town.staff", "0810000001", "0810000011"])
@pytest.mark.parametrize("path", ["members", "ledger"])
def test_another_lgos_bank_answers_404_in_the_language_asked(client, auth, nga_bank, login, path):
    """Staff, a volunteer and a resident of the town ask for the members or the ledger of
    Mueang Nga's bank: not found, said in Thai to a phone set to Thai, else in English."""
    url = f"/api/v1/waste-banks/{nga_bank['id']}/{path}"
    thai = client.get(url, headers={**auth(login), "Accept-Language": "th-TH,th;q=0.9"})
    assert thai.status_code == 404
    assert thai.get_json() == {
        "code": "bank_not_found",
        "status": 404,
        "message": "ไม่พบธนาคารขยะนี้",
        "message_en": "No such waste bank.",
        "errors": {},
    }
    assert thai.headers["Content-Language"] == "th"

    english = client.get(url, headers={**auth(login), "Accept-Language": "en-US,en;q=0.9"})
    assert english.status_code == 404
    assert english.get_json() == {
        "code": "bank_not_found", "status": 404, "message": "No such waste bank.", "errors": {},
    }
    assert english.headers["Content-Language"] == "en"
