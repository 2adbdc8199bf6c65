"""Keeping the rollups current as rows are accepted, voided or reversed.

The domains announce what they stored, voided or reversed (``khaya.jobs.changes``); a worker
applies the announcements in order through one function per kind (``analytics.changes``):
``logs_added``, ``logs_voided``, ``deposits_added``, ``deposits_reversed``, ``inspections_added``,
``inspections_reviewed``.

Every path first takes a per-village advisory lock (villages in id order, held to commit), so
batches of one village queue up in one order and never deadlock. New rows are merged with
upserts that OR day bits into ``household_months`` and add counts and kg. The upsert keeps the
mask it replaced (``prev_days``), so RETURNING says which days, months and fiscal years are new
for the household; only those bump the villages' distinct counts.

A void or reversal locks the household-month, recomputes its mask from the raw rows still
counted, subtracts the row's kg, and takes back the distinct counts of the days, month and
fiscal year the household no longer has. Inspections recompute their villages' inspected and
passed counts from the raw inspections that count (``Inspection.counted``: a flagged one only
once the LGO accepts it), under a per-village advisory lock, and rebuild the villages'
month-end register rows (verification changes them); a review decision does the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.elements import ColumnElement

from ..common.time import fiscal_year, local_today
from ..participation.models import Inspection, SortingLog
from ..wastebank.models import LedgerEntry
from . import gaps, registers
from .facts import DEPOSITS, LOGS, Fact, day_bit, fiscal_year_of, month_of, run, table_of
from .models import (
    HouseholdFiscalYear,
    HouseholdMonth,
    StaleVillage,
    VillageDay,
    VillageFiscalYear,
    VillageMonth,
    VillageWeek,
)
from .periods import fiscal, next_month, week_of

Deltas = dict[tuple[Any, int], dict[str, Any]]
# Two-key advisory locks: (this namespace, village id).
LOCK_NAMESPACE = 0x4B48
# One round trip; unnest yields the sorted ids in order, so locks are taken in id order.
_LOCK = text("select pg_advisory_xact_lock(:namespace, v) "
             "from unnest(cast(:villages as int[])) as v")
# Stale villages a sync batch rebuilds on its way (the rest wait for the next batch or CLI).
HOOK_REFRESH_LIMIT = 20


def logs_added(ids: Iterable[int]) -> None:
    """Count sorting logs just stored."""
    chosen = sorted(ids)
    if chosen:  # none (a batch of only duplicates): nothing to count
        _add(LOGS, SortingLog.id.in_(chosen))


def logs_voided(ids: Iterable[int]) -> None:
    """Take voided sorting logs out of every figure."""
    chosen = sorted(ids)
    if chosen:  # none (a batch of only duplicates): nothing to count
        _remove(LOGS, SortingLog.id.in_(chosen))


def deposits_added(entry_ids: Iterable[int]) -> None:
    """Count deposits just stored (other ledger entries are ignored)."""
    chosen = sorted(entry_ids)
    if chosen:  # none (a batch of only duplicates): nothing to count
        _add(DEPOSITS, LedgerEntry.id.in_(chosen))


def deposits_reversed(entry_ids: Iterable[int]) -> None:
    """Take reversed deposits out of every figure (the ids of the deposits, not reversals)."""
    chosen = sorted(entry_ids)
    if chosen:  # none (a batch of only duplicates): nothing to count
        _remove(DEPOSITS, LedgerEntry.id.in_(chosen))


def month_bit(first: dt.date) -> int:
    """Bit of a month in a fiscal-year mask: October is bit 0, September bit 11."""
    return 1 << ((first.month + 2) % 12)


def _bits(mask: int) -> list[int]:
    return [b for b in range(31) if mask >> b & 1]


def _add(fact: Fact, condition: ColumnElement[bool]) -> None:
    # Every row named, voided or not: a void applied later takes back exactly what this adds,
    # whichever has happened to the row by the time a worker applies its addition.
    src = fact.source(condition, valid=False).subquery("src")
    villages = run(select(src.c.village_id).distinct()).scalars().all()
    if not villages:
        return
    # The same lock order as inspections (village, then rows): mixed batches cannot deadlock.
    lock_villages(villages)
    month = month_of(src.c.day)
    per_household = (
        select(month.label("month"), src.c.village_id, src.c.household_id,
               func.bit_or(day_bit(src.c.day)).label(fact.mask),
               *(func.sum(src.c[c]).label(c) for c in fact.household_sums))
        .group_by(month, src.c.village_id, src.c.household_id)
        .order_by(month, src.c.village_id, src.c.household_id)
    )
    table = table_of(HouseholdMonth)
    insert = pg_insert(table).from_select(
        ["month", "village_id", "household_id", fact.mask, *fact.household_sums], per_household)
    merged = run(
        insert.on_conflict_do_update(
            index_elements=["month", "village_id", "household_id"],
            set_={fact.prev_mask: table.c[fact.mask],
                  fact.mask: table.c[fact.mask].op("|")(insert.excluded[fact.mask]),
                  **{c: table.c[c] + insert.excluded[c] for c in fact.household_sums}},
        ).returning(table.c.month, table.c.village_id, table.c.household_id,
                    table.c[fact.prev_mask], table.c[fact.mask])
    ).all()
    if not merged:
        return
    per_day = run(
        select(src.c.day, src.c.village_id, *(func.sum(src.c[c]).label(c)
                                              for c in fact.village_sums))
        .group_by(src.c.day, src.c.village_id)
    ).all()
    days: Deltas = {(r.day, r.village_id): {c: getattr(r, c) for c in fact.village_sums}
                    for r in per_day}
    changes = [(m, v, h, prev, new) for m, v, h, prev, new in merged]
    _apply(fact, days, changes, sign=1)


def _remove(fact: Fact, condition: ColumnElement[bool]) -> None:
    src = fact.source(condition, valid=False).subquery("src")
    rows = run(
        select(src.c.day, src.c.village_id, src.c.household_id,
               *(src.c[c] for c in fact.village_sums))
    ).all()
    if not rows:
        return
    lock_villages(r.village_id for r in rows)
    days: Deltas = defaultdict(lambda: defaultdict(Decimal))
    removed: dict[tuple[dt.date, int, int], dict[str, Any]] = defaultdict(
        lambda: defaultdict(Decimal))
    for r in rows:
        for c in fact.village_sums:
            days[(r.day, r.village_id)][c] -= getattr(r, c)
        key = (r.day.replace(day=1), r.village_id, r.household_id)
        for c in fact.household_sums:
            removed[key][c] += getattr(r, c)
    keys = sorted(removed)
    hm = HouseholdMonth
    key_columns = tuple_(hm.month, hm.village_id, hm.household_id)
    # Lock first: a batch adding to these household-months now waits, then adds on top.
    run(select(hm.month).where(key_columns.in_(keys))
                       .order_by(hm.month, hm.village_id, hm.household_id).with_for_update())
    still = _masks(fact, keys)
    changes = []
    for key in keys:
        month, village_id, household_id = key
        changed = run(
            update(hm)
            .where(hm.month == month, hm.village_id == village_id,
                   hm.household_id == household_id)
            .values({fact.prev_mask: getattr(hm, fact.mask), fact.mask: still.get(key, 0),
                     **{c: getattr(hm, c) - removed[key][c] for c in fact.household_sums}})
            .returning(getattr(hm, fact.prev_mask), getattr(hm, fact.mask))
        ).first()
        if changed is not None:
            changes.append((month, village_id, household_id, changed[0], changed[1]))
    _apply(fact, days, changes, sign=-1)
    run(delete(hm).where(key_columns.in_(keys), hm.days == 0,
                                        hm.deposit_days == 0))


def _masks(fact: Fact, keys: Sequence[tuple[dt.date, int, int]]) -> dict[tuple, int]:
    """Recompute the day masks of these household-months from the rows still counted."""
    households = sorted({k[2] for k in keys})
    src = fact.source().subquery("kept")
    month = month_of(src.c.day)
    rows = run(
        select(month, src.c.village_id, src.c.household_id, func.bit_or(day_bit(src.c.day)))
        .where(src.c.household_id.in_(households), src.c.day >= keys[0][0],
               src.c.day < next_month(max(k[0] for k in keys)))
        .group_by(month, src.c.village_id, src.c.household_id)
    ).all()
    wanted = set(keys)
    return {(m, v, h): mask for m, v, h, mask in rows if (m, v, h) in wanted}


def _apply(fact: Fact, days: Deltas, changes: list[tuple], sign: int) -> None:
    """Turn per-day sums and household mask changes into the village tables' deltas."""
    for month, village_id, _household, prev, new in changes:
        flipped = (new & ~prev) if sign > 0 else (prev & ~new)
        for bit in _bits(flipped):
            cell = days.setdefault((month.replace(day=bit + 1), village_id), {})
            cell[fact.distinct] = cell.get(fact.distinct, 0) + sign
    # Sums roll up from days; distinct counts do not (a household of two days is one).
    weeks = _roll_up(days, week_of, fact.village_sums)
    months = _roll_up(days, lambda d: d.replace(day=1), fact.village_sums)
    fiscal_years = _roll_up(days, fiscal_year, fact.village_sums)
    first_or_gone = [(m, v, h) for m, v, h, prev, new in changes
                     if (prev == 0) != (new == 0)]
    for month, village_id, _household in first_or_gone:
        cell = months.setdefault((month, village_id), {})
        cell[fact.distinct] = cell.get(fact.distinct, 0) + sign
    for key, delta in _fiscal_masks(fact, first_or_gone, sign).items():
        cell = fiscal_years.setdefault(key, {})
        cell[fact.distinct] = cell.get(fact.distinct, 0) + delta
    _bump(VillageDay, "day", days)
    _bump(VillageWeek, "week", weeks)
    _bump(VillageMonth, "month", months)
    _bump(VillageFiscalYear, "fiscal_year", fiscal_years)
    _rebuild_gaps(fact, changes)


