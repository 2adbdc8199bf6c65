"""Analytics' background work on the job queue: the daily refresh."""

from __future__ import annotations

import logging

from sqlalchemy import text

from ..common.time import local_today
from ..extensions import db
from ..jobs import in_app, queue
from . import registers, rollups
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
