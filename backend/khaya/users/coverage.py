"""Volunteer coverage: for each volunteer of an LGO, their villages' households and inspections.

The month runs from its first day to its last, or to today while it is current ("as of").
Per volunteer (an active volunteer profile of an active user, with villages of the LGO):

- households: active households of the LGO in the volunteer's villages of the LGO;
- inspected: those of them with at least one inspection dated in the month;
- overdue: those of them never inspected, or last inspected more than ``OVERDUE_DAYS`` before
  the as-of day (inspections after it do not count: a past month reads as it stood then);
- inspections_by_volunteer: inspections of the LGO's households recorded by the volunteer in
  the month, whoever's village they were in;
- last_inspection_on: the volunteer's latest such inspection up to the as-of day.

An inspection the LGO rejected on review (a flagged visit judged not to have happened at the
house) counts nowhere here: not as a visit to the household, not as the volunteer's work. One
still waiting for review counts, as the visit the volunteer reported.

Two volunteers sharing a village both count its households. ``unassigned_villages`` are the
LGO's villages with active households and no active volunteer. The answer is counts and the
volunteers' names and types: no household and no phone number appears in it.

Who may ask (``coverage.read``): LGO staff and admins for their own LGO, provincial officers for
any LGO of their province, admins for any; another LGO answers 404 as an unknown one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, text

from ..areas.models import Lgo
from ..auth.scoping import Scope, unscoped
from ..common.time import local_today
from ..extensions import db
from .errors import InvalidCoverageQuery, LgoNotFound

OVERDUE_DAYS = 90

# One statement for every volunteer, so the cost does not grow with them: the register of the
# LGO is read once and summed per village, then per volunteer over their villages.
_ROWS = text("""
    with register as (
        select h.id, h.village_id,
               max(i.inspected_on) as last_on,
               coalesce(bool_or(i.inspected_on >= :first), false) as in_month
        from households h
        left join inspections i on i.household_id = h.id and i.inspected_on <= :as_of
              and i.review is distinct from 'rejected'
        where h.lgo_id = :lgo_id and h.active
        group by h.id, h.village_id
    ),
    by_village as (
        select village_id, count(*) as households,
               count(*) filter (where in_month) as inspected,
               count(*) filter (where last_on is null or last_on < :overdue_before) as overdue
        from register
        group by village_id
    ),
    volunteers as (
        select p.user_id, u.display_name, p.volunteer_type::text as volunteer_type,
               v.id as village_id, v.code as village_code
        from volunteer_profiles p
        join users u on u.id = p.user_id
        join volunteer_assignments a on a.user_id = p.user_id
        join villages v on v.id = a.village_id
        where p.active and u.is_active and v.lgo_id = :lgo_id
    ),
    work as (
        select i.recorded_by_id as user_id,
               count(*) filter (where i.inspected_on >= :first) as inspections,
               max(i.inspected_on) as last_on
        from inspections i
        where i.lgo_id = :lgo_id and i.inspected_on <= :as_of
          and i.review is distinct from 'rejected'
          and i.recorded_by_id in (select user_id from volunteers)
        group by i.recorded_by_id
    )
    select vo.user_id, vo.display_name, vo.volunteer_type,
           array_agg(vo.village_code order by vo.village_code) as village_codes,
           coalesce(sum(b.households), 0)::int as households,
           coalesce(sum(b.inspected), 0)::int as inspected,
           coalesce(sum(b.overdue), 0)::int as overdue,
           coalesce(max(w.inspections), 0)::int as inspections_by_volunteer,
           max(w.last_on) as last_inspection_on
    from volunteers vo
    left join by_village b on b.village_id = vo.village_id
    left join work w on w.user_id = vo.user_id
    group by vo.user_id, vo.display_name, vo.volunteer_type
    order by vo.display_name, vo.user_id
""")

_UNASSIGNED = text("""
    select v.code
    from villages v
    where v.lgo_id = :lgo_id
      and exists (select 1 from households h where h.village_id = v.id and h.active
                  and h.lgo_id = :lgo_id)
      and not exists (
          select 1
          from volunteer_assignments a
          join volunteer_profiles p on p.user_id = a.user_id
          join users u on u.id = p.user_id
          where a.village_id = v.id and p.active and u.is_active)
    order by v.code
""")


def _lgo(code: str | None, scope: Scope) -> Lgo:
    if code is None:
        if len(scope.lgo_ids) != 1 or scope.province_ids or scope.everything:
            raise InvalidCoverageQuery(errors={"lgo": ["Name the LGO (its code)."]})
        lgo = db.session.get(Lgo, next(iter(scope.lgo_ids)))
    else:
        lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
    if lgo is None or not (scope.everything or lgo.id in scope.lgo_ids
                           or lgo.province_id in scope.province_ids):
        raise LgoNotFound(errors={"lgo": [f"No LGO {code!r} in your area."]})
    return lgo


def _month(text_: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the month's first day and its as-of day (its last, or today while current)."""
    this_month = today.replace(day=1)
    if text_ is None:
        return this_month, today
    year, month = (int(part) for part in text_.split("-"))
    first = dt.date(year, month, 1)
    if first > this_month:
        raise InvalidCoverageQuery(errors={"month": ["Must not be after the current month."]})
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, min(following - dt.timedelta(days=1), today)


def volunteer_coverage(lgo: str | None, month: str | None, scope: Scope) -> dict[str, Any]:
    """Return each volunteer's coverage of an LGO's households in a month (see the module)."""
    found = _lgo(lgo, scope)
    first, as_of = _month(month, local_today())
    params = {"lgo_id": found.id, "first": first, "as_of": as_of,
              "overdue_before": as_of - dt.timedelta(days=OVERDUE_DAYS)}
    # Counts over the whole LGO, checked against the caller's reach in ``_lgo``: a provincial
    # officer's row scope holds no household, yet the counts are theirs to see.
    rows = db.session.execute(_ROWS, params, execution_options=unscoped()).mappings().all()
    unassigned = db.session.execute(_UNASSIGNED, {"lgo_id": found.id},
                                    execution_options=unscoped()).scalars().all()
    return {"month": f"{first:%Y-%m}", "lgo": found.code, "as_of": as_of,
            "overdue_days": OVERDUE_DAYS, "rows": [dict(row) for row in rows],
            "unassigned_villages": list(unassigned)}