def _rebuild_gaps(fact: Fact, changes: list[tuple]) -> None:
    """Rebuild the villages' range cells from the first day whose bit flipped (a day's change
    moves only its cells and those of the household's next day, which is later)."""
    since: dict[int, dt.date] = {}
    for month, village_id, _household, prev, new in changes:
        if prev != new:
            first = month.replace(day=min(_bits(prev ^ new)) + 1)
            since[village_id] = min(first, since.get(village_id, first))
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for village_id, first in since.items():
        by_day[first].append(village_id)
    for first, villages in sorted(by_day.items()):
        gaps.rebuild(villages, first, masks=(fact.mask,))


def _roll_up(days: Deltas, period_of: Any, columns: Sequence[str]) -> Deltas:
    out: Deltas = {}
    for (day, village_id), values in days.items():
        cell = out.setdefault((period_of(day), village_id), {})
        for column in columns:
            if column in values:
                cell[column] = cell.get(column, 0) + values[column]
    return out


def _fiscal_masks(fact: Fact, changed: list[tuple], sign: int) -> dict[tuple[int, int], int]:
    """Set (or clear) the months' bits per household and fiscal year; return distinct deltas."""
    bits: dict[tuple[int, int, int], int] = defaultdict(int)
    for month, village_id, household_id in changed:
        bits[(fiscal_year(month), village_id, household_id)] |= month_bit(month)
    if not bits:
        return {}
    table = table_of(HouseholdFiscalYear)
    mask, prev = table.c[fact.fy_mask], table.c[fact.prev_fy_mask]
    deltas: dict[tuple[int, int], int] = defaultdict(int)
    if sign > 0:
        insert = pg_insert(table)
        rows = run(insert.on_conflict_do_update(
            index_elements=["fiscal_year", "village_id", "household_id"],
            set_={fact.prev_fy_mask: mask,
                  fact.fy_mask: mask.op("|")(insert.excluded[fact.fy_mask])},
        ).returning(table.c.fiscal_year, table.c.village_id, prev, mask),
            [{"fiscal_year": fy, "village_id": v, "household_id": h, fact.fy_mask: b}
             for (fy, v, h), b in sorted(bits.items())]).all()
        for fy, village_id, before, after in rows:
            if before == 0 and after != 0:
                deltas[(fy, village_id)] += 1
        return deltas
    for (fy, village_id, household_id), b in sorted(bits.items()):
        row = run(
            update(table)
            .where(table.c.fiscal_year == fy, table.c.village_id == village_id,
                   table.c.household_id == household_id)
            .values({fact.prev_fy_mask: mask, fact.fy_mask: mask.op("&")(~b)})
            .returning(prev, mask)
        ).first()
        if row is not None and row[0] != 0 and row[1] == 0:
            deltas[(fy, village_id)] -= 1
    run(delete(table).where(table.c.months == 0, table.c.deposit_months == 0,
                                           tuple_(table.c.fiscal_year, table.c.village_id,
                                                  table.c.household_id).in_(sorted(bits))))
    return deltas


