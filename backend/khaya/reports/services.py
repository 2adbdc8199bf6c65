"""Citizen reports: made (online, offline through sync, on the public web form, over Open311),
routed to the LGO and village whose area holds them, offered as duplicates of open reports of
the same type nearby, and worked through by the LGO (acknowledged, assigned, in progress,
closed with a note, reopened, merged). Every change is a ``ReportEvent``: the reporter's
timeline and the LGO's record of who did what.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from ..areas.models import Lgo, Village
from ..auth.access import Principal
from ..auth.models import Role, RoleGrant, User
from ..auth.scoping import current_scope, unscoped
from ..collection.models import CollectionPoint
from ..columns import utcnow
from ..common.batch import (
    BatchContext,
    BatchItem,
    ItemResult,
    content_digest,
    insert_new,
    load,
    settle,
)
from ..common.images import ImageRefused, reencode
from ..errors import Conflict
from ..extensions import db
from .errors import (
    InvalidApiKey,
    InvalidChange,
    InvalidReport,
    OutsideJurisdiction,
    PublicReportsOff,
    ReportNotFound,
    ReportPhotoNotFound,
    ReportPhotoTaken,
)
from .models import (
    PHOTOS_PER_STAGE,
    TRANSITIONS,
    Located,
    Report,
    ReportApp,
    ReportEvent,
    ReportPhoto,
    ReportSettings,
    ReportSource,
    ReportStatus,
    ReportType,
)
from .routing import locate
from .schemas import ReportInSchema

KIND = "report"
# A device clock this far ahead of the server is wrong: the report is dated when received.
FUTURE_SLACK = dt.timedelta(minutes=10)
DEFAULT_SETTINGS = {"public_reports": True, "duplicate_metres": 50, "duplicate_days": 7}
_IN = ReportInSchema()


@dataclass(frozen=True)
class Reporter:
    """Who sends a report and how: a signed-in person, the public web, or an Open311 app."""

    source: ReportSource
    principal: Principal | None = None
    app: ReportApp | None = None
    device_id: str | None = None
    clock_offset_s: int | None = None


# Settings ------------------------------------------------------------------------------------


def settings_of(lgo_id: int) -> dict[str, Any]:
    row = db.session.get(ReportSettings, lgo_id)
    if row is None:
        return dict(DEFAULT_SETTINGS)
    return {"public_reports": row.public_reports, "duplicate_metres": row.duplicate_metres,
            "duplicate_days": row.duplicate_days}


def lgo_for_settings(code: str | None) -> Lgo:
    """The LGO named by ``code`` (which must be the caller's), or the caller's only LGO."""
    scope = current_scope()
    if code:
        lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
        if lgo is None or (scope is not None and not scope.covers_lgo(lgo.id)):
            raise InvalidReport(errors={"lgo_code": ["Not an LGO of yours."]})
        return lgo
    if scope is not None and len(scope.lgo_ids) == 1:
        return db.session.get_one(Lgo, next(iter(scope.lgo_ids)))
    raise InvalidReport(errors={"lgo_code": ["Name the LGO."]})


def change_settings(lgo: Lgo, data: dict[str, Any]) -> dict[str, Any]:
    row = db.session.get(ReportSettings, lgo.id)
    if row is None:
        row = ReportSettings(lgo_id=lgo.id, **DEFAULT_SETTINGS)
        db.session.add(row)
    for key in ("public_reports", "duplicate_metres", "duplicate_days"):
        if key in data:
            setattr(row, key, data[key])
    db.session.flush()
    return {"lgo_code": lgo.code, **settings_of(lgo.id)}


# Photos --------------------------------------------------------------------------------------


def _clean(content: bytes, field: str = "file") -> Any:
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(content) > limit:
        raise InvalidReport(f"The photo is larger than {limit // 1024} KB.", status=413,
                            code="photo_too_large",
                            message_th=f"รูปถ่ายมีขนาดใหญ่เกิน {limit // 1024} KB")
    try:
        return reencode(content, max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
                        max_side=current_app.config["PHOTO_MAX_SIDE"])
    except ImageRefused as refused:
        raise InvalidReport(errors={field: [str(refused)]}) from None


def _photo(photo_id: uuid.UUID, image: Any, user_id: int | None, stage: str,
           report_id: int | None = None) -> ReportPhoto:
    return ReportPhoto(id=photo_id, report_id=report_id, stage=stage,
                       content_type=image.content_type, data=image.data, size=len(image.data),
                       sha256=hashlib.sha256(image.data).hexdigest(), uploaded_by_id=user_id)


def store_photo(photo_id: uuid.UUID, content: bytes, user_id: int) -> ReportPhoto:
    """Keep a photo for a report not yet sent (the phone uploads it first, then names it in the
    report); resending one's own photo returns it, another's id answers 409."""
    existing = db.session.get(ReportPhoto, photo_id)
    if existing is not None:
        if existing.uploaded_by_id != user_id:
            raise ReportPhotoTaken()
        return existing
    photo = _photo(photo_id, _clean(content), user_id, "report")
    db.session.add(photo)
    db.session.flush()
    return photo


def _pending_photos(ids: Sequence[uuid.UUID], user_id: int | None,
                    report_id: int | None = None) -> dict[uuid.UUID, ReportPhoto]:
    """The caller's photos among ``ids`` that no other report holds."""
    if not ids or user_id is None:
        return {}
    rows = db.session.execute(
        select(ReportPhoto).where(ReportPhoto.id.in_(list(ids)),
                                  ReportPhoto.uploaded_by_id == user_id)
    ).scalars().all()
    return {p.id: p for p in rows if p.report_id is None or p.report_id == report_id}


def get_photo(report_id: int, photo_id: uuid.UUID) -> ReportPhoto:
    get_report(report_id)  # in the caller's scope, or 404
    photo = db.session.get(ReportPhoto, photo_id)
    if photo is None or photo.report_id != report_id:
        raise ReportPhotoNotFound()
    return photo


# Making a report -----------------------------------------------------------------------------


def _token() -> str:
    return secrets.token_urlsafe(16)


def _reported_at(moment: dt.datetime | None, received_at: dt.datetime) -> dt.datetime:
    """When the reporter saw it: the time the phone gave, unless it lies in the future."""
    if moment is None or moment > received_at + FUTURE_SLACK:
        return received_at
    return moment


def _row(data: dict[str, Any], reporter: Reporter, received_at: dt.datetime,
         client_id: uuid.UUID, device_time: dt.datetime | None) -> dict[str, Any]:
    """The report's row, routed; raises InvalidReport (or its kinds) for what cannot be kept."""
    place = locate(data["location"])
    if reporter.app is not None and reporter.app.lgo_id not in (None, place.lgo_id):
        raise OutsideJurisdiction()
    if (reporter.principal is None and reporter.source is ReportSource.web
            and not settings_of(place.lgo_id)["public_reports"]):
        raise PublicReportsOff()
    point_id = data.get("collection_point_id")
    if point_id is not None:
        # Collection points are public.
        found = db.session.execute(
            select(CollectionPoint.id).where(CollectionPoint.id == point_id),
            execution_options=unscoped()).scalar_one_or_none()
        if found is None:
            raise InvalidReport(errors={"collection_point_id": ["No such collection point."]})
    principal = reporter.principal
    signed_in = principal is not None
    return {
        "client_id": client_id,
        "type": ReportType(data["type"]),
        "status": ReportStatus.open,
        "point": data["location"],
        "accuracy_m": data.get("accuracy_m"),
        "located_by": Located(data.get("located_by") or Located.map.value),
        "description": (data.get("description") or "").strip(),
        "lgo_id": place.lgo_id,
        "village_id": place.village_id,
        "collection_point_id": point_id,
        "source": reporter.source,
        "recorded_by_id": principal.user_id if principal is not None else None,
        "recorded_role": principal.primary_role() if principal is not None else None,
        "device_id": reporter.device_id,
        "device_time": device_time,
        "clock_offset_s": reporter.clock_offset_s,
        "contact_name": None if signed_in else data.get("contact_name"),
        "contact_phone": None if signed_in else data.get("contact_phone"),
        "contact_email": None if signed_in else data.get("contact_email"),
        "app_id": reporter.app.id if reporter.app is not None else None,
        "media_url": data.get("media_url"),
        "token": _token(),
        "reported_at": _reported_at(data.get("reported_at") or device_time, received_at),
        "received_at": received_at,
        "updated_at": received_at,
        "closed_at": None,
    }


def _after_insert(report_ids: dict[uuid.UUID, int], photo_ids: dict[uuid.UUID, list[uuid.UUID]],
                  user_id: int | None) -> None:
    """Attach the photos the new reports named, and start their timelines."""
    for client_id, report_id in report_ids.items():
        wanted = photo_ids.get(client_id) or []
        if wanted:
            db.session.execute(
                update(ReportPhoto)
                .where(ReportPhoto.id.in_(wanted), ReportPhoto.uploaded_by_id == user_id,
                       ReportPhoto.report_id.is_(None))
                .values(report_id=report_id))
        db.session.add(ReportEvent(report_id=report_id, actor_id=user_id, action="created",
                                   status=ReportStatus.open))
    db.session.flush()


def create_report(data: dict[str, Any], raw: dict[str, Any], reporter: Reporter, *,
                  uploads: Sequence[bytes] = ()) -> tuple[Report, bool]:
    """Make one report (online or on the web); return it and whether it is new.

    A client id already stored answers with that report when the same content was sent again
    (a retry), and 409 when it came with other content. ``uploads`` are photos sent with the
    report itself (the web form, Open311); ``photo_ids`` name photos the caller uploaded first.
    """
    received_at = utcnow()
    client_id = data.get("client_id") or uuid.uuid4()
    digest = content_digest(KIND, raw)
    stored = _by_client_id(client_id)
    if stored is not None:
        return _replayed(stored, digest, reporter), False
    user_id = reporter.principal.user_id if reporter.principal else None
    pending = _pending_photos(data.get("photo_ids") or [], user_id)
    missing = [str(p) for p in data.get("photo_ids") or [] if p not in pending]
    if missing:
        raise InvalidReport(errors={"photo_ids": ["Upload the photo first: " + ", ".join(missing)
                                                  + "."]})
    if len(uploads) + len(pending) > PHOTOS_PER_STAGE:
        raise InvalidReport(errors={"photo": [f"At most {PHOTOS_PER_STAGE} photos."]})
    cleaned = [_clean(content, "photo") for content in uploads]
    row = {**_row(data, reporter, received_at, client_id, data.get("reported_at")),
           "content_digest": digest}
    created = insert_new(Report, [row])
    if client_id not in created:
        # Another request stored the same client id a moment ago.
        stored = _by_client_id(client_id)
        if stored is None:
            raise InvalidReport(errors={"client_id": ["Not stored."]})
        return _replayed(stored, digest, reporter), False
    report_id = created[client_id]
    _after_insert({client_id: report_id}, {client_id: list(pending)}, user_id)
    for image in cleaned:
        db.session.add(_photo(uuid.uuid4(), image, user_id, "report", report_id))
    db.session.flush()
    return _load(report_id), True


def _by_client_id(client_id: uuid.UUID) -> Report | None:
    # Unscoped: a retry must find its report whoever sends it; what the sender learns follows.
    return db.session.execute(select(Report).where(Report.client_id == client_id),
                              execution_options=unscoped()).scalar_one_or_none()


def _replayed(stored: Report, digest: bytes, reporter: Reporter) -> Report:
    same_sender = (reporter.principal is None or stored.recorded_by_id is None
                   or stored.recorded_by_id == reporter.principal.user_id)
    if stored.content_digest != digest or not same_sender:
        raise Conflict("This client_id was used for another report; nothing was stored.",
                       code="client_id_reused",
                       message_th="รหัส client_id นี้ถูกใช้กับรายงานอื่นแล้ว ไม่ได้บันทึกรายงานนี้")
    return stored


def record_reports(items: list[BatchItem], ctx: BatchContext) -> list[ItemResult]:
    """The sync endpoint's handler for ``report`` items: exactly once, like every kind."""
    reporter = Reporter(ReportSource.app, ctx.principal, device_id=ctx.device_id,
                        clock_offset_s=ctx.clock_offset_s)
    valid, errors = load(items, _IN)
    rows: dict[int, dict[str, Any]] = {}
    photos: dict[uuid.UUID, list[uuid.UUID]] = {}
    wanted_photos = [p for _, data in valid for p in data.get("photo_ids") or []]
    pending = _pending_photos(wanted_photos, ctx.principal.user_id)
    for item, data in valid:
        missing = [str(p) for p in data.get("photo_ids") or [] if p not in pending]
        if missing:
            errors[item.index] = {"photo_ids": ["Upload the photo first: " + ", ".join(missing)
                                                + "."]}
            continue
        try:
            rows[item.index] = _row(data, reporter, ctx.received_at, item.client_id,
                                    item.device_time or data.get("reported_at"))
        except InvalidReport as refused:
            errors[item.index] = refused.errors or {"item": [refused.message]}
            continue
        photos[item.client_id] = list(data.get("photo_ids") or [])
    results, created = settle(Report, items, rows, errors, ctx.principal)
    _after_insert(created, photos, ctx.principal.user_id)
    return results


# Reading -------------------------------------------------------------------------------------


def get_report(report_id: int) -> Report:
    """A report in the caller's scope, or 404."""
    if not 0 < report_id < 2**63:
        raise ReportNotFound()
    report = db.session.execute(select(Report).where(Report.id == report_id)).scalar_one_or_none()
    if report is None:
        raise ReportNotFound()
    return report


def _load(report_id: int) -> Report:
    # The report just made or changed by this request, whoever may otherwise see it.
    return db.session.execute(select(Report).where(Report.id == report_id),
                              execution_options=unscoped()).scalar_one()


def by_token(token: str) -> Report:
    """The report a token follows (the token is its reporter's secret)."""
    if not 16 <= len(token) <= 32:
        raise ReportNotFound()
    report = db.session.execute(select(Report).where(Report.token == token),
                                execution_options=unscoped()).scalar_one_or_none()
    if report is None:
        raise ReportNotFound()
    return report


def mine(principal: Principal) -> list[Report]:
    """The caller's own reports, newest first (a resident's scope is their household, so the
    reports they made are found by who made them)."""
    return list(db.session.execute(
        select(Report).where(Report.recorded_by_id == principal.user_id)
        .order_by(Report.received_at.desc(), Report.id.desc()).limit(200),
        execution_options=unscoped()).scalars())


def duplicates_of(report: Report, *, limit: int = 10) -> list[dict[str, Any]]:
    """Open reports of the same type near ``report`` within the LGO's distance and days."""
    chosen = settings_of(report.lgo_id)
    me = aliased(Report, name="me")
    here, there = func.geography(me.point), func.geography(Report.point)
    window = dt.timedelta(days=chosen["duplicate_days"])
    distance = func.ST_Distance(there, here).label("distance_m")
    # Unscoped: the LGO's own reports; the lgo_id condition keeps it there.
    rows = db.session.execute(
        select(Report, distance)
        .join(me, me.id == report.id)
        .where(Report.lgo_id == report.lgo_id, Report.type == report.type,
               Report.id != report.id, Report.status != ReportStatus.closed,
               Report.received_at.between(report.received_at - window,
                                          report.received_at + window),
               func.ST_DWithin(there, here, chosen["duplicate_metres"]))
        .order_by(distance, Report.id).limit(limit),
        execution_options=unscoped(),
    ).all()
    return [{"id": r.id, "type": r.type.value, "status": r.status.value,
             "received_at": r.received_at, "distance_m": round(float(d), 1)} for r, d in rows]


def list_reports(args: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The LGO's queue: filtered, oldest open first, with counts per status."""
    stmt = select(Report)
    if args.get("lgo"):
        lgo = db.session.execute(select(Lgo.id).where(Lgo.code == args["lgo"])).scalar()
        stmt = stmt.where(Report.lgo_id == (lgo or 0))
    if args.get("type"):
        stmt = stmt.where(Report.type.in_([ReportType(t) for t in args["type"]]))
    if args.get("older_than_days") is not None:
        edge = dt.datetime.combine(today - dt.timedelta(days=args["older_than_days"]),
                                   dt.time(), tzinfo=dt.UTC)
        stmt = stmt.where(Report.received_at < edge)
    if args.get("assigned_to") is not None:
        stmt = stmt.where(Report.assigned_to_id == args["assigned_to"])
    counts = dict(db.session.execute(
        stmt.with_only_columns(Report.status, func.count()).group_by(Report.status)
    ).tuples().all())
    statuses = set(args.get("status") or [])
    if statuses:
        wanted = {ReportStatus(s) for s in statuses if s != "active"}
        if "active" in statuses:
            wanted |= {s for s in ReportStatus if s is not ReportStatus.closed}
        stmt = stmt.where(Report.status.in_(sorted(wanted)))
    stmt = stmt.order_by((Report.status == ReportStatus.closed), Report.received_at, Report.id)
    page, per_page = args["page"], args["per_page"]
    # Counted over the page's own rows (a subquery of the entity), so the scope applies to the
    # count too: a bare count(*) escapes the loader criteria.
    total = db.session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": list(items),
            "meta": {"page": page, "per_page": per_page, "total": total,
                     "pages": (total + per_page - 1) // per_page},
            "counts": {s.value: int(counts.get(s, 0)) for s in ReportStatus}}


# The LGO's work ------------------------------------------------------------------------------


def _staff_of(lgo_id: int, user_id: int) -> bool:
    # Grants are not scoped: the check is whether this person works for the report's LGO.
    return db.session.execute(
        select(RoleGrant.id).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.user_id == user_id, RoleGrant.lgo_id == lgo_id, User.is_active,
               RoleGrant.role.in_([Role.lgo_staff, Role.lgo_admin]))
        .limit(1), execution_options=unscoped()).first() is not None


def staff() -> list[dict[str, Any]]:
    """The staff a report of the caller's LGOs may be assigned to: active LGO staff and admins
    (names only)."""
    scope = current_scope()
    # Grants are not scoped; the caller's LGOs bound the list.
    stmt = (select(User.id, User.display_name, RoleGrant.lgo_id)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.is_active, RoleGrant.role.in_([Role.lgo_staff, Role.lgo_admin]))
            .order_by(User.display_name, User.id))
    if scope is not None and not scope.everything:
        stmt = stmt.where(RoleGrant.lgo_id.in_(sorted(scope.lgo_ids)))
    seen: dict[int, dict[str, Any]] = {}
    for user_id, name, lgo_id in db.session.execute(stmt, execution_options=unscoped()):
        seen.setdefault(user_id, {"id": user_id, "name": name, "lgo_code": lgo_code(lgo_id)})
    return list(seen.values())


