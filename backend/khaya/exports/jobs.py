"""Export jobs: queued by a request, built by a queue worker, polled by their owner.

The request writes the job's row and defers its build on the job queue in one transaction
(``khaya.jobs.defer``), so a job that commits is always built and one rolled back never is. A
worker builds the file with its own session (``tasks.build``). The file is kept in the job's
row until ``expires_at`` (``EXPORT_JOB_TTL`` seconds); the queue's scheduler deletes expired
jobs hourly. A job is its creator's alone: anyone else gets 404, as for a missing one. A job
still queued or running after ``EXPORT_JOB_TIMEOUT`` seconds is reported failed.
"""

from __future__ import annotations

import datetime as dt
import uuid

from flask import current_app
from sqlalchemy import delete, func, select

from ..columns import utcnow
from ..errors import DomainError
from ..extensions import db
from ..jobs import defer
from . import evidence, figures, tasks
from .errors import JobExpired, JobNotFound, JobNotReady
from .models import ACTIVE, ExportJob, JobStatus


class TooManyJobs(DomainError):
    status = 429
    code = "too_many_export_jobs"
    message = "You have too many export jobs running; wait for one to finish."
    message_th = "คุณมีงานส่งออกที่กำลังทำอยู่มากเกินไป รอให้งานหนึ่งเสร็จก่อน"


def create_job(user_id: int, fmt: str, request: figures.Request | evidence.EvidenceRequest,
               extra: dict | None = None) -> ExportJob:
    """Queue an export for ``user_id``: its row and its build job, flushed, not committed.

    The count of the user's active jobs is taken under a lock on the user's jobs, so two
    requests at once cannot both pass the limit.
    """
    config = current_app.config
    now = utcnow()
    db.session.execute(delete(ExportJob).where(ExportJob.expires_at < now))
    # One user's job creations queue behind each other (a transaction-scoped advisory lock).
    db.session.execute(select(func.pg_advisory_xact_lock(0x4B455850, user_id)))
    active = db.session.execute(
        select(func.count()).select_from(ExportJob).where(
            ExportJob.user_id == user_id, ExportJob.status.in_(ACTIVE)
        )
    ).scalar_one()
    if active >= config.get("EXPORT_MAX_ACTIVE_JOBS", 3):
        raise TooManyJobs()
    job = ExportJob(
        user_id=user_id, format=fmt, params={**request.as_params(), **(extra or {})},
        status=JobStatus.queued,
        expires_at=now + dt.timedelta(seconds=config.get("EXPORT_JOB_TTL", 24 * 3600)),
    )
    db.session.add(job)
    db.session.flush()
    if not config.get("EXPORT_JOBS_INLINE"):
        defer(tasks.build_task, job_id=str(job.id))
    return job


def start(job_id: uuid.UUID) -> None:
    """With ``EXPORT_JOBS_INLINE`` (tests inside a rolled-back transaction) build the committed
    job here; otherwise its deferred job is already waiting for a worker."""
    if current_app.config.get("EXPORT_JOBS_INLINE"):
        tasks.build(job_id)


def get_job(job_id: uuid.UUID, user_id: int) -> ExportJob:
    """Return the caller's job; another user's job, or none, raises JobNotFound."""
    # populate_existing: the worker updates the row through its own session.
    job = db.session.execute(
        select(ExportJob).where(ExportJob.id == job_id, ExportJob.user_id == user_id),
        execution_options={"populate_existing": True},
    ).scalar_one_or_none()
    if job is None:
        raise JobNotFound()
    timeout = dt.timedelta(seconds=current_app.config.get("EXPORT_JOB_TIMEOUT", 1800))
    if job.status in ACTIVE and job.created_at < utcnow() - timeout:
        job.status, job.finished_at = JobStatus.failed, utcnow()
        job.error = "The export was interrupted; start it again."
        db.session.flush()
    return job


def job_file(job_id: uuid.UUID, user_id: int) -> tuple[ExportJob, bytes]:
    """Return the caller's finished job and its file."""
    job = get_job(job_id, user_id)
    if job.status is not JobStatus.done:
        raise JobNotReady(extra={"job_status": job.status.value})
    if job.expires_at < utcnow() or job.data is None:
        raise JobExpired()
    return job, job.data
