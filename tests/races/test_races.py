"""Races through a live server: real transactions at once, never savepoints on one connection.

Each test starts its requests together against the app served in a thread on the session's
database, and a gate (``_support.Gate``) holds them in PostgreSQL until every one of them is in,
so the overlap is certain, not lucky. Then it checks what must hold in any order:

- two withdrawals that together overdraw: one is paid, the other answers 422
  ``insufficient_balance``; the balance never goes below zero;
- two reversals of one entry: one reversal, the other answers 409 ``already_reversed``;
- four phones syncing into one village at once: every item stored once, the figures move by
  what was stored, and ``flask analytics reconcile`` finds the rollups equal to the raw rows,
  whether a worker applied the changes or each sync did in its own transaction;
- a deadlock forced between two sync batches: the sync retries the batch PostgreSQL cancelled,
  and every item ends stored once;
- two batches holding the same items of two kinds in opposite orders: no deadlock at all;
- export jobs past the per-user limit: exactly the limit are queued, the rest answer 429;
- one household edited by two people: one edit is saved, the other answers 409
  ``version_conflict`` with both versions.

Nothing here is rolled back: what the module makes is deleted at its end, and the rollups of
the days it touched are rebuilt from the raw rows. Audit events are append-only and stay.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from khaya.analytics.rebuild import rebuild
from khaya.auth.models import AuthSession, User, utcnow
from khaya.auth.passwords import normalize_phone
from khaya.auth.tokens import issue_access_token
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.jobs import worker
from tests.e2e._browser import delete_households
from tests.participation._proxy import live_server
from tests.races._support import Answer, at_once, call, execute, gate, installed

STAFF, ADMIN, VOLUNTEER = "town.staff", "town.admin", "0810000001"
VILLAGE = "51010101"  # a community of Lamphun Town Municipality
HOME = {"type": "Point", "coordinates": [99.0121, 18.5865]}
PET_PRICE = Decimal("10.00")
DEVICE = "race-"  # every device id and sign-in session of this module starts so


@dataclass
class World:
    app: Flask
    server: tuple[str, int]
    tokens: dict[str, str]
    bank_id: int
    registered_on: dt.date
    households: list[int] = field(default_factory=list)

    def call(self, method: str, path: str, login: str, body: Any = None) -> Answer:
        return call(self.server, method, f"/api/v1{path}", self.tokens[login], body)

    def ok(self, method: str, path: str, body: Any = None, login: str = STAFF) -> Any:
        answer = self.call(method, path, login, body)
        assert answer.status in (200, 201), (path, answer)
        return answer.body

    def household(self) -> int:
        """Register a fresh household of the village (removed at the end)."""
        made = self.ok("POST", "/households", {
            "village_code": VILLAGE, "house_number": f"R-{uuid.uuid4().hex[:8]}",
            "members": 3, "registered_on": self.registered_on.isoformat(), "point": HOME})
        self.households.append(made["id"])
        return made["id"]

    def member(self, kg: str) -> tuple[int, int]:
        """Enrol a fresh household at the bank with one deposit of ``kg`` of PET; return the
        member's and the deposit's ids."""
        member = self.ok("POST", f"/waste-banks/{self.bank_id}/members",
                         {"household_id": self.household(),
                          "joined_on": self.registered_on.isoformat()})
        deposit = self.ok("POST", f"/waste-banks/{self.bank_id}/deposits", {
            "member_id": member["id"], "deposit_date": local_today().isoformat(),
            "lines": [{"material": "pet", "kg": kg}]})
        return member["id"], deposit["id"]

    def balance(self, member_id: int) -> float:
        return self.ok("GET", f"/waste-banks/{self.bank_id}/members/{member_id}")["balance"]

    def scalar(self, sql: str, **params: Any) -> Any:
        return execute(self.app, sql, **params)


def _token(app: Flask, login: str) -> str:
    with app.app_context():
        phone = normalize_phone(login)
        user_id = db.session.scalar(
            select(User.id).where(User.phone == phone if phone else User.username == login))
        session = AuthSession(user_id=user_id, device_id=DEVICE + login)
        db.session.add(session)
        db.session.commit()
        token, _ = issue_access_token(user_id, session.id, utcnow())
        db.session.remove()
    return token


def _clean_up(app: Flask, households: list[int], banks: list[int]) -> None:
    delete_households(app, households)
    with app.app_context():
        for sql in ("delete from waste_bank_prices where bank_id = any(:banks)",
                    "delete from waste_banks where id = any(:banks)",
                    "delete from auth_sessions where device_id like 'race-%'",
                    "delete from pending_changes",
                    "delete from procrastinate_jobs",
                    "delete from procrastinate_workers"):
            db.session.execute(db.text(sql), {"banks": banks})
        # The rows are gone from the raw tables; the rollups follow them.
        rebuild(local_today() - dt.timedelta(days=40), local_today())
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[World]:
    """A live server, three signed-in people of the town and a waste bank with a PET price."""
    banks: list[int] = []
    households: list[int] = []
    with live_server(app) as server:
        try:
            tokens = {login: _token(app, login) for login in (STAFF, ADMIN, VOLUNTEER)}
            bank = call(server, "POST", "/api/v1/waste-banks", tokens[STAFF],
                        {"name_th": f"ธนาคารขยะแข่งกัน {uuid.uuid4().hex[:4]}"})
            assert bank.status == 201, bank
            banks.append(bank.body["id"])
            registered_on = local_today() - dt.timedelta(days=30)
            world = World(app, server, tokens, bank.body["id"], registered_on, households)
            world.ok("POST", f"/waste-banks/{world.bank_id}/prices", {
                "material": "pet", "price_per_kg": str(PET_PRICE),
                "valid_from": registered_on.isoformat()})
            yield world
        finally:
            _clean_up(app, households, banks)


# --- money ------------------------------------------------------------------------------------


def test_two_withdrawals_that_together_overdraw_pay_only_one(world: World):
    member, _ = world.member("10")  # 100 baht
    assert world.balance(member) == 100.0
    path = f"/waste-banks/{world.bank_id}/withdrawals"
    with gate(world.app, "ledger_entries") as held:
        answers = at_once(
            [lambda login=login: world.call("POST", path, login,
                                            {"member_id": member, "amount": "60.00"})
             for login in (STAFF, ADMIN)],
            lambda futures: held.open_when_blocked(2, futures))
    # Both were in the database at once: one at the gate, the other behind it.
    assert held.reached == 2
    assert sorted(a.status for a in answers) == [201, 422], answers
    refused = next(a for a in answers if a.status == 422)
    assert refused.code == "insufficient_balance"
    # The refused one saw the other's withdrawal, not the balance both started from.
    assert refused.body["balance"] == 40.0
    assert world.balance(member) == 40.0
    assert world.scalar("select count(*) from ledger_entries where member_id = :m"
                        " and kind = 'withdrawal'", m=member) == 1


def test_two_reversals_of_one_entry_make_one(world: World):
    member, deposit = world.member("5")  # 50 baht
    path = f"/waste-banks/{world.bank_id}/entries/{deposit}/reverse"
    with gate(world.app, "ledger_entries") as held:
        answers = at_once(
            [lambda login=login: world.call("POST", path, login, {"note": f"wrong scale ({login})"})
             for login in (STAFF, ADMIN)],
            lambda futures: held.open_when_blocked(2, futures))
    assert held.reached == 2
    assert sorted(a.status for a in answers) == [201, 409], answers
    assert next(a for a in answers if a.status == 409).code == "already_reversed"
    assert world.scalar("select count(*) from ledger_entries where reverses_id = :d",
                        d=deposit) == 1
    assert world.balance(member) == 0.0


# --- sync -------------------------------------------------------------------------------------


def _log(client_id: uuid.UUID, household: int, day: dt.date) -> dict[str, Any]:
    return {"kind": "sorting_log", "client_id": str(client_id), "data": {
        "household_id": household, "log_date": day.isoformat(),
        "streams": ["organic", "recyclable"], "organic_handling": "wet_bin",
        "kg_recyclable": 1.5}}


def _deposit(world: World, client_id: uuid.UUID, member: int, day: dt.date) -> dict[str, Any]:
    return {"kind": "deposit", "client_id": str(client_id), "data": {
        "bank_id": world.bank_id, "member_id": member, "deposit_date": day.isoformat(),
        "lines": [{"material": "pet", "kg": "2"}]}}


def _check_once(answers: list[Answer], batches: list[dict[str, Any]]) -> dict[str, int]:
    """Every item answered created or duplicate, each client id created by exactly one batch
    and answered with one id everywhere; return {client id: row id}."""
    created: Counter[str] = Counter()
    ids: dict[str, set[int]] = {}
    for answer, batch in zip(answers, batches, strict=True):
        assert answer.status == 200, answer
        results = answer.body["results"]
        assert [r["client_id"] for r in results] == [i["client_id"] for i in batch["items"]]
        for result in results:
            assert result["status"] in ("created", "duplicate"), result
            created[result["client_id"]] += result["status"] == "created"
            ids.setdefault(result["client_id"], set()).add(result["id"])
    assert set(created.values()) == {1}, created
    assert all(len(found) == 1 for found in ids.values()), ids
    return {cid: found.pop() for cid, found in ids.items()}


def _stored(world: World, client_ids: Iterable[str]) -> int:
    """Count the logs and ledger entries stored under these client ids."""
    return world.scalar(
        "select (select count(*) from sorting_logs where client_id = any(cast(:c as uuid[])))"
        " + (select count(*) from ledger_entries where client_id = any(cast(:c as uuid[])))",
        c=list(client_ids))


FIGURES = ("select coalesce(sum(logs), 0), coalesce(sum(households), 0),"
           " coalesce(sum(kg_recyclable), 0), coalesce(sum(deposits), 0),"
           " coalesce(sum(deposit_kg), 0)"
           " from village_days where village_id = (select id from villages where code = :v)"
           " and day = any(:days)")


def _figures(world: World, days: list[dt.date]) -> tuple:
    with world.app.app_context():
        row = db.session.execute(db.text(FIGURES), {"v": VILLAGE, "days": days}).one()
        db.session.remove()
    return tuple(row)


@pytest.fixture(params=["worker", "sync"])
def applied_by(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    """Who applies the rollup changes: a queue worker afterwards (production), or each sync in
    its own transaction (``CHANGES_INLINE``), where the appliers race each other too. The test
    switches once its own set-up is counted."""
    yield request.param
    app.config["CHANGES_INLINE"] = True


def test_parallel_sync_batches_into_one_village_reconcile(world: World, applied_by: str):
    homes = [world.household() for _ in range(3)]
    member, _ = world.member("1")
    today = local_today()
    days = [today - dt.timedelta(days=n) for n in range(6)]
    # Start from rollups that agree with the rows, whatever tests before this one left in the
    # shared database (rows committed straight in SQL, registers not yet refreshed): the race
    # below must keep them agreeing.
    worker.run(world.app, once=True, queues=["rollups"])
    repaired = world.app.test_cli_runner().invoke(args=[
        "analytics", "reconcile", "--from", days[-1].isoformat(), "--to", today.isoformat(),
        "--repair"])
    assert repaired.exit_code == 0, repaired.output
    before = _figures(world, days)
    world.app.config["CHANGES_INLINE"] = applied_by == "sync"
    # The same two items reach every phone (one typed it, the others got it by hand-over).
    shared = [_log(uuid.uuid4(), homes[0], days[0]),
              _deposit(world, uuid.uuid4(), member, days[1])]
    logins = (STAFF, VOLUNTEER, STAFF, VOLUNTEER)
    batches = []
    for phone in range(len(logins)):
        # Phones 0 and 3 log the same households on the same days, so their day masks meet.
        items = [_log(uuid.uuid4(), home, day)
                 for h, home in enumerate(homes) for d, day in enumerate(days)
                 if (h + d + phone) % 3 == 0]
        items += [_deposit(world, uuid.uuid4(), member, days[phone])] + shared
        batches.append({"device_id": f"{DEVICE}sync-{phone}", "items": items})
    with gate(world.app, "sorting_logs") as held:
        answers = at_once(
            [lambda login=login, batch=batch: world.call("POST", "/sync", login, batch)
             for login, batch in zip(logins, batches, strict=True)],
            lambda futures: held.open_when_blocked(len(batches), futures))
    assert held.reached == len(batches)
    rows = _check_once(answers, batches)
    assert _stored(world, rows) == len(rows)

    pending = world.scalar("select count(*) from pending_changes")
    if applied_by == "worker":
        assert pending >= len(batches)  # answered and committed; the figures wait
        worker.run(world.app, once=True, queues=["rollups"])
        assert world.scalar("select count(*) from pending_changes") == 0
    else:
        assert pending == 0

    # The figures moved by what was stored, worked out from the items themselves.
    logs = {i["client_id"]: i["data"] for b in batches for i in b["items"]
            if i["kind"] == "sorting_log"}
    deposits = {i["client_id"] for b in batches for i in b["items"] if i["kind"] == "deposit"}
    per_day = {(d["household_id"], d["log_date"]) for d in logs.values()}
    expected = (len(logs), len(per_day), Decimal("1.5") * len(logs), len(deposits),
                2 * len(deposits))
    moved = tuple(after - was for after, was in zip(_figures(world, days), before, strict=True))
    assert moved == expected

    result = world.app.test_cli_runner().invoke(args=[
        "analytics", "reconcile", "--from", days[-1].isoformat(), "--to", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


DEADLOCK = """
create function race_deadlock() returns trigger language plpgsql as $$
declare
    mine int;
    theirs int;