def change_report(report_id: int, data: dict[str, Any], principal: Principal) -> Report:
    """Move a report on, assign it, add after-photos; each change is an event."""
    report = get_report(report_id)
    note = (data.get("note") or "").strip() or None
    target = ReportStatus(data["status"]) if data.get("status") else None
    if target is not None and target is not report.status:
        if target not in TRANSITIONS[report.status]:
            raise InvalidChange(errors={"status": [
                f"A report that is {report.status.value} cannot become {target.value}."]})
        if target in (ReportStatus.closed, ReportStatus.open) and not note:
            raise InvalidChange(errors={"note": ["Say what was done."]})
    assignee = data.get("assigned_to_id")
    if assignee is not None and not _staff_of(report.lgo_id, assignee):
        raise InvalidChange(errors={"assigned_to_id": ["Not a staff member of this LGO."]})
    after = data.get("photo_ids") or []
    pending = _pending_photos(after, principal.user_id, report.id)
    if [p for p in after if p not in pending]:
        raise InvalidChange(errors={"photo_ids": ["Upload the photo first."]})
    now = utcnow()
    events: list[ReportEvent] = []
    if "assigned_to_id" in data and data["assigned_to_id"] != report.assigned_to_id:
        report.assigned_to_id = data["assigned_to_id"]
        events.append(ReportEvent(report_id=report.id, actor_id=principal.user_id,
                                  action="assigned", status=report.status,
                                  assigned_to_id=report.assigned_to_id))
    if target is not None and target is not report.status:
        report.status = target
        if target is ReportStatus.closed:
            report.closed_at, report.close_note = now, note
        elif report.closed_at is not None:
            report.closed_at, report.close_note, report.duplicate_of_id = None, None, None
        events.append(ReportEvent(report_id=report.id, actor_id=principal.user_id,
                                  action="reopened" if target is ReportStatus.open
                                  else target.value, status=target, note=note))
    elif note:
        events.append(ReportEvent(report_id=report.id, actor_id=principal.user_id,
                                  action="note", status=report.status, note=note))
    for photo in pending.values():
        photo.report_id, photo.stage = report.id, "after"
    if not events and not pending:
        raise InvalidChange(errors={"status": ["Nothing to change."]})
    report.updated_at = now
    db.session.add_all(events)
    db.session.flush()
    return report