def _bump(model: Any, period_key: str, deltas: Deltas) -> None:
    """Add ``deltas`` to the village rows, creating missing ones (keys in order: no deadlock)."""
    if not deltas:
        return
    table = table_of(model)
    columns = sorted({c for values in deltas.values() for c in values})
    rows = [{period_key: key[0], "village_id": key[1],
             **{c: values.get(c, 0) for c in columns}}
            for key, values in sorted(deltas.items())]
    # One statement for a list of rows (insertmanyvalues): cached once per set of columns.
    insert = pg_insert(table)
    run(insert.on_conflict_do_update(
        index_elements=[period_key, "village_id"],
        set_={c: table.c[c] + insert.excluded[c] for c in columns},
    ), rows)


def lock_villages(village_ids: Iterable[int]) -> None:
    """Serialise recomputations per village until the transaction ends (ids in order)."""
    run(_LOCK, {"namespace": LOCK_NAMESPACE, "villages": sorted(set(village_ids))})


def inspections_added(ids: Iterable[int]) -> None:
    """Recount inspected and passed households, and rebuild the register rows they change."""
    rows = run(
        select(Inspection.village_id, Inspection.inspected_on)
        .where(Inspection.id.in_(sorted(ids))).distinct()
    ).all()
    if not rows:
        return
    villages = sorted({r.village_id for r in rows})
    lock_villages(villages)
    months = {(r.inspected_on.replace(day=1), r.village_id) for r in rows}
    fiscal_years = {(fiscal_year(r.inspected_on), r.village_id) for r in rows}
    recount_inspections(villages, months=months, fiscal_years=fiscal_years)
    gaps.rebuild_spans(villages)
    # Verification changed: rebuild these villages' month-end rows now (under the lock), and
    # a few villages another change left stale, so the backlog never waits for the CLI.
    registers.refresh(villages, through=local_today())
    refresh_stale(limit=HOOK_REFRESH_LIMIT)


