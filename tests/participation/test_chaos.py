"""Chaos on the offline sync: replays, lost answers and races never double or lose a log.

The log table is partitioned by month; the logs are dated up to four months back, so a batch
writes to several partitions, and a client id sent again dated in another month (another
partition) is still the one log it was.

Three phones send random batches over real HTTP, each batch replayed 1-5 times in a random
order; a proxy loses answers after the server committed them, and the phone retries until one
arrives. Afterwards the stored rows are exactly the valid items' client ids, and every item got
a consistent answer: created once (unless that answer was lost), duplicate with the same id
after, and rejected items never stored.

The server runs the session app (no per-test rollback), so what it writes is committed. Client
ids are fresh UUIDs, so examples need no cleanup between them; at the end the module voids its
logs the way a correction does (so they leave the analytics rollups), deletes them, its
households (rebuilding the village's register rows) and its sign-in sessions. Audit events and
map-data change marks are append-only and stay.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from khaya.analytics import rollups
from khaya.auth.models import AuthSession, User
from khaya.auth.passwords import normalize_phone
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import STREAMS, OrganicHandling, SortingLog, SortingLogClaim
from seed.accounts import DEMO_PASSWORD
from tests.participation._proxy import (
    AnswerLost,
    DroppingProxy,
    dropping_proxy,
    live_server,
    post_json,
)

STAFF, VOLUNTEER, RESIDENT = "town.staff", "0810000001", "0810000011"
DEVICES = (STAFF, VOLUNTEER, RESIDENT)
DEVICE_PREFIX = "chaos-"
HOUSEHOLDS = 3
# Logs are dated up to four months back: they fall in several monthly partitions of the log
# table (and in its default one, for a month without its own).
REGISTERED_DAYS_AGO = 150
# A send whose answer keeps getting lost is retried at most this often.
MAX_TRIES = 10


@dataclass
class World:
    app: Flask
    server: tuple[str, int]
    proxy: DroppingProxy
    tokens: dict[str, str]
    user_ids: dict[str, int]
    households: list[int]
    registered_on: dt.date

    @property
    def via_proxy(self) -> tuple[str, int]:
        return "127.0.0.1", self.proxy.port


def _login(server: tuple[str, int], login: str) -> str:
    status, body = post_json(server, "/api/v1/auth/login", {
        "login": login, "password": DEMO_PASSWORD, "device_id": DEVICE_PREFIX + login,
    })
    assert status == 200, body
    return body["access_token"]


def _stored(app: Flask, client_ids: list[str]) -> list[Any]:
    with app.app_context():
        rows = db.session.execute(
            select(SortingLog.client_id, SortingLog.id, SortingLog.recorded_by_id,
                   SortingLog.device_id)
            .where(SortingLog.client_id.in_(client_ids))
        ).all()
        db.session.remove()
    return rows


def _count(app: Flask, households: list[int]) -> int:
    with app.app_context():
        total = db.session.scalar(
            select(func.count()).where(SortingLog.household_id.in_(households))
        )
        db.session.remove()
    return total


def _clean_up(app: Flask, households: list[int]) -> None:
    """Take back everything the module committed (but the append-only logs)."""
    with app.app_context():
        ids = list(db.session.scalars(
            select(SortingLog.id).where(SortingLog.household_id.in_(households))
        ))
        if ids:
            # As a void does: the logs leave every rollup first, then the rows go.
            db.session.execute(update(SortingLog).where(SortingLog.id.in_(ids)).values(
                voided_at=func.now(), void_reason="chaos test clean-up"))
            rollups.logs_voided(ids)
            db.session.execute(delete(SortingLog).where(SortingLog.id.in_(ids)))
        villages = list(db.session.scalars(
            select(Household.village_id).where(Household.id.in_(households)).distinct()
        ))
        # Unlinks the resident too (role_grants.household_id is ON DELETE SET NULL).
        db.session.execute(delete(Household).where(Household.id.in_(households)))
        rollups.mark_stale(villages)
        rollups.refresh_stale()
        db.session.execute(
            delete(AuthSession).where(AuthSession.device_id.startswith(DEVICE_PREFIX))
        )
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[World]:
    """A live server and proxy, three signed-in phones and three fresh households."""
    households: list[int] = []
    with live_server(app) as server, dropping_proxy(server) as proxy:
        try:
            tokens = {login: _login(server, login) for login in DEVICES}
            with app.app_context():
                user_ids = {
                    login: db.session.scalar(select(User.id).where(
                        User.phone == phone if (phone := normalize_phone(login))
                        else User.username == login
                    ))
                    for login in DEVICES
                }
                db.session.remove()
            registered_on = local_today() - dt.timedelta(days=REGISTERED_DAYS_AGO)
            tag = uuid.uuid4().hex[:6]
            for n in range(HOUSEHOLDS):
                status, body = post_json(server, "/api/v1/households", {
                    "village_code": "51010101",
                    "house_number": f"CH-{tag}-{n}",
                    "members": 2,
                    "registered_on": registered_on.isoformat(),
                    "point": {"type": "Point", "coordinates": [99.0121, 18.5865]},
                }, token=tokens[STAFF])
                assert status == 201, body
                households.append(body["id"])
            # The resident's phone logs for the first household only.
            status, body = post_json(
                server, f"/api/v1/households/{households[0]}/residents",
                {"user_id": user_ids[RESIDENT]}, token=tokens[STAFF],
            )
            assert status == 200, body
            yield World(app, server, proxy, tokens, user_ids, households, registered_on)
        finally:
            _clean_up(app, households)


# --- what the phones send --------------------------------------------------------------------

OK, FUTURE, EARLY = "ok", "future", "before_registration"


@dataclass(frozen=True)
class ItemPlan:
    slot: int  # which of the households (the resident always logs for the first)
    fate: str
    days: int
    streams: tuple[str, ...]
    kg_tenths: int | None
    handling: str | None


@dataclass(frozen=True)
class BatchPlan:
    device: str
    items: tuple[ItemPlan, ...]
    replays: int
    clock_skew_s: int | None


@dataclass(frozen=True)
class Scenario:
    batches: tuple[BatchPlan, ...]
    order: tuple[int, ...]  # batch index of each send, in the order they are sent
    lost: tuple[int, ...]  # per send: answers lost before one arrives


item_plans = st.builds(
    ItemPlan,
    slot=st.integers(0, HOUSEHOLDS - 1),
    # Mostly valid; some dated in the future or before the household registered.
    fate=st.sampled_from((OK, OK, OK, OK, OK, OK, FUTURE, EARLY)),
    days=st.integers(0, 119),
    streams=st.lists(st.sampled_from(STREAMS), min_size=1, max_size=4, unique=True).map(tuple),
    kg_tenths=st.none() | st.integers(0, 1000),
    handling=st.none() | st.sampled_from([h.value for h in OrganicHandling]),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    batches = []
    for device in DEVICES:
        for items in draw(st.lists(st.lists(item_plans, min_size=1, max_size=20),
                                   min_size=1, max_size=3)):
            batches.append(BatchPlan(device, tuple(items), draw(st.integers(1, 5)),
                                     draw(st.none() | st.integers(-7200, 7200))))
    sends = [index for index, batch in enumerate(batches) for _ in range(batch.replays)]
    order = draw(st.permutations(sends))
    lost = draw(st.lists(st.sampled_from((0, 0, 0, 1, 1, 2, 3)),
                         min_size=len(order), max_size=len(order)))
    return Scenario(tuple(batches), tuple(order), tuple(lost))


@dataclass
class Sent:
    """One item of a batch as the phone holds it, and everything it heard back."""

    client_id: str
    device: str
    valid: bool
    # In order: None for an answer lost on the way, else the item's result.
    heard: list[dict[str, Any] | None] = field(default_factory=list)


def _item_body(plan: ItemPlan, device: str, world: World) -> dict[str, Any]:
    today = local_today()
    day = {
        OK: today - dt.timedelta(days=plan.days),
        # Two days ahead at least, so midnight passing during the run cannot make it valid.
        FUTURE: today + dt.timedelta(days=2 + plan.days % 5),
        EARLY: world.registered_on - dt.timedelta(days=1 + plan.days),
    }[plan.fate]
    household = world.households[0 if device == RESIDENT else plan.slot]
    data: dict[str, Any] = {
        "household_id": household,
        "log_date": day.isoformat(),
        "streams": list(plan.streams),
    }
    if plan.kg_tenths is not None:
        data[f"kg_{plan.streams[0]}"] = plan.kg_tenths / 10
    if plan.handling and "organic" in plan.streams:
        data["organic_handling"] = plan.handling
    return {"kind": "sorting_log", "client_id": str(uuid.uuid4()), "data": data}


def _batch_body(plan: BatchPlan, items: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"device_id": DEVICE_PREFIX + plan.device, "items": items}
    if plan.clock_skew_s is not None:
        phone_clock = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=plan.clock_skew_s)
        body["device_time"] = phone_clock.isoformat()
    return body


def _phone(world: World, device: str, sends: list[tuple[dict, list[Sent], int]]) -> None:
    """Send this phone's batches in order; retry each until an answer arrives."""
    for body, items, lost in sends:
        for attempt in range(MAX_TRIES):
            drop = attempt < lost
            try:
                status, answer = post_json(world.via_proxy, "/api/v1/sync", body,
                                           token=world.tokens[device], proxy=world.proxy,
                                           drop=drop)
            except AnswerLost as error:
                lost_answer = str(error)
            else:
                lost_answer = None
            if lost_answer is not None:
                assert drop, f"{device}: lost an answer the proxy did not drop: {lost_answer}"
                for item in items:
                    item.heard.append(None)
                continue
            assert not drop, f"{device}: an answer arrived that the proxy should have dropped"
            assert status == 200, (status, answer)
            assert [r["index"] for r in answer["results"]] == list(range(len(items)))
            for item, result in zip(items, answer["results"], strict=True):
                assert result["client_id"] == item.client_id
                item.heard.append(result)
            break
        else:
            pytest.fail(f"{device}: no answer after {MAX_TRIES} tries")