def merge(report_id: int, into: int, principal: Principal) -> Report:
    """Close a report as a duplicate of another open one of the same LGO and type."""
    report = get_report(report_id)
    target = get_report(into)
    if target.id == report.id or target.lgo_id != report.lgo_id:
        raise InvalidChange(errors={"into": ["Another report of the same LGO."]})
    if target.duplicate_of_id is not None:
        target = get_report(target.duplicate_of_id)
    if report.status is ReportStatus.closed:
        raise InvalidChange(errors={"status": ["The report is already closed."]})
    now = utcnow()
    report.status, report.closed_at, report.updated_at = ReportStatus.closed, now, now
    report.duplicate_of_id = target.id
    report.close_note = f"Merged into report {target.id}."
    db.session.execute(update(Report).where(Report.duplicate_of_id == report.id)
                       .values(duplicate_of_id=target.id))
    db.session.add_all([
        ReportEvent(report_id=report.id, actor_id=principal.user_id, action="merged",
                    status=ReportStatus.closed, note=report.close_note),
        ReportEvent(report_id=target.id, actor_id=principal.user_id, action="note",
                    status=target.status, note=f"Report {report.id} merged into this one."),
    ])
    db.session.flush()
    return report


# Open311 apps --------------------------------------------------------------------------------


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def register_app(name: str, lgo_code: str | None, principal: Principal) -> tuple[ReportApp, str]:
    scope = current_scope()
    lgo_id = None
    if lgo_code or not (scope is None or scope.everything):
        lgo_id = lgo_for_settings(lgo_code).id
    key = secrets.token_urlsafe(24)
    app = ReportApp(name=name.strip(), lgo_id=lgo_id, key_hash=_hash_key(key), key_hint=key[:6],
                    created_by_id=principal.user_id)
    db.session.add(app)
    db.session.flush()
    return app, key


