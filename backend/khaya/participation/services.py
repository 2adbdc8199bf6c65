"""Recording sorting logs and inspections (in batches from phones), and reading them back."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from ..common.batch import BatchContext, BatchItem, ItemResult, load, settle
from ..common.db import insert_guarded
from ..common.geo import point_coords
from ..common.images import ImageRefused, reencode
from ..common.pagination import paginate
from ..common.time import local_today
from ..extensions import db
from ..households.models import Household, WetBin
from ..jobs import changes
from . import reviews
from .errors import InvalidPhoto, LogNotFound, PhotoIdTaken, PhotoNotFound
from .models import Inspection, Photo, SortingLog
from .schemas import InspectionDataSchema, SortingLogDataSchema
from .verification import refresh_verification

Check = Callable[[BatchItem, dict[str, Any]], dict[str, list[str]]]
Vet = Callable[[list[tuple[BatchItem, dict[str, Any]]]], Check]
_LOG_SCHEMA = SortingLogDataSchema()
_INSPECTION_SCHEMA = InspectionDataSchema()
OUT_OF_SCOPE = ["No such household in your area."]


def _households(ids: set[int]) -> dict[int, Any]:
    """Return the households among ``ids`` that the caller's scope holds, with their point."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Household.id, Household.lgo_id, Household.village_id, Household.registered_on,
               Household.active, Household.wet_bin, func.ST_X(Household.point).label("lon"),
               func.ST_Y(Household.point).label("lat"))
        .where(Household.id.in_(ids))
    ).all()
    return {row.id: row for row in rows}


def _photos(ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Photo.id, Photo.household_id).where(Photo.id.in_(ids))
    ).tuples().all())


def _date_errors(field: str, day: dt.date, household: Any, ctx: BatchContext) -> dict:
    if day > local_today():
        hint = ""
        if ctx.clock_offset_s is not None and ctx.clock_offset_s < -3600:
            hint = " The phone's clock is ahead of the server's; check its date."
        return {field: ["Dated in the future by the server's clock." + hint]}
    if day < household.registered_on:
        return {field: [f"Before the household registered ({household.registered_on})."]}
    return {}


def _common_checks(data: dict, field: str, household: Any, photos: dict, ctx: BatchContext):
    if household is None:
        return {"household_id": OUT_OF_SCOPE}
    if not household.active:
        return {"household_id": ["The household is no longer in the register."]}
    errors = _date_errors(field, data[field], household, ctx)
    if data.get("photo_id") and photos.get(data["photo_id"]) != household.id:
        errors["photo_id"] = ["No such photo of this household; upload it first."]
    return errors


def _captured(ctx: BatchContext) -> dict[str, Any]:
    """What every row of a batch records about how it arrived (the same for each)."""
    return {
        "recorded_by_id": ctx.principal.user_id,
        "recorded_role": ctx.principal.primary_role(),
        "device_id": ctx.device_id,
        "received_at": ctx.received_at,
        "clock_offset_s": ctx.clock_offset_s,
    }


def _accept(
    model: Any,
    items: list[BatchItem],
    ctx: BatchContext,
    schema: Any,
    date_field: str,
    build: Callable[[dict[str, Any], Any], dict[str, Any]],
    vet: Vet | None = None,
) -> tuple[list[ItemResult], dict[uuid.UUID, Any], dict[int, dict[str, Any]]]:
    """Validate a batch about households, build each accepted row, insert, answer per item.

    ``vet``, given the valid items, returns a check of one item against the rest of its kind
    (its errors, or nothing).
    """
    valid, errors = load(items, schema)
    households = _households({data["household_id"] for _, data in valid})
    photos = _photos({data["photo_id"] for _, data in valid if data.get("photo_id")})
    check = vet(valid) if vet else None
    rows: dict[int, dict[str, Any]] = {}
    arrival = _captured(ctx)
    for item, data in valid:
        household = households.get(data["household_id"])
        problems = _common_checks(data, date_field, household, photos, ctx)
        if not problems and check:
            problems = check(item, data)
        if problems or household is None:  # a missing household is one of the problems
            errors[item.index] = problems
            continue
        rows[item.index] = {
            "client_id": item.client_id, "household_id": household.id,
            "lgo_id": household.lgo_id, "village_id": household.village_id,
            "device_time": item.device_time, **arrival, date_field: data[date_field],
            "photo_id": data.get("photo_id"), **build(data, household)}
    results, created = settle(model, items, rows, errors, ctx.principal)
    return results, created, rows


