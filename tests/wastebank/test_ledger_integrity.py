"""The database itself keeps every parent/child invariant of the money and the hazardous chain.

Deferred constraint triggers check, when a transaction commits: a deposit's amount is the sum of
its lines (at least one), and no other entry has lines; a reversal mirrors its entry; a welfare
event's debits and credit add up to it; an LGO never hands over more hazardous waste than it
collected. The tests run those checks with ``SET CONSTRAINTS ALL IMMEDIATE`` inside the test's
rolled-back transaction (exactly what a commit runs), and one test commits for real.
Hypothesis tries to break the deposit invariant through the sync API and directly in SQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from khaya.areas.models import Village
from khaya.common.geo import point
from khaya.households.models import Household
from khaya.wastebank.models import EntryKind, LedgerEntry, Member, WasteBank
from khaya.wastebank.services import money

PRICES = {"pet": Decimal("9.00"), "paper": Decimal("3.00"), "aluminium": Decimal("40.00")}
DAY = "2024-07-01"


def broken(db_session) -> str | None:
    """Run the pending deferred checks now, as a commit would; return the invariant broken."""
    try:
        with db_session.begin_nested():
            db_session.execute(text("set constraints all immediate"))
            # Back to waiting for the commit: the mode would outlive the savepoint.
            db_session.execute(text("set constraints all deferred"))
    except DBAPIError as error:
        return error.orig.diag.constraint_name
    return None


def entry(db_session, member: int, kind: str, amount: str | Decimal, **extra) -> int:
    """Insert a ledger entry for ``member`` straight in SQL; return its id. ``household_id``
    may be given to write another household than the member's."""
    columns = {"event_id": None, "reverses_id": None, "household_id": None, **extra}
    return db_session.execute(text("""
        insert into ledger_entries (client_id, bank_id, member_id, household_id, lgo_id,
            village_id, entry_date, kind, amount, event_id, reverses_id, received_at)
        select :client_id, bank_id, id, coalesce(:household_id, household_id), lgo_id,
               village_id, :day, :kind, :amount, :event_id, :reverses_id, now()
        from waste_bank_members where id = :member
        returning id
    """), {"client_id": uuid.uuid4(), "day": DAY, "kind": kind, "amount": Decimal(amount),
           "member": member, **columns}).scalar_one()


def line(db_session, entry_id: int, material: str, kg: str | Decimal,
         price: str | Decimal) -> None:
    kg, price = Decimal(kg), Decimal(price)
    db_session.execute(text("""
        insert into ledger_lines (entry_id, material, kg, unit_price, amount)
        values (:entry, :material, :kg, :price, round(:kg * :price, 2))
    """), {"entry": entry_id, "material": material, "kg": kg, "price": price})


@pytest.fixture
def attempt(db_session, connection):
    """Run the test's writes in a savepoint of the connection (requests included), undone
    afterwards; yield ``broken``."""
    savepoint = connection.begin_nested()
    try:
        yield lambda: broken(db_session)
    finally:
        db_session.remove()
        savepoint.rollback()


# Deposits and their lines ----------------------------------------------------------------------


def test_a_balanced_deposit_passes(db_session, bank, attempt):
    deposit = entry(db_session, bank["members"][0], "deposit", "21.00")
    line(db_session, deposit, "pet", "1", "9")
    line(db_session, deposit, "paper", "4", "3")
    assert attempt() is None


@pytest.mark.parametrize(("amount", "lines"), [
    ("9.00", []),
    ("9.00", [("aluminium", "50", "40"), ("paper", "40", "3")]),
    ("2120.00", [("pet", "1", "9")]),
    ("20.99", [("pet", "1", "9"), ("paper", "4", "3")]),
], ids=["no-lines", "lines-worth-more", "lines-worth-less", "a-cent-off"])
def test_a_deposit_whose_lines_disagree_is_refused(db_session, bank, attempt, amount, lines):
    deposit = entry(db_session, bank["members"][0], "deposit", amount)
    for material, kg, price in lines:
        line(db_session, deposit, material, kg, price)
    assert attempt() == "ledger_entry_balanced"