def apps_of_caller() -> list[ReportApp]:
    scope = current_scope()
    stmt = select(ReportApp).order_by(ReportApp.id)
    if scope is not None and not scope.everything:
        stmt = stmt.where(ReportApp.lgo_id.in_(sorted(scope.lgo_ids)))
    return list(db.session.execute(stmt).scalars())


def retire_app(app_id: int) -> None:
    app = db.session.get(ReportApp, app_id) if 0 < app_id < 2**31 else None
    scope = current_scope()
    if app is None or (scope is not None and not scope.everything
                       and app.lgo_id not in scope.lgo_ids):
        raise ReportNotFound()
    app.active = False
    db.session.flush()


def lgo_code(lgo_id: int | None) -> str | None:
    if lgo_id is None:
        return None
    return db.session.execute(select(Lgo.code).where(Lgo.id == lgo_id)).scalar()


def app_by_key(key: str | None) -> ReportApp:
    if not key or len(key) > 200:
        raise InvalidApiKey()
    app = db.session.execute(select(ReportApp).where(ReportApp.key_hash == _hash_key(key),
                                                     ReportApp.active)).scalar_one_or_none()
    if app is None:
        raise InvalidApiKey()
    return app


# What a report shows -------------------------------------------------------------------------


def names(reports: Sequence[Report]) -> dict[str, dict[int, Any]]:
    """The LGOs, villages and people the reports name, looked up once for a page."""
    lgo_ids = {r.lgo_id for r in reports}
    village_ids = {r.village_id for r in reports}
    user_ids = {u for r in reports for u in (r.assigned_to_id, r.recorded_by_id) if u}
    lgos = {row.id: row for row in db.session.execute(
        select(Lgo.id, Lgo.code, Lgo.name_th, Lgo.name_en).where(Lgo.id.in_(lgo_ids)))}
    villages = {row.id: row for row in db.session.execute(
        select(Village.id, Village.code, Village.name_th, Village.name_en)
        .where(Village.id.in_(village_ids)))}
    # The names of the LGO's staff and reporters the reports name, whoever they are.
    users = dict(db.session.execute(
        select(User.id, User.display_name).where(User.id.in_(user_ids)),
        execution_options=unscoped()).tuples().all()) if user_ids else {}
    report_ids = [r.id for r in reports]
    photos: dict[int, list[Any]] = {}
    events: dict[int, list[Any]] = {}
    if report_ids:
        for p in db.session.execute(
                select(ReportPhoto.id, ReportPhoto.report_id, ReportPhoto.stage,
                       ReportPhoto.size, ReportPhoto.content_type)
                .where(ReportPhoto.report_id.in_(report_ids))
                .order_by(ReportPhoto.created_at, ReportPhoto.id)):
            photos.setdefault(p.report_id, []).append(p)
        for e in db.session.execute(
                select(ReportEvent).where(ReportEvent.report_id.in_(report_ids))
                .order_by(ReportEvent.at, ReportEvent.id)).scalars():
            events.setdefault(e.report_id, []).append(e)
    return {"lgos": lgos, "villages": villages, "users": users, "photos": photos,
            "events": events}


