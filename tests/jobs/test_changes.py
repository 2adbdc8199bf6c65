"""Rollups outside the sync transaction, for real: committed syncs, a real worker.

The sync commits the logs with a record of the work they imply and answers; the figures move
only when a worker has applied that work, and then they agree with the raw rows
(``reconcile``). Everything here is committed and removed again at the end.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select, text

from khaya.analytics.rebuild import rebuild, reconcile
from khaya.auth.models import AuthSession, User, utcnow
from khaya.auth.tokens import issue_access_token
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.jobs import worker
from tests.e2e._browser import delete_households

HOME = {"type": "Point", "coordinates": [99.0121, 18.5865]}


def _headers(app: Flask, sessions: list, **where) -> dict[str, str]:
    with app.app_context():
        user = db.session.execute(select(User).filter_by(**where)).scalar_one()
        session = AuthSession(user_id=user.id, device_id="changes-test")
        db.session.add(session)
        db.session.commit()
        sessions.append(session.id)
        token, _ = issue_access_token(user.id, session.id, utcnow())
        db.session.remove()
    return {"Authorization": f"Bearer {token}"}


def _scalar(app: Flask, sql: str, **params):
    with app.app_context():
        value = db.session.execute(text(sql), params).scalar()
        db.session.remove()
    return value


@pytest.fixture
def queued(app: Flask):
    app.config["CHANGES_INLINE"] = False
    yield
    app.config["CHANGES_INLINE"] = True
    with app.app_context():
        for table in ("pending_changes", "procrastinate_periodic_defers", "procrastinate_jobs",
                      "procrastinate_workers"):
            db.session.execute(text(f"delete from {table}"))
        db.session.commit()
        db.session.remove()


@dataclass
class Synced:
    staff: dict[str, str]
    village: int
    days: list[dt.date]
    before: int  # the village's logs on those days before the sync


# The synced household is the newest of its village (no log before the test's).
LAST_LOG = ("select last_log_on from households where village_id = :v"
            " order by id desc limit 1")
LOGS_ON = ("select coalesce(sum(logs), 0) from village_days"
           " where village_id = :v and day = any(:days)")


@pytest.fixture
def synced(app: Flask, queued) -> Iterator[Synced]:
    """A committed household of town community 1 whose resident synced three logs; the sync
    answered, the changes wait for a worker. Removed afterwards, rollups rebuilt."""
    client = app.test_client()
    sessions: list = []
    household_ids: list[int] = []
    today = local_today()
    days = [today - dt.timedelta(days=n) for n in (0, 1, 2)]
    try:
        staff = _headers(app, sessions, username="town.staff")
        created = client.post("/api/v1/households", headers=staff, json={
            "village_code": "51010101", "house_number": f"q-{uuid.uuid4().hex[:6]}",
            "members": 3, "registered_on": "2024-01-15", "point": HOME})
        assert created.status_code == 201, created.get_json()
        household = created.get_json()
        household_ids.append(household["id"])
        resident = _scalar(app, "select id from users where phone = '+66810000011'")
        linked = client.post(f"/api/v1/households/{household['id']}/residents", headers=staff,
                             json={"user_id": resident})
        assert linked.status_code in (200, 201), linked.get_json()
        village = _scalar(app, "select village_id from households where id = :h",
                          h=household["id"])
        before = _scalar(app, LOGS_ON, v=village, days=days)
        items = [{"kind": "sorting_log", "client_id": str(uuid.uuid4()),
                  "data": {"household_id": household["id"], "log_date": day.isoformat(),
                           "streams": ["organic", "recyclable"],
                           "organic_handling": "wet_bin"}} for day in days]
        answer = client.post("/api/v1/sync", headers=_headers(app, sessions, phone="+66810000011"),
                             json={"device_id": "changes-test", "items": items})
        assert answer.status_code == 200, answer.get_json()
        assert [r["status"] for r in answer.get_json()["results"]] == ["created"] * 3
        yield Synced(staff, village, days, before)
    finally:
        delete_households(app, household_ids)
        with app.app_context():
            db.session.execute(text("delete from auth_sessions where id = any(:ids)"),
                               {"ids": sessions})
            rebuild(today - dt.timedelta(days=3), today)
            db.session.commit()
            db.session.remove()


def _reconciled(app: Flask, start: dt.date, end: dt.date) -> list:
    with app.app_context():
        report = reconcile(start, end)
        db.session.rollback()
        db.session.remove()
    return [t.table for t in report.tables if t.differences]


def test_a_sync_answers_before_the_rollups_and_a_worker_brings_them_level(app, synced):
    client = app.test_client()
    # Answered and committed: the work waits, recorded, and the figures have not moved.
    assert _scalar(app, "select count(*) from pending_changes") >= 1
    assert _scalar(app, "select count(*) from procrastinate_jobs"
                        " where task_name = 'khaya.analytics.apply_changes'"
                        " and status = 'todo'") >= 1
    assert _scalar(app, LOGS_ON, v=synced.village, days=synced.days) == synced.before
    # The household's latest log day moves with the figures, not with the sync.
    assert _scalar(app, LAST_LOG, v=synced.village) is None
    assert client.get("/api/v1/health").get_json()["queue"]["waiting"] >= 1
    waiting = client.get("/api/v1/analytics/freshness", headers=synced.staff).get_json()
    assert waiting["pending"] >= 1
    answered_at = dt.datetime.fromisoformat(waiting["as_of"])

    worker.run(app, once=True, queues=["rollups"])

    assert _scalar(app, "select count(*) from pending_changes") == 0
    assert _scalar(app, LOGS_ON, v=synced.village, days=synced.days) == synced.before + 3
    assert _scalar(app, LAST_LOG, v=synced.village) == synced.days[0]
    level = client.get("/api/v1/analytics/freshness", headers=synced.staff).get_json()
    assert level["pending"] == 0
    assert dt.datetime.fromisoformat(level["as_of"]) > answered_at
    assert _reconciled(app, synced.days[-1], synced.days[0]) == []


def test_a_rebuild_takes_pending_changes_in_so_nothing_counts_twice(app, synced):
    """The seed and `analytics rebuild` build rollups from the raw rows, which already hold what
    is pending; the pending changes go with the rebuild instead of being applied on top."""
    with app.app_context():
        rebuild(synced.days[-1], synced.days[0])
        db.session.commit()
        db.session.remove()
    assert _scalar(app, "select count(*) from pending_changes") == 0
    worker.run(app, once=True, queues=["rollups"])
    assert _scalar(app, LOGS_ON, v=synced.village, days=synced.days) == synced.before + 3
    assert _reconciled(app, synced.days[-1], synced.days[0]) == []
