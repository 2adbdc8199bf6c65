"""The job queue: every piece of background work, kept in PostgreSQL by Procrastinate.

A job is a row in ``procrastinate_jobs``. The web side defers a job on the request's own
database connection (``defer``), so the job exists exactly when the request's transaction
commits: a rolled-back request leaves no job behind, a committed one always has its job.
Workers (``flask jobs worker``, started by ``make run`` beside gunicorn) take jobs with
``SELECT ... FOR UPDATE SKIP LOCKED``, so any number of them, on any machine that reaches the
database, share the work; nothing besides PostgreSQL has to run. Periodic work (the analytics
refresh, retention, expiry of export files) is declared with ``@queue.periodic`` next to the
task and deferred by the workers' scheduler: no cron.

A task runs inside an app context of the worker's app (``in_app``), with its own session.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import procrastinate
from flask import Flask
from procrastinate.contrib.sqlalchemy import SQLAlchemyPsycopg2Connector
from sqlalchemy.engine import make_url

from ..extensions import db

log = logging.getLogger(__name__)

# Where the tasks are declared: a worker imports these before it takes a job.
TASK_MODULES = [
    "khaya.jobs.upkeep",
    "khaya.exports.tasks",
    "khaya.analytics.tasks",
    "khaya.privacy.tasks",
    "khaya.participation.tasks",
    "khaya.reminders.tasks",
    "khaya.maps.tasks",
]

# The web side defers on SQLAlchemy connections (the request's transaction); a worker
# replaces the connector with an asynchronous psycopg one for itself (``worker.run``).
queue = procrastinate.App(connector=SQLAlchemyPsycopg2Connector(), import_paths=TASK_MODULES)

R = TypeVar("R")

_worker_app: Flask | None = None


def bind(app: Flask) -> None:
    """Name the Flask app whose context the tasks of this process run in."""
    global _worker_app
    _worker_app = app


def in_app(function: Callable[..., R]) -> Callable[..., R]:
    """Run a task body inside the bound app's context, with a session of its own."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        if _worker_app is None:
            raise RuntimeError("no Flask app bound for jobs: call khaya.jobs.bind(app) first")
        with _worker_app.app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return wrapper


def defer(task: Any, **arguments: Any) -> int:
    """Defer ``task`` inside the current transaction of ``db.session``; returns the job id.

    The job row is written on the session's own connection, so it commits or rolls back with
    the rows that made it necessary.
    """
    return int(task.configure(connection=db.session.connection()).defer(**arguments))


def conninfo(sqlalchemy_url: str) -> str:
    """The libpq connection string of a SQLAlchemy database URL (psycopg for the workers)."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