def _log_row(data: dict[str, Any], _household: Any) -> dict[str, Any]:
    return {
        "streams": [s.value for s in data["streams"]],
        "organic_handling": data.get("organic_handling"),
        **{f"kg_{s}": data.get(f"kg_{s}") for s in ("organic", "recyclable", "general",
                                                      "hazardous")},
    }


def _vet_corrections(valid: list[tuple[BatchItem, dict[str, Any]]],
                     accepted: dict[uuid.UUID, uuid.UUID]) -> Check:
    """Return the check of a log that corrects another (``corrects``: that log's client id);
    each correction that passes goes into ``accepted`` as {its client id: the corrected one}.

    The log corrected must be of the same household and day, and stored already or sent
    earlier in the same batch (a phone sends its queue in order, so the first log of the day
    goes before its correction). Scope follows: the household is one the caller may log for.
    """
    wanted = {data["corrects"] for _, data in valid if data.get("corrects")}
    stored = {row.client_id: row for row in db.session.execute(
        select(SortingLog.client_id, SortingLog.household_id, SortingLog.log_date,
               SortingLog.voided_at).where(SortingLog.client_id.in_(wanted))
    )} if wanted else {}
    earlier = {item.client_id: (item.index, data) for item, data in valid}

    def check(item: BatchItem, data: dict[str, Any]) -> dict[str, list[str]]:
        target = data.get("corrects")
        if target is None:
            return {}
        problems = _correction_problems(item, data, target)
        if not problems:
            accepted[item.client_id] = target
        return problems

    def _correction_problems(item: BatchItem, data: dict[str, Any],
                             target: uuid.UUID) -> dict[str, list[str]]:
        if target == item.client_id:
            return {"corrects": ["A log cannot correct itself."]}
        if (row := stored.get(target)) is not None:
            same = (row.household_id, row.log_date) == (data["household_id"], data["log_date"])
            if not same:
                return {"corrects": ["Correct a log of the same household and day."]}
            if row.voided_at is not None:
                return {"corrects": ["That log was already corrected or voided."]}
            return {}
        index, first = earlier.get(target, (None, None))
        if first is None or index is None or index > item.index:
            return {"corrects": ["No such log of this household: send the log being corrected "
                                 "first."]}
        if (first["household_id"], first["log_date"]) != (data["household_id"],
                                                            data["log_date"]):
            return {"corrects": ["Correct a log of the same household and day."]}
        return {}

    return check


def record_sorting_logs(items: list[BatchItem], ctx: BatchContext) -> list[ItemResult]:
    """Store a batch of sorting logs; each item is created, a duplicate, or rejected.

    A log that ``corrects`` an earlier one of the same household and day (the person chose
    "correct today's log" rather than "add another") voids that one as it is stored, so a day
    logged twice by mistake stays one log in every history and figure.
    """
    accepted: dict[uuid.UUID, uuid.UUID] = {}
    results, created, rows = _accept(SortingLog, items, ctx, _LOG_SCHEMA, "log_date", _log_row,
                                     lambda valid: _vet_corrections(valid, accepted))
    if created:
        # The rollups and each household's latest log day follow when the change is applied.
        changes.announce("logs_added", created.values())
        corrected = {old: new for new, old in accepted.items() if new in created}
        if corrected:
            _void_corrected(corrected, ctx.principal.user_id)
    return results


