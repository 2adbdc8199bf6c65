"""Export jobs' work on the job queue: building a file, deleting expired ones."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import delete

from ..columns import utcnow
from ..extensions import db
from ..jobs import in_app, queue
from . import evidence, figures, writers
from .models import ACTIVE, ExportJob, JobStatus

log = logging.getLogger(__name__)


def build(job_id: uuid.UUID) -> None:
    """Build a job's file with the current session; record done or failed, and commit.

    A job found running (its worker died mid-way and the queue gave it to another) is built
    again from the start; a finished or deleted one is left alone.
    """
    try:
        job = db.session.get(ExportJob, job_id)
        if job is None or job.status not in ACTIVE:
            return
        job.status, job.started_at = JobStatus.running, utcnow()
        db.session.commit()
        if job.params.get("kind") == "evidence":
            proof = evidence.EvidenceRequest.from_params(job.params)
            data, households = evidence.build(proof)
            # Kept so that each download records an export of each household it names.
            job.params = {**job.params, "households": households}
            job.filename, job.content_type = evidence.filename(proof), evidence.MEDIA_TYPE
        else:
            request = figures.Request.from_params(job.params)
            data = writers.render(request, figures.rows(request), job.format)
            job.filename = writers.filename(request, job.format)
            job.content_type = writers.MEDIA_TYPES[job.format]
        job.data, job.size = data, len(data)
        job.status, job.finished_at = JobStatus.done, utcnow()
        db.session.commit()
    except Exception:
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        failed = db.session.get(ExportJob, job_id)
        if failed is not None:
            failed.status, failed.finished_at = JobStatus.failed, utcnow()
            failed.error = "The export could not be built; try again or ask an admin."
            db.session.commit()


@queue.task(name="khaya.exports.build", queue="exports")
@in_app
def build_task(job_id: str) -> None:
    build(uuid.UUID(job_id))


@queue.periodic(cron="5 * * * *")
@queue.task(name="khaya.exports.expire", queue="upkeep", queueing_lock="exports_expire")
@in_app
def expire_task(timestamp: int) -> int:
    """Delete export jobs, and their files, past ``expires_at``."""
    gone = db.session.execute(delete(ExportJob).where(ExportJob.expires_at < utcnow()))
    db.session.commit()
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