def test_a_line_added_to_a_stored_deposit_is_refused(db_session, bank, attempt):
    deposit = entry(db_session, bank["members"][0], "deposit", "9.00")
    line(db_session, deposit, "pet", "1", "9")
    assert broken(db_session) is None
    line(db_session, deposit, "paper", "1", "3")
    assert attempt() == "ledger_entry_balanced"


def test_lines_on_a_withdrawal_are_refused(db_session, bank, attempt):
    paid = entry(db_session, bank["members"][0], "withdrawal", "-9.00")
    line(db_session, paid, "pet", "1", "9")
    assert attempt() == "ledger_entry_balanced"


def test_an_entry_for_another_household_than_its_members_is_refused(db_session, bank, attempt):
    """The entry of member 1 written against member 2's household."""
    entry(db_session, bank["members"][0], "withdrawal", "-1.00",
          household_id=bank["households"][1])
    assert attempt() == "ledger_entry_of_its_member"


# Reversals ----------------------------------------------------------------------------------------


def _deposit(db_session, member: int) -> int:
    deposit = entry(db_session, member, "deposit", "9.00")
    line(db_session, deposit, "pet", "1", "9")
    return deposit


def test_a_reversal_mirrors_its_entry(db_session, bank, attempt):
    deposit = _deposit(db_session, bank["members"][0])
    entry(db_session, bank["members"][0], "reversal", "-9.00", reverses_id=deposit)
    assert attempt() is None


@pytest.mark.parametrize("wrong", ["amount", "member", "a-reversal"])
def test_a_reversal_that_does_not_mirror_is_refused(db_session, bank, attempt, wrong):
    members = bank["members"]
    original = _deposit(db_session, members[0])
    if wrong == "a-reversal":
        original = entry(db_session, members[0], "reversal", "-9.00", reverses_id=original)
        assert broken(db_session) is None
        entry(db_session, members[0], "reversal", "9.00", reverses_id=original)
    else:
        entry(db_session, members[1] if wrong == "member" else members[0], "reversal",
              "-9.00" if wrong == "member" else "-90.00", reverses_id=original)
    assert attempt() == "ledger_reversal_mirrors"


def test_only_reversals_reverse_and_only_welfare_names_an_event(db_session, bank):
    deposit = _deposit(db_session, bank["members"][0])
    with pytest.raises(IntegrityError, match="only_reversals_reverse"), \
            db_session.begin_nested():
        entry(db_session, bank["members"][0], "withdrawal", "-1.00", reverses_id=deposit)
    with pytest.raises(IntegrityError, match="only_welfare_names_an_event"), \
            db_session.begin_nested():
        entry(db_session, bank["members"][0], "welfare_debit", "-1.00")


# Welfare events ---------------------------------------------------------------------------------


def _event(db_session, bank: dict, share: str, debited: int, total: str) -> int:
    return db_session.execute(text("""
        insert into welfare_events (bank_id, kind, beneficiary_member_id, event_date,
            amount_per_member, members_debited, total, created_at)
        values (:bank, 'funeral', :beneficiary, :day, :share, :debited, :total, now())
        returning id
    """), {"bank": bank["id"], "beneficiary": bank["members"][0], "day": DAY, "share": share,
           "debited": debited, "total": total}).scalar_one()


def test_the_api_welfare_event_passes(client, auth, db_session, bank, attempt):
    response = client.post(f"/api/v1/waste-banks/{bank['id']}/welfare-events",
                           headers=auth("town.staff"),
                           json={"beneficiary_member_id": bank["members"][0],
                                 "amount_per_member": "20"})
    assert response.status_code == 201, response.get_json()
    assert attempt() is None


@pytest.mark.parametrize("wrong", ["total", "a-debit-missing", "a-debit-twice",
                                   "the-bereaved-pays", "credit-short", "credit-elsewhere",
                                   "no-credit", "a-share-off"])
