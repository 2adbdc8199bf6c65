"""Households over any range of days: those that logged or deposited, read from each
household's gaps between its days, and those inspected, read from its inspection days.

A household logged on some day of ``a..b`` exactly when one of its log days in ``a..b``
follows its previous log day before ``a`` (or is its first). ``village_log_gaps`` counts, per
village, kind (logs or deposits), day and previous day, the households whose log that day
followed their previous one (in that village) on that previous day. The households of a range
are then the sum, over the range's days, of the cells whose previous day is before the range:
one covering-index range per village, whatever the range's length, instead of reading every
household-month the range touches.

The cells come from ``household_months`` (the counted day masks), so they count exactly what
the rollups count: a household once per village. A change of one day moves only the cells of
that day and of the household's next log day after it, so the rollups rebuild a village's cells
from the first day a change touched onwards (``rebuild``); ``analytics reconcile`` compares
them with cells built from the raw rows, as it does every rollup.

Inspections work the other way round: a household's latest counted inspection of ``a..b`` is
the last one of its last inspection day in the range, the day whose next inspection day is after
``b``. ``village_inspection_spans`` counts, per village, day, next inspection day and result,
the households whose last inspection of that day had that result; the rollups rebuild a
village's cells whenever its inspections change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from .facts import id_array, run

# The previous day of a household's first log in a village: before any range (a range that
# starts on this very day, the first a date can be, still counts it).
NEVER = dt.date(1, 1, 1)
# The kinds of cell, by the ``household_months`` mask they come from, and what they count.
KINDS = {"days": 0, "deposit_days": 1}
COUNTS = {0: "households", 1: "depositors"}


def fill_sql(source: str, into: str, mask: str) -> Any:
    """The insert of the cells of the days from ``:since`` on (of ``:villages``, or all when
    null), from the masks of ``source``; the day before a village-household's first day of the
    window is looked up in the live ``household_months`` (unchanged before ``:since``).

    ``source`` and ``into`` are the live tables or their rebuilt twins (``tmp_``), named by the
    code, never by a caller's input."""
    if mask not in KINDS:
        raise ValueError(f"no range cells for {mask!r}")
    return text(f"""
        insert into {into} (village_id, day, kind, prev_day, households)
        select o.village_id, o.day, {KINDS[mask]}, coalesce(o.prev, b.day, :never), count(*)
        from (
            select d.village_id, d.household_id, d.day,
                   lag(d.day) over (partition by d.village_id, d.household_id
                                    order by d.day) as prev
            from (
                select hm.village_id, hm.household_id, hm.month + bit as day
                from {source} hm cross join generate_series(0, 30) as bit
                where hm.{mask} & (1 << bit) <> 0
                  and hm.month >= :since_month and hm.month + bit >= :since
                  and (cast(:villages as int[]) is null
                       or hm.village_id = any(cast(:villages as int[])))
            ) d
        ) o
        left join lateral (
            select hm.month + (
                select max(bit) from generate_series(0, 30) as bit
                where hm.{mask} & (case when hm.month < :since_month then -1
                                        else :since_bits end) & (1 << bit) <> 0) as day
            from household_months hm
            where o.prev is null and hm.household_id = o.household_id
              and hm.village_id = o.village_id and hm.month <= :since
              and hm.{mask} & (case when hm.month < :since_month then -1
                                    else :since_bits end) <> 0
            order by hm.month desc
            limit 1
        ) b on true
        group by o.village_id, o.day, coalesce(o.prev, b.day, :never)
    """)


def fill_params(village_ids: Sequence[int] | None, since: dt.date) -> dict[str, Any]:
    return {"villages": id_array(None if village_ids is None else sorted(set(village_ids))),
            "since": since, "since_month": since.replace(day=1),
            # The bits of the days of since's month before since.
            "since_bits": (1 << (since.day - 1)) - 1, "never": NEVER}


_CLEAR = text("""
    delete from village_log_gaps
    where day >= :since and kind = :kind
      and (cast(:villages as int[]) is null or village_id = any(cast(:villages as int[])))""")


def rebuild(village_ids: Sequence[int] | None, since: dt.date,
            masks: Sequence[str] = tuple(KINDS)) -> None:
    """Rebuild the cells of these villages (``None``: all) from ``since`` on, for the kinds of
    ``masks``; the caller holds the villages' locks (or is the only writer)."""
    if village_ids is not None and not village_ids:
        return
    params = fill_params(village_ids, since)
    for mask in masks:
        run(_CLEAR, {**params, "kind": KINDS[mask]})
        run(fill_sql("household_months", "village_log_gaps", mask), params)


# Per village ("village"), summed under one area's key ("one"), or per area key ("groups":
# :cells holds each village's key, in the order of :villages). The days are listed, so the
# (day, prev_day) index is probed once a day and reads only that day's cells whose previous
# day is before the range (a range of days would read every cell of every day, and filter).
# ``every``: the villages are all of them, and the filter is left out (parsing and planning a
# province's 594 ids in every statement cost more than the filter saved).
_AMONG = {False: "and village_id = any(cast(:villages as int[]))", True: ""}
_CELL = {"village": "village_id", "one": "cast(:cell as int)", "groups": "c.cell"}
_BY = {"village": "village_id, ", "one": "", "groups": "c.cell, "}
_JOIN = ("join unnest(cast(:villages as int[]), cast(:cells as int[])) as c(village_id, cell) "
         "using (village_id)")
