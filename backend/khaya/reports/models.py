"""Citizen reports: illegal dumping, open burning, a collection point overflowing or damaged, a
missed collection, hazardous waste found, anything else; their photos, their history, and the
apps an LGO lets post reports over Open311 GeoReport v2.

A report belongs to the LGO and village whose area holds its point (``routing``). Who made it
(the signed-in reporter, or the name, phone and e-mail a member of the public chose to leave) is
personal data: it never leaves through a public read, Open311 or a map.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..auth.scoping import Scoped
from ..columns import TIMESTAMP, pg_enum, utcnow
from ..extensions import Model
from ..participation.models import CapturedMixin


class ReportType(enum.StrEnum):
    """The services a report is about (Open311's ``service_code``)."""

    illegal_dumping = "illegal_dumping"
    open_burning = "open_burning"
    collection_point = "collection_point"  # a collection point overflowing or damaged
    missed_collection = "missed_collection"
    hazardous_found = "hazardous_found"
    other = "other"


class ReportStatus(enum.StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    in_progress = "in_progress"
    closed = "closed"


class ReportSource(enum.StrEnum):
    app = "app"  # the phone app, signed in (online or through sync)
    web = "web"  # the public web form, no account
    open311 = "open311"  # an app the LGO registered, over GeoReport v2


class Located(enum.StrEnum):
    gps = "gps"  # the phone's position, with its accuracy
    map = "map"  # a point the reporter chose on the map


# How a report moves: forward through the work, and a closed one may be reopened.
TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    ReportStatus.open: frozenset({ReportStatus.acknowledged, ReportStatus.in_progress,
                                  ReportStatus.closed}),
    ReportStatus.acknowledged: frozenset({ReportStatus.in_progress, ReportStatus.closed}),
    ReportStatus.in_progress: frozenset({ReportStatus.closed}),
    ReportStatus.closed: frozenset({ReportStatus.open}),
}
DESCRIPTION_MAX = 2000
NOTE_MAX = 1000
PHOTOS_PER_STAGE = 2


class Report(CapturedMixin, Scoped, Model):
    """A report. ``recorded_by_id`` is the signed-in reporter (none for the web and Open311);
    ``client_id`` makes a replay find the original, as for every item a phone makes."""

    __tablename__ = "reports"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id"}
    __table_args__ = (
        CheckConstraint("accuracy_m is null or (accuracy_m >= 0 and accuracy_m <= 100000)",
                        name="accuracy_range"),
        CheckConstraint("(status = 'closed') = (closed_at is not null)", name="closed_when"),
        Index("ix_reports_lgo_status", "lgo_id", "status", "received_at"),
        Index("ix_reports_type_received", "type", "received_at"),
        Index("ix_reports_recorded_by", "recorded_by_id",
              postgresql_where="recorded_by_id is not null"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[ReportType] = mapped_column(pg_enum(ReportType, "report_type"))
    status: Mapped[ReportStatus] = mapped_column(
        pg_enum(ReportStatus, "report_status"), default=ReportStatus.open)
    point: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    accuracy_m: Mapped[int | None]
    located_by: Mapped[Located] = mapped_column(pg_enum(Located, "report_located"))
    description: Mapped[str] = mapped_column(Text, default="")
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    collection_point_id: Mapped[int | None] = mapped_column(ForeignKey("collection_points.id"))
    source: Mapped[ReportSource] = mapped_column(pg_enum(ReportSource, "report_source"))
    # Left by choice by a member of the public (web or Open311); never shown publicly.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    app_id: Mapped[int | None] = mapped_column(ForeignKey("report_apps.id"))
    # A picture already published elsewhere (Open311's media_url): shown as given.
    media_url: Mapped[str | None] = mapped_column(String(500))
    # Lets whoever made it follow it without an account (the web form, Open311's token).
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # When the reporter saw it: the device's time if sent and plausible, else when received.
    reported_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    close_note: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))


class ReportPhoto(Model):
    """A photo of a report (``report``) or of the place once dealt with (``after``), stored
    re-encoded (``common.images``). Uploaded before the report when offline: it waits, owned by
    its uploader, until a report names it."""

    __tablename__ = "report_photos"
    __table_args__ = (CheckConstraint("stage in ('report', 'after')", name="known_stage"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"),
                                                  index=True)
    stage: Mapped[str] = mapped_column(String(8), default="report")
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class ReportEvent(Model):
    """One change of a report: made, acknowledged, assigned, closed, reopened, merged. The
    reporter's timeline and the LGO's record of who did what."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[ReportStatus] = mapped_column(pg_enum(ReportStatus, "report_status"))
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


class ReportApp(Model):
    """An app allowed to post reports over Open311, with its key (kept as a hash). An LGO's app
    posts within that LGO's area; an app the system admin registers, anywhere."""

    __tablename__ = "report_apps"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lgo_id: Mapped[int | None] = mapped_column(ForeignKey("lgos.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class ReportSettings(Model):
    """An LGO's choices about reports: whether the public may report without an account."""

    __tablename__ = "report_settings"

    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), primary_key=True)
    public_reports: Mapped[bool] = mapped_column(Boolean, default=True)
    # Reports of one type within this many metres and days are offered as duplicates.
    duplicate_metres: Mapped[int] = mapped_column(SmallInteger, default=50)
    duplicate_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)