def test_a_welfare_event_that_does_not_add_up_is_refused(db_session, bank, attempt, wrong):
    bereaved, *payers = bank["members"]
    event = _event(db_session, bank, "20.00", 2, "50.00" if wrong == "total" else "40.00")
    debtors = {"a-debit-missing": payers[:1], "a-debit-twice": [payers[0], payers[0]],
               "the-bereaved-pays": [payers[0], bereaved]}.get(wrong, payers)
    for index, who in enumerate(debtors):
        share = "-21.00" if wrong == "a-share-off" and index == 0 else "-20.00"
        entry(db_session, who, "welfare_debit", share, event_id=event)
    if wrong != "no-credit":
        entry(db_session, payers[1] if wrong == "credit-elsewhere" else bereaved,
              "welfare_credit", "30.00" if wrong == "credit-short" else "40.00", event_id=event)
    assert attempt() == "welfare_event_balanced"


def test_a_welfare_event_made_right_by_hand_passes(db_session, bank, attempt):
    bereaved, *payers = bank["members"]
    event = _event(db_session, bank, "20.00", 2, "40.00")
    for who in payers:
        entry(db_session, who, "welfare_debit", "-20.00", event_id=event)
    entry(db_session, bereaved, "welfare_credit", "40.00", event_id=event)
    assert attempt() is None
    # Editing the event afterwards breaks it just the same.
    db_session.execute(text("update welfare_events set total = 60 where id = :id"), {"id": event})
    assert broken(db_session) == "welfare_event_balanced"


# Photos of logs and inspections ----------------------------------------------------------------


@pytest.mark.parametrize("table", ["sorting_logs", "inspections"])
def test_a_record_citing_another_households_photo_is_refused(db_session, bank, attempt, table):
    """The sync checks it too; the database holds it whatever writes the row."""
    mine, theirs = bank["households"][:2]
    photo = uuid.uuid4()
    db_session.execute(text("""
        insert into photos (id, household_id, lgo_id, village_id, content_type, data, size,
                            sha256, created_at)
        select :photo, id, lgo_id, village_id, 'image/png', '\\x00', 1, repeat('0', 64), now()
        from households where id = :theirs
    """), {"photo": photo, "theirs": theirs})
    columns = ("log_date, streams" if table == "sorting_logs" else
               "inspected_on, registered, bin_built, food_waste_in_bin, lid_closed,"
               " used_correctly, passed, mock_location")
    values = ("'2024-07-01', array['organic']" if table == "sorting_logs" else
              "'2024-07-01', true, true, true, true, true, true, false")
    db_session.execute(text(f"""
        insert into {table} (client_id, household_id, lgo_id, village_id, photo_id, received_at,
                             {columns})
        select :client_id, id, lgo_id, village_id, :photo, now(), {values}
        from households where id = :mine
    """), {"client_id": uuid.uuid4(), "photo": photo, "mine": mine})
    assert attempt() == "photo_of_its_household"


# The hazardous-waste chain --------------------------------------------------------------------


KG_COLUMNS = ("kg_bulbs", "kg_batteries", "kg_spray_cans", "kg_pesticide_containers",
              "kg_e_waste", "kg_other")


def _chain_row(db_session, table: str, lgo_id: int, point_id: int, day: str, batteries: str,
               receipt: str | None = None) -> int:
    day_column, point_column = (("collected_on", "point_id") if table == "hazardous_collections"
                                else ("handed_over_on", "to_point_id"))
    receipt_column = ", receipt_number" if receipt else ""
    return db_session.execute(text(f"""
        insert into {table} (client_id, lgo_id, {point_column}, {day_column}, created_at,
            {", ".join(KG_COLUMNS)}{receipt_column})
        values (:client_id, :lgo, :point, :day, now(), 0, :kg, 0, 0, 0, 0
                {", :receipt" if receipt else ""})
        returning id
    """), {"client_id": uuid.uuid4(), "lgo": lgo_id, "point": point_id, "day": day,
           "kg": Decimal(batteries), "receipt": receipt}).scalar_one()


