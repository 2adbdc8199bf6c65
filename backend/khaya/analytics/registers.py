"""The register at a date, per village: the denominators of most indicators.

Counted at a day ``d`` (a period's end, or today while it runs), each household with the values
its register entry held on ``d`` (``household_states``, the register's history):

- occupied: households registered on or before ``d``, in the register and occupied on ``d``
  (a household deactivated later counts as occupied until then: deactivation made it vacant);
- persons: their members (residents);
- arrangements / verified: those with an own bin, a communal bin or a recorded "no space" (as
  the latest counted inspection on or before ``d`` confirmed it when that passed, else as the
  register held it), and of them the ones whose latest counted inspection on or before ``d``
  passed (a flagged pass counts only once the LGO accepts it; see
  ``participation.models.COUNTED_SQL``);
- verified_persons: members of verified households whose food waste goes into a bin (own or
  communal): the persons the DLA carbon method counts;
- bank_members: households with an open waste-bank account joined on or before ``d``.

Members, occupancy, wet-bin arrangement, village and being in the register are read as they
held on ``d``; verification comes from the inspections. Both are exact at any date, so an edit
today leaves every earlier period's figures as they were.

``village_registers`` keeps these at every month's end; the current month's row holds the
register as it stands. ``village_register_steps`` keeps them for any day: a row per village and
day on which its register changed, holding until the village's next row, so a day or a custom
range reads one row per village however long the history. Triggers mark a village stale when
the register or its bank accounts change; until its rows are rebuilt, readers compute that
village live (the same counting).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.sql import ColumnElement

from ..households.models import HouseholdState, Occupancy
from .facts import among, cells_of, id_array, run
from .models import REGISTER, VillageRegister
from .periods import month_starts, next_month

# The inputs of the register, per household: the spans in which a registered household was
# occupied (its village, members and wet-bin arrangement as they held then: household_states,
# the register's history), the spans of its verification, and the day it joined a bank.
_INPUTS = """
h as (
    select s.household_id as id, s.village_id, s.valid_from, s.valid_until, r.registered_on,
           s.members, s.wet_bin
    from household_states s join households r on r.id = s.household_id
    where s.active and s.occupancy = 'occupied'
      and (cast(:villages as int[]) is null or s.village_id = any(cast(:villages as int[])))
), decided as (
    -- The last inspection of a day decides it; the state holds until the next inspected day.
    select distinct on (i.household_id, i.inspected_on) i.household_id, i.inspected_on, i.passed,
           i.wet_bin
    from inspections i join (select distinct id from h) hh on hh.id = i.household_id
    where i.counted {decided_until}
    order by i.household_id, i.inspected_on, i.received_at desc, i.id desc
), spans as (
    select household_id, passed, inspected_on as since,
           case when passed then wet_bin end as confirmed,
           lead(inspected_on) over (partition by household_id order by inspected_on) as until
    from decided
), accounts as (
    select m.household_id, min(m.joined_on) as joined_on
    from waste_bank_members m join (select distinct id from h) hh on hh.id = m.household_id
    where m.active
    group by m.household_id
)"""
# How a household counts on a day ``{day}`` when h holds for it: the arrangement is the one the
# deciding inspection confirmed when it passed (it is written to the register when it arrives,
# which may be long after its day), else the register's own as it held then.
_HELD = """
left join spans s on s.household_id = h.id and s.since <= {day}
     and (s.until is null or s.until > {day})
cross join lateral (select coalesce(s.confirmed, h.wet_bin) as arrangement) as held
left join accounts a on a.household_id = h.id"""

SELECT_SQL = f"""
with ends as (
    select * from unnest(cast(:months as date[]), cast(:ends as date[])) as e(month, day)
), {_INPUTS.format(decided_until="and i.inspected_on <= (select max(day) from ends)")},
grid as (
    select v.id as village_id, ends.month, ends.day from villages v cross join ends
    where cast(:villages as int[]) is null or v.id = any(cast(:villages as int[]))
)
select grid.month, grid.village_id,
       count(h.id) as occupied,
       coalesce(sum(h.members), 0) as persons,
       count(h.id) filter (where held.arrangement <> 'none') as arrangements,
       count(h.id) filter (where held.arrangement <> 'none' and s.passed) as verified,
       coalesce(sum(h.members) filter (
           where held.arrangement in ('has_bin', 'communal') and s.passed), 0)
           as verified_persons,
       count(h.id) filter (where a.joined_on <= grid.day) as bank_members