begin
    if new.device_id = 'race-deadlock-1' then mine := 1; theirs := 2;
    elsif new.device_id = 'race-deadlock-2' then mine := 2; theirs := 1;
    else return new;
    end if;
    -- A sequence is not rolled back, so only the first row of each batch's first attempt
    -- takes part: a retried batch goes straight through.
    if nextval(format('race_deadlock_%s', mine)::regclass) = 1 then
        perform pg_advisory_xact_lock(21059, mine);
        -- Until the other batch holds its lock (bounded under the requests' 30 s limit);
        -- then each waits for the other's, and PostgreSQL cancels one of them.
        for i in 1..2000 loop
            exit when exists (select from pg_locks where locktype = 'advisory'
                              and classid = 21059 and objid = theirs and granted);
            perform pg_sleep(0.01);
        end loop;
        perform pg_advisory_xact_lock(21059, theirs);
    end if;
    return new;
end $$
"""


@pytest.fixture
def deadlock(app: Flask) -> Iterator[None]:
    """A trigger that makes two sync batches lock in opposite orders on their first try."""
    with installed(app, [
        "create sequence race_deadlock_1", "create sequence race_deadlock_2", DEADLOCK,
        "create trigger race_deadlock before insert on sorting_logs"
        " for each row execute function race_deadlock()",
    ], [
        "drop trigger if exists race_deadlock on sorting_logs",
        "drop function if exists race_deadlock()",
        "drop sequence if exists race_deadlock_1",
        "drop sequence if exists race_deadlock_2",
    ]):
        yield


def test_a_forced_deadlock_is_retried_by_the_sync(world: World, deadlock: None):
    homes = [world.household(), world.household()]
    days = [local_today() - dt.timedelta(days=n) for n in range(3)]
    # No log is in both batches: a shared client id would line the two up at their claims
    # (taken in client id order, before either reaches the log table), and the trigger's
    # deadlock could not form. Shared items are the chaos test's.
    batches = [{"device_id": f"{DEVICE}deadlock-{n + 1}",
                "items": [_log(uuid.uuid4(), home, day) for day in days]}
               for n, home in enumerate(homes)]
    answers = at_once([lambda batch=batch: world.call("POST", "/sync", STAFF, batch)
                       for batch in batches])
    rows = _check_once(answers, batches)
    assert _stored(world, rows) == len(rows)
    # Rows each batch's trigger saw, beyond its own: 1 for the attempt PostgreSQL cancelled.
    tries = sorted(world.scalar(f"select last_value from race_deadlock_{n + 1}")
                   - len(batch["items"]) for n, batch in enumerate(batches))
    assert tries == [0, 1]


COUNT_ROWS = """
create function race_count() returns trigger language plpgsql as $$
begin
    -- Every row a batch tries to insert, counted outside its transaction (a sequence is not
    -- rolled back): a batch tried twice counts its rows twice.
    if new.device_id like 'race-order-_' then
        perform nextval(format('race_order_%s', right(new.device_id, 1))::regclass);
    end if;
    return new;
end $$
"""


@pytest.fixture
def tries(app: Flask) -> Iterator[dict[str, str]]:
    """Count the rows the devices ``race-order-1`` and ``-2`` try to insert, in a sequence each."""
    sequences = {n: f"race_order_{n}" for n in ("1", "2")}
    tables = ("sorting_logs", "ledger_entries")
    with installed(app, [
        *(f"create sequence {s}" for s in sequences.values()), COUNT_ROWS,
        *(f"create trigger race_count before insert on {t}"
          " for each row execute function race_count()" for t in tables),
    ], [
        *(f"drop trigger if exists race_count on {t}" for t in tables),
        "drop function if exists race_count()",
        *(f"drop sequence if exists {s}" for s in sequences.values()),
    ]):
        yield sequences


def test_the_same_items_of_two_kinds_in_opposite_orders_do_not_deadlock(
        world: World, tries: dict[str, str]):
    """Two phones hold the same log and deposit, listed in opposite orders. Each batch has
    stored its first item when both go on to the second: the kinds must be stored in one
    order whatever the batch's, or each waits for the other's row and PostgreSQL cancels one
    (absorbed by a retry, but a second's delay and the whole batch again)."""
    member, _ = world.member("1")
    log = _log(uuid.uuid4(), world.household(), local_today())
    deposit = _deposit(world, uuid.uuid4(), member, local_today())
    batches = [{"device_id": "race-order-1", "items": [log, deposit]},
               {"device_id": "race-order-2", "items": [deposit, log]}]
    with gate(world.app, "sorting_logs", "ledger_entries", when="after") as held:
        answers = at_once(
            [lambda batch=batch: world.call("POST", "/sync", STAFF, batch) for batch in batches],
            lambda futures: held.open_when_blocked(len(batches), futures))
    assert held.reached == len(batches)
    assert _stored(world, _check_once(answers, batches)) == 2
    # Each batch went through once, none again: the log's client id is claimed once, so the
    # batch that claims it second never tries the log's row (1 row tried), the other both.
    assert sorted(world.scalar(f"select last_value from {tries[n]}") for n in ("1", "2")) \
        == [1, 2]


# --- exports and the register -----------------------------------------------------------------


@pytest.fixture
def queued_exports(app: Flask) -> Iterator[None]:
    """Export jobs wait for a worker (none runs), so they stay active."""
    app.config["EXPORT_JOBS_INLINE"] = False
    try:
        yield
    finally:
        app.config.pop("EXPORT_JOBS_INLINE", None)
        execute(app, "delete from export_jobs where user_id ="
                     " (select id from users where username = :u)", u=STAFF)


def test_export_jobs_racing_past_the_limit_queue_only_the_limit(world: World, queued_exports):
    limit = world.app.config["EXPORT_MAX_ACTIVE_JOBS"]
    active = ("select count(*) from export_jobs where status in ('queued', 'running')"
              " and user_id = (select id from users where username = :u)")
    waiting = world.scalar(active, u=STAFF)
    assert waiting < limit
    body = {"format": "csv", "from": "2024-10", "to": "2025-03"}
    requests = limit - waiting + 2
    with gate(world.app, "export_jobs") as held:
        answers = at_once(
            [lambda: world.call("POST", "/exports/jobs", STAFF, body)] * requests,
            lambda futures: held.open_when_blocked(requests, futures))
    assert held.reached == requests
    assert Counter(a.status for a in answers) == {202: limit - waiting, 429: 2}, answers
    assert {a.code for a in answers if a.status == 429} == {"too_many_export_jobs"}
    assert world.scalar(active, u=STAFF) == limit


def test_a_household_edited_by_two_people_at_once_keeps_one_edit(world: World):
    home = world.household()
    names = {STAFF: "นางสาวหนึ่ง ใจดี", ADMIN: "นายสอง รักษ์โลก"}
    with gate(world.app, "households", event="update") as held:
        answers = at_once(
            [lambda login=login: world.call("PATCH", f"/households/{home}", login,
                                            {"version": 1, "head_name": names[login]})
             for login in (STAFF, ADMIN)],
            lambda futures: held.open_when_blocked(2, futures))
    assert held.reached == 2
    assert sorted(a.status for a in answers) == [200, 409], answers
    saved = next(a for a in answers if a.status == 200).body
    refused = next(a for a in answers if a.status == 409).body
    assert saved["version"] == 2
    assert refused["code"] == "version_conflict"
    # The refused person is shown what was saved and what they typed, to merge by hand.
    assert refused["current"]["version"] == 2
    assert refused["current"]["head_name"] == saved["head_name"]
    assert refused["yours"]["head_name"] == ({*names.values()} - {saved["head_name"]}).pop()
    stored = world.ok("GET", f"/households/{home}")
    assert (stored["version"], stored["head_name"]) == (2, saved["head_name"])
