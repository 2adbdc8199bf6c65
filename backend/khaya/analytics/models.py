"""Rollup tables: everything the dashboards read, derived from the raw rows.

Two household-level tables make distinct counts possible over any period:

- ``household_months``: per household and month, a bitmask of the days it logged (bit 0 = the
  1st) and of the days it deposited, with log and deposit counts and kg sums;
- ``household_fiscal_years``: per household and fiscal year, a 12-bit mask of the months with
  a log (bit 0 = October) and of the months with a deposit.

Village-level tables hold the figures a dashboard sums: ``village_days``, ``village_months`` and
``village_fiscal_years`` (participating households, logs, kg by stream, depositors, deposits, kg
and baht by material; months and fiscal years also households inspected and passed), and
``village_registers``: the register as it stood at the end of each month (occupied households,
residents, verified wet-bin arrangements, waste-bank members).

Rows are keyed by the village recorded on each log, deposit or inspection. None has a foreign
key: they are derived data, rebuilt from the raw rows by ``flask analytics reconcile``, and a
bulk rebuild must not check 10 million references. ``analytics_stale_villages`` is filled by
triggers on the register (see the migration) and emptied by ``rollups.refresh_stale``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    or_,
    text,
)
from sqlalchemy.dialects.postgresql import DATERANGE
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import TIMESTAMP
from ..extensions import Model
from ..households.models import Household, Occupancy
from ..participation.models import STREAMS, Inspection
from ..wastebank.models import Material

KG = Numeric(14, 3)
BAHT = Numeric(14, 2)
MATERIALS = tuple(m.value for m in Material)
STREAM_COLUMNS = tuple(f"kg_{s}" for s in STREAMS)
MATERIAL_COLUMNS = tuple(f"bank_kg_{m}" for m in MATERIALS)
# Columns that add up over days, months and villages (``households``/``depositors`` do not:
# they are distinct counts, maintained from the household masks).
LOG_SUMS = ("logs", *STREAM_COLUMNS)
DEPOSIT_SUMS = ("deposits", "deposit_kg", "deposit_baht", *MATERIAL_COLUMNS)
ACTIVITY = ("households", *LOG_SUMS, "depositors", *DEPOSIT_SUMS)
INSPECTION = ("inspected", "passed")
REGISTER = ("occupied", "persons", "arrangements", "verified", "verified_persons",
            "bank_members")


def _zero_int() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default=text("0"))


def _zero_kg() -> Mapped[Decimal]:
    return mapped_column(KG, default=0, server_default=text("0"))


class HouseholdMonth(Model):
    __tablename__ = "household_months"
    __table_args__ = (Index("ix_household_months_household", "household_id", "month"),)

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    days: Mapped[int] = _zero_int()
    # The mask before the last upsert: RETURNING then tells which days are new.
    prev_days: Mapped[int] = _zero_int()
    logs: Mapped[int] = _zero_int()
    kg_organic: Mapped[Decimal] = _zero_kg()
    kg_recyclable: Mapped[Decimal] = _zero_kg()
    kg_general: Mapped[Decimal] = _zero_kg()
    kg_hazardous: Mapped[Decimal] = _zero_kg()
    deposit_days: Mapped[int] = _zero_int()
    prev_deposit_days: Mapped[int] = _zero_int()
    deposits: Mapped[int] = _zero_int()
    deposit_kg: Mapped[Decimal] = _zero_kg()


class HouseholdFiscalYear(Model):
    __tablename__ = "household_fiscal_years"
    __table_args__ = (
        Index("ix_household_fiscal_years_household", "household_id", "fiscal_year"),
    )

    fiscal_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    months: Mapped[int] = _zero_int()
    prev_months: Mapped[int] = _zero_int()
    deposit_months: Mapped[int] = _zero_int()
    prev_deposit_months: Mapped[int] = _zero_int()


class SumsMixin:
    """The sums of logs and deposits: they add up from days to any longer period."""

    logs: Mapped[int] = _zero_int()
    kg_organic: Mapped[Decimal] = _zero_kg()
    kg_recyclable: Mapped[Decimal] = _zero_kg()
    kg_general: Mapped[Decimal] = _zero_kg()
    kg_hazardous: Mapped[Decimal] = _zero_kg()
    deposits: Mapped[int] = _zero_int()
    deposit_kg: Mapped[Decimal] = _zero_kg()
    deposit_baht: Mapped[Decimal] = mapped_column(BAHT, default=0, server_default=text("0"))
    bank_kg_pet: Mapped[Decimal] = _zero_kg()
    bank_kg_plastic_other: Mapped[Decimal] = _zero_kg()
    bank_kg_paper: Mapped[Decimal] = _zero_kg()
    bank_kg_carton: Mapped[Decimal] = _zero_kg()
    bank_kg_glass: Mapped[Decimal] = _zero_kg()
    bank_kg_aluminium: Mapped[Decimal] = _zero_kg()
    bank_kg_iron: Mapped[Decimal] = _zero_kg()
    bank_kg_other: Mapped[Decimal] = _zero_kg()


class ActivityMixin(SumsMixin):
    """The sums, and the households and depositors counted once in the period."""

    households: Mapped[int] = _zero_int()
    depositors: Mapped[int] = _zero_int()


class InspectionMixin:
    inspected: Mapped[int] = _zero_int()
    passed: Mapped[int] = _zero_int()


class VillageDay(ActivityMixin, Model):
    __tablename__ = "village_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class VillageWeek(SumsMixin, Model):
    """The sums of a village's week of a month: days 1-7, 8-14, 15-21, 22-28, and 29 to the
    month's end, keyed by the first day. Weeks never cross a month, so they nest in months and
    fiscal years; a custom range sums its whole months, whole weeks and the days left over
    (a 30-day range reads about a third of the rows of its days)."""

    __tablename__ = "village_weeks"

    week: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class VillageMonth(ActivityMixin, InspectionMixin, Model):
    __tablename__ = "village_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class VillageFiscalYear(ActivityMixin, InspectionMixin, Model):
    __tablename__ = "village_fiscal_years"

    fiscal_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class VillageRegister(Model):
    """The register at the end of a month (or now, for the current month)."""

    __tablename__ = "village_registers"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Occupied households registered by then and not yet deactivated.
    occupied: Mapped[int] = _zero_int()
    persons: Mapped[int] = _zero_int()
    # Of those: with a wet-bin arrangement (own bin, communal, no space), and verified so.
    arrangements: Mapped[int] = _zero_int()
    verified: Mapped[int] = _zero_int()
    # Residents of verified households whose food waste goes into a bin (own or communal).
    verified_persons: Mapped[int] = _zero_int()
    bank_members: Mapped[int] = _zero_int()


class StaleVillage(Model):
    """A village whose register changed since its ``village_registers`` rows were built."""

    __tablename__ = "analytics_stale_villages"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    village_id: Mapped[int] = mapped_column(Integer, index=True)
    marked_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, server_default=text("now()"))


# Indexes on other domains' tables that only analytics needs. Households off the register
# (vacant or gone) are a few percent, and few of them logged lately: the participation
# correction reads just those.
Index("ix_households_off_register", Household.last_log_on,
      postgresql_where=or_(~Household.active, Household.occupancy != Occupancy.occupied))
# A day's register is the month-end one moved on by the households registered or
# deactivated since.
Index("ix_households_registered_on", Household.registered_on)
Index("ix_households_deactivated_on", Household.deactivated_on,
      postgresql_where=Household.deactivated_on.isnot(None))
# Inspected and passed households are recounted per village and period.
Index("ix_inspections_village_date", Inspection.village_id, Inspection.inspected_on)


class VillageRegisterStep(Model):
    """The register of a village from ``day`` until the village's next step: a row for each day
    on which its register changed (see ``analytics.registers``)."""

    __tablename__ = "village_register_steps"
    # The step that holds a day, for every village at once, from the index alone.
    __table_args__ = (Index("ix_village_register_steps_span", "span", postgresql_using="gist",
                            postgresql_include=["village_id", *REGISTER]),)

    village_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    occupied: Mapped[int] = _zero_int()
    persons: Mapped[int] = _zero_int()
    arrangements: Mapped[int] = _zero_int()
    verified: Mapped[int] = _zero_int()
    verified_persons: Mapped[int] = _zero_int()
    bank_members: Mapped[int] = _zero_int()
    # The village's next step (none for the last): the step holds day..until, ``span``.
    until: Mapped[dt.date | None] = mapped_column(Date)
    span: Mapped[Any] = mapped_column(DATERANGE, Computed("daterange(day, until)", persisted=True))


class VillageLogGap(Model):
    """Households of a village whose log (``kind`` 0) or deposit (1) on ``day`` followed their
    previous one on ``prev_day`` (``gaps.NEVER`` for a first): distinct households over any
    range of days (see ``analytics.gaps``)."""

    __tablename__ = "village_log_gaps"
    # Covering: a range of a few villages reads the key alone, of many the day index alone.
    __table_args__ = (PrimaryKeyConstraint("village_id", "day", "kind", "prev_day",
                                           postgresql_include=["households"]),
                      Index("ix_village_log_gaps_day", "day", "prev_day",
                            postgresql_include=["village_id", "kind", "households"]))

    village_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[int] = mapped_column(SmallInteger)
    prev_day: Mapped[dt.date] = mapped_column(Date)
    households: Mapped[int] = _zero_int()


class VillageInspectionSpan(Model):
    """Households of a village whose last counted inspection of ``day`` had result ``passed``
    and whose next inspection day is ``next_day`` (``gaps.FOREVER`` for none): inspected and
    passed households over any range of days (see ``analytics.gaps``)."""

    __tablename__ = "village_inspection_spans"
    __table_args__ = (PrimaryKeyConstraint("village_id", "day", "next_day", "passed",
                                           postgresql_include=["households"]),
                      Index("ix_village_inspection_spans_day", "day", "next_day",
                            postgresql_include=["village_id", "passed", "households"]))

    village_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    next_day: Mapped[dt.date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    households: Mapped[int] = _zero_int()


class FeeDiscountRule(Model):
    """An LGO's rule for a lower waste fee: households verified lately that log most days.

    Bangkok charges 20 baht a month instead of 60 to households that sort; an LGO sets its own
    thresholds and its fee office applies the discount to the list Khaya exports.
    """

    __tablename__ = "fee_discount_rules"

    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), primary_key=True)
    # The household's latest counted inspection passed within this many days of the month's end.
    verified_within_days: Mapped[int] = mapped_column(Integer, default=90)
    # Days with a log in the month.
    min_log_days: Mapped[int] = mapped_column(SmallInteger, default=20)
    fee_baht: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    discounted_fee_baht: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    updated_by_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, server_default=text("now()"))
