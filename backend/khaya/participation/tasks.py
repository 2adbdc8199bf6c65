"""The sorting logs' background work: their monthly partitions, made ahead of time."""

from __future__ import annotations

import logging

from ..extensions import db
from ..jobs import in_app, queue
from .partitions import ensure_ahead

log = logging.getLogger(__name__)


# 17:40 UTC is 00:40 in Thailand: a new month's partition exists weeks before its first log.
@queue.periodic(cron="40 17 * * *")
@queue.task(name="khaya.participation.ensure_log_partitions", queue="upkeep",
            queueing_lock="ensure_log_partitions")
@in_app
def ensure_log_partitions_task(timestamp: int) -> None:
    """Make this month's, last month's and the next two months' partitions of the sorting
    logs, and a partition for any month whose logs wait in the default one (moving them)."""
    names = ensure_ahead(db.session)
    db.session.commit()
    log.info("sorting-log partitions in place: %s", ", ".join(names))