def view(report: Report, looked_up: dict[str, dict[int, Any]], *, office: bool,
         today: dt.date | None = None) -> dict[str, Any]:
    """A report as the reporter sees it, or (``office``) as its LGO does."""
    lgo = looked_up["lgos"][report.lgo_id]
    village = looked_up["villages"][report.village_id]
    shown: dict[str, Any] = {
        "id": report.id, "type": report.type.value, "status": report.status.value,
        "location": report.point, "accuracy_m": report.accuracy_m,
        "located_by": report.located_by.value, "description": report.description,
        "lgo_code": lgo.code, "lgo_name_th": lgo.name_th, "lgo_name_en": lgo.name_en,
        "village_code": village.code, "village_name_th": village.name_th,
        "village_name_en": village.name_en, "collection_point_id": report.collection_point_id,
        "source": report.source.value, "reported_at": report.reported_at,
        "received_at": report.received_at, "updated_at": report.updated_at,
        "closed_at": report.closed_at, "close_note": report.close_note,
        "duplicate_of_id": report.duplicate_of_id,
        "photos": [{"id": p.id, "stage": p.stage, "size": p.size,
                    "content_type": p.content_type}
                   for p in looked_up["photos"].get(report.id, [])],
        "events": [{"at": e.at, "action": e.action, "status": e.status.value, "note": e.note}
                   for e in looked_up["events"].get(report.id, [])],
    }
    if office:
        users = looked_up["users"]
        contact = {"name": report.contact_name, "phone": report.contact_phone,
                   "email": report.contact_email}
        shown.update(
            assigned_to=({"id": report.assigned_to_id, "name": users.get(report.assigned_to_id,
                                                                           "")}
                         if report.assigned_to_id else None),
            reported_by=({"id": report.recorded_by_id, "name": users.get(report.recorded_by_id,
                                                                           "")}
                         if report.recorded_by_id else None),
            contact=contact if any(contact.values()) else None,
            age_days=((today or dt.date.today()) - report.received_at.date()).days,
        )
    return shown