def _check_item(item: Sent, stored: dict[str, Any]) -> None:
    answers = [h for h in item.heard if h is not None]
    assert answers, f"{item.client_id} was never acknowledged"
    if not item.valid:
        assert item.client_id not in stored
        assert all(a["status"] == "rejected" and "log_date" in a["errors"] for a in answers)
        return
    row = stored[item.client_id]
    assert {a["id"] for a in answers} == {row.id}
    statuses = [a["status"] for a in answers]
    # The first send reaches the server and creates the row; the phone hears "created" only
    # if that very answer got through, and "duplicate" ever after.
    first_heard = item.heard[0] is not None
    expected = (["created"] if first_heard else ["duplicate"]) + ["duplicate"] * (len(answers) - 1)
    assert statuses == expected, item.heard


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
    ],
)
@given(scenario=scenarios())
def test_replays_and_lost_answers_never_double_or_lose_a_log(world: World, scenario: Scenario):
    batches: list[tuple[dict, list[Sent]]] = []
    for plan in scenario.batches:
        bodies = [_item_body(item, plan.device, world) for item in plan.items]
        sent = [Sent(body["client_id"], plan.device, item.fate == OK)
                for body, item in zip(bodies, plan.items, strict=True)]
        batches.append((_batch_body(plan, bodies), sent))
    per_phone: dict[str, list[tuple[dict, list[Sent], int]]] = defaultdict(list)
    for batch_index, lost in zip(scenario.order, scenario.lost, strict=True):
        body, sent = batches[batch_index]
        per_phone[scenario.batches[batch_index].device].append((body, sent, lost))
    errors_before = len(world.proxy.stats.errors)
    rows_before = _count(world.app, world.households)
    # The three phones send at the same time, each its own sends in the drawn order.
    with ThreadPoolExecutor(len(DEVICES)) as pool:
        futures = [pool.submit(_phone, world, device, sends)
                   for device, sends in per_phone.items()]
        for future in futures:
            future.result()
    assert world.proxy.stats.errors[errors_before:] == []
    items = [item for _, sent in batches for item in sent]
    valid = {item.client_id for item in items if item.valid}
    rows = _stored(world.app, [item.client_id for item in items])
    stored = {str(row.client_id): row for row in rows}
    # Exactly the valid items, once each, and nothing else appeared for these households.
    assert len(rows) == len(stored)
    assert set(stored) == valid
    assert _count(world.app, world.households) - rows_before == len(valid)
    for item in items:
        _check_item(item, stored)
        if item.valid:
            row = stored[item.client_id]
            assert row.recorded_by_id == world.user_ids[item.device]
            assert row.device_id == DEVICE_PREFIX + item.device


