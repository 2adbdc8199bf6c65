"""Base numbers of many months (or fiscal years) at once, for time series.

The same numbers as ``figures.gather`` per period, read with one query per source for the
whole series instead of one per period; days and custom ranges fall back to ``gather``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, cast, func, literal, select, tuple_

from ..collection.models import HAZARD_TYPES, CollectionPoint, HazardousCollection
from ..households.models import HouseholdState
from . import figures, registers, signoff
from .facts import among, cells_of, fiscal_year_of, month_of, run
from .figures import Figures, Groups
from .models import (
    ACTIVITY,
    INSPECTION,
    REGISTER,
    HouseholdFiscalYear,
    HouseholdMonth,
    VillageFiscalYear,
    VillageMonth,
    VillageRegister,
)
from .periods import FISCAL_YEAR, MONTH, Period
from .registers import off_register_on
from .rollups import pending_stale


def gather_periods(periods: Sequence[Period], village_ids: Sequence[int], today: dt.date,
                   needs: frozenset[str], *, groups: Groups | None = None) -> list[Figures]:
    """Return ``figures.gather`` of each period, batched when they are all months or years.

    ``groups`` (each village's area key, see ``indicators``) sums the villages of each area in
    SQL: the figures then hold one "village" per area, keyed by the area's key, and say so
    (``grouped``), unless a village must be read live (stale, not built yet) or a month was
    accepted (its stored numbers are per village).
    """
    kinds = {p.kind for p in periods}
    if not periods or not kinds <= {MONTH, FISCAL_YEAR} or len(kinds) > 1:
        return [figures.gather(p, village_ids, today, needs, groups=groups) for p in periods]
    kind = kinds.pop()
    ids = sorted(set(village_ids))
    keys = [_key(p) for p in periods]
    # Accepted months read their stored numbers village by village: nothing summed in SQL.
    frozen = kind == MONTH and signoff.frozen_months(keys, ids)
    groups = None if frozen or not ids else groups
    registers = _registers(periods, ids, today, needs, groups=groups) if ids else {}
    # The registers decide: summed only when every village had its month-end row.
    cells = sorted(set(groups.values())) if groups else []
    if not cells or not all((k, c) in registers for k in keys for c in cells):
        groups, cells = None, ids
    out = {k: Figures(villages={v: {} for v in cells}, as_of=p.as_of(today),
                      grouped=groups is not None)
           for k, p in zip(keys, periods, strict=True)}
    if ids:
        sources = [_activity(kind, keys, ids, needs, groups), registers]
        if "off_register" in needs:
            sources.append(_off_register(kind, periods, ids, today, groups))
        if needs & set(figures.REPORT_NUMBERS):
            sources.append(_reports(periods, ids, groups))
        for source in sources:
            for (key, village_id), numbers in source.items():
                if key in out:
                    out[key].villages[village_id].update(numbers)
        if "hazard_kg" in needs:
            for key, rows in _hazards(kind, periods).items():
                out[key].hazards = rows
    if frozen:
        return [signoff.apply_frozen(p, out[k]) for k, p in zip(keys, periods, strict=True)]
    return [out[k] for k in keys]


def _key(period: Period) -> Any:
    return period.start if period.kind == MONTH else int(period.label[2:])


def _activity(kind: str, keys: list[Any], ids: list[int], needs: frozenset[str],
              groups: Groups | None) -> dict[tuple[Any, int], dict[str, Any]]:
    model, column = ((VillageMonth, VillageMonth.month) if kind == MONTH
                     else (VillageFiscalYear, VillageFiscalYear.fiscal_year))
    wanted = tuple(c for c in ACTIVITY + INSPECTION if c in needs)
    if not wanted:
        return {}
    cell, among_ids, by = cells_of(model.village_id, ids, groups)
    if groups is None:
        stmt = select(column, cell, *(getattr(model, c) for c in wanted))
    else:
        stmt = select(column, cell, *(func.sum(getattr(model, c)) for c in wanted))
    stmt = stmt.where(column.in_(keys), among_ids)
    if groups is not None:
        stmt = stmt.group_by(column, *by)
    return {(row[0], row[1]): dict(zip(wanted, row[2:], strict=True))
            for row in run(stmt).tuples()}


def _registers(periods: Sequence[Period], ids: list[int], today: dt.date,
               needs: frozenset[str], *, groups: Groups | None
               ) -> dict[tuple[Any, int], dict[str, Any]]:
    """Month-end rows where the period ends on a month's last day or runs; else as gather.

    Summed by group only when every village has its row and none is stale; else village by
    village.
    """
    snapshot_of: dict[Any, dt.date] = {}
    for period in periods:
        as_of = period.as_of(today)
        if as_of == period.end or as_of == today:
            snapshot_of[_key(period)] = as_of.replace(day=1)
    # At least one column: the rows also say which villages have a month-end row.
    wanted = tuple(c for c in REGISTER if c in needs or c == "occupied")
    if groups is not None and len(snapshot_of) == len(periods) \
            and not pending_stale() & set(ids):
        summed = registers.snapshot_summed(sorted(set(snapshot_of.values())), ids, groups,
                                           wanted)
        if summed is not None:
            return {(key, c): numbers for key, m in snapshot_of.items()
                    for (month, c), numbers in summed.items() if month == m}
    rows = run(select(VillageRegister.month, VillageRegister.village_id,
                      *(getattr(VillageRegister, c) for c in wanted))
               .where(VillageRegister.month.in_(sorted(set(snapshot_of.values()))),
                      among(VillageRegister.village_id, ids))).tuples()
    by_month = {(row[0], row[1]): dict(zip(wanted, row[2:], strict=True)) for row in rows}
    stale = pending_stale()
    out: dict[tuple[Any, int], dict[str, Any]] = {}
    for period in periods:
        key = _key(period)
        month = snapshot_of.get(key)
        found = {v: by_month[(month, v)] for v in ids
                 if month is not None and (month, v) in by_month and v not in stale}
        missing = [v for v in ids if v not in found]
        if missing:
            found |= figures.register_of(period, missing, today)
        out |= {(key, v): numbers for v, numbers in found.items()}
    return out


def _off_register(kind: str, periods: Sequence[Period], ids: list[int], today: dt.date,
                  groups: Groups | None) -> dict[tuple[Any, int], dict[str, Any]]:
    """``figures._off_register`` of every period in one query (see there)."""
    first = min(p.start for p in periods)
    table: Any
    key: Any
    mask: Any
    period_end: Any
    if kind == MONTH:
        table, key, mask = HouseholdMonth, HouseholdMonth.month, HouseholdMonth.days
        end = cast(key + literal(dt.timedelta(days=31)), Date)
        period_end = cast(func.date_trunc("month", end) - literal(dt.timedelta(days=1)), Date)
    else:
        table, key, mask = (HouseholdFiscalYear, HouseholdFiscalYear.fiscal_year,
                            HouseholdFiscalYear.months)
        period_end = func.make_date(key - 543, 9, 30)
    as_of = func.least(period_end, today)
    # Counted per village, as the rollups count: a household that moved counts in each.
    cell, among_ids, by = cells_of(table.village_id, ids, groups)
    stmt = select(key, cell, func.count(tuple_(table.village_id, table.household_id).distinct()))
    # The few candidates first, as in ``figures``: joining every household-month of the
    # series to the states instead read them all (90 ms for a year of the province).
    stmt = (
        stmt.join(HouseholdState, HouseholdState.household_id == table.household_id)
        .where(table.household_id == figures.off_register_candidates(first, first),
               key.in_([_key(p) for p in periods]), among_ids,
               cast(mask, Integer) != 0, off_register_on(as_of))
        .group_by(key, *by)
    )
    return {(k, v): {"off_register": n} for k, v, n in run(stmt).tuples()}


def _reports(periods: Sequence[Period], ids: list[int],
             groups: Groups | None) -> dict[tuple[Any, int], dict[str, Any]]:
    """``figures.reports_of`` of each period (a few reports per village and month), summed by
    group in Python."""
    out: dict[tuple[Any, int], dict[str, Any]] = {}
    for period in periods:
        for village_id, numbers in figures.reports_of(period, ids).items():
            cell = out.setdefault((_key(period), groups[village_id] if groups else village_id),
                                  {})
            for name, value in numbers.items():
                cell[name] = cell.get(name, 0) + value
    return out


def _hazards(kind: str, periods: Sequence[Period]) -> dict[Any, list[Any]]:
    c = HazardousCollection
    key = month_of(c.collected_on) if kind == MONTH else fiscal_year_of(c.collected_on)
    rows = run(
        select(key, c.lgo_id, CollectionPoint.village_id,
               *(func.sum(getattr(c, f"kg_{t}")) for t in HAZARD_TYPES))
        .join(CollectionPoint, CollectionPoint.id == c.point_id)
        .where(c.collected_on.between(min(p.start for p in periods),
                                      max(p.end for p in periods)))
        .group_by(key, c.lgo_id, CollectionPoint.village_id)
    ).tuples()
    out: dict[Any, list[Any]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(
            (row[1], row[2], {t: v or Decimal(0) for t, v in zip(HAZARD_TYPES, row[3:],
                                                                 strict=True)}))
    return out
