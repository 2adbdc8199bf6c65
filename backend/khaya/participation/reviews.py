"""The LGO's review of flagged inspections: the queue, the decisions, and what phones are told.

An inspection is flagged when the inspector stood farther than ``INSPECTION_MAX_DISTANCE_M``
from the house (``far``), sent no GPS point (``no_location``) or the phone reported a mock
location (``mock_location``). Whether its result counts is ``Inspection.counted``: a flagged
pass does not verify the household, print its sign or enter any figure until LGO staff accept
it; a flagged fail counts at once (it can only understate) unless they reject it. A decision is
final, carries a reason, and is written to the household's audit trail; a replayed item never
undoes it (rows are only ever inserted by sync).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import exists, func, select, tuple_, update
from sqlalchemy.orm import aliased

from ..areas.models import Village
from ..auth import audit
from ..auth.models import User
from ..auth.scoping import unscoped
from ..common.batch import REJECTED, ItemResult
from ..common.pagination import paginate
from ..extensions import db
from ..households.models import Household
from ..jobs import changes
from .errors import InspectionAlreadyReviewed, InspectionNotFlagged, InspectionNotFound
from .models import Inspection, Review
from .schemas import review_state
from .verification import refresh_verification

DECISIONS = {"accept": Review.accepted, "reject": Review.rejected}


@dataclasses.dataclass
class InspectionResult(ItemResult):
    """A sync result for an inspection, with what the server made of its location."""

    notice: dict[str, Any] | None = None


def _notice(row: Any) -> dict[str, Any]:
    return {"location_flag": row.location_flag, "distance_m": row.distance_m,
            "gps_accuracy_m": row.gps_accuracy_m, "passed": row.passed,
            "review": review_state(row.location_flag, row.review),
            "review_reason": row.review_reason, "counted": row.counted}


def with_notices(results: Sequence[ItemResult]) -> list[ItemResult]:
    """Add each stored inspection's notice (flag, distance, review, counted) to its result.

    Read under the caller's scope: a replay of an item stored for a household the sender can
    no longer see learns nothing more than before.
    """
    ids = [r.id for r in results if r.status != REJECTED and r.id is not None]
    rows = {row.id: row for row in db.session.execute(
        select(Inspection.id, Inspection.location_flag, Inspection.distance_m,
               Inspection.gps_accuracy_m, Inspection.passed, Inspection.review,
               Inspection.review_reason, Inspection.counted)
        .where(Inspection.id.in_(ids)))} if ids else {}
    out: list[ItemResult] = []
    for result in results:
        row = rows.get(result.id) if result.status != REJECTED else None
        values = {f.name: getattr(result, f.name) for f in dataclasses.fields(ItemResult)}
        out.append(InspectionResult(**values, notice=_notice(row) if row else None))
    return out


def _queue(*, state: str, flag: str | None = None, village: str | None = None,
           household_id: int | None = None, ids: Iterable[int] | None = None):
    later = aliased(Inspection)
    # A later counted inspection of the household decides its status whatever this one becomes.
    superseded = exists().where(
        later.household_id == Inspection.household_id, later.counted, later.id != Inspection.id,
        tuple_(later.inspected_on, later.received_at, later.id)
        > tuple_(Inspection.inspected_on, Inspection.received_at, Inspection.id))
    stmt = (
        select(Inspection, Household.house_number, Household.verified_on.label("verified_on"),
               Village.code.label("village_code"), Village.name_th, Village.name_en,
               superseded.label("superseded"))
        .join(Household, Household.id == Inspection.household_id)
        .join(Village, Village.id == Inspection.village_id)
        .where(Inspection.location_flag.is_not(None))
    )
    if state == "pending":
        stmt = stmt.where(Inspection.review.is_(None))
    elif state in ("accepted", "rejected"):
        stmt = stmt.where(Inspection.review == Review(state))
    if flag:
        stmt = stmt.where(Inspection.location_flag == flag)
    if village:
        stmt = stmt.where(Village.code == village)
    if household_id:
        stmt = stmt.where(Inspection.household_id == household_id)
    if ids is not None:
        stmt = stmt.where(Inspection.id.in_(sorted(ids)))
    # Waiting ones first come, first served; decided ones newest decision first.
    if state == "pending":
        return stmt.order_by(Inspection.received_at, Inspection.id)
    return stmt.order_by(Inspection.review.is_not(None), Inspection.reviewed_at.desc(),
                         Inspection.received_at.desc(), Inspection.id.desc())


def _people(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    # Unscoped: the inspector may be an admin or a volunteer whose account sits in no LGO;
    # only the names of the people who recorded or decided rows in the caller's scope are read.
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(sorted(ids))),
                              execution_options=unscoped())
    return {row.id: {"id": row.id, "display_name": row.display_name} for row in rows}


def _items(rows: Sequence[Any]) -> list[dict[str, Any]]:
    people = _people({i for row in rows
                      for i in (row.Inspection.recorded_by_id, row.Inspection.reviewed_by_id)
                      if i is not None})
    items = []
    for row in rows:
        inspection = row.Inspection
        columns = {c.key: getattr(inspection, c.key) for c in Inspection.__mapper__.column_attrs}
        items.append({**columns, "house_number": row.house_number,
                      "village_code": row.village_code, "village_name_th": row.name_th,
                      "village_name_en": row.name_en, "household_verified_on": row.verified_on,
                      "superseded": row.superseded,
                      "inspector": people.get(inspection.recorded_by_id),
                      "reviewer": people.get(inspection.reviewed_by_id)})
    return items


def review_queue(*, state: str, page: int, per_page: int, flag: str | None = None,
                 village: str | None = None, household_id: int | None = None) -> dict[str, Any]:
    """Return one page of the caller's LGO's flagged inspections; every household is audited."""
    result = paginate(_queue(state=state, flag=flag, village=village, household_id=household_id),
                      page=page, per_page=per_page, rows=True)
    audit.record("list", "household",
                 [(row.Inspection.household_id, row.Inspection.lgo_id) for row in result["items"]],
                 details={"view": "inspection_reviews"})
    return {**result, "items": _items(result["items"])}


def review_inspection(inspection_id: int, *, decision: str, reason: str,
                      user_id: int) -> dict[str, Any]:
    """Accept or reject a flagged inspection; the household and the figures follow at once."""
    inspection = db.session.execute(
        select(Inspection).where(Inspection.id == inspection_id)
    ).scalar_one_or_none()
    if inspection is None:
        raise InspectionNotFound()
    if inspection.location_flag is None:
        raise InspectionNotFlagged()
    # One statement decides, so two people deciding at once cannot both win.
    decided = db.session.execute(
        update(Inspection)
        .where(Inspection.id == inspection.id, Inspection.review.is_(None))
        .values(review=DECISIONS[decision], reviewed_by_id=user_id, reviewed_at=func.now(),
                review_reason=reason.strip())
        .returning(Inspection.id),
        execution_options={"synchronize_session": False},
    ).first()
    if decided is None:
        db.session.refresh(inspection)
        raise InspectionAlreadyReviewed(
            extra={"review": review_state(inspection.location_flag, inspection.review)})
    refresh_verification({inspection.household_id})
    changes.announce("inspections_reviewed", [inspection.id])
    audit.record("update", "household", [(inspection.household_id, inspection.lgo_id)],
                 details={"inspection_id": inspection.id, "review": DECISIONS[decision].value,
                          "location_flag": inspection.location_flag, "reason": reason.strip()})
    db.session.expire_all()
    (row,) = db.session.execute(_queue(state="all", ids=[inspection.id])).all()
    return _items([row])[0]
