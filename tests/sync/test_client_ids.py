"""What a client id means: one record, whoever sends it again, in this batch or a later one.

Same id, same content: a duplicate (the stored row's id). Same id, other content: the later item
is refused (``client_id_reused``), in the same batch and in a later one, for every kind. An id
held by a row the sender may not see: refused (``client_id_taken``), with no id and no row.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from khaya.auth.models import Role, RoleGrant, User
from khaya.participation.models import Inspection, SortingLog
from khaya.wastebank.models import LedgerEntry, LedgerLine

RESIDENT, VOLUNTEER, STAFF = "0810000011", "0810000001", "town.staff"
# Mueang Nga's people: another LGO than the town's household and bank.
NGA_RESIDENT, NGA_VOLUNTEER, NGA_STAFF = "0810000012", "0810000002", "nga.staff"
# A kind, who in the town records it, and who in Mueang Nga may record it but not see the town's.
KINDS = {
    "sorting_log": (RESIDENT, NGA_RESIDENT),
    "inspection": (VOLUNTEER, NGA_VOLUNTEER),
    "deposit": (STAFF, NGA_STAFF),
}
MODELS = {"sorting_log": SortingLog, "inspection": Inspection, "deposit": LedgerEntry}


def deposit_item(bank: dict, member: int, lines: list[dict], day: str = "2024-07-01") -> dict:
    return {
        "kind": "deposit",
        "client_id": str(uuid.uuid4()),
        "data": {"bank_id": bank["id"], "member_id": bank["members"][member],
                 "deposit_date": day, "lines": lines},
    }


@pytest.fixture
def items(home, bank, log_item, inspection_item):
    """Return ``items(kind) -> (first, other)``: two valid items of a kind, different content."""

    def make(kind: str) -> tuple[dict, dict]:
        if kind == "sorting_log":
            return log_item(home["id"]), log_item(home["id"], streams=["general"])
        if kind == "inspection":
            return inspection_item(home["id"]), inspection_item(home["id"], passed=False)
        return (deposit_item(bank, 0, [{"material": "pet", "kg": "1"}]),
                deposit_item(bank, 0, [{"material": "aluminium", "kg": "50"},
                                       {"material": "paper", "kg": "40"}]))

    return make


def reuse(item: dict, client_id: str) -> dict:
    again = copy.deepcopy(item)
    again["client_id"] = client_id
    return again


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def entries_and_lines(db_session) -> list[tuple[Decimal, Decimal]]:
    """Every deposit's amount beside the sum of its lines."""
    return db_session.execute(
        select(LedgerEntry.amount, func.coalesce(func.sum(LedgerLine.amount), 0))
        .outerjoin(LedgerLine, LedgerLine.entry_id == LedgerEntry.id)
        .where(LedgerEntry.kind == "deposit")
        .group_by(LedgerEntry.id)
    ).tuples().all()


@pytest.mark.parametrize("first_small", [True, False], ids=["small-first", "large-first"])
def test_one_id_for_two_deposits_in_a_batch_keeps_the_first_whole(sync, items, db_session,
                                                                  first_small):
    """Two deposits under one client id once stored the first's amount with the second's lines
    (9.00 against 2,228.00): now the second is refused and the entry matches its lines."""
    small, large = items("deposit")
    first, second = (small, large) if first_small else (large, small)
    status, body = sync(STAFF, [first, reuse(second, first["client_id"])])
    assert status == 200, body
    created, refused = body["results"]
    assert created["status"] == "created"
    assert refused["status"] == "rejected"
    assert refused["code"] == "client_id_reused"
    assert refused["id"] is None
    assert "client_id" in refused["errors"]
    expected = Decimal("9.00") if first_small else Decimal("2120.00")
    assert entries_and_lines(db_session) == [(expected, expected)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_same_item_twice_in_a_batch_is_a_duplicate(sync, items, db_session, kind):
    item, _ = items(kind)
    who, _ = KINDS[kind]
    _, body = sync(who, [item, copy.deepcopy(item)])
    assert [r["status"] for r in body["results"]] == ["created", "duplicate"]
    assert body["results"][0]["id"] == body["results"][1]["id"]
    assert count(db_session, MODELS[kind]) == 1


@pytest.mark.parametrize("kind", list(KINDS))
def test_other_content_under_one_id_in_a_batch_is_refused(sync, items, db_session, kind):
    item, other = items(kind)
    who, _ = KINDS[kind]
    _, body = sync(who, [item, reuse(other, item["client_id"]), copy.deepcopy(item)])
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "duplicate"]
    assert body["results"][1]["code"] == "client_id_reused"
    assert count(db_session, MODELS[kind]) == 1