_READ = {(mode, every): text(f"""
    select {_CELL[mode]}, kind, sum(households) as n
    from village_log_gaps {_JOIN if mode == "groups" else ""}
    where day = any(cast(:days as date[])) and prev_day < :before
          {"" if mode == "groups" else _AMONG[every]}
    group by {_BY[mode]}kind""")
    for mode in _CELL for every in (False, True)}


def _mode(village_ids: Sequence[int] | None,
          groups: dict[int, int] | None) -> tuple[str, dict[str, Any]]:
    """The read's mode and its parameters for these villages and area keys."""
    ids = sorted(village_ids or ())
    if groups is None:
        return "village", {"villages": id_array(ids)}
    keys = set(groups.values())
    if len(keys) == 1:
        return "one", {"villages": id_array(ids), "cell": keys.pop()}
    ids = sorted(groups) if village_ids is None else ids
    return "groups", {"villages": id_array(ids), "cells": id_array(groups[v] for v in ids)}


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def distinct(start: dt.date, end: dt.date, village_ids: Sequence[int] | None, *,
             groups: dict[int, int] | None = None) -> dict[int, dict[str, int]]:
    """Households that logged, and that deposited, on any day of start..end, per village (or
    per area key of ``groups``); ``village_ids`` ``None``: every village."""
    out: dict[int, dict[str, int]] = {}
    # A first-ever day's cell has prev_day NEVER, before any range but one starting on NEVER.
    before = max(start, NEVER + dt.timedelta(days=1))
    mode, chosen = _mode(village_ids, groups)
    rows = run(_READ[mode, village_ids is None],
               {**chosen, "days": _days(start, end), "before": before})
    for village_id, kind, n in rows.tuples():
        out.setdefault(village_id, {"households": 0, "depositors": 0})[COUNTS[kind]] = int(n)
    return out


# Inspections: a household's latest counted inspection of a..b is the last one of its last
# inspection day d in a..b, the one whose next inspection day is after b. A cell counts, per
# village, day, next inspection day (``FOREVER`` for none) and result, the households whose
# last inspection of that day had that result.
FOREVER = dt.date(9999, 12, 31)


def spans_sql(into: str) -> Any:
    """The insert of the inspection cells of days ``:start..:end`` (of ``:villages``, or all
    when null), from the counted inspections; ``into`` is named by the code."""
    return text(f"""
        insert into {into} (village_id, day, next_day, passed, households)
        select village_id, day, next_day, passed, count(*)
        from (
            select village_id, day, passed,
                   coalesce(lead(day) over (partition by village_id, household_id
                                            order by day), :forever) as next_day
            from (
                select distinct on (village_id, household_id, inspected_on)
                       village_id, household_id, inspected_on as day, passed
                from inspections
                where counted and (cast(:villages as int[]) is null
                                   or village_id = any(cast(:villages as int[])))
                order by village_id, household_id, inspected_on, received_at desc, id desc
            ) as last_of_day
        ) as spans
        where day between :start and :end
        group by village_id, day, next_day, passed
    """)


def spans_params(village_ids: Sequence[int] | None, start: dt.date = NEVER,
                 end: dt.date = FOREVER) -> dict[str, Any]:
    return {"villages": id_array(None if village_ids is None else sorted(set(village_ids))),
            "start": start, "end": end, "forever": FOREVER}


_CLEAR_SPANS = text("""
    delete from village_inspection_spans
    where cast(:villages as int[]) is null or village_id = any(cast(:villages as int[]))""")


def rebuild_spans(village_ids: Sequence[int] | None) -> None:
    """Rebuild the inspection cells of these villages (``None``: all) over their history (a few
    hundred inspections a village a year)."""
    if village_ids is not None and not village_ids:
        return
    params = spans_params(village_ids)
    run(_CLEAR_SPANS, params)
    run(spans_sql("village_inspection_spans"), params)


_READ_SPANS = {(mode, every): text(f"""
    select {_CELL[mode]}, sum(households) as inspected,
           coalesce(sum(households) filter (where passed), 0) as passed
    from village_inspection_spans {_JOIN if mode == "groups" else ""}
    where day = any(cast(:days as date[])) and next_day > :after
          {"" if mode == "groups" else _AMONG[every]}
    {"" if mode == "one" else f"group by {_BY[mode].rstrip(', ')}"}""")
    for mode in _CELL for every in (False, True)}


def inspected(start: dt.date, end: dt.date, village_ids: Sequence[int] | None, *,
              groups: dict[int, int] | None = None) -> dict[int, dict[str, int]]:
    """Households inspected in start..end, and those whose latest inspection then passed, per
    village (or per area key of ``groups``); ``village_ids`` ``None``: every village."""
    # A last-ever day's cell has next_day FOREVER, after any range but one ending on FOREVER.
    after = min(end, FOREVER - dt.timedelta(days=1))
    mode, chosen = _mode(village_ids, groups)
    rows = run(_READ_SPANS[mode, village_ids is None],
               {**chosen, "days": _days(start, end), "after": after})
    return {v: {"inspected": int(i or 0), "passed": int(p or 0)} for v, i, p in rows.tuples()}
