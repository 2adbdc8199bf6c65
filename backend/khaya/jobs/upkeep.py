"""The queue's own upkeep: jobs of a worker that died are run again, old job rows go."""

from __future__ import annotations

import logging

from procrastinate import JobContext

from . import queue
from .worker import STALLED

log = logging.getLogger(__name__)

# Finished jobs are deleted as they succeed; failed and cancelled ones stay this long.
KEEP_FAILED_HOURS = 24 * 30


@queue.periodic(cron="*/2 * * * *")
@queue.task(name="khaya.jobs.retry_stalled", queue="upkeep", pass_context=True,
            queueing_lock="retry_stalled")
async def retry_stalled(context: JobContext, timestamp: int) -> int:
    """Put back in the queue every job still marked running by a worker whose heartbeat
    stopped (killed, or its machine lost): each job runs to the end exactly once more."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED)
    for job in stalled:
        log.warning("job %s (%s) of a stopped worker goes back in the queue", job.id,
                    job.task_name)
        await manager.retry_job(job)
    return len(list(stalled))


@queue.periodic(cron="50 3 * * *")
@queue.task(name="khaya.jobs.remove_old", queue="upkeep", pass_context=True,
            queueing_lock="remove_old")
async def remove_old(context: JobContext, timestamp: int) -> None:
    """Delete failed and cancelled job rows older than KEEP_FAILED_HOURS."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=KEEP_FAILED_HOURS, include_failed=True, include_cancelled=True,
        include_aborted=True)
