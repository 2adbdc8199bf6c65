"""A household's verified status, and its register kept in step with the inspection that decides it.

The household's latest *counted* inspection decides (``Inspection.counted``; see ``models``):
a pass verifies it from that day, a fail clears it. A counted pass also writes the wet-bin
arrangement the inspector confirmed (own bin, communal bin, no space) to the register, so the
register never reads "no wet-waste bin" for a household verified as having one: such a change
is an edit of the register like any other (its version moves on, the audit trail names the
inspection), and the villages' month-end registers are rebuilt by the analytics hook.
"""

from __future__ import annotations

from sqlalchemy import text

from ..auth import audit
from ..extensions import db

# Households are locked in id order so concurrent batches queue instead of deadlocking. A
# household with no counted inspection left (a rejected one was its only) loses its verification.
# The last inspection date is a visit's: a flagged one waiting for review counts as visited (the
# phone shows it waits), one the LGO rejected does not.
_REFRESH = text("""
    with latest as (
        select distinct on (household_id) household_id, id, passed, inspected_on, wet_bin
        from inspections where household_id = any(:ids) and counted
        order by household_id, inspected_on desc, received_at desc, id desc
    ), visited as (
        select household_id, max(inspected_on) as day from inspections
        where household_id = any(:ids) and review is distinct from 'rejected'
        group by household_id
    ), locked as (
        select h.id, h.wet_bin as was from households h where h.id = any(:ids) order by h.id
        for no key update
    ), decided as (
        select locked.id, locked.was, latest.id as inspection_id, latest.passed,
               latest.inspected_on, visited.day as visited_on,
               case when latest.passed and latest.wet_bin is not null
                    then latest.wet_bin else locked.was end as arrangement
        from locked left join latest on latest.household_id = locked.id
        left join visited on visited.household_id = locked.id
    )
    update households h
    set verified_on = case when d.passed then d.inspected_on end,
        last_inspected_on = d.visited_on,
        wet_bin = d.arrangement,
        version = h.version + case when d.arrangement <> d.was then 1 else 0 end
    from decided d
    where h.id = d.id
    returning h.id, h.lgo_id, d.was, h.wet_bin, d.inspection_id
""")


def refresh_verification(household_ids: set[int]) -> None:
    """Set each household's verification from its latest counted inspection; sync the register."""
    if not household_ids:
        return
    rows = db.session.execute(_REFRESH, {"ids": sorted(household_ids)}).all()
    for row in rows:
        if row.was != row.wet_bin:
            audit.record("update", "household", [(row.id, row.lgo_id)], details={
                "fields": ["wet_bin"], "from": row.was, "to": row.wet_bin,
                "inspection_id": row.inspection_id})
