"""The base numbers of a period, per village, read from the rollups.

A month reads ``village_months``, a fiscal year ``village_fiscal_years``, a day
``village_days``; a custom range sums its whole months, weeks and days (``village_months``,
``village_weeks``, ``village_days``) and counts distinct households from the range cells
(``gaps``). The register comes from the month-end rows when the period
ends on a month's last day or is still running, else from the register's steps. Households and
persons are counted once per village; the caller sums villages into areas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    any_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from ..collection.models import HAZARD_TYPES, CollectionPoint, HazardousCollection
from ..common.time import local_zone
from ..households.models import Household, HouseholdState, Occupancy
from ..reports.models import Report, ReportStatus
from . import gaps, registers, signoff, territory
from .facts import among, cells_of, run
from .models import (
    ACTIVITY,
    DEPOSIT_SUMS,
    INSPECTION,
    LOG_SUMS,
    REGISTER,
    HouseholdFiscalYear,
    HouseholdMonth,
    VillageDay,
    VillageFiscalYear,
    VillageMonth,
    VillageWeek,
)
from .periods import DAY, FISCAL_YEAR, MONTH, Period, next_month, pieces
from .registers import off_register_on
from .rollups import pending_stale

ALL_DAYS = -1
# One area's key: its villages' numbers are summed under it (``indicators.groups``).
ALL_VILLAGES = 0
Numbers = dict[str, Any]
# Each village's area key, when the areas' numbers are summed in SQL (``indicators.groups``).
Groups = dict[int, int]
# The citizen reports' base numbers (read from the reports themselves: a few per village a month).
REPORT_NUMBERS = ("reports", "close_days")


class Sample(tuple):
    """Values that add up by being put together, not summed: the days reports took to close
    (a median cannot be summed from the villages' medians). ``Sample + 0`` is the sample, so it
    sums like the other numbers; a frozen month gives it back as a list."""

    def __add__(self, other: Any) -> Sample:  # type: ignore[override]
        return Sample((*self, *other)) if other else self

    def __radd__(self, other: Any) -> Sample:
        return Sample((*other, *self)) if other else self


@dataclass
class Figures:
    """Base numbers per village id, and hazardous kg per (LGO id, village id or None).

    ``grouped``: the numbers are per area key instead, each area's villages summed already.
    """

    villages: dict[int, Numbers] = field(default_factory=dict)
    hazards: list[tuple[int, int | None, dict[str, Decimal]]] = field(default_factory=list)
    as_of: dt.date | None = None
    grouped: bool = False


def gather(period: Period, village_ids: Sequence[int], today: dt.date,
           needs: frozenset[str] | None = None, *, groups: Groups | None = None) -> Figures:
    """Return the base numbers of ``period`` for these villages (``needs``: only those).

    ``groups`` (each village's area key, ``indicators.groups``; a day or a custom range) sums
    each area's villages: the heavy reads in SQL (one group per area instead of one per village:
    a country's 8,500 villages cost more to turn into Python than to sum), the few rest in
    Python; the figures then hold one "village" per area key (``grouped``). An accepted month
    stays per village: it replaces its villages' numbers with the stored ones.
    """
    ids = sorted(set(village_ids))
    figures = Figures(villages={v: {} for v in ids}, as_of=period.as_of(today))
    if not ids:
        return figures
    # An accepted month's numbers are stored per village: nothing is summed in SQL.
    frozen = period.kind == MONTH and signoff.frozen_months([period.start], ids)
    if frozen:
        groups = None
    wanted = needs or frozenset((*ACTIVITY, *INSPECTION, *REGISTER, "off_register",
                                 "hazard_kg", *REPORT_NUMBERS))
    # Areas made of every village (the province, the country) read without a village filter.
    chosen = None if groups is not None and len(ids) == len(territory.load().parents) else ids
    sources = [_activity(period, ids, wanted, groups, chosen),
               register_of(period, ids, today, groups)]
    if "off_register" in wanted:
        sources.append(_off_register(period, chosen, figures.as_of))
    if wanted & set(REPORT_NUMBERS):
        sources.append(reports_of(period, ids))
    if groups is not None:
        cells: dict[int, Numbers] = {c: {} for c in set(groups.values())}
        for source in sources:
            for key, numbers in source.items():
                # Summed sources are keyed by area key, never a village id (those are > 0).
                total = cells[key if key <= 0 else groups[key]]
                for name, value in numbers.items():
                    total[name] = total.get(name, 0) + (value or 0)
        figures.villages, figures.grouped = cells, True
    else:
        for source in sources:
            for village_id, numbers in source.items():
                figures.villages[village_id].update(numbers)
    if "hazard_kg" in wanted:
        figures.hazards = hazards(period)
    # A month the province accepted reads the numbers stored when it was accepted.
    return signoff.apply_frozen(period, figures) if frozen else figures


def _activity(period: Period, ids: list[int], wanted: frozenset[str], groups: Groups | None,
              chosen: list[int] | None) -> dict[int, Numbers]:
    """``chosen``: the ids the range reads filter by (``None``: every village, no filter)."""
    if period.kind == MONTH:
        return _rows(VillageMonth, VillageMonth.month == period.start, ids,
                     _only(ACTIVITY + INSPECTION, wanted), groups)
    if period.kind == FISCAL_YEAR:
        fy = int(period.label[2:])
        return _rows(VillageFiscalYear, VillageFiscalYear.fiscal_year == fy, ids,
                     _only(ACTIVITY + INSPECTION, wanted), groups)
    if period.kind == DAY:
        found = _rows(VillageDay, VillageDay.day == period.start, ids, _only(ACTIVITY, wanted),
                      groups)
    else:
        found = _summed_days(period, chosen, _only(LOG_SUMS + DEPOSIT_SUMS, wanted), groups, ids)
        if wanted & {"households", "depositors"}:
            for key, distinct in gaps.distinct(period.start, period.end, chosen,
                                               groups=groups).items():
                found.setdefault(key, {}).update(distinct)
    if wanted & set(INSPECTION):
        for key, numbers in gaps.inspected(period.start, period.end, chosen,
                                           groups=groups).items():
            found.setdefault(key, {}).update(numbers)
    return found


def _only(columns: tuple[str, ...], wanted: frozenset[str]) -> tuple[str, ...]:
    return tuple(c for c in columns if c in wanted)


def _rows(model: Any, where: Any, ids: list[int], columns: tuple[str, ...],
          groups: Groups | None = None) -> dict[int, Numbers]:
    if not columns:
        return {}
    cell, among_ids, by = cells_of(model.village_id, ids, groups)
    if groups is None:
        stmt = select(cell, *(getattr(model, c) for c in columns)).where(where, among_ids)
    else:
        stmt = (select(cell, *(func.sum(getattr(model, c)) for c in columns))
                .where(where, among_ids).group_by(*by))
    return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in run(stmt).tuples()}


def _summed_days(period: Period, ids: list[int] | None, columns: tuple[str, ...],
                 groups: Groups | None, every: list[int]) -> dict[int, Numbers]:
    """Sum a range's whole months, whole weeks and the days left over (``periods.pieces``):
    a 30-day range reads 6-11 rows a village, not 30. Per village, or per area key of
    ``groups`` (``every``: the villages, sorted)."""
    if not columns:
        return {}
    split = pieces(period.start, period.end)
    parts = [(model, key, list(wanted)) for model, key, wanted in (
        (VillageMonth, VillageMonth.month, split.months),
        (VillageWeek, VillageWeek.week, split.weeks),
        (VillageDay, VillageDay.day, split.days)) if wanted]
    rows_of = union_all(*(
        select(model.village_id, *(getattr(model, c) for c in columns))
        .where(key == any_(literal(wanted, ARRAY(Date))), among(model.village_id, ids))
        for model, key, wanted in parts)).subquery("p")
    sums = [func.sum(rows_of.c[c]) for c in columns]
    if groups is None:
        stmt = select(rows_of.c.village_id, *sums).group_by(rows_of.c.village_id)
    else:
        cell, join_cells, by = cells_of(rows_of.c.village_id, every, groups)
        # One key: the parts are filtered already. Several: the condition joins the keys.
        stmt = select(cell, *sums).group_by(*by)
        if by:
            stmt = stmt.where(join_cells)
    return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in run(stmt).tuples()}


def _day_mask(hm: Any, period: Period) -> Any:
    """The bits of a household-month's days that fall inside ``period``."""
    first, last = period.start.replace(day=1), period.end.replace(day=1)
    low = ALL_DAYS & ~((1 << (period.start.day - 1)) - 1)
    high = (1 << period.end.day) - 1
    return (case((hm.month == first, literal(low)), else_=literal(ALL_DAYS))
            .op("&")(case((hm.month == last, literal(high)), else_=literal(ALL_DAYS))))


def _in_period(hm: Any, period: Period) -> list[Any]:
    return [hm.month.between(period.start.replace(day=1), period.end.replace(day=1))]


def register_of(period: Period, ids: list[int], today: dt.date,
                groups: Groups | None = None) -> dict[int, Numbers]:
    """The register at the period's end: the month-end row when the period ends on a month's
    last day or runs until today, else the village's step in force that day.

    Villages marked stale, or whose month-end rows are missing (a new month before ``analytics
    refresh``), are counted live. With ``groups``, the steps of a day are summed per area key
    when no village is stale.
    """
    as_of = period.as_of(today)
    month = as_of.replace(day=1)
    month_end = next_month(month) - dt.timedelta(days=1)
    stale = pending_stale()
    wanted = [v for v in ids if v not in stale]
    found: dict[int, Numbers] = {}
    if groups is not None and len(wanted) == len(ids):
        if as_of not in (month_end, today):
            return registers.on(as_of, ids, groups)
        summed = registers.snapshot_summed([month], ids, groups)
        if summed is not None:
            return {cell: numbers for (_m, cell), numbers in summed.items()}
    if wanted and as_of in (month_end, today):
        found.update(registers.snapshot(month, wanted))
    elif wanted:
        found.update(registers.on(as_of, wanted))
    missing = [v for v in ids if v not in found]
    if missing:
        found.update(registers.at(as_of, missing))
    return found


def off_register_candidates(since: dt.date, as_of: Any) -> Any:
    """``= any(...)`` of the households that may have been off the register on ``as_of``
    (a date, or the earliest of several) and logged since ``since``: those off it now, and
    those with an off-register span that ended after ``as_of``. Both are few and indexed."""
    s = HouseholdState
    return any_(func.array(union(
        select(Household.id).where(or_(~Household.active,
                                       Household.occupancy != Occupancy.occupied),
                                   Household.last_log_on >= since),
        select(s.household_id).where(~and_(s.active, s.occupancy == Occupancy.occupied),
                                     s.valid_until > as_of),
    ).scalar_subquery()))


def _off_register(period: Period, ids: list[int] | None,
                  as_of: dt.date | None) -> dict[int, Numbers]:
    """Participants that the register no longer counts at the period's end (vacant, gone).

    They logged, so they are in the rollups' distinct counts, but not in the denominator.
    """
    # Off the register on that day is either off it now (households holds the current values)
    # or a closed span of household_states: both are few and indexed. last_log_on is at least
    # every accepted log's date, an exact pre-filter, so only the few off-register households
    # that logged lately are looked up, as an array made first (a join would read every
    # household-month of the period instead).
    s = HouseholdState
    last_log_on = (select(Household.last_log_on)
                   .where(Household.id == s.household_id).scalar_subquery())
    gone = any_(func.array(
        select(s.household_id)
        .where(s.household_id == off_register_candidates(period.start, as_of),
               off_register_on(as_of), last_log_on >= period.start)
        .scalar_subquery()))
    if period.kind == FISCAL_YEAR:
        hfy = HouseholdFiscalYear
        stmt = (select(hfy.village_id, func.count(hfy.household_id.distinct()))
                .where(hfy.household_id == gone,
                       hfy.fiscal_year == int(period.label[2:]), hfy.months != 0,
                       among(hfy.village_id, ids))
                .group_by(hfy.village_id))
    else:
        hm = HouseholdMonth
        days = hm.days if period.kind == MONTH else hm.days.op("&")(_day_mask(hm, period))
        stmt = (select(hm.village_id, func.count(hm.household_id.distinct()))
                .where(hm.household_id == gone,
                       *_in_period(hm, period), among(hm.village_id, ids),
                       cast(days, Integer) != 0)
                .group_by(hm.village_id))
    return {village_id: {"off_register": n} for village_id, n in run(stmt).tuples()}


def reports_of(period: Period, ids: list[int]) -> dict[int, Numbers]:
    """Per village: citizen reports received in the period (not those merged into another as a
    duplicate), and the days each report closed in the period took from its receipt."""
    r = Report
    zone = local_zone().key
    received = cast(func.timezone(zone, r.received_at), Date)
    closed = cast(func.timezone(zone, r.closed_at), Date)
    kept = r.duplicate_of_id.is_(None)
    found: dict[int, Numbers] = {}
    for village_id, n in run(
            select(r.village_id, func.count()).where(
                kept, received.between(period.start, period.end), among(r.village_id, ids))
            .group_by(r.village_id)).tuples():
        found.setdefault(village_id, {"reports": 0, "close_days": Sample()})["reports"] = n
    days = func.extract("epoch", r.closed_at - r.received_at) / 86400.0
    for village_id, taken in run(
            select(r.village_id, func.array_agg(days)).where(
                kept, r.status == ReportStatus.closed, closed.between(period.start, period.end),
                among(r.village_id, ids))
            .group_by(r.village_id)).tuples():
        found.setdefault(village_id, {"reports": 0, "close_days": Sample()})["close_days"] = \
            Sample(float(d) for d in taken)
    return found


def hazards(period: Period) -> list[tuple[int, int | None, dict[str, Decimal]]]:
    """Hazardous kg collected at drop-off points in the period, by LGO and the point's village.

    Read from the collections themselves: a few per point and month, so no rollup is needed.
    """
    c = HazardousCollection
    rows = run(
        select(c.lgo_id, CollectionPoint.village_id,
               *(func.sum(getattr(c, f"kg_{t}")).label(t) for t in HAZARD_TYPES))
        .join(CollectionPoint, CollectionPoint.id == c.point_id)
        .where(c.collected_on.between(period.start, period.end))
        .group_by(c.lgo_id, CollectionPoint.village_id)
    ).all()
    return [(r.lgo_id, r.village_id, {t: getattr(r, t) or Decimal(0) for t in HAZARD_TYPES})
            for r in rows]


def empty() -> Numbers:
    """Every base number at zero."""
    return {**dict.fromkeys((*ACTIVITY, *INSPECTION, *REGISTER, "off_register", "reports"), 0),
            "close_days": Sample()}

