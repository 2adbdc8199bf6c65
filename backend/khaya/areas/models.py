"""Territory models. DOPA codes are the public keys; integer ids are for joins."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import Model

MULTIPOLYGON = Geometry("MULTIPOLYGON", srid=4326, spatial_index=True)
POINT = Geometry("POINT", srid=4326, spatial_index=False)


class BoundarySource(enum.StrEnum):
    """Where a polygon came from: generated for the demo, or imported from an official file."""

    approximate = "approximate"
    imported = "imported"


class LgoType(enum.StrEnum):
    PAO = "PAO"
    city_municipality = "city_municipality"
    town_municipality = "town_municipality"
    subdistrict_municipality = "subdistrict_municipality"
    SAO = "SAO"


class VillageKind(enum.StrEnum):
    village = "village"  # หมู่บ้าน, numbered หมู่ที่ within its tambon
    community = "community"  # ชุมชน of an urban core, the same atomic unit


class Assignment(enum.StrEnum):
    """How a village's LGO is known: from the reference data, or assigned by the seed."""

    reference = "reference"
    approximate = "approximate"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=True,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class AreaMixin:
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    geom: Mapped[WKBElement | None] = mapped_column(MULTIPOLYGON, nullable=True)
    boundary_source: Mapped[BoundarySource] = mapped_column(
        _enum(BoundarySource, "boundary_source"), default=BoundarySource.approximate
    )
    boundary_updated_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Province(AreaMixin, Model):
    __tablename__ = "provinces"
    __table_args__ = (CheckConstraint("late_items in ('next_month', 'reopen')",
                                      name="late_items"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    point: Mapped[WKBElement | None] = mapped_column(POINT, nullable=True)
    population: Mapped[int | None]
    households: Mapped[int | None]
    # What a row dated in an accepted month does when it arrives late: "next_month" (counted
    # as late in the LGO's next open month) or "reopen" (see analytics.signoff).
    late_items: Mapped[str] = mapped_column(String(16), default="next_month",
                                            server_default="next_month")

    districts: Mapped[list[District]] = relationship(
        back_populates="province", order_by="District.code"
    )


class District(AreaMixin, Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    point: Mapped[WKBElement | None] = mapped_column(POINT, nullable=True)
    population: Mapped[int | None]
    households: Mapped[int | None]

    province: Mapped[Province] = relationship(back_populates="districts")
    tambons: Mapped[list[Tambon]] = relationship(back_populates="district", order_by="Tambon.code")


class Tambon(AreaMixin, Model):
    __tablename__ = "tambons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    postcode: Mapped[str | None] = mapped_column(String(5))
    point: Mapped[WKBElement | None] = mapped_column(POINT, nullable=True)
    population: Mapped[int | None]
    households: Mapped[int | None]

    district: Mapped[District] = relationship(back_populates="tambons")
    villages: Mapped[list[Village]] = relationship(back_populates="tambon", order_by="Village.code")


class Lgo(AreaMixin, Model):
    """A local government organisation: PAO, municipality or SAO, as it is today."""

    __tablename__ = "lgos"
    __table_args__ = (CheckConstraint("code ~ '^[a-z0-9-]+$'", name="code_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No official LGO code is in the reference data, so the key is a stable slug.
    code: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[LgoType] = mapped_column(_enum(LgoType, "lgo_type"))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    office_point: Mapped[WKBElement | None] = mapped_column(POINT, nullable=True)
    office_point_source: Mapped[str | None] = mapped_column(String(200))
    households: Mapped[int | None]
    # Whether every village's volunteer or head confirms a month before the LGO submits it.
    confirm_villages: Mapped[bool] = mapped_column(default=False, server_default="false")

    district: Mapped[District] = relationship()
    villages: Mapped[list[Village]] = relationship(back_populates="lgo", order_by="Village.code")
    history: Mapped[list[LgoVersion]] = relationship(
        back_populates="lgo", order_by="LgoVersion.valid_from", cascade="all, delete-orphan"
    )


class LgoVersion(Model):
    """One period of an LGO's type and names; renames and upgrades close one and open the next."""

    __tablename__ = "lgo_versions"
    __table_args__ = (
        CheckConstraint("valid_to is null or valid_to > valid_from", name="period_order"),
        # At most one open period per LGO.
        Index(
            "uq_lgo_versions_open", "lgo_id", unique=True, postgresql_where=text("valid_to is null")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id", ondelete="CASCADE"), index=True)
    type: Mapped[LgoType] = mapped_column(_enum(LgoType, "lgo_type"))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))

    lgo: Mapped[Lgo] = relationship(back_populates="history")


class Village(AreaMixin, Model):
    """The atomic area: a village (หมู่บ้าน) or an urban community (ชุมชน)."""

    __tablename__ = "villages"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{8}$'", name="code_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    tambon_id: Mapped[int] = mapped_column(ForeignKey("tambons.id"), index=True)
    moo: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[VillageKind] = mapped_column(_enum(VillageKind, "village_kind"))
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), index=True)
    lgo_assignment: Mapped[Assignment] = mapped_column(_enum(Assignment, "lgo_assignment"))
    point: Mapped[WKBElement | None] = mapped_column(POINT, nullable=True)
    households_estimate: Mapped[int | None]

    tambon: Mapped[Tambon] = relationship(back_populates="villages")
    lgo: Mapped[Lgo] = relationship(back_populates="villages")


def _parent_code(parent: Any, fk: Any) -> Any:
    return column_property(
        select(parent.code).where(parent.id == fk).correlate_except(parent).scalar_subquery()
    )


# Parent codes travel with each row: a primary-key lookup per row, no N+1 on lists.
District.province_code = _parent_code(Province, District.province_id)
Tambon.district_code = _parent_code(District, Tambon.district_id)
Lgo.district_code = _parent_code(District, Lgo.district_id)
Village.tambon_code = _parent_code(Tambon, Village.tambon_id)
Village.lgo_code = _parent_code(Lgo, Village.lgo_id)
