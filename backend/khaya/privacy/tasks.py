"""Personal data's background work on the job queue: retention, applied daily."""

from __future__ import annotations

import logging

from sqlalchemy import text

from ..extensions import db
from ..jobs import in_app, queue
from .retention import RetentionRefused, apply_retention

log = logging.getLogger(__name__)


# 19:30 UTC is 02:30 in Lamphun, after the analytics refresh.
@queue.periodic(cron="30 19 * * *")
@queue.task(name="khaya.privacy.apply_retention", queue="upkeep",
            queueing_lock="apply_retention")
@in_app
def apply_retention_task(timestamp: int) -> None:
    """Delete the photos and raw logs past their retention (``flask privacy
    apply-retention``). A refusal (rollups that disagree with the logs) removes nothing and
    fails the job, so the queue's failed count shows it."""
    db.session.execute(text("set local statement_timeout = 0"))
    try:
        report = apply_retention()
    except RetentionRefused:
        db.session.rollback()
        log.exception("retention refused")
        raise
    db.session.commit()
    log.info("retention: %s photos and %s raw logs removed", report.photos, report.raw_logs)
