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
register as it stands. Triggers mark a village stale when the register or its bank accounts
change; until its rows are rebuilt, readers compute that village live (same query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.sql import ColumnElement

from ..households.models import HouseholdState, Occupancy
from .facts import run
from .models import REGISTER, VillageRegister
from .periods import month_starts, next_month

_SELECT = """
with ends as (
    select * from unnest(cast(:months as date[]), cast(:ends as date[])) as e(month, day)
), h as (
    -- The spans in which a registered household was occupied: its village, members and
    -- wet-bin arrangement as they held then (household_states, the register's history).
    select s.household_id as id, s.village_id, s.valid_from, s.valid_until, r.registered_on,
           s.members, s.wet_bin
    from household_states s join households r on r.id = s.household_id
    where s.active and s.occupancy = 'occupied'
      and (cast(:villages as int[]) is null or s.village_id = any(cast(:villages as int[])))
      and {households}
), decided as (
    -- The last inspection of a day decides it; the state holds until the next inspected day.
    select distinct on (i.household_id, i.inspected_on) i.household_id, i.inspected_on, i.passed,
           i.wet_bin
    from {inspections} i.counted and i.inspected_on <= (select max(day) from ends)
    order by i.household_id, i.inspected_on, i.received_at desc, i.id desc
), spans as (
    select household_id, passed, inspected_on as since,
           case when passed then wet_bin end as confirmed,
           lead(inspected_on) over (partition by household_id order by inspected_on) as until
    from decided
), accounts as (
    select m.household_id, min(m.joined_on) as joined_on
    from {members} m.active
    group by m.household_id
), grid as (
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
left join spans s on s.household_id = h.id and s.since <= grid.day
     and (s.until is null or s.until > grid.day)
-- The arrangement on that day: the one the deciding inspection confirmed when it passed (it is
-- written to the register when it arrives, which may be long after its day), else the
-- register's own as it held then.
cross join lateral (select coalesce(s.confirmed, h.wet_bin) as arrangement) as held
left join accounts a on a.household_id = h.id
group by grid.month, grid.village_id
"""
# Households whose register figures may differ between two days: registered, changed in the
# register (a new span of household_states: deactivation included), inspected or enrolled at a
# bank in between. Every other household counts the same on both.
_TOUCHED = """s.household_id = any(array(
    select id from households where registered_on > :after and registered_on <= :day
    union
    select household_id from household_states where valid_from > :after and valid_from <= :day
    union
    select household_id from inspections
    where (cast(:villages as int[]) is null or village_id = any(cast(:villages as int[])))
      and inspected_on > :after and inspected_on <= :day
    union
    select household_id from waste_bank_members where joined_on > :after and joined_on <= :day))"""
# With few households, look their inspections and accounts up by index (arrays, not joins).
_FEW = {"households": _TOUCHED,
        "inspections": "inspections i where i.household_id = any(array(select id from h)) and",
        "members": "waste_bank_members m where m.household_id = any(array(select id from h)) and"}
_ALL = {"households": "true",
        "inspections": "inspections i join h on h.id = i.household_id where",
        "members": "waste_bank_members m join h on h.id = m.household_id where"}
_COLUMNS = ", ".join(REGISTER)
_UPSERT = text(
    f"insert into village_registers as t (month, village_id, {_COLUMNS}) "
    f"{_SELECT.format(**_ALL)} "
    "on conflict (month, village_id) do update set "
    + ", ".join(f"{c} = excluded.{c}" for c in REGISTER)
)
SELECT_SQL = _SELECT.format(**_ALL)
_LIVE = text(SELECT_SQL)
_TOUCHED_LIVE = text(_SELECT.format(**_FEW))


def params(village_ids: Sequence[int] | None, months: list[dt.date],
           ends: list[dt.date]) -> dict[str, Any]:
    return {"villages": None if village_ids is None else sorted(village_ids),
            "months": months, "ends": ends}


def at(day: dt.date, village_ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    """Return the register of these villages (``None``: all) at the end of ``day``."""
    if village_ids is not None and not village_ids:
        return {}
    rows = run(_LIVE, params(village_ids, [day], [day])).mappings()
    return {row["village_id"]: {c: row[c] for c in REGISTER} for row in rows}


def moved_on(base: dict[int, dict[str, int]], base_day: dt.date, day: dt.date,
             village_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Return the register at ``day`` from ``base``, the register at ``base_day``.

    Only the households touched between the two days (either order) are counted again, at
    both, and the difference is applied: the cost is that of the events in between.
    """
    villages = sorted(village_ids)
    out = {v: dict(base[v]) for v in villages}
    rows = run(_TOUCHED_LIVE, {**params(villages, [base_day, day], [base_day, day]),
                               "after": min(base_day, day), "day": max(base_day, day)})
    for row in rows.mappings():
        sign = 1 if row["month"] == day else -1
        numbers = out[row["village_id"]]
        for c in REGISTER:
            numbers[c] += sign * row[c]
    return out


def snapshot(month: dt.date, village_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Return the stored month-end rows of these villages (missing ones are left out)."""
    rows = run(
        select(VillageRegister.village_id, *(getattr(VillageRegister, c) for c in REGISTER))
        .where(VillageRegister.month == month, VillageRegister.village_id.in_(sorted(village_ids)))
    ).tuples()
    return {row[0]: dict(zip(REGISTER, row[1:], strict=True)) for row in rows}


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


def refresh(village_ids: Sequence[int], *, through: dt.date) -> int:
    """Rebuild these villages' rows over every month built so far, and ``through``'s month."""
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