def test_the_same_batch_from_four_connections_at_once_makes_each_row_once(world: World):
    items = [
        {"kind": "sorting_log", "client_id": str(uuid.uuid4()), "data": {
            "household_id": world.households[n % HOUSEHOLDS],
            "log_date": (local_today() - dt.timedelta(days=n % 20)).isoformat(),
            "streams": ["organic", "recyclable"],
            "organic_handling": "wet_bin",
        }}
        for n in range(60)
    ]
    body = {"device_id": DEVICE_PREFIX + "race", "items": items}
    start = threading.Barrier(4)

    def send() -> tuple[int, Any]:
        start.wait(timeout=30)
        return post_json(world.server, "/api/v1/sync", body, token=world.tokens[STAFF])

    rows_before = _count(world.app, world.households)
    with ThreadPoolExecutor(4) as pool:
        answers = [f.result() for f in [pool.submit(send) for _ in range(4)]]
    assert [status for status, _ in answers] == [200] * 4
    client_ids = [item["client_id"] for item in items]
    rows = _stored(world.app, client_ids)
    assert sorted(str(row.client_id) for row in rows) == sorted(client_ids)
    assert _count(world.app, world.households) - rows_before == len(items)
    ids = {str(row.client_id): row.id for row in rows}
    for index, item in enumerate(items):
        results = [answer["results"][index] for _, answer in answers]
        assert {r["client_id"] for r in results} == {item["client_id"]}
        assert {r["id"] for r in results} == {ids[item["client_id"]]}
        statuses = sorted(r["status"] for r in results)
        assert statuses == ["created", "duplicate", "duplicate", "duplicate"], statuses


