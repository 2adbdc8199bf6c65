"""Maps' background work on the job queue: folding the data versions' change log, every minute.

A tile or OGC request reads a version as the base plus the change rows written since the last
fold; folding keeps that count a few milliseconds. It was done after a tile render, in the
request; here it costs a request nothing.
"""

from __future__ import annotations

import logging

from ..extensions import db
from ..jobs import in_app, queue
from .tiles import compact_versions

log = logging.getLogger(__name__)


@queue.periodic(cron="* * * * *")
@queue.task(name="khaya.maps.compact_versions", queue="upkeep",
            queueing_lock="maps_compact_versions")
@in_app
def compact_versions_task(timestamp: int) -> bool:
    """Fold the change log into the versions when it has grown (the versions do not move)."""
    folded = compact_versions()
    db.session.commit()
    if folded:
        log.info("maps: the data versions' change log was folded")
    return folded