def test_one_id_for_two_kinds_in_a_batch_is_refused(sync, items, db_session):
    log, _ = items("sorting_log")
    inspection, _ = items("inspection")
    _, body = sync(VOLUNTEER, [log, reuse(inspection, log["client_id"])])
    assert [r["status"] for r in body["results"]] == ["created", "rejected"]
    assert body["results"][1]["code"] == "client_id_reused"
    assert count(db_session, Inspection) == 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_other_content_under_an_id_stored_earlier_is_refused(sync, items, db_session, kind):
    item, other = items(kind)
    who, _ = KINDS[kind]
    _, first = sync(who, [item])
    assert first["results"][0]["status"] == "created"
    _, later = sync(who, [reuse(other, item["client_id"])])
    (result,) = later["results"]
    assert (result["status"], result["code"], result["id"]) == ("rejected", "client_id_reused",
                                                                  None)
    _, replay = sync(who, [item])
    assert (replay["results"][0]["status"], replay["results"][0]["id"]) == (
        "duplicate", first["results"][0]["id"])
    assert count(db_session, MODELS[kind]) == 1


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_id_held_outside_the_senders_scope_tells_nothing(sync, items, db_session, kind):
    """A resident of another LGO probing a stored client id once got ``duplicate`` and the row's
    id; now the answer names no row, whatever the item says."""
    item, _ = items(kind)
    owner, stranger = KINDS[kind]
    _, stored = sync(owner, [item])
    assert stored["results"][0]["status"] == "created"
    for probe in (copy.deepcopy(item), reuse(items(kind)[1], item["client_id"])):
        _, body = sync(stranger, [probe])
        (result,) = body["results"]
        assert result["status"] == "rejected"
        assert result["code"] == "client_id_taken"
        assert result["id"] is None
        assert result["errors"] == {"client_id": ["Already used."]}
    assert count(db_session, MODELS[kind]) == 1


def test_a_replay_of_ones_own_item_after_moving_is_still_a_duplicate(sync, items, db_session,
                                                                     client, auth):
    """The sender recorded the row, so learning its id tells them nothing new."""
    log, _ = items("sorting_log")
    _, first = sync(RESIDENT, [log])
    moved = client.post("/api/v1/households", headers=auth(STAFF), json={
        "village_code": "51010102", "house_number": "moved-1", "registered_on": "2024-01-01"})
    resident = db_session.scalar(select(User).where(User.phone == "+66810000011"))
    grant = db_session.scalar(select(RoleGrant).where(RoleGrant.user_id == resident.id,
                                                      RoleGrant.role == Role.resident))
    grant.household_id = moved.get_json()["id"]
    db_session.commit()
    _, again = sync(RESIDENT, [log])
    assert (again["results"][0]["status"], again["results"][0]["id"]) == (
        "duplicate", first["results"][0]["id"])


def test_an_office_deposit_retried_with_other_lines_is_a_conflict(client, auth, bank, db_session):
    url = f"/api/v1/waste-banks/{bank['id']}/deposits"
    body = {"member_id": bank["members"][0], "deposit_date": "2024-07-01",
            "client_id": str(uuid.uuid4()), "lines": [{"material": "pet", "kg": "1"}]}
    assert client.post(url, headers=auth(STAFF), json=body).status_code == 201
    again = client.post(url, headers=auth(STAFF), json=body)
    assert again.status_code == 201
    other = client.post(url, headers=auth(STAFF),
                        json={**body, "lines": [{"material": "aluminium", "kg": "50"}]})
    assert other.status_code == 409, other.get_json()
    assert other.get_json()["code"] == "client_id_reused"
    assert entries_and_lines(db_session) == [(Decimal("9.00"), Decimal("9.00"))]