def inspections_reviewed(ids: Iterable[int]) -> None:
    """Recount after the LGO decided on flagged inspections (whether they count changed)."""
    inspections_added(ids)


def recount_inspections(villages: Sequence[int], *, months: set[tuple[dt.date, int]],
                        fiscal_years: set[tuple[int, int]]) -> None:
    """Set inspected and passed of these village-months and village-years from the raw rows."""
    spans: list[tuple[Any, str, set[Any], dt.date, dt.date]] = []
    if months:
        first, last = min(m for m, _ in months), max(m for m, _ in months)
        spans.append((VillageMonth, "month", set(months), first,
                      next_month(last) - dt.timedelta(days=1)))
    if fiscal_years:
        first_fy, last_fy = min(f for f, _ in fiscal_years), max(f for f, _ in fiscal_years)
        spans.append((VillageFiscalYear, "fiscal_year", set(fiscal_years),
                      fiscal(first_fy).start, fiscal(last_fy).end))
    for model, key, wanted, start, end in spans:
        counts = {(r.period, r.village_id): (r.inspected, r.passed)
                  for r in inspection_counts(key, villages, start, end)}
        rows = [{key: p, "village_id": v, "inspected": counts.get((p, v), (0, 0))[0],
                 "passed": counts.get((p, v), (0, 0))[1]} for p, v in sorted(wanted)]
        table = table_of(model)
        insert = pg_insert(table)
        run(insert.on_conflict_do_update(
            index_elements=[key, "village_id"],
            set_={"inspected": insert.excluded.inspected, "passed": insert.excluded.passed},
        ), rows)


def inspection_select(key: str, villages: Sequence[int] | None, start: dt.date,
                      end: dt.date) -> Select:
    """Households inspected, and whose latest counted inspection passed, per village and period.

    Inspections that do not count (a flagged pass awaiting review, a rejected one) are left
    out, as if they had not been made.

    ``key`` is ``month`` or ``fiscal_year`` (any range of days reads ``gaps.inspected``).
    Columns: ``period, village_id, inspected, passed``.
    """
    period: ColumnElement = {
        "month": month_of(Inspection.inspected_on),
        "fiscal_year": fiscal_year_of(Inspection.inspected_on),
    }[key]
    latest = (
        select(Inspection.village_id, period.label("period"), Inspection.passed)
        .where(Inspection.inspected_on.between(start, end), Inspection.counted,
               *([Inspection.village_id.in_(villages)] if villages is not None else []))
        .distinct(Inspection.village_id, Inspection.household_id, period)
        .order_by(Inspection.village_id, Inspection.household_id, period,
                  Inspection.inspected_on.desc(), Inspection.received_at.desc(),
                  Inspection.id.desc())
        .subquery("latest")
    )
    return (select(latest.c.period, latest.c.village_id, func.count().label("inspected"),
                   func.count().filter(latest.c.passed).label("passed"))
            .group_by(latest.c.village_id, latest.c.period))


def inspection_counts(key: str, villages: Sequence[int] | None, start: dt.date,
                      end: dt.date) -> list[Any]:
    """Run ``inspection_select``."""
    return list(run(inspection_select(key, villages, start, end)).all())


def mark_stale(village_ids: Iterable[int]) -> None:
    rows = [{"village_id": v} for v in sorted(set(village_ids))]
    if rows:
        run(pg_insert(table_of(StaleVillage)).values(rows))


def refresh_stale(limit: int = 200) -> int:
    """Rebuild the register rows of villages marked stale; return how many villages."""
    marks = run(
        select(StaleVillage.id, StaleVillage.village_id).order_by(StaleVillage.id).limit(limit)
    ).all()
    if not marks:
        return 0
    villages = sorted({m.village_id for m in marks})
    lock_villages(villages)
    registers.refresh(villages, through=local_today())
    # Only the marks read: one made meanwhile by another transaction stays for next time.
    run(delete(StaleVillage).where(StaleVillage.id.in_([m.id for m in marks])))
    return len(villages)


def pending_stale() -> set[int]:
    """Villages whose register rows are out of date (read live instead)."""
    return set(run(select(StaleVillage.village_id).distinct()).scalars())
