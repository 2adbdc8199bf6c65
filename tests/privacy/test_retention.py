"""Retention: old photos and raw logs go, recent ones stay, and no figure of the past moves.

The data is the analytics hand dataset (tests/analytics/_hand.py) around 30 Sep / 1 Oct 2024,
sent through the API, plus photos on logs and inspections. Raw-log retention is set so that
its cutoff falls on 1 Oct 2024: the September logs (fiscal year 2567) go, October's stay.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import pytest
from sqlalchemy import func, select, text, update

from khaya.analytics.rebuild import reconcile
from khaya.auth.models import AuditEvent
from khaya.common.horizon import raw_logs_kept_from
from khaya.common.time import local_today
from khaya.participation.models import Inspection, Photo, SortingLog
from khaya.privacy.retention import apply_retention
from tests.analytics._hand import (
    INSPECTIONS,
    LOGS,
    NGA,
    TOWN,
    V1,
    V2,
    V3,
    VOIDED_LOG,
    bank,
    inspection_item,
    log_item,
    register,
)
from tests.factories import image_bytes

D = dt.date
CUTOFF = D(2024, 10, 1)
OLD_UPLOAD = dt.datetime(2024, 10, 2, 3, 0, tzinfo=dt.UTC)
PNG = image_bytes("PNG")
PERIODS = ("2024-09", "2024-10", "2024-11", "FY2567", "FY2568", "2024-09-29", "2024-09-30",
           "2024-10-01")


@pytest.fixture
def settings(app):
    """Photos kept 365 days; raw logs so that the cutoff is 1 Oct 2024 (FY2568 begins)."""
    saved = {k: app.config[k] for k in ("RETENTION_PHOTOS_DAYS", "RETENTION_RAW_LOGS_DAYS")}
    app.config["RETENTION_PHOTOS_DAYS"] = 365
    # The day N days ago lies inside fiscal year 2568 (1 Oct 2024 - 30 Sep 2025).
    app.config["RETENTION_RAW_LOGS_DAYS"] = (local_today() - D(2025, 4, 1)).days
    yield app.config
    app.config.update(saved)


@pytest.fixture
def hand(db_session, client, auth):
    """The hand dataset with photos: two uploaded long ago, one today."""
    households, villages, lgos = register(db_session)
    bank_id, members = bank(db_session, households, lgos, villages)
    db_session.commit()
    admin = auth("admin")

    def sync(items):
        response = client.post("/api/v1/sync", headers=admin,
                               json={"device_id": "retention-test", "items": items})
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        assert all(r["status"] != "rejected" for r in results), results
        return results

    photos = {}
    for name, household in (("old_log", "h1"), ("old_inspection", "h2"), ("new", "h8")):
        photo_id = str(uuid.uuid4())
        response = client.post("/api/v1/photos", headers=admin, data={
            "id": photo_id, "household_id": str(households[household]),
            "file": (io.BytesIO(PNG), f"{name}.png")})
        assert response.status_code == 201, response.get_json()
        photos[name] = photo_id
    db_session.execute(update(Photo).where(Photo.id.in_([photos["old_log"],
                                                         photos["old_inspection"]]))
                       .values(created_at=OLD_UPLOAD))
    db_session.commit()

    logs = [log_item(households[h], day, kg) for day, h, kg in LOGS]
    # A September log (goes) and an October log (stays) carry the old photo.
    logs[0]["data"]["photo_id"] = photos["old_log"]
    logs[5]["data"]["photo_id"] = photos["old_log"]
    sync(logs)
    (voided,) = sync([log_item(households[VOIDED_LOG[1]], VOIDED_LOG[0], VOIDED_LOG[2])])
    for day, h, passed in INSPECTIONS:
        item = inspection_item(households[h], day, passed)
        if (day, h) == (D(2024, 9, 25), "h2"):
            item["data"]["photo_id"] = photos["old_inspection"]
        if (day, h) == (D(2024, 10, 20), "h8"):
            item["data"]["photo_id"] = photos["new"]
        sync([item])
    response = client.post(f"/api/v1/sorting-logs/{voided['id']}/void", headers=admin,
                           json={"reason": "typed for the wrong house"})
    assert response.status_code == 200, response.get_json()
    for day, lines in ((D(2024, 9, 28), [{"material": "pet", "kg": "2"}]),
                       (D(2024, 10, 5), [{"material": "paper", "kg": "3"}])):
        sync([{"kind": "deposit", "client_id": str(uuid.uuid4()),
               "data": {"bank_id": bank_id, "member_id": members["h1"],
                        "deposit_date": day.isoformat(), "lines": lines}}])
    db_session.remove()
    return {"households": households, "photos": photos}


@pytest.fixture
def figures(client, auth):
    """Return ``figures() -> {query: answer}``: every analytics answer about 2024's months."""
    headers = auth("admin")

    def get(path, **query):
        response = client.get(f"/api/v1/analytics/{path}", query_string=query, headers=headers)
        assert response.status_code == 200, (path, query, response.data[:300])
        return json.loads(response.data)

    def collect():
        answers = {}
        for period in PERIODS:
            for level, areas in (("village", f"{V1},{V2},{V3}"), ("lgo", f"{NGA},{TOWN}"),
                                 ("tambon", "510102")):
                answers[("indicators", level, period)] = get(
                    "indicators", level=level, areas=areas, period=period)
            answers[("league", period)] = get("league", level="village", parent=NGA,
                                              indicator="participation", period=period)
        answers[("custom",)] = get("indicators", level="village", areas=f"{V1},{V2},{V3}",
                                   **{"from": "2024-09-15", "to": "2024-10-15"})
        for granularity, start, end in (("month", "2024-08-01", "2024-11-30"),
                                        ("day", "2024-09-25", "2024-10-05"),
                                        ("fiscal_year", "2023-10-01", "2025-09-30")):
            answers[("series", granularity)] = get(
                "series", level="lgo", area=NGA, granularity=granularity,
                **{"from": start, "to": end})
        answers[("choropleth",)] = get("choropleth", level="village", parent=NGA,
                                       indicator="participation", period="2024-09")
        return answers

    return collect