def test_one_client_id_dated_in_four_months_at_once_is_one_log(world: World):
    """Four connections send the same client id at once, each dated in another month, so each
    row would land in another partition: the claims keep it to one log, and the three others
    are told the id is spent on another record."""
    client_id = str(uuid.uuid4())
    today = local_today()
    days = [today - dt.timedelta(days=31 * n) for n in range(4)]
    assert len({(d.year, d.month) for d in days}) == 4
    bodies = [{"device_id": DEVICE_PREFIX + "months", "items": [{
        "kind": "sorting_log", "client_id": client_id, "data": {
            "household_id": world.households[1], "log_date": day.isoformat(),
            "streams": ["recyclable"]}}]} for day in days]
    start = threading.Barrier(4)

    def send(body: dict) -> tuple[int, Any]:
        start.wait(timeout=30)
        return post_json(world.server, "/api/v1/sync", body, token=world.tokens[STAFF])

    with ThreadPoolExecutor(4) as pool:
        answers = [f.result() for f in [pool.submit(send, body) for body in bodies]]
    assert [status for status, _ in answers] == [200] * 4
    results = [answer["results"][0] for _, answer in answers]
    (row,) = _stored(world.app, [client_id])
    assert sorted(r["status"] for r in results) == ["created", "rejected", "rejected",
                                                    "rejected"]
    assert {r["code"] for r in results if r["status"] == "rejected"} == {"client_id_reused"}
    (created,) = [r for r in results if r["status"] == "created"]
    assert created["id"] == row.id
    with world.app.app_context():
        claimed = db.session.execute(select(SortingLogClaim.log_date).where(
            SortingLogClaim.client_id == client_id)).scalars().all()
        stored_day = db.session.scalar(select(SortingLog.log_date).where(
            SortingLog.client_id == client_id))
        db.session.remove()
    assert claimed == [stored_day]
