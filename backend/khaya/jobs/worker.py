"""Running a worker: ``flask --app khaya jobs worker``; and what the queue holds (for /health)."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from procrastinate import PsycopgConnector
from procrastinate.periodic import PeriodicRegistry
from sqlalchemy import text

from ..extensions import db
from . import bind, conninfo, queue

jobs_cli = AppGroup("jobs", help="The job queue: run a worker, see what waits.")

# Every queue the app defers to; a worker listens to all of them unless told otherwise.
QUEUES = ("default", "exports", "rollups", "upkeep")
# A worker writes a heartbeat this often; one silent for STALLED seconds is presumed dead and
# its running jobs are retried (``khaya.jobs.upkeep.retry_stalled``).
HEARTBEAT = 10.0
STALLED = 60.0


def run(app: Flask, *, once: bool = False, queues: Iterable[str] | None = None,
        concurrency: int = 1, name: str | None = None) -> None:
    """Work the queue with ``app``'s database; ``once`` returns when nothing is left to do."""
    bind(app)
    connector = PsycopgConnector(conninfo=conninfo(app.config["SQLALCHEMY_DATABASE_URI"]))
    queue.perform_import_paths()  # every task and schedule declared before the swap below
    schedule = queue.periodic_registry
    if once:
        # A worker draining the queue and leaving schedules nothing: periodic work belongs
        # to the long-running workers.
        queue.periodic_registry = PeriodicRegistry()
    try:
        with queue.replace_connector(connector):
            queue.run_worker(
                queues=list(queues) if queues else None,
                wait=not once,
                concurrency=concurrency,
                name=name or f"{socket.gethostname()}:{os.getpid()}",
                install_signal_handlers=not once,
                update_heartbeat_interval=HEARTBEAT,
                stalled_worker_timeout=STALLED,
                # A finished job's row goes at once; a failed one stays for the office to see.
                delete_jobs="successful",
                fetch_job_polling_interval=2.0 if once else 5.0,
            )
    finally:
        queue.periodic_registry = schedule


@jobs_cli.command("worker")
@click.option("--once", is_flag=True, help="Stop when no job is waiting (instead of forever).")
@click.option("--queue", "queues", multiple=True, type=click.Choice(QUEUES),
              help="Only these queues (repeatable); all of them by default.")
@click.option("--concurrency", type=int, default=1, show_default=True,
              help="Jobs run at once in this process (run more processes to use more cores).")
@with_appcontext
def worker_command(once: bool, queues: tuple[str, ...], concurrency: int) -> None:
    """Take jobs from the queue and run them until stopped (SIGINT or SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session.remove()  # the command's own context holds no connection while it works
    run(app, once=once, queues=queues or None, concurrency=concurrency)


@jobs_cli.command("status")
@with_appcontext
def status_command() -> None:
    """Print the jobs waiting per queue, the oldest one's age and the workers seen."""
    state = stats()
    click.echo(f"waiting: {state['waiting']}  oldest: {state['oldest_waiting_seconds']} s  "
               f"failed: {state['failed']}  workers seen: {state['workers']}")
    for name, count in sorted(state["by_queue"].items()):
        click.echo(f"  {name:<10} {count}")


def stats() -> dict:
    """What the queue holds now: jobs due and waiting, the oldest one's age in seconds, jobs
    failed, and workers whose heartbeat is recent."""
    rows = db.session.execute(text(
        "select queue_name, count(*) as n from procrastinate_jobs"
        " where status = 'todo' and (scheduled_at is null or scheduled_at <= now())"
        " group by queue_name")).all()
    oldest = db.session.execute(text(
        "select extract(epoch from now() - min(coalesce(j.scheduled_at, e.at)))"
        " from procrastinate_jobs j join procrastinate_events e"
        "   on e.job_id = j.id and e.type = 'deferred'"
        " where j.status = 'todo' and (j.scheduled_at is null or j.scheduled_at <= now())"
    )).scalar()
    failed = db.session.execute(text(
        "select count(*) from procrastinate_jobs where status = 'failed'")).scalar_one()
    workers = db.session.execute(text(
        "select count(*) from procrastinate_workers"
        " where last_heartbeat > now() - make_interval(secs => :stalled)"),
        {"stalled": STALLED}).scalar_one()
    by_queue = {r.queue_name: int(r.n) for r in rows}
    return {
        "waiting": sum(by_queue.values()),
        "oldest_waiting_seconds": round(float(oldest), 1) if oldest is not None else None,
        "failed": int(failed),
        "workers": int(workers),
        "by_queue": by_queue,
    }
