"""Export jobs: a large export runs in the background and keeps its file until it expires."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..columns import TIMESTAMP, pg_enum, utcnow
from ..extensions import Model


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


# A job in one of these states still has a build to come.
ACTIVE = (JobStatus.queued, JobStatus.running)


class ExportJob(Model):
    """One requested export; only the user who asked for it may see it or its file."""

    __tablename__ = "export_jobs"
    __table_args__ = (Index("ix_export_jobs_user_created", "user_id", "created_at"),)

    # A random id: job URLs are not enumerable, and the owner check stays the real guard.
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(8))
    params: Mapped[dict] = mapped_column(JSONB, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        pg_enum(JobStatus, "export_job_status"), default=JobStatus.queued
    )
    error: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None]
    # Deferred: polling a job must not pull its file out of the database.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    finished_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    expires_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP)
