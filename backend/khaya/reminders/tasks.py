"""Reminders' background work on the job queue: sending what is due, every ten minutes."""

from __future__ import annotations

import logging

from ..jobs import in_app, queue
from .sending import send_due

log = logging.getLogger(__name__)


@queue.periodic(cron="*/10 * * * *")
@queue.task(name="khaya.reminders.send_due", queue="upkeep", queueing_lock="push_reminders")
@in_app
def send_due_task(timestamp: int) -> None:
    counts = send_due()
    log.info("reminders: %s", counts)
