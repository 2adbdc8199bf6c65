"""Analytics' background work on the job queue: applying announced changes to the rollups,
and the daily refresh."""

from __future__ import annotations

import logging

from sqlalchemy import text

from ..common.time import local_today
from ..extensions import db
from ..jobs import changes, in_app, queue
from . import registers, rollups
from .changes import apply_chunk
from .facts import run

log = logging.getLogger(__name__)


def refresh() -> tuple[int, int]:
    """Add month-end register rows for months begun since the last build, and rebuild the
    rollups of villages marked stale; commits. Returns (register rows added, villages)."""
    today = local_today()
    # A province's month-end rows take longer than a request may.
    run(text("set local statement_timeout = 0"))
    first, last = registers.built_range()
    added = 0
    if first is not None and last is not None and last < today.replace(day=1):
        added = registers.rebuild(None, last, today.replace(day=1))
    stale = rollups.refresh_stale(limit=100_000)
    db.session.commit()
    return added, stale


# Bangkok is UTC+7 all year; the workers' clocks are UTC: 18:10 UTC is 01:10 in Lamphun.
@queue.periodic(cron="10 18 * * *")
@queue.task(name="khaya.analytics.refresh", queue="upkeep", queueing_lock="analytics_refresh")
@in_app
def refresh_task(timestamp: int) -> None:
    """The daily refresh (``flask analytics refresh``), run by the queue's scheduler."""
    added, stale = refresh()
    log.info("analytics refresh: %s register rows for new months, %s stale villages", added,
             stale)


def drain() -> int:
    """Apply every change committed so far, a chunk per transaction; returns how many."""
    applied = 0
    while (done := apply_chunk()) > 0:
        db.session.commit()
        applied += done
    db.session.commit()
    return applied


@queue.task(name=changes.APPLY_TASK, queue="rollups")
@in_app
def apply_changes() -> int:
    """Bring the rollups up to date with every change announced and committed so far (the
    wake-up job each announcement defers)."""
    return drain()


# Villages marked stale that each minute's catch-up rebuilds (they are read live until then).
CATCH_UP_STALE = 50


# A safety net: whatever a lost wake-up would leave is applied within a minute, and villages
# left stale (by register edits, or a migration) are rebuilt within minutes, not overnight.
@queue.periodic(cron="* * * * *")
@queue.task(name="khaya.analytics.catch_up", queue="rollups",
            queueing_lock="analytics_catch_up")
@in_app
def catch_up(timestamp: int) -> int:
    applied = drain()
    rollups.refresh_stale(limit=CATCH_UP_STALE)
    db.session.commit()
    return applied