def _void_corrected(corrected: dict[uuid.UUID, uuid.UUID], user_id: int) -> None:
    """Void each corrected log (by client id), naming the log that replaced it."""
    voided: list[int] = []
    for old, new in corrected.items():
        voided += db.session.execute(
            update(SortingLog)
            .where(SortingLog.client_id == old, SortingLog.voided_at.is_(None))
            .values(voided_at=func.now(), voided_by_id=user_id,
                    void_reason=f"Corrected: replaced by log {new}.")
            .returning(SortingLog.id)
        ).scalars().all()
    if voided:
        changes.announce("logs_voided", voided)


def touch_last_log(log_ids: Iterable[int]) -> None:
    """Move each household's latest log day forward to the latest of these logs'.

    Applied with the rollups, out of the sync (``analytics.changes`` calls it for each
    ``logs_added``), so ``last_log_on`` and the figures move together and a sync batch writes
    only its rows. One statement for the whole run of logs; rows are locked in id order and
    only where the date moves, so appliers and office edits queue instead of deadlocking, and
    the household's edit version is left alone so a sync never makes an office edit conflict.
    """
    ids = sorted(set(log_ids))
    if not ids:
        return
    db.session.execute(text("""
        with latest as (
            select household_id, max(log_date) as day from sorting_logs
            where id = any(cast(:ids as bigint[])) group by household_id
        ), moving as (
            select h.id, l.day from households h join latest l on l.household_id = h.id
            where h.last_log_on is null or h.last_log_on < l.day
            order by h.id for no key update of h
        )
        update households h set last_log_on = moving.day from moving where h.id = moving.id
    """), {"ids": ids})