def _counts(session):
    return {
        "logs": session.scalar(select(func.count()).select_from(SortingLog)),
        "logs_before_cutoff": session.scalar(
            select(func.count()).where(SortingLog.log_date < CUTOFF)),
        "photos": session.scalar(select(func.count()).select_from(Photo)),
        "inspections": session.scalar(select(func.count()).select_from(Inspection)),
        "audit": session.scalar(select(func.count()).where(AuditEvent.entity == "retention")),
    }


def test_old_photos_and_logs_go_recent_ones_stay(settings, hand, runner, db_session):
    before = _counts(db_session)
    assert before["logs_before_cutoff"] == 5
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 0, result.output
    assert "2 removed" in result.output  # photos
    assert "before 2024-10-01" in result.output
    assert "5 removed" in result.output  # September's logs

    after = _counts(db_session)
    assert after["logs"] == before["logs"] - 5
    assert after["logs_before_cutoff"] == 0
    assert after["photos"] == 1
    assert db_session.get(Photo, uuid.UUID(hand["photos"]["new"])) is not None
    # Inspections stay, whatever their age; the old photo's inspection keeps its result.
    assert after["inspections"] == before["inspections"]
    pointing = db_session.scalars(select(Inspection.photo_id)
                                  .where(Inspection.photo_id.isnot(None))).all()
    assert [str(p) for p in pointing] == [hand["photos"]["new"]]
    october = db_session.scalars(
        select(SortingLog).where(SortingLog.household_id == hand["households"]["h1"])
        .order_by(SortingLog.log_date)).all()
    assert [log.log_date for log in october] == [D(2024, 10, 1)] * 2
    assert all(log.photo_id is None for log in october)

    # One summary event (the horizon) and one per LGO and kind of data.
    events = db_session.execute(
        select(AuditEvent.entity, AuditEvent.lgo_id, AuditEvent.details, AuditEvent.endpoint)
        .where(AuditEvent.action == "delete", AuditEvent.entity.in_(
            ("retention", "photos", "sorting_logs")))).all()
    summary = [e for e in events if e.entity == "retention"]
    assert len(summary) == 1
    assert summary[0].details["raw_logs"] == 5
    assert summary[0].details["photos"] == 2
    assert summary[0].endpoint == "cli"
    assert sum(e.details["count"] for e in events if e.entity == "sorting_logs") == 5
    assert sum(e.details["count"] for e in events if e.entity == "photos") == 2
    assert raw_logs_kept_from() == CUTOFF


def test_figures_of_past_periods_do_not_move(settings, hand, runner, figures):
    before = figures()
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 0, result.output
    assert "5 removed" in result.output
    after = figures()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    # The answers are not trivially empty: September counted its loggers.
    september = before[("indicators", "village", "2024-09")]
    v1 = next(a for a in september["areas"] if a["code"] == V1)
    assert v1["indicators"]["participation"]["numerator"] == 3  # h1, h2, h7 (h6 is vacant)


def test_reconcile_after_retention_leaves_the_retained_years_alone(settings, hand, runner,
                                                                   figures, db_session):
    assert runner.invoke(args=["privacy", "apply-retention"]).exit_code == 0
    before = figures()
    report = reconcile(D(2024, 1, 1), D(2025, 9, 30), repair=True)
    assert report.ok, report.tables
    assert report.start == CUTOFF
    assert figures() == before


def test_dry_run_changes_nothing(settings, hand, runner, db_session):
    before = _counts(db_session)
    result = runner.invoke(args=["privacy", "apply-retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 would be removed" in result.output
    assert "5 would be removed" in result.output
    assert "dry run: nothing changed" in result.output
    assert _counts(db_session) == before
    assert raw_logs_kept_from() is None


def test_second_run_removes_nothing(settings, hand, runner, db_session):
    first = runner.invoke(args=["privacy", "apply-retention"])
    assert first.exit_code == 0, first.output
    between = _counts(db_session)
    second = runner.invoke(args=["privacy", "apply-retention"])
    assert second.exit_code == 0, second.output
    assert "0 removed" in second.output
    assert "5 removed" not in second.output
    after = _counts(db_session)
    assert after == {**between, "audit": between["audit"] + 1}


def test_keeps_raw_logs_forever_by_default(app, hand, db_session):
    assert app.config["RETENTION_RAW_LOGS_DAYS"] == 0
    before = _counts(db_session)
    report = apply_retention()
    assert report.raw_logs_before is None
    assert report.raw_logs == 0
    # Photos: a year by default, so the two old ones go.
    assert report.photos == 2
    assert _counts(db_session)["logs"] == before["logs"]


def test_refuses_when_the_rollups_disagree_with_the_logs(settings, hand, runner, db_session):
    # A rollup that no longer matches its raw rows could only be repaired from them.
    db_session.execute(text("update village_days set logs = logs + 1 where day = '2024-09-29'"))
    db_session.commit()
    before = _counts(db_session)
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 1
    assert "village_days" in result.output
    assert "Nothing was deleted" in result.output
    assert _counts(db_session) == before
