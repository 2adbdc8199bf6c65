"""The waste-bank ledger: priced deposits, withdrawals, the funeral fund, reversals, passbook."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from khaya.wastebank.models import LedgerEntry, LedgerLine, WelfareEvent


def deposit(client, auth, bank, member, lines, day="2024-07-01", who="town.staff", **extra):
    return client.post(
        f"/api/v1/waste-banks/{bank['id']}/deposits",
        headers=auth(who),
        json={"member_id": member, "deposit_date": day, "lines": lines, **extra},
    )


def balance(client, auth, bank, member) -> float:
    response = client.get(
        f"/api/v1/waste-banks/{bank['id']}/members/{member}", headers=auth("town.staff")
    )
    return response.get_json()["balance"]


def test_deposit_uses_the_price_in_force_that_day(client, auth, bank):
    member = bank["members"][0]
    early = deposit(
        client, auth, bank, member, [{"material": "pet", "kg": "2.5"}], day="2024-05-31"
    )
    late = deposit(
        client,
        auth,
        bank,
        member,
        [{"material": "pet", "kg": "2.5"}, {"material": "aluminium", "kg": "0.35"}],
        day="2024-06-01",
    )
    assert early.status_code == late.status_code == 201
    assert early.get_json()["lines"][0] == {
        "material": "pet",
        "kg": 2.5,
        "unit_price": 8.5,
        "amount": 21.25,
    }
    assert late.get_json()["amount"] == 22.5 + 14.0
    assert balance(client, auth, bank, member) == 21.25 + 36.5


@pytest.mark.parametrize(
    ("lines", "day", "field"),
    [
        ([{"material": "pet", "kg": "0"}], "2024-07-01", "lines"),
        ([{"material": "pet", "kg": "-1"}], "2024-07-01", "lines"),
        ([{"material": "glass", "kg": "1"}], "2024-07-01", "lines"),  # no price for glass
        ([{"material": "pet", "kg": "1"}], "2023-12-31", "deposit_date"),  # before joining
        ([{"material": "pet", "kg": "1"}], "2999-01-01", "deposit_date"),
        ([{"material": "pet", "kg": "1"}, {"material": "pet", "kg": "2"}], "2024-07-01", "lines"),
        ([], "2024-07-01", "lines"),
    ],
)
def test_bad_deposits_leave_the_ledger_unchanged(client, auth, bank, db_session, lines, day, field):
    response = deposit(client, auth, bank, bank["members"][0], lines, day=day)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert field in errors or field in errors.get("json", {})
    assert db_session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_member_of_another_bank_is_refused(client, auth, bank):
    other = client.post(
        "/api/v1/waste-banks", headers=auth("town.staff"), json={"name_th": "ธนาคารขยะโรงเรียน"}
    ).get_json()
    response = client.post(
        f"/api/v1/waste-banks/{other['id']}/deposits",
        headers=auth("town.staff"),
        json={
            "member_id": bank["members"][0],
            "deposit_date": "2024-07-01",
            "lines": [{"material": "pet", "kg": "1"}],
        },
    )
    assert response.status_code == 422
    assert "member_id" in response.get_json()["errors"]


def test_one_account_per_household_per_bank(client, auth, bank):
    again = client.post(
        f"/api/v1/waste-banks/{bank['id']}/members",
        headers=auth("town.staff"),
        json={"household_id": bank["households"][0]},
    )
    assert again.status_code == 409


def test_withdrawal_never_overdraws(client, auth, bank, db_session):
    member = bank["members"][0]
    deposit(client, auth, bank, member, [{"material": "paper", "kg": "10"}])
    url = f"/api/v1/waste-banks/{bank['id']}/withdrawals"
    too_much = client.post(
        url, headers=auth("town.staff"), json={"member_id": member, "amount": "30.01"}
    )
    assert too_much.status_code == 422
    assert too_much.get_json()["code"] == "insufficient_balance"
    assert too_much.get_json()["balance"] == 30.0
    ok = client.post(url, headers=auth("town.staff"), json={"member_id": member, "amount": "30"})
    assert ok.status_code == 201
    assert ok.get_json()["amount"] == -30.0
    assert balance(client, auth, bank, member) == 0


def test_funeral_event_debits_everyone_and_credits_the_bereaved(client, auth, bank):
    a, b, c = bank["members"]
    for member in (a, b, c):
        deposit(client, auth, bank, member, [{"material": "paper", "kg": "10"}])
    event = client.post(
        f"/api/v1/waste-banks/{bank['id']}/welfare-events",
        headers=auth("town.staff"),
        json={"beneficiary_member_id": c, "amount_per_member": "20"},
    )
    assert event.status_code == 201
    assert event.get_json()["members_debited"] == 2
    assert event.get_json()["total"] == 40.0
    assert [balance(client, auth, bank, m) for m in (a, b, c)] == [10.0, 10.0, 70.0]


def test_funeral_event_is_atomic(client, auth, bank, db_session):
    """If the database fails after the event and the debits are written, nothing of it stays.

    A trigger in the test's transaction makes the bereaved's credit (the event's last row, with
    the event's id, so written after the event and after every debit) fail as a full disk would.
    """
    a, b, c = bank["members"]
    for member in (a, b, c):
        deposit(client, auth, bank, member, [{"material": "paper", "kg": "10"}])
    entries = db_session.scalar(select(func.count()).select_from(LedgerEntry))
    assert entries == 3
    db_session.execute(text(
        "create function refuse_welfare_credit() returns trigger language plpgsql as $$"
        " begin"
        "   if not exists (select 1 from welfare_events where id = new.event_id) then"
        "     raise exception 'the event should be written before its entries';"
        "   end if;"
        "   raise exception 'could not extend file' using errcode = 'disk_full';"
        " end $$"
    ))
    db_session.execute(text(
        "create trigger refuse_welfare_credit before insert on ledger_entries for each row"
        " when (new.kind = 'welfare_credit') execute function refuse_welfare_credit()"
    ))
    db_session.commit()
    url = f"/api/v1/waste-banks/{bank['id']}/welfare-events"
    response = client.post(url, headers=auth("town.staff"),
                           json={"beneficiary_member_id": c, "amount_per_member": "20"})
    assert response.status_code == 503, response.get_json()
    assert db_session.scalar(select(func.count()).select_from(WelfareEvent)) == 0
    assert db_session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    assert [balance(client, auth, bank, m) for m in (a, b, c)] == [30.0, 30.0, 30.0]
    # Once the disk has room again, the same event goes through whole.
    db_session.execute(text("drop trigger refuse_welfare_credit on ledger_entries"))
    db_session.commit()
    again = client.post(url, headers=auth("town.staff"),
                        json={"beneficiary_member_id": c, "amount_per_member": "20"})
    assert again.status_code == 201, again.get_json()
    assert [balance(client, auth, bank, m) for m in (a, b, c)] == [10.0, 10.0, 70.0]


def test_funeral_share_may_overdraw_by_the_documented_rule(client, auth, bank):
    a, b, c = bank["members"]
    client.post(
        f"/api/v1/waste-banks/{bank['id']}/welfare-events",
        headers=auth("town.staff"),
        json={"beneficiary_member_id": c, "amount_per_member": "20"},
    )
    assert balance(client, auth, bank, a) == -20.0
    withdraw = client.post(
        f"/api/v1/waste-banks/{bank['id']}/withdrawals",
        headers=auth("town.staff"),
        json={"member_id": a, "amount": "1"},
    )
    assert withdraw.status_code == 422


def test_reversal_once(client, auth, bank):
    member = bank["members"][0]
    entry = deposit(client, auth, bank, member, [{"material": "pet", "kg": "2"}]).get_json()
    url = f"/api/v1/waste-banks/{bank['id']}/entries/{entry['id']}/reverse"
    first = client.post(url, headers=auth("town.staff"), json={"note": "ชั่งผิด"})
    assert first.status_code == 201
    assert first.get_json()["amount"] == -entry["amount"]
    assert first.get_json()["reverses_id"] == entry["id"]
    assert balance(client, auth, bank, member) == 0
    second = client.post(url, headers=auth("town.staff"), json={"note": "again"})
    assert second.status_code == 409
    reversal = first.get_json()["id"]
    undo = client.post(
        f"/api/v1/waste-banks/{bank['id']}/entries/{reversal}/reverse",
        headers=auth("town.staff"),
        json={"note": "x"},
    )
    assert undo.status_code == 422


def test_ledger_rows_cannot_be_edited(client, auth, bank, db_session):
    deposit(client, auth, bank, bank["members"][0], [{"material": "pet", "kg": "2"}])
    # The deposit's deferred checks run now, as its commit would run them (PostgreSQL refuses
    # to truncate a table with checks still pending, before the append-only trigger could).
    db_session.execute(text("set constraints all immediate"))
    for statement in (
        "update ledger_entries set amount = 1000",
        "delete from ledger_lines",
        "truncate ledger_entries cascade",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(statement))
    assert db_session.scalar(select(func.count()).select_from(LedgerLine)) == 1


def test_deposit_through_sync_is_idempotent(client, auth, bank, db_session):
    item = {
        "kind": "deposit",
        "client_id": str(uuid.uuid4()),
        "data": {
            "bank_id": bank["id"],
            "member_id": bank["members"][1],
            "deposit_date": "2024-07-01",
            "lines": [{"material": "pet", "kg": 1.2}],
        },
    }
    body = {"device_id": "scale-phone", "items": [item]}
    first = client.post("/api/v1/sync", json=body, headers=auth("0810000001")).get_json()
    again = client.post("/api/v1/sync", json=body, headers=auth("0810000001")).get_json()
    assert first["results"][0]["status"] == "created"
    assert again["results"][0]["status"] == "duplicate"
    assert again["results"][0]["id"] == first["results"][0]["id"]
    assert db_session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
    assert db_session.scalar(select(func.count()).select_from(LedgerLine)) == 1
    assert balance(client, auth, bank, bank["members"][1]) == 10.8


def test_online_deposit_retry_with_client_id(client, auth, bank, db_session):
    client_id = str(uuid.uuid4())
    lines = [{"material": "paper", "kg": "1"}]
    first = deposit(client, auth, bank, bank["members"][0], lines, client_id=client_id)
    second = deposit(client, auth, bank, bank["members"][0], lines, client_id=client_id)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert db_session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_passbook_with_running_balance_and_pdf(client, auth, bank):
    member = bank["members"][0]
    deposit(client, auth, bank, member, [{"material": "paper", "kg": "10"}], day="2024-07-01")
    deposit(client, auth, bank, member, [{"material": "pet", "kg": "2"}], day="2024-08-01")
    client.post(
        f"/api/v1/waste-banks/{bank['id']}/withdrawals",
        headers=auth("town.staff"),
        json={"member_id": member, "amount": "5", "entry_date": "2024-08-02"},
    )
    url = f"/api/v1/waste-banks/{bank['id']}/members/{member}/passbook"
    book = client.get(f"{url}?since=2024-08-01", headers=auth("town.staff")).get_json()
    assert book["opening_balance"] == 30.0
    assert [(e["kind"], e["balance"]) for e in book["entries"]] == [
        ("deposit", 48.0),
        ("withdrawal", 43.0),
    ]
    assert book["closing_balance"] == 43.0
    with client.get(f"{url}.pdf", headers=auth("town.staff")) as pdf:
        assert pdf.status_code == 200
        assert pdf.data.startswith(b"%PDF")


def test_scope_of_members_and_ledger(client, auth, bank):
    # Another LGO's bank: its name is public, its members and money are not.
    elsewhere = client.get(f"/api/v1/waste-banks/{bank['id']}/members", headers=auth("nga.staff"))
    assert elsewhere.status_code == 404
    assert (
        client.get(f"/api/v1/waste-banks/{bank['id']}", headers=auth("nga.staff")).status_code
        == 200
    )
    member = bank["members"][0]
    hidden = client.get(
        f"/api/v1/waste-banks/{bank['id']}/members/{member}", headers=auth("nga.staff")
    )
    assert hidden.status_code == 404
    foreign = client.post(
        f"/api/v1/waste-banks/{bank['id']}/withdrawals",
        headers=auth("nga.staff"),
        json={"member_id": member, "amount": "1"},
    )
    assert foreign.status_code == 404
    # The volunteer of communities 1-3 sees the members living there.
    seen = client.get(f"/api/v1/waste-banks/{bank['id']}/members", headers=auth("0810000001"))
    assert seen.get_json()["meta"]["total"] == 3
    assert (
        client.get(
            f"/api/v1/waste-banks/{bank['id']}/members", headers=auth("province")
        ).status_code
        == 403
    )


def test_members_filtered_by_household(client, auth, bank):
    household = bank["households"][1]
    page = client.get(f"/api/v1/waste-banks/{bank['id']}/members?household_id={household}",
                      headers=auth("town.staff")).get_json()
    assert [m["household_id"] for m in page["items"]] == [household]