def _distance_m(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance in metres (haversine; well under 1 % off at these ranges)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _location(data: dict, household: Any) -> dict[str, Any]:
    point = data.get("point")
    distance = flag = None
    if point is not None and household.lon is not None:
        lon, lat = point_coords(point)
        distance = round(_distance_m(lon, lat, household.lon, household.lat), 1)
        if distance > current_app.config["INSPECTION_MAX_DISTANCE_M"]:
            flag = "far"
    if point is None:
        flag = "no_location"
    if data.get("mock_location"):
        flag = "mock_location"
    return {"inspector_point": point, "distance_m": distance, "location_flag": flag,
            "mock_location": bool(data.get("mock_location")),
            "gps_accuracy_m": data.get("gps_accuracy_m")}


FIVE_POINTS = ("registered", "bin_built", "food_waste_in_bin", "lid_closed", "used_correctly")


def _arrangement(data: dict[str, Any], household: Any, passed: bool) -> str | None:
    """The wet-bin arrangement an inspection confirms.

    A pass always confirms one: the inspector's answer, else (a phone of an older version) the
    register's own, else an own bin, since "bin built" was answered yes at the house.
    """
    if data.get("wet_bin") or not passed:
        return data.get("wet_bin")
    return household.wet_bin.value if household.wet_bin != WetBin.none else WetBin.has_bin.value


def _inspection_row(data: dict[str, Any], household: Any) -> dict[str, Any]:
    # The sign is earned on the five wet-bin points; sorting is noted, not decisive.
    passed = all(data[name] for name in FIVE_POINTS)
    return {
        **{name: data[name] for name in FIVE_POINTS},
        "sorting_ok": data.get("sorting_ok"),
        "passed": passed,
        "notes": data.get("notes"),
        "wet_bin": _arrangement(data, household, passed),
        **_location(data, household),
    }


def record_inspections(items: list[BatchItem], ctx: BatchContext) -> list[ItemResult]:
    """Store a batch of inspections and update each household's verified status.

    Each stored item (created or a replay) is answered with what the server made of its
    location, so the phone can tell the inspector at once that a pass waits for the LGO.
    """
    results, created, rows = _accept(Inspection, items, ctx, _INSPECTION_SCHEMA, "inspected_on",
                                     _inspection_row)
    if created:
        refresh_verification({row["household_id"] for row in rows.values()})
        changes.announce("inspections_added", created.values())
    return reviews.with_notices(results)


def household_logs(household_id: int, *, page: int, per_page: int,
                   since: dt.date | None = None, until: dt.date | None = None) -> dict[str, Any]:
    stmt = select(SortingLog).where(SortingLog.household_id == household_id)
    if since:
        stmt = stmt.where(SortingLog.log_date >= since)
    if until:
        stmt = stmt.where(SortingLog.log_date <= until)
    stmt = stmt.order_by(SortingLog.log_date.desc(), SortingLog.id.desc())
    return paginate(stmt, page=page, per_page=per_page)


def household_inspections(household_id: int, *, page: int, per_page: int,
                          since: dt.date | None = None, until: dt.date | None = None):
    stmt = select(Inspection).where(Inspection.household_id == household_id)
    if since:
        stmt = stmt.where(Inspection.inspected_on >= since)
    if until:
        stmt = stmt.where(Inspection.inspected_on <= until)
    stmt = stmt.order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    return paginate(stmt, page=page, per_page=per_page)


def void_log(log_id: int, reason: str, user_id: int) -> SortingLog:
    """Void a log recorded in error; it stays on record and leaves every figure."""
    log = db.session.execute(
        select(SortingLog).where(SortingLog.id == log_id)
    ).scalar_one_or_none()
    if log is None:
        raise LogNotFound()
    if log.voided_at is None:
        db.session.execute(
            update(SortingLog).where(SortingLog.id == log.id)
            .values(voided_at=func.now(), voided_by_id=user_id, void_reason=reason)
        )
        changes.announce("logs_voided", [log.id])
        db.session.refresh(log)
    return log


def get_photo(photo_id: uuid.UUID) -> Photo:
    photo = db.session.execute(select(Photo).where(Photo.id == photo_id)).scalar_one_or_none()
    if photo is None:
        raise PhotoNotFound()
    return photo


def store_photo(photo_id: uuid.UUID, household_id: int, content: bytes, user_id: int) -> Photo:
    """Keep a photo of a household, decoded and re-encoded; resending the same id is safe.

    The id is the phone's: a resend of one's own photo returns the stored one. An id that is
    taken by a photo the caller cannot see (another LGO's, another household's) answers 409
    and says nothing about that photo, not even whether it is in the caller's LGO.
    """
    existing = db.session.execute(
        select(Photo).where(Photo.id == photo_id)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.household_id != household_id:
            raise PhotoIdTaken()
        return existing
    households = _households({household_id})
    if household_id not in households:
        raise InvalidPhoto(errors={"household_id": OUT_OF_SCOPE})
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(content) > limit:
        raise InvalidPhoto(f"The photo is larger than {limit // 1024} KB.", status=413,
                           code="photo_too_large",
                           message_th=f"รูปถ่ายมีขนาดใหญ่เกิน {limit // 1024} KB")
    try:
        image = reencode(content, max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
                         max_side=current_app.config["PHOTO_MAX_SIDE"])
    except ImageRefused as refused:
        raise InvalidPhoto(errors={"file": [str(refused)]}) from None
    household = households[household_id]
    photo = Photo(
        id=photo_id, household_id=household_id, lgo_id=household.lgo_id,
        village_id=household.village_id, content_type=image.content_type, data=image.data,
        size=len(image.data), sha256=hashlib.sha256(image.data).hexdigest(),
        uploaded_by_id=user_id,
    )
    try:
        insert_guarded(photo)
    except IntegrityError:
        # The id exists but the caller's scope did not show it: either the same upload arrived
        # twice at once (then it is visible now) or the id belongs to a photo out of reach.
        mine = db.session.execute(
            select(Photo).where(Photo.id == photo_id, Photo.household_id == household_id)
        ).scalar_one_or_none()
        if mine is None:
            raise PhotoIdTaken() from None
        return mine
    return photo