from grid
left join h on h.village_id = grid.village_id and h.registered_on <= grid.day
     and h.valid_from <= grid.day and (h.valid_until is null or h.valid_until > grid.day)
{_HELD.format(day="grid.day")}
group by grid.month, grid.village_id
"""
# The register as steps: a household counts the same between two of its breaks (registered,
# a span of household_states begins or ends, an inspected day, joined a bank). Each break adds
# what the household counts from that day, in its village then, and takes it back at its next
# break; summed per village and day, then run through the days, these give the register from
# each day on. Its cost is that of the households' breaks, not of the days.
STEPS_SQL = f"""
with {_INPUTS.format(decided_until="")},
breaks as (
    select id as household_id, greatest(valid_from, registered_on) as day from h
    union select id, valid_until from h where valid_until is not null
    union select household_id, since from spans
    union select household_id, joined_on from accounts
), stepped as (
    select household_id, day, lead(day) over (partition by household_id order by day) as next_day
    from breaks
), counts as (
    select h.village_id, b.day, b.next_day, h.members as persons,
           (held.arrangement <> 'none')::int as arrangements,
           (held.arrangement <> 'none' and coalesce(s.passed, false))::int as verified,
           case when held.arrangement in ('has_bin', 'communal') and s.passed then h.members
                else 0 end as verified_persons,
           coalesce((a.joined_on <= b.day)::int, 0) as bank_members
    from stepped b
    join h on h.id = b.household_id and h.registered_on <= b.day and h.valid_from <= b.day
         and (h.valid_until is null or h.valid_until > b.day)
    {_HELD.format(day="b.day")}
), deltas as (
    select village_id, day, sum(occupied) as occupied, sum(persons) as persons,
           sum(arrangements) as arrangements, sum(verified) as verified,
           sum(verified_persons) as verified_persons, sum(bank_members) as bank_members
    from (select village_id, day, 1 as occupied, persons, arrangements, verified,
                 verified_persons, bank_members from counts
          union all
          select village_id, next_day, -1, -persons, -arrangements, -verified,
                 -verified_persons, -bank_members from counts where next_day is not null) as d
    group by village_id, day
    having bool_or(occupied <> 0 or persons <> 0 or arrangements <> 0 or verified <> 0
                   or verified_persons <> 0 or bank_members <> 0)
)
select village_id, day, {", ".join(f"sum({c}) over w as {c}" for c in REGISTER)},
       lead(day) over w as until
from deltas
window w as (partition by village_id order by day)
"""
_COLUMNS = ", ".join(REGISTER)
_UPSERT = text(
    f"insert into village_registers as t (month, village_id, {_COLUMNS}) {SELECT_SQL} "
    "on conflict (month, village_id) do update set "
    + ", ".join(f"{c} = excluded.{c}" for c in REGISTER)
)
_LIVE = text(SELECT_SQL)
_CLEAR_STEPS = text("delete from village_register_steps "
                    "where cast(:villages as int[]) is null or village_id = any(:villages)")
_FILL_STEPS = text(f"insert into village_register_steps (village_id, day, {_COLUMNS}, until) "
                   f"{STEPS_SQL}")
# The step in force on a day, per village: the GiST index on the steps' spans finds the one
# step of each village that holds the day, however long the history (a probe per village cost
# more for a province).
_STEPS_OF_DAY = f"""
with r as materialized (
    select village_id, {_COLUMNS} from village_register_steps
    where span @> cast(:day as date)
      and village_id = any(cast(:villages as int[]))
)"""
_STEP_ON = text(f"""{_STEPS_OF_DAY}
select v.id as village_id, {", ".join(f"coalesce(r.{c}, 0) as {c}" for c in REGISTER)}
from unnest(cast(:villages as int[])) as v(id)
left join r on r.village_id = v.id""")
# The same, summed per area key (``indicators.groups``): :cells holds each village's key, in
# the order of :villages.
_STEP_ON_GROUPED = text(f"""{_STEPS_OF_DAY}
select c.cell as village_id, {", ".join(f"coalesce(sum(r.{c}), 0) as {c}" for c in REGISTER)}
from unnest(cast(:villages as int[]), cast(:cells as int[])) as c(id, cell)
left join r on r.village_id = c.id
group by c.cell""")


def params(village_ids: Sequence[int] | None, months: list[dt.date],
           ends: list[dt.date]) -> dict[str, Any]:
    return {"villages": id_array(None if village_ids is None else sorted(village_ids)),
            "months": months, "ends": ends}


def at(day: dt.date, village_ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    """Return the register of these villages (``None``: all) at the end of ``day``."""
    if village_ids is not None and not village_ids:
        return {}
    rows = run(_LIVE, params(village_ids, [day], [day])).mappings()
    return {row["village_id"]: {c: row[c] for c in REGISTER} for row in rows}


def snapshot(month: dt.date, village_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Return the stored month-end rows of these villages (missing ones are left out)."""
    rows = run(
        select(VillageRegister.village_id, *(getattr(VillageRegister, c) for c in REGISTER))
        .where(VillageRegister.month == month, among(VillageRegister.village_id, village_ids))
    ).tuples()
    return {row[0]: dict(zip(REGISTER, row[1:], strict=True)) for row in rows}


