"""The household register: queries and rules. Every query runs under the caller's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..areas.models import Village
from ..auth import audit
from ..auth.models import Role, User
from ..auth.scoping import current_scope
from ..common.pagination import paginate
from ..common.time import local_today
from ..extensions import db
from .cards import token_of_code
from .errors import DuplicateHouseNumber, HouseholdNotFound, InvalidHousehold, VersionConflict
from .models import Household, Occupancy

EDITABLE = (
    "house_number",
    "point",
    "gps_accuracy_m",
    "members",
    "head_name",
    "phone",
    "occupancy",
    "wet_bin",
)


def get_household(household_id: int) -> Household:
    """Return a household in the caller's scope, or 404 as if it did not exist."""
    household = db.session.execute(
        select(Household).where(Household.id == household_id)
    ).scalar_one_or_none()
    if household is None:
        raise HouseholdNotFound()
    return household


def check_visible(household_id: int, **_kwargs: object) -> None:
    """Raise 404 unless the caller may see the household (the ``lookup`` of ``requires``)."""
    get_household(household_id)


def read_household(household_id: int) -> Household:
    household = get_household(household_id)
    audit.record("read", "household", [(household.id, household.lgo_id)])
    return household


def household_by_qr(token: str) -> Household:
    """Open a household from its QR card (the token, or the code printed under the QR): only
    for callers whose scope holds it."""
    token = token_of_code(token) or token
    household = db.session.execute(
        select(Household).where(Household.qr_token == token)
    ).scalar_one_or_none()
    if household is None:
        raise HouseholdNotFound("No household in your area has that card.",
                                message_th="ไม่มีครัวเรือนในพื้นที่ของคุณที่ใช้บัตรใบนี้")
    audit.record("read", "household", [(household.id, household.lgo_id)], details={"via": "qr"})
    return household


def households_query(
    *,
    village: str | None = None,
    q: str | None = None,
    occupancy=None,
    wet_bin=None,
    verified: bool | None = None,
    active: bool | None = True,
    not_logged_since: dt.date | None = None,
) -> Select:
    """Return the households matching the filters, by village and house number."""
    stmt = select(Household)
    if village:
        stmt = stmt.where(
            Household.village_id
            == select(Village.id).where(Village.code == village).scalar_subquery()
        )
    if q:
        stmt = stmt.where(
            or_(Household.house_number.startswith(q), Household.head_name.ilike(f"%{q}%"))
        )
    if occupancy:
        stmt = stmt.where(Household.occupancy == occupancy)
    if wet_bin:
        stmt = stmt.where(Household.wet_bin == wet_bin)
    if verified is not None:
        stmt = stmt.where(
            Household.verified_on.is_not(None) if verified else Household.verified_on.is_(None)
        )
    if active is not None:
        stmt = stmt.where(Household.active.is_(active))
    if not_logged_since:
        stmt = stmt.where(
            or_(Household.last_log_on.is_(None), Household.last_log_on < not_logged_since)
        )
    return stmt.order_by(Household.village_id, Household.house_number, Household.id)


def list_households(*, page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """Return one page of households; every household listed is audited."""
    result = paginate(households_query(**filters), page=page, per_page=per_page)
    audit.record("list", "household", [(h.id, h.lgo_id) for h in result["items"]])
    return result


def village_in_scope(code: str, field: str = "village_code") -> Village:
    """Return a village inside the caller's scope (its LGO, or a volunteer's own village)."""
    village = db.session.execute(select(Village).where(Village.code == code)).scalar_one_or_none()
    scope = current_scope()
    if village is None or (
        scope is not None
        and not scope.covers_lgo(village.lgo_id)
        and village.id not in scope.village_ids
    ):
        raise InvalidHousehold(errors={field: [f"No village {code} in your area."]})
    return village


def _check_point(village: Village, point) -> None:
    if point is None:
        return
    limit = current_app.config["HOUSEHOLD_MAX_DISTANCE_FROM_VILLAGE_M"]
    near = db.session.scalar(
        select(
            func.ST_DWithin(
                func.geography(Village.geom),
                func.geography(func.ST_GeomFromText(point.data, 4326)),
                limit,
            )
        ).where(Village.id == village.id)
    )
    if near is False:
        raise InvalidHousehold(
            errors={
                "point": [
                    f"More than {limit / 1000:g} km from village {village.code}; check the GPS fix."
                ]
            }
        )


def _flush(household: Household) -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        if "uq_households_village_house" in str(error.orig):
            raise DuplicateHouseNumber(
                errors={"house_number": [f"{household.house_number} is already registered."]}
            ) from None
        raise


def register_household(data: dict[str, Any]) -> Household:
    """Add a household to the register of the village's LGO."""
    village = village_in_scope(data["village_code"])
    _check_point(village, data.get("point"))
    household = Household(
        village_id=village.id,
        lgo_id=village.lgo_id,
        registered_on=data.get("registered_on") or local_today(),
        consents=data.get("consents") or {},
        **{key: data[key] for key in EDITABLE if key in data},
    )
    db.session.add(household)
    _flush(household)
    audit.record("create", "household", [(household.id, household.lgo_id)])
    return household


def update_household(household_id: int, data: dict[str, Any]) -> Household:
    """Apply an edit made on ``data["version"]``; an edit of an older version is refused (409)."""
    household = get_household(household_id)
    yours = dict(data)
    if data["version"] != household.version:
        raise VersionConflict(
            extra={"current_version": household.version},
            errors={"version": [f"Current version is {household.version}."]},
        )
    if "village_code" in data:
        village = village_in_scope(data["village_code"])
        household.village_id, household.lgo_id = village.id, village.lgo_id
    if "point" in data:
        _check_point(household.village, data["point"])
    for key in EDITABLE:
        if key in data:
            setattr(household, key, data[key])
    if "consents" in data:
        household.consents = {**household.consents, **data["consents"]}
    try:
        _flush(household)
    except StaleDataError:
        # Another request saved between our read and our write.
        db.session.rollback()
        raise VersionConflict(errors={"version": ["Changed while you were saving."]}) from None
    audit.record(
        "update",
        "household",
        [(household.id, household.lgo_id)],
        details={"fields": sorted(k for k in yours if k != "version")},
    )
    return household


def deactivate_household(household_id: int, reason: str, on: dt.date | None) -> Household:
    """Take a household out of the register (moved away, house gone); its records stay."""
    household = get_household(household_id)
    household.active = False
    household.occupancy = Occupancy.vacant
    household.deactivated_on = on or local_today()
    household.deactivation_reason = reason
    db.session.flush()
    audit.record(
        "delete", "household", [(household.id, household.lgo_id)], details={"reason": reason}
    )
    return household


def link_resident(household_id: int, user_id: int) -> Household:
    """Tie a resident's account to their household, so the phone logs for it."""
    household = get_household(household_id)
    user = db.session.execute(select(User).where(User.id == user_id)).scalar_one_or_none()
    grant = next(
        (
            g
            for g in (user.grants if user else [])
            if g.role is Role.resident and g.village_id == household.village_id
        ),
        None,
    )
    if grant is None:
        raise InvalidHousehold(
            errors={"user_id": ["Not a resident of this household's village in your area."]}
        )
    grant.household_id = household.id
    db.session.flush()
    audit.record(
        "update", "household", [(household.id, household.lgo_id)], details={"linked_user": user_id}
    )
    return household