@pytest.fixture
def chain(db_session, attempt):
    """A drop-off point and a hand-over point of the town, made inside ``attempt``'s savepoint;
    return (lgo id, drop-off, hand-over point)."""
    village = db_session.scalar(select(Village).where(Village.code == "51010101"))
    rows = db_session.execute(text("""
        insert into collection_points (lgo_id, kind, name_th, point, streams, opening, status,
                                       created_at, updated_at)
        values (:lgo, 'hazardous_dropoff', 'จุดทดสอบ', st_setsrid(st_makepoint(99.01, 18.58), 4326),
                array['hazardous'], '{}', 'active', now(), now()),
               (:lgo, 'pao_handover', 'จุดส่งมอบทดสอบ',
                st_setsrid(st_makepoint(99.02, 18.58), 4326),
                array['hazardous'], '{}', 'active', now(), now())
        returning id
    """), {"lgo": village.lgo_id}).scalars().all()
    return village.lgo_id, rows[0], rows[1]


def test_hand_overs_within_what_was_collected_pass(db_session, chain, attempt):
    lgo, dropoff, pao = chain
    _chain_row(db_session, "hazardous_collections", lgo, dropoff, "2024-03-05", "10")
    _chain_row(db_session, "hazardous_handovers", lgo, pao, "2024-03-25", "10", "R-1")
    assert attempt() is None


@pytest.mark.parametrize("wrong", ["more-than-collected", "before-it-was-collected",
                                   "a-collection-deleted", "a-collection-lowered"])
def test_handing_over_more_than_collected_is_refused(db_session, chain, attempt, wrong):
    lgo, dropoff, pao = chain
    collected = _chain_row(db_session, "hazardous_collections", lgo, dropoff, "2024-03-05", "10")
    if wrong == "more-than-collected":
        _chain_row(db_session, "hazardous_handovers", lgo, pao, "2024-03-25", "10.01", "R-1")
    elif wrong == "before-it-was-collected":
        _chain_row(db_session, "hazardous_handovers", lgo, pao, "2024-03-04", "5", "R-1")
    else:
        _chain_row(db_session, "hazardous_handovers", lgo, pao, "2024-03-25", "8", "R-1")
        assert broken(db_session) is None
        statement = ("delete from hazardous_collections where id = :id"
                     if wrong == "a-collection-deleted"
                     else "update hazardous_collections set kg_batteries = 7 where id = :id")
        db_session.execute(text(statement), {"id": collected})
    assert attempt() == "hazardous_within_collected"


# A real commit --------------------------------------------------------------------------------


