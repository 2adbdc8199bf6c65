"""Reads that may go to a PostgreSQL streaming replica: dashboards, tiles and OGC pages.

With ``REPLICA_URL`` set (``KHAYA_REPLICA_URL``), a GET or HEAD of a blueprint that opts in
(``prefer_replica``) reads from the replica once its caller is authenticated: signing in and
checking a session always read the primary, so a session ended a moment ago is refused at once.
Writes, and every request that writes or must read its own writes (the register, the sync, the
office's forms), go to the primary.

A replica further behind than ``REPLICA_MAX_LAG_S`` seconds, or one that does not answer, is
passed over for the primary, so a dashboard is never older than that. Behind means: the
replica has not replayed the primary's latest WAL; the lag is then the time since the last
transaction it replayed. Each answer that could have read a replica says where it read and how
far behind that was (``X-Khaya-Read-From``, ``X-Khaya-Replica-Lag`` in seconds). The lag is
measured at most once a second per process.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .. import extensions
from ..extensions import db

log = logging.getLogger(__name__)

ENGINE_KEY = "khaya_replica"
# How long one measurement of the lag is trusted, in seconds.
MEASURE_EVERY_S = 1.0

_measured: dict[int, tuple[float, float | None]] = {}
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Make the replica's engine (when configured) and say where each answer read."""
    url = app.config.get("REPLICA_URL")
    if url:
        app.extensions[ENGINE_KEY] = create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    extensions.READ_ROUTER = replica_engine
    app.after_request(_say_where)


def prefer_replica(blueprint: Blueprint) -> None:
    """Let the blueprint's GET and HEAD requests read from the replica."""

    @blueprint.before_request
    def _wanted() -> None:
        if request.method in ("GET", "HEAD"):
            g.khaya_replica_wanted = True


def replica_engine() -> Engine | None:
    """The replica's engine for this statement, or None for the primary."""
    if not has_request_context() or not g.get("khaya_replica_wanted"):
        return None
    if ENGINE_KEY not in current_app.extensions:
        return None  # no replica configured: nothing to choose, nothing to say
    # Until the caller is authenticated (their session checked), everything reads the primary.
    if "khaya_principal" not in g:
        return None
    if "khaya_read_from" not in g:
        g.khaya_read_from, g.khaya_replica_lag = _choose()
    return current_app.extensions[ENGINE_KEY] if g.khaya_read_from == "replica" else None


def _choose() -> tuple[str, float | None]:
    lag = lag_seconds(current_app.extensions[ENGINE_KEY])
    if lag is None or lag > float(current_app.config["REPLICA_MAX_LAG_S"]):
        return "primary", lag
    return "replica", lag


def lag_seconds(engine: Engine) -> float | None:
    """How far the replica is behind the primary, in seconds (0 when it has replayed all the
    primary has written); None when it cannot be asked."""
    now = time.monotonic()
    with _lock:
        cached = _measured.get(id(engine))
        if cached and now - cached[0] < MEASURE_EVERY_S:
            return cached[1]
    lag = _measure(engine)
    with _lock:
        _measured[id(engine)] = (now, lag)
    return lag


def _measure(engine: Engine) -> float | None:
    try:
        with db.engine.connect() as primary:
            written = primary.execute(text("select pg_current_wal_lsn()::text")).scalar_one()
        with engine.connect() as replica:
            row = replica.execute(text(
                "select pg_is_in_recovery() as standby,"
                " coalesce(pg_last_wal_replay_lsn() >= cast(:written as pg_lsn), true) as level,"
                " extract(epoch from now() - pg_last_xact_replay_timestamp()) as behind"),
                {"written": written}).one()
    except SQLAlchemyError as error:
        log.warning("the read replica does not answer (%s); reading the primary",
                    type(error).__name__)
        return None
    if not row.standby or row.level:
        return 0.0
    return float(row.behind) if row.behind is not None else float("inf")


def forget_measurements() -> None:
    """Measure the lag afresh on the next request (tests, and after a failover)."""
    with _lock:
        _measured.clear()


def _say_where(response: Response) -> Response:
    where = g.get("khaya_read_from")
    if where:
        response.headers["X-Khaya-Read-From"] = where
        lag: Any = g.get("khaya_replica_lag")
        if lag is not None and lag != float("inf"):
            response.headers["X-Khaya-Replica-Lag"] = f"{lag:.1f}"
    return response
