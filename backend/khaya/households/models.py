"""Households: the unit the scheme counts."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import JSONB, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Lgo, Village
from ..auth.scoping import Scoped
from ..columns import TIMESTAMP, pg_enum, utcnow
from ..extensions import Model


class Occupancy(enum.StrEnum):
    occupied = "occupied"
    vacant = "vacant"


class WetBin(enum.StrEnum):
    has_bin = "has_bin"  # its own buried bottomless bin
    communal = "communal"  # shares a communal bin
    no_space = "no_space"  # no yard: recorded, counted as an arrangement once verified
    none = "none"


CONSENTS = ("named_leaderboard", "photos", "share_with_buyers")


def new_qr_token() -> str:
    """Return an unguessable token for a household's QR card (about 96 bits)."""
    return secrets.token_urlsafe(12)


class Household(Scoped, Model):
    __tablename__ = "households"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id", "household": "id"}
    __table_args__ = (
        # House numbers are unique within a village, among households still in the register.
        Index(
            "uq_households_village_house",
            "village_id",
            "house_number",
            unique=True,
            postgresql_where=text("active"),
        ),
        CheckConstraint("members between 0 and 60", name="members_range"),
        CheckConstraint(
            "house_number ~ '^[0-9A-Za-z\u0e00-\u0e7f/ .-]{1,20}$'", name="house_number_format"
        ),
        CheckConstraint("phone ~ '^\\+66[0-9]{8,9}$'", name="phone_e164"),
        CheckConstraint("gps_accuracy_m is null or gps_accuracy_m >= 0", name="accuracy_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), index=True)
    house_number: Mapped[str] = mapped_column(String(20))
    point: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True)
    )
    gps_accuracy_m: Mapped[float | None]
    members: Mapped[int] = mapped_column(Integer, default=1)
    head_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(16))
    occupancy: Mapped[Occupancy] = mapped_column(
        pg_enum(Occupancy, "occupancy"), default=Occupancy.occupied
    )
    wet_bin: Mapped[WetBin] = mapped_column(pg_enum(WetBin, "wet_bin"), default=WetBin.none)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    consents: Mapped[dict] = mapped_column(JSONB, default=dict)
    qr_token: Mapped[str] = mapped_column(String(32), unique=True, default=new_qr_token)
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_on: Mapped[dt.date | None] = mapped_column(Date)
    deactivation_reason: Mapped[str | None] = mapped_column(String(200))
    # The latest inspection decides: a pass sets the date, a later fail clears it.
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    last_log_on: Mapped[dt.date | None] = mapped_column(Date)
    last_inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)

    # Small reference tables: joined so a page of households is one query.
    village: Mapped[Village] = relationship(lazy="joined", innerjoin=True)
    lgo: Mapped[Lgo] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}


class HouseholdState(Model):
    """A span of days in which a household's counted fields held (the register's history).

    Written by the database (triggers on ``households``; see the register_history migration),
    never by the app: ``valid_from`` is inclusive (``-infinity`` for the span a household was
    registered with), ``valid_until`` exclusive (null while current). Figures for a day read the
    span holding on it, so an edit today leaves every earlier period's figures as they were.
    """

    __tablename__ = "household_states"
    __table_args__ = (
        CheckConstraint("valid_until is null or valid_until > valid_from", name="span"),
        ExcludeConstraint(("household_id", "="),
                          (text("daterange(valid_from, valid_until)"), "&&"),
                          using="gist", name="ex_household_states_overlap"),
        Index("ix_household_states_village", "village_id", "valid_from"),
        Index("ix_household_states_off_register", "household_id",
              postgresql_where=text("not (active and occupancy = 'occupied')")),
        # The spans that ended after a day: the off-register candidates of a past period.
        Index("ix_household_states_off_register_until", "valid_until",
              postgresql_where=text("not (active and occupancy = 'occupied')")),
    )

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    members: Mapped[int] = mapped_column(Integer)
    occupancy: Mapped[Occupancy] = mapped_column(pg_enum(Occupancy, "occupancy"))
    wet_bin: Mapped[WetBin] = mapped_column(pg_enum(WetBin, "wet_bin"))
    active: Mapped[bool]