def test_a_commit_with_an_unbalanced_deposit_fails_and_leaves_nothing(app):
    """Outside the tests' rolled-back transaction: the check runs at COMMIT itself."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    house = f"commit-{uuid.uuid4().hex[:8]}"
    try:
        with Session(engine) as session:
            village = session.scalar(select(Village).where(Village.code == "51010101"))
            household = Household(lgo_id=village.lgo_id, village_id=village.id, house_number=house,
                                  members=1, registered_on=dt.date(2024, 1, 1),
                                  point=point(99.01, 18.58))
            bank = WasteBank(lgo_id=village.lgo_id, name_th="ธนาคารขยะทดสอบการบันทึก")
            session.add_all([household, bank])
            session.flush()
            member = Member(bank_id=bank.id, household_id=household.id, lgo_id=village.lgo_id,
                            village_id=village.id, member_number=1, joined_on=dt.date(2024, 1, 2))
            session.add(member)
            session.flush()
            session.add(LedgerEntry(bank_id=bank.id, member_id=member.id,
                                    household_id=household.id, lgo_id=village.lgo_id,
                                    village_id=village.id, entry_date=dt.date(2024, 2, 1),
                                    kind=EntryKind.deposit, amount=Decimal("2228.00")))
            session.flush()  # the statement itself is accepted: the check waits for COMMIT
            with pytest.raises(IntegrityError, match="ledger_entry_balanced|line"):
                session.commit()
        with Session(engine) as session:
            assert session.scalar(select(Household.id).where(Household.house_number == house)) \
                is None
    finally:
        engine.dispose()


# Hypothesis -----------------------------------------------------------------------------------

kg = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60"), places=2)
lines = st.lists(st.tuples(st.sampled_from([*PRICES, "glass"]), kg), min_size=1, max_size=3,
                 unique_by=lambda pair: pair[0])
deposit_item = st.tuples(st.integers(0, 3), st.integers(0, 2), lines)  # client slot, member
batches = st.lists(st.lists(deposit_item, min_size=1, max_size=6), min_size=1, max_size=3)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def unbalanced(db_session, bank_id: int) -> list:
    return db_session.execute(text("""
        select e.id, e.amount, coalesce(sum(l.amount), 0) from ledger_entries e
        left join ledger_lines l on l.entry_id = e.id
        where e.kind = 'deposit' and e.bank_id = :bank
        group by e.id having e.amount <> coalesce(sum(l.amount), 0)
    """), {"bank": bank_id}).all()


@SETTINGS
@given(batches=batches)
def test_no_sync_batch_can_unbalance_a_deposit(client, auth, db_session, connection, bank,
                                               batches):
    """Random batches with client ids repeated within and across them: every item gets the
    answer the rules say, and every stored deposit equals its lines."""
    headers = auth("town.staff")
    slots = [str(uuid.uuid4()) for _ in range(4)]
    stored: dict[int, tuple] = {}  # slot -> content of the stored deposit
    savepoint = connection.begin_nested()
    try:
        for batch in batches:
            items, expected, firsts = [], [], {}
            for slot, member, drawn in batch:
                content = (member, tuple((m, str(w)) for m, w in drawn))
                valid = all(m in PRICES for m, _ in drawn)
                if slot in firsts:
                    first_content, first_status = firsts[slot]
                    status = (("rejected", "client_id_reused") if content != first_content
                              else ("duplicate", None) if first_status[0] != "rejected"
                              else first_status)
                elif slot in stored:
                    status = (("duplicate", None) if stored[slot] == content
                              else ("rejected", "client_id_reused"))
                else:
                    status = ("created", None) if valid else ("rejected", None)
                    if valid:
                        stored[slot] = content
                firsts.setdefault(slot, (content, status))
                expected.append(status)
                items.append({"kind": "deposit", "client_id": slots[slot], "data": {
                    "bank_id": bank["id"], "member_id": bank["members"][member],
                    "deposit_date": DAY,
                    "lines": [{"material": m, "kg": str(w)} for m, w in drawn]}})
            response = client.post("/api/v1/sync", headers=headers,
                                   json={"device_id": "hypothesis", "items": items})
            assert response.status_code == 200, response.get_json()
            answered = [(r["status"], r["code"]) for r in response.get_json()["results"]]
            assert answered == expected
            assert broken(db_session) is None
            assert unbalanced(db_session, bank["id"]) == []
    finally:
        db_session.remove()
        savepoint.rollback()


@SETTINGS
@given(kind=st.sampled_from(["deposit", "withdrawal"]),
       amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000"), places=2),
       drawn=st.lists(st.tuples(st.sampled_from(list(PRICES)), kg), max_size=3),
       honest=st.booleans())
def test_no_sql_can_unbalance_an_entry(db_session, bank, kind, amount, drawn, honest):
    """Rows written straight in SQL: the checks refuse exactly the inconsistent ones."""
    total = sum((money(w * PRICES[m]) for m, w in drawn), Decimal(0))
    if honest and kind == "deposit" and drawn:
        amount = total
    signed = amount if kind == "deposit" else -amount
    consistent = (kind == "deposit" and bool(drawn) and total == amount) or (
        kind == "withdrawal" and not drawn)
    savepoint = db_session.begin_nested()
    try:
        made = entry(db_session, bank["members"][0], kind, signed)
        for material, weight in drawn:
            line(db_session, made, material, weight, PRICES[material])
        assert broken(db_session) == (None if consistent else "ledger_entry_balanced")
    finally:
        savepoint.rollback()
