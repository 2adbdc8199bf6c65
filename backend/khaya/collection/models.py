"""Collection points, collection schedules, hazardous drop-off collections and hand-overs to the
PAO, and the LGOs' changes to the sorting guide."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Lgo, Village
from ..auth.scoping import Scoped
from ..columns import TIMESTAMP, pg_enum, utcnow
from ..extensions import Model


class PointKind(enum.StrEnum):
    hazardous_dropoff = "hazardous_dropoff"
    recycling = "recycling"  # recycling or waste-bank point
    compost = "compost"  # community compost or สวียน
    general_bin = "general_bin"
    pao_handover = "pao_handover"  # where LGOs hand hazardous waste to the PAO


class PointStatus(enum.StrEnum):
    active = "active"
    full = "full"
    closed = "closed"


HAZARD_TYPES = ("bulbs", "batteries", "spray_cans", "pesticide_containers", "e_waste", "other")
# One drop-off collection or hand-over above this many kg of one type is a typing slip.
HAZARD_KG_CEILING = 20_000


class CollectionPoint(Scoped, Model):
    """A place that takes waste. Public information: reads see past scope on purpose."""

    __tablename__ = "collection_points"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id"}
    __table_args__ = (
        CheckConstraint(
            "streams <@ array['organic','recyclable','general','hazardous']::varchar[]",
            name="known_streams",
        ),
        Index("ix_collection_points_lgo_kind", "lgo_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    kind: Mapped[PointKind] = mapped_column(pg_enum(PointKind, "point_kind"))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    point: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    streams: Mapped[list[str]] = mapped_column(ARRAY(String(12)))
    # {"weekly": [{"day": 0-6 (Mon-Sun), "opens": "08:00", "closes": "12:00"}],
    #  "dates": ["2026-12-05", ...]} for dated buying days.
    opening: Mapped[dict] = mapped_column(JSONB, default=dict)
    status: Mapped[PointStatus] = mapped_column(
        pg_enum(PointStatus, "point_status"), default=PointStatus.active
    )
    contact: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)

    lgo: Mapped[Lgo] = relationship(lazy="joined", innerjoin=True)
    village: Mapped[Village | None] = relationship(lazy="joined")


class HazardKgMixin:
    kg_bulbs: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    kg_batteries: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    kg_spray_cans: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    kg_pesticide_containers: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    kg_e_waste: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    kg_other: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)


def _kg_checks() -> tuple[CheckConstraint, ...]:
    return tuple(
        CheckConstraint(f"kg_{t} >= 0 and kg_{t} <= {HAZARD_KG_CEILING}", name=f"kg_{t}_range")
        for t in HAZARD_TYPES
    ) + (CheckConstraint(" + ".join(f"kg_{t}" for t in HAZARD_TYPES) + " > 0", name="some_weight"),)


class HazardousCollection(HazardKgMixin, Scoped, Model):
    """Hazardous waste the LGO collected from one drop-off point on one day."""

    __tablename__ = "hazardous_collections"
    __scope_columns__ = {"lgo": "lgo_id"}
    __table_args__ = (
        *_kg_checks(),
        Index("ix_hazardous_collections_lgo_date", "lgo_id", "collected_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), unique=True, default=uuid.uuid4
    )
    point_id: Mapped[int] = mapped_column(ForeignKey("collection_points.id"))
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    collected_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class HazardousHandover(HazardKgMixin, Scoped, Model):
    """Hazardous waste an LGO handed to the PAO at a hand-over point, against a receipt."""

    __tablename__ = "hazardous_handovers"
    __scope_columns__ = {"lgo": "lgo_id"}
    __table_args__ = (
        *_kg_checks(),
        Index("ix_hazardous_handovers_lgo_date", "lgo_id", "handed_over_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), unique=True, default=uuid.uuid4
    )
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    to_point_id: Mapped[int] = mapped_column(ForeignKey("collection_points.id"))
    handed_over_on: Mapped[dt.date] = mapped_column(Date)
    # The PAO's receipt; unique so the same paper is not entered twice.
    receipt_number: Mapped[str] = mapped_column(String(60), unique=True)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class ScheduleKind(enum.StrEnum):
    collection = "collection"  # a stream collected in the village (kerbside, a truck's round)
    dropoff = "dropoff"  # days a collection point takes a stream (hazardous drop-off days)


STREAMS = ("organic", "recyclable", "general", "hazardous")


class Schedule(Scoped, Model):
    """When a stream is collected, or a point takes it: a recurrence rule (RFC 5545 RRULE) from
    ``starts_on``, with exceptions (a holiday, a moved day).

    ``village_id`` null: every village of the LGO that has no schedule of its own for the same
    kind and stream (a village's own replaces the LGO's). Public information, like the points.
    """

    __tablename__ = "collection_schedules"
    __scope_columns__ = {"lgo": "lgo_id"}
    __table_args__ = (
        CheckConstraint(f"stream in ({', '.join(repr(s) for s in STREAMS)})",
                        name="known_stream"),
        CheckConstraint("ends_on is null or ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("kind <> 'dropoff' or point_id is not null", name="dropoff_has_point"),
        Index("ix_collection_schedules_lgo_village", "lgo_id", "village_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("collection_points.id"))
    kind: Mapped[ScheduleKind] = mapped_column(pg_enum(ScheduleKind, "schedule_kind"))
    stream: Mapped[str] = mapped_column(String(12))
    # The RRULE's value without DTSTART, UNTIL or COUNT (starts_on and ends_on hold those):
    # "FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=1FR,3FR".
    rule: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    starts_at: Mapped[dt.time | None] = mapped_column(Time)
    ends_at: Mapped[dt.time | None] = mapped_column(Time)
    # [{"day": "2026-12-08", "moved_to": "2026-12-09" or null, "note_th": ..., "note_en": ...}]
    exceptions: Mapped[list] = mapped_column(JSONB, default=list)
    note_th: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)

    lgo: Mapped[Lgo] = relationship(lazy="joined", innerjoin=True)
    village: Mapped[Village | None] = relationship(lazy="joined")
    point: Mapped[CollectionPoint | None] = relationship(lazy="joined")


# Where an item of the sorting guide goes (guide_items.json, meta.where).
WHERE = ("wet_bin", "waste_bank", "hazardous_dropoff", "general_collection")


class GuideOverride(Scoped, Model):
    """An LGO's change to one item of the sorting guide (``guide_items.json`` holds the province
    defaults); a null field follows the default. Public information, like the points: reads see
    past scope on purpose, changes go through it."""

    __tablename__ = "guide_overrides"
    __scope_columns__ = {"lgo": "lgo_id"}
    __table_args__ = (
        UniqueConstraint("lgo_id", "key", name="uq_guide_overrides_lgo_key"),
        CheckConstraint(f"stream is null or stream in ({', '.join(repr(s) for s in STREAMS)})",
                        name="known_stream"),
        CheckConstraint(f'"where" is null or "where" in ({", ".join(repr(w) for w in WHERE)})',
                        name="known_where"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    key: Mapped[str] = mapped_column(String(40))
    stream: Mapped[str | None] = mapped_column(String(12))
    where: Mapped[str | None] = mapped_column(String(20))
    prepare_th: Mapped[str | None] = mapped_column(Text)
    prepare_en: Mapped[str | None] = mapped_column(Text)
    note_th: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)

    lgo: Mapped[Lgo] = relationship(lazy="joined", innerjoin=True)
