"""Sorting logs, inspections and photos. Rows created on phones carry the phone's UUID."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..auth.scoping import Scoped
from ..columns import TIMESTAMP, pg_enum, utcnow
from ..extensions import Model
from ..households.models import WetBin


class Stream(enum.StrEnum):
    organic = "organic"  # green
    recyclable = "recyclable"  # yellow
    general = "general"  # blue
    hazardous = "hazardous"  # orange (2017 MOI rule; red in many places)


class OrganicHandling(enum.StrEnum):
    wet_bin = "wet_bin"
    compost = "compost"
    animal_feed = "animal_feed"
    other = "other"


class Review(enum.StrEnum):
    """What the LGO decided about a flagged inspection (none yet: it waits in the queue)."""

    accepted = "accepted"
    rejected = "rejected"


# Whether an inspection's result counts (verification, the indicators, the register): an
# unflagged one always; a flagged one only once the LGO accepts it, except that a flagged fail
# counts while it waits, because an unchecked fail can only understate (the household is
# inspected again), while an unchecked pass would put up a sign and claim carbon credits.
# A rejected inspection never counts. Computed by PostgreSQL so every reader agrees.
COUNTED_SQL = (
    "case when review is null then location_flag is null or not passed "
    "else review = 'accepted'::inspection_review end"
)


# The heaviest plausible day for one stream of one household, in kg; more is a typing slip.
KG_CEILING = 100
STREAMS = tuple(s.value for s in Stream)


class CapturedMixin:
    """What every item made on a phone records about its journey to the server."""

    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    # What the item said (common.batch.content_digest): tells a replay from another record sent
    # under the same client id. Null on rows stored before it was kept.
    content_digest: Mapped[bytes | None] = mapped_column(LargeBinary)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_role: Mapped[str | None] = mapped_column(String(20))
    device_id: Mapped[str | None] = mapped_column(String(100))
    device_time: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    received_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    # Server clock minus device clock at upload, in seconds.
    clock_offset_s: Mapped[int | None] = mapped_column(Integer)


class Photo(Scoped, Model):
    """An image attached to a log or inspection; kept in the database, so one backup has all."""

    __tablename__ = "photos"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id", "household": "household_id"}

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class SortingLog(CapturedMixin, Scoped, Model):
    """A household's sorting on one date.

    Partitioned by month of ``log_date`` (see the migration ``sorting_logs_by_month``): a
    month's query reads one partition, and retention drops whole months. A partition's unique
    index must hold the date, so a client id is kept to one log across every month by
    ``SortingLogClaim``.
    """

    __tablename__ = "sorting_logs"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id", "household": "household_id"}
    # Where each client id is claimed, across partitions (common.batch.insert_new).
    __claims__ = "sorting_log_claims"
    __table_args__ = (
        UniqueConstraint("client_id", "log_date", name="uq_sorting_logs_client_id_log_date"),
        Index("ix_sorting_logs_household_date", "household_id", "log_date"),
        Index("ix_sorting_logs_lgo_date", "lgo_id", "log_date"),
        Index("ix_sorting_logs_village_date", "village_id", "log_date"),
        CheckConstraint(
            "cardinality(streams) between 1 and 4 and streams <@ "
            "array['organic','recyclable','general','hazardous']::varchar[]",
            name="known_streams",
        ),
        *(
            CheckConstraint(
                f"kg_{s} is null or (kg_{s} >= 0 and kg_{s} <= {KG_CEILING})", name=f"kg_{s}_range"
            )
            for s in STREAMS
        ),
        {"postgresql_partition_by": "RANGE (log_date)"},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    log_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    streams: Mapped[list[str]] = mapped_column(ARRAY(String(12)))
    organic_handling: Mapped[OrganicHandling | None] = mapped_column(
        pg_enum(OrganicHandling, "organic_handling")
    )
    kg_organic: Mapped[float | None]
    kg_recyclable: Mapped[float | None]
    kg_general: Mapped[float | None]
    kg_hazardous: Mapped[float | None]
    photo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("photos.id"))
    # A correction voids a log; it stays for the record and drops out of every figure.
    voided_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    void_reason: Mapped[str | None] = mapped_column(String(200))


class SortingLogClaim(Model):
    """A client id spent on a sorting log, whatever its month: the one unique index that a
    partitioned table cannot have. Stays when its log is deleted (the id stays spent) and goes
    with the raw logs' retention."""

    __tablename__ = "sorting_log_claims"

    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    log_date: Mapped[dt.date] = mapped_column(Date)


class Inspection(CapturedMixin, Scoped, Model):
    """The five-point wet-bin check, plus a sorting check, at one household on one day."""

    __tablename__ = "inspections"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id", "household": "household_id"}
    __table_args__ = (
        Index("ix_inspections_household_date", "household_id", "inspected_on"),
        Index("ix_inspections_lgo_date", "lgo_id", "inspected_on"),
        # The LGO's review queue: flagged inspections nobody has decided on yet.
        Index("ix_inspections_review_queue", "lgo_id", "received_at",
              postgresql_where=text("location_flag is not null and review is null")),
        CheckConstraint("review is null or location_flag is not null", name="review_flagged"),
        CheckConstraint("(review is null) = (reviewed_at is null)", name="review_dated"),
        CheckConstraint("wet_bin is null or wet_bin <> 'none'", name="arrangement"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    registered: Mapped[bool]
    bin_built: Mapped[bool]
    food_waste_in_bin: Mapped[bool]
    lid_closed: Mapped[bool]
    used_correctly: Mapped[bool]
    sorting_ok: Mapped[bool | None]
    passed: Mapped[bool]
    notes: Mapped[str | None] = mapped_column(Text)
    photo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("photos.id"))
    inspector_point: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False)
    )
    gps_accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]
    mock_location: Mapped[bool] = mapped_column(default=False)
    # Set when the inspector stood far from the house or the phone reported a faked location.
    location_flag: Mapped[str | None] = mapped_column(String(20))
    # The wet-bin arrangement the inspector confirmed; a counted pass writes it to the register.
    wet_bin: Mapped[WetBin | None] = mapped_column(pg_enum(WetBin, "wet_bin"))
    review: Mapped[Review | None] = mapped_column(pg_enum(Review, "inspection_review"))
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    review_reason: Mapped[str | None] = mapped_column(String(200))
    counted: Mapped[bool] = mapped_column(Computed(COUNTED_SQL, persisted=True))
