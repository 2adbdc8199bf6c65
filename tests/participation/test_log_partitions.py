"""The sorting logs by month: each log in its month's partition, one client id across them all,
partitions made ahead and dropped whole by retention."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import SortingLog, SortingLogClaim
from khaya.participation.partitions import drop_before, ensure_ahead, ensure_log_partitions
from tests.analytics._hand import log_item, syncer

OLD = dt.date(2019, 3, 14)  # a month no migration made a partition for


@pytest.fixture
def household(app, db_session) -> int:
    village = db_session.execute(text("select id, lgo_id from villages where code = '51010201'")
                                 ).one()
    row = Household(lgo_id=village.lgo_id, village_id=village.id, house_number="part-1",
                    members=2, registered_on=dt.date(2018, 1, 1))
    db_session.add(row)
    db_session.commit()
    return row.id


def partition_of(client_id: str) -> str:
    return db.session.execute(text(
        "select tableoid::regclass::text from sorting_logs where client_id = :c"),
        {"c": client_id}).scalar_one()


def test_each_log_goes_to_its_month_and_a_month_without_one_waits_in_the_default(
        app, client, auth, household):
    today = local_today()
    sync = syncer(client, auth)
    recent, old = log_item(household, today, {"organic": 1.0}), log_item(household, OLD,
                                                                         {"general": 0.5})
    sync([recent, old])
    with app.app_context():
        assert partition_of(recent["client_id"]) == f"sorting_logs_p{today:%Y_%m}"
        assert partition_of(old["client_id"]) == "sorting_logs_default"
        log_id = db.session.scalar(select(SortingLog.id).where(
            SortingLog.client_id == old["client_id"]))
        # The month's partition is made when asked for, and the waiting log moves into it.
        made = ensure_ahead(db.session, today)
        assert "sorting_logs_p2019_03" in made
        assert partition_of(old["client_id"]) == "sorting_logs_p2019_03"
        assert db.session.scalar(select(SortingLog.id).where(
            SortingLog.client_id == old["client_id"])) == log_id
        assert db.session.scalar(text("select count(*) from sorting_logs_default")) == 0
        # Made ahead: next month and the one after exist before their first log.
        ahead = (today.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
        assert f"sorting_logs_p{ahead:%Y_%m}" in made
        db.session.rollback()


def test_a_months_query_reads_one_partition(app, household):
    with app.app_context():
        ensure_log_partitions(db.session, dt.date(2024, 9, 1), dt.date(2024, 11, 1))
        plan = "\n".join(db.session.execute(text(
            "explain select count(*) from sorting_logs"
            " where log_date between '2024-10-01' and '2024-10-31'")).scalars())
        db.session.rollback()
    assert "sorting_logs_p2024_10" in plan
    assert "sorting_logs_p2024_09" not in plan
    assert "sorting_logs_p2024_11" not in plan
    assert "sorting_logs_default" not in plan


def test_a_client_id_spent_in_one_month_is_refused_in_another(app, client, auth, household):
    sync = syncer(client, auth)
    item = log_item(household, dt.date(2024, 10, 5), {"organic": 1.0})
    (first,) = sync([item])
    again = {**item, "data": {**item["data"], "log_date": "2024-11-05"}}
    response = client.post("/api/v1/sync", headers=auth("admin"), json={
        "device_id": "partition-test", "items": [again]})
    (answer,) = response.get_json()["results"]
    assert (answer["status"], answer["code"]) == ("rejected", "client_id_reused")
    replay = client.post("/api/v1/sync", headers=auth("admin"), json={
        "device_id": "partition-test", "items": [item]}).get_json()["results"][0]
    assert (replay["status"], replay["id"]) == ("duplicate", first["id"])
    with app.app_context():
        assert db.session.scalar(text("select count(*) from sorting_logs where client_id = :c"),
                                 {"c": item["client_id"]}) == 1


def test_any_writer_is_held_to_one_client_id(app, household):
    """The claims trigger holds writers that go round the sync (a seed, a script, the ORM)."""
    client_id = uuid.uuid4()
    fields = {"household_id": household, "streams": ["organic"], "client_id": client_id,
              "received_at": dt.datetime.now(dt.UTC)}
    with app.app_context():
        ensure_log_partitions(db.session, dt.date(2024, 10, 1), dt.date(2024, 12, 1))
        village = db.session.get(Household, household)
        fields |= {"lgo_id": village.lgo_id, "village_id": village.village_id}
        db.session.add(SortingLog(log_date=dt.date(2024, 10, 5), **fields))
        db.session.commit()
        assert db.session.scalar(select(SortingLogClaim.log_date).where(
            SortingLogClaim.client_id == client_id)) == dt.date(2024, 10, 5)
        db.session.add(SortingLog(log_date=dt.date(2024, 12, 5), **fields))
        with pytest.raises(IntegrityError, match="already the id of a log of another day"):
            db.session.commit()
        db.session.rollback()
        # A log moved to another day moves its claim with it, and keeps its one row.
        log = db.session.scalars(select(SortingLog).where(SortingLog.client_id == client_id)
                                 ).one()
        log.log_date = dt.date(2024, 11, 20)
        db.session.commit()
        assert db.session.scalar(select(SortingLogClaim.log_date).where(
            SortingLogClaim.client_id == client_id)) == dt.date(2024, 11, 20)
        assert partition_of(str(client_id)) == "sorting_logs_p2024_11"
        db.session.rollback()


def test_retention_drops_whole_months(app, household):
    with app.app_context():
        ensure_log_partitions(db.session, dt.date(2023, 9, 1), dt.date(2023, 10, 1))
        village = db.session.get(Household, household)
        for day in (dt.date(2023, 9, 10), dt.date(2023, 9, 11), dt.date(2023, 10, 2)):
            db.session.add(SortingLog(
                client_id=uuid.uuid4(), household_id=household, lgo_id=village.lgo_id,
                village_id=village.village_id, log_date=day, streams=["organic"],
                received_at=dt.datetime.now(dt.UTC)))
        db.session.flush()
        dropped = drop_before(db.session, dt.date(2023, 10, 1))
        assert dropped == {village.lgo_id: 2}
        assert db.session.scalar(text("select to_regclass('sorting_logs_p2023_09')")) is None
        assert db.session.scalar(text(
            "select count(*) from sorting_logs where household_id = :h"), {"h": household}) == 1
        db.session.rollback()