def snapshot_summed(months: Sequence[dt.date], village_ids: Sequence[int],
                    groups: dict[int, int], columns: Sequence[str] = REGISTER
                    ) -> dict[tuple[dt.date, int], dict[str, int]] | None:
    """Return the stored month-end rows of these months summed per area key of ``groups``, or
    None when a village lacks its row in any of them (it must then be counted live)."""
    vr = VillageRegister
    ids = sorted(village_ids)
    cell, among_ids, by = cells_of(vr.village_id, ids, groups)
    sums = {(row[0], row[1]): row for row in run(
        select(vr.month, cell, func.count(), *(func.sum(getattr(vr, c)) for c in columns))
        .where(vr.month.in_(sorted(set(months))), among_ids).group_by(vr.month, *by)).tuples()}
    sizes = Counter(groups[v] for v in ids)
    if any(sums.get((m, c), (m, c, 0))[2] != n for m in months for c, n in sizes.items()):
        return None
    return {(m, c): dict(zip(columns, sums[(m, c)][3:], strict=True))
            for m in months for c in sizes}


def built_range() -> tuple[dt.date | None, dt.date | None]:
    first, last = run(
        select(func.min(VillageRegister.month), func.max(VillageRegister.month))
    ).one()
    return first, last


def rebuild(village_ids: Sequence[int] | None, first: dt.date, last: dt.date) -> int:
    """Rebuild the month-end rows of these villages (``None``: all) for months first..last."""
    months = list(month_starts(first, last))
    ends = [next_month(m) - dt.timedelta(days=1) for m in months]
    result = run(_UPSERT, params(village_ids, months, ends))
    return int(getattr(result, "rowcount", 0) or 0)


def on(day: dt.date, village_ids: Sequence[int],
       groups: dict[int, int] | None = None) -> dict[int, dict[str, int]]:
    """Return the register of these villages at the end of ``day`` from the stored steps
    (a village with no step by then has none: zeros); with ``groups``, summed per area key."""
    ids = sorted(village_ids)
    if groups is None:
        rows = run(_STEP_ON, {"villages": id_array(ids), "day": day}).mappings()
    else:
        rows = run(_STEP_ON_GROUPED, {"villages": id_array(ids), "day": day,
                                      "cells": id_array(groups[v] for v in ids)}).mappings()
    return {row["village_id"]: {c: row[c] for c in REGISTER} for row in rows}


def rebuild_steps(village_ids: Sequence[int] | None) -> int:
    """Rebuild the register steps of these villages (``None``: all) over their whole history:
    the cost is their households' breaks. Returns the rows written."""
    chosen = {"villages": None if village_ids is None else sorted(village_ids)}
    run(_CLEAR_STEPS, chosen)
    result = run(_FILL_STEPS, chosen)
    return int(getattr(result, "rowcount", 0) or 0)


def refresh(village_ids: Sequence[int], *, through: dt.date) -> int:
    """Rebuild these villages' steps, and their month-end rows over every month built so far
    and ``through``'s month."""
    rebuild_steps(village_ids)
    first, last = built_range()
    if first is None or last is None:
        return 0
    return rebuild(village_ids, first, max(through.replace(day=1), last))


def off_register_on(day: Any) -> ColumnElement[bool]:
    """A ``household_states`` span holding on ``day`` (a date or an SQL expression) in which
    the household was out of the register or vacant: it is not in that day's denominators."""
    s = HouseholdState
    return and_(s.valid_from <= day, or_(s.valid_until.is_(None), s.valid_until > day),
                ~and_(s.active, s.occupancy == Occupancy.occupied))
