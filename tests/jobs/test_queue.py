"""The job queue against the real database: deferring inside a transaction, workers, upkeep.

Nothing here runs in the test transaction: jobs are committed (or rolled back) on connections
of their own, as a request's would be, and a real worker takes them; the jobs are deleted at
the end of each test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from croniter import croniter
from flask import Flask
from sqlalchemy import text

from khaya.extensions import db
from khaya.jobs import queue, worker
from khaya.jobs.upkeep import retry_stalled

RAN: list[str] = []
_lock = threading.Lock()


@queue.task(name="tests.jobs.note", queue="default")
def note(word: str) -> None:
    with _lock:
        RAN.append(word)


@pytest.fixture
def clean_queue(app: Flask) -> Iterator[None]:
    RAN.clear()
    yield
    with app.app_context():
        db.session.execute(text("delete from procrastinate_periodic_defers"))
        db.session.execute(text("delete from procrastinate_jobs"))
        db.session.execute(text("delete from procrastinate_workers"))
        db.session.commit()
        db.session.remove()


def _jobs(app: Flask, task: str) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.execute(text(
            "select status::text, args from procrastinate_jobs where task_name = :t order by id"),
            {"t": task}).all()
        db.session.remove()
    return [(r[0], r[1]) for r in rows]


def test_a_job_deferred_in_a_rolled_back_transaction_never_runs_a_committed_one_does(
        app, clean_queue):
    with app.app_context():
        with db.engine.connect() as connection, connection.begin() as transaction:
            note.configure(connection=connection).defer(word="rolled back")
            transaction.rollback()
        with db.engine.connect() as connection, connection.begin():
            note.configure(connection=connection).defer(word="committed")
    assert [args for _, args in _jobs(app, "tests.jobs.note")] == [{"word": "committed"}]

    worker.run(app, once=True, queues=["default"])

    assert RAN == ["committed"]
    # A successful job's row goes once it has run.
    assert _jobs(app, "tests.jobs.note") == []


def test_health_reports_what_waits_and_for_how_long(app, clean_queue):
    client = app.test_client()
    empty = client.get("/api/v1/health").get_json()["queue"]
    assert empty["waiting"] == 0
    assert empty["oldest_waiting_seconds"] is None
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        for word in ("one", "two"):
            note.configure(connection=connection).defer(word=word)
        connection.execute(text(
            "update procrastinate_events set at = now() - interval '90 seconds'"
            " where type = 'deferred'"))
    state = client.get("/api/v1/health").get_json()["queue"]
    assert state["waiting"] == 2
    assert state["by_queue"] == {"default": 2}
    assert 90 <= state["oldest_waiting_seconds"] < 3600
    worker.run(app, once=True, queues=["default"])
    assert sorted(RAN) == ["one", "two"]
    assert client.get("/api/v1/health").get_json()["queue"]["waiting"] == 0


def test_a_job_left_running_by_a_dead_worker_runs_again(app, clean_queue):
    """A worker killed mid-job leaves its job 'doing' and its heartbeat going stale; the
    upkeep task gives the job back to the queue and a live worker runs it to the end."""
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        note.configure(connection=connection).defer(word="interrupted")
        dead = connection.execute(text(
            "insert into procrastinate_workers (last_heartbeat)"
            " values (now() - interval '10 minutes') returning id")).scalar_one()
        connection.execute(text(
            "update procrastinate_jobs set status = 'doing', worker_id = :w,"
            " attempts = 1 where task_name = 'tests.jobs.note'"), {"w": dead})
        retry_stalled.configure(connection=connection).defer(timestamp=0)
    assert [status for status, _ in _jobs(app, "tests.jobs.note")] == ["doing"]

    worker.run(app, once=True, queues=["upkeep", "default"])

    assert RAN == ["interrupted"]
    assert _jobs(app, "tests.jobs.note") == []


def test_every_periodic_task_is_declared_with_its_schedule():
    queue.perform_import_paths()
    declared = {p.task.name: p.cron for p in queue.periodic_registry.periodic_tasks.values()}
    assert set(declared) >= {"khaya.analytics.refresh", "khaya.privacy.apply_retention",
                             "khaya.exports.expire", "khaya.jobs.retry_stalled",
                             "khaya.maps.compact_versions"}
    assert all(croniter.is_valid(cron) for cron in declared.values()), declared
    # Every scheduled task is also one a worker can find by name.
    assert set(declared) <= set(queue.tasks)
