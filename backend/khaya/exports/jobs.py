"""Export jobs: queued by a request, built by a bounded thread pool, polled by their owner.

A job runs in a pool thread with its own app context and so its own database session, never
the request's; the request commits the queued job before handing it over. The file is kept in
the job's row until ``expires_at`` (``EXPORT_JOB_TTL`` seconds); expired jobs are deleted when
the next one is created. A job is its creator's alone: anyone else gets 404, as for a missing
one. A job still queued or running after ``EXPORT_JOB_TIMEOUT`` seconds (its process stopped)
is reported failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import delete, func, select

from ..auth.models import utcnow
from ..errors import DomainError
from ..extensions import db
from . import figures, writers
from .errors import JobExpired, JobNotFound, JobNotReady
from .models import ExportJob, JobStatus

log = logging.getLogger(__name__)
ACTIVE = (JobStatus.queued, JobStatus.running)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_futures: dict[uuid.UUID, Future] = {}


class TooManyJobs(DomainError):
    status = 429
    code = "too_many_export_jobs"
    message = "You have too many export jobs running; wait for one to finish."


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=current_app.config.get("EXPORT_WORKERS", 2),
                thread_name_prefix="khaya-export",
            )
        return _executor


def create_job(user_id: int, fmt: str, request: figures.Request) -> ExportJob:
    """Queue an export for ``user_id`` (flushed, not committed; call ``start`` after commit)."""
    config = current_app.config
    now = utcnow()
    db.session.execute(delete(ExportJob).where(ExportJob.expires_at < now))
    active = db.session.execute(
        select(func.count()).select_from(ExportJob).where(
            ExportJob.user_id == user_id, ExportJob.status.in_(ACTIVE)
        )
    ).scalar_one()
    if active >= config.get("EXPORT_MAX_ACTIVE_JOBS", 3):
        raise TooManyJobs()
    job = ExportJob(
        user_id=user_id, format=fmt, params=request.as_params(), status=JobStatus.queued,
        expires_at=now + dt.timedelta(seconds=config.get("EXPORT_JOB_TTL", 24 * 3600)),
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id: uuid.UUID) -> None:
    """Hand a committed job to the pool (or run it here with ``EXPORT_JOBS_INLINE``)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("EXPORT_JOBS_INLINE"):
        run(app, job_id)
        return
    future = _pool().submit(run, app, job_id)
    _futures[job_id] = future
    future.add_done_callback(lambda _f: _futures.pop(job_id, None))


def wait(timeout: float = 60.0) -> None:
    """Wait for every submitted job to finish (tests, and a clean shutdown)."""
    for future in list(_futures.values()):
        future.result(timeout=timeout)


def run(app: Flask, job_id: uuid.UUID) -> None:
    """Build a job's file in a fresh app context and session; record done or failed."""
    with app.app_context():
        try:
            job = db.session.get(ExportJob, job_id)
            if job is None or job.status is not JobStatus.queued:
                return
            job.status, job.started_at = JobStatus.running, utcnow()
            db.session.commit()
            request = figures.Request.from_params(job.params)
            data = writers.render(request, figures.rows(request), job.format)
            job.data, job.size = data, len(data)
            job.filename = writers.filename(request, job.format)
            job.content_type = writers.MEDIA_TYPES[job.format]
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
        finally:
            db.session.remove()


def get_job(job_id: uuid.UUID, user_id: int) -> ExportJob:
    """Return the caller's job; another user's job, or none, raises JobNotFound."""
    # populate_existing: the pool thread updates the row through its own session.
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
