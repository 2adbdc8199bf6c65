"""Citizen reports: made by anyone, routed by boundary, worked through by the LGO.

POST   /api/v1/reports                    public; JSON. Signed in: the phone app (photos uploaded
                                          first); anonymous: the web, if the LGO takes public
                                          reports. Retry-safe with client_id; rate-limited
POST   /api/v1/reports/form               public; the same as a multipart form with up to two
                                          photos (the web form)
POST   /api/v1/reports/photos             reports.write; multipart id, file: a photo for a
                                          report not yet sent
GET    /api/v1/reports/mine               reports.write; the caller's own reports
GET    /api/v1/reports/track/{token}      public; a report followed by its token
GET    /api/v1/reports                    reports.read; the LGO's queue
GET    /api/v1/reports/{id}               reports.read
GET    /api/v1/reports/{id}/duplicates    reports.read; open reports of its type nearby
GET    /api/v1/reports/{id}/photos/{pid}  reports.read
PATCH  /api/v1/reports/{id}               reports.manage; status, assignee, note, after-photos
POST   /api/v1/reports/{id}/merge         reports.manage; close as a duplicate of another
GET    /api/v1/reports/staff              reports.manage; whom the LGO's reports may go to
GET    /api/v1/reports/settings           reports.settings
PUT    /api/v1/reports/settings           reports.settings
GET    /api/v1/reports/apps               reports.settings; the apps posting over Open311
POST   /api/v1/reports/apps               reports.settings; the key is shown once
DELETE /api/v1/reports/apps/{id}          reports.settings
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, g, request
from marshmallow import fields, validate

from ..auth.access import current_principal, public, requires
from ..blueprint import MULTIPART, Blueprint, Upload
from ..common.geo import point
from ..common.time import local_today
from ..extensions import db, limiter
from . import services
from .models import ReportSource
from .schemas import (
    MyReportsSchema,
    OfficeReportSchema,
    ReportAppCreatedSchema,
    ReportAppInSchema,
    ReportAppListSchema,
    ReportChangeSchema,
    ReportCreatedSchema,
    ReportDuplicateSchema,
    ReportInSchema,
    ReportListArgsSchema,
    ReportMergeSchema,
    ReportOutSchema,
    ReportPageSchema,
    ReportPhotoSchema,
    ReportPhotoUploadSchema,
    ReportSettingsArgsSchema,
    ReportSettingsInSchema,
    ReportSettingsSchema,
    ReportStaffListSchema,
)

blp = Blueprint("reports", __name__, url_prefix="/reports",
                description="Citizen reports: dumping, burning, collection points, missed "
                            "collections, hazardous waste")


def _public_limit() -> str:
    return current_app.config["REPORTS_RATE_LIMIT_PER_IP"]


def _signed_in() -> bool:
    return bool(request.headers.get("Authorization"))


class ReportFormSchema(ReportInSchema):
    """The web form: the point as two numbers, photos as files."""

    class Meta:
        exclude = ("location", "photo_ids")

    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    photo = Upload(metadata={"description": "A JPEG, PNG or WebP image"})
    photo2 = Upload(metadata={"description": "A second photo"})


class PhotoFileSchema(ReportPhotoUploadSchema):
    file = Upload(required=True, metadata={"description": "A JPEG, PNG or WebP image"})


def _created(report: Any, new: bool) -> tuple[dict[str, Any], int]:
    looked_up = services.names([report])
    body = {"report": services.view(report, looked_up, office=False), "token": report.token,
            "duplicates": services.duplicates_of(report), "replayed": not new}
    return body, 201 if new else 200


def _reporter() -> services.Reporter:
    principal = g.get("khaya_principal")
    if principal is not None and principal.has("reports.write"):
        return services.Reporter(ReportSource.app, principal,
                                 device_id=request.headers.get("X-Device-Id", "")[:100] or None)
    return services.Reporter(ReportSource.web)


@blp.route("", methods=["POST"])
@limiter.limit(_public_limit, exempt_when=_signed_in)
@public
@blp.arguments(ReportInSchema)
@blp.response(201, ReportCreatedSchema)
@blp.alt_response(200, schema=ReportCreatedSchema)  # a retry of a stored client_id
@blp.alt_response(403, response="FORBIDDEN")  # the LGO takes no anonymous reports
@blp.alt_response(409, response="CONFLICT")  # the client_id holds another report
def create(data):
    """Report a problem at a point; it goes to the LGO whose area holds the point."""
    report, new = services.create_report(data, request.get_json(silent=True) or {}, _reporter())
    body = _created(report, new)
    db.session.commit()
    return body


@blp.route("/form", methods=["POST"])
@limiter.limit(_public_limit, exempt_when=_signed_in)
@public
@blp.arguments(ReportFormSchema, location=MULTIPART)
@blp.response(201, ReportCreatedSchema)
@blp.alt_response(200, schema=ReportCreatedSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT")
def create_from_form(data):
    """Report a problem from the web form, with up to two photos."""
    uploads = [data.pop(name).read() for name in ("photo", "photo2") if data.get(name)]
    data["location"] = point(data.pop("lon"), data.pop("lat"))
    raw = {k: v for k, v in request.form.items()}
    report, new = services.create_report(data, raw, _reporter(), uploads=uploads)
    body = _created(report, new)
    db.session.commit()
    return body


@blp.route("/photos", methods=["POST"])
@requires("reports.write")
@blp.arguments(PhotoFileSchema, location=MULTIPART)
@blp.response(201, ReportPhotoSchema)
@blp.alt_response(409, response="CONFLICT")  # the id is another person's photo
def upload_photo(data):
    """Keep a photo for a report about to be sent; name its id in the report's photo_ids."""
    photo = services.store_photo(data["id"], data["file"].read(), current_principal().user_id)
    db.session.commit()
    return photo


@blp.route("/mine")
@requires("reports.write")
@blp.response(200, MyReportsSchema)
def my_reports():
    """The caller's own reports, newest first, with where each one stands."""
    reports = services.mine(current_principal())
    looked_up = services.names(reports)
    return {"items": [services.view(r, looked_up, office=False) for r in reports]}


@blp.route("/track/<string:report_token>")
@public
@blp.response(200, ReportOutSchema)
def track(report_token: str):
    """Where a report stands, for whoever holds its token (the web form's reporter)."""
    report = services.by_token(report_token)
    return services.view(report, services.names([report]), office=False)


@blp.route("")
@requires("reports.read")
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, ReportPageSchema)
def queue(args):
    """The LGO's reports: open ones oldest first, then closed; filter by status, type, age."""
    today = local_today()
    page = services.list_reports(args, today)
    looked_up = services.names(page["items"])
    page["items"] = [services.view(r, looked_up, office=True, today=today)
                     for r in page["items"]]
    return page


@blp.route("/<int:report_id>")
@requires("reports.read")
@blp.response(200, OfficeReportSchema)
def detail(report_id: int):
    """One report as its LGO sees it, with the contact its reporter left."""
    report = services.get_report(report_id)
    return services.view(report, services.names([report]), office=True,
                         today=local_today())


@blp.route("/<int:report_id>/duplicates")
@requires("reports.read")
@blp.response(200, ReportDuplicateSchema(many=True))
def duplicates(report_id: int):
    """Open reports of the same type near this one, within the LGO's metres and days."""
    return services.duplicates_of(services.get_report(report_id))


@blp.route("/<int:report_id>/photos/<uuid:report_photo_id>")
@requires("reports.read")
@blp.response(200, content_type="image/*")
def photo(report_id: int, report_photo_id: uuid.UUID):
    """A report's photo."""
    found = services.get_photo(report_id, report_photo_id)
    return Response(found.data, mimetype=found.content_type,
                    headers={"Cache-Control": "private, no-store"})


@blp.route("/<int:report_id>", methods=["PATCH"])
@requires("reports.manage", visible_with="reports.read",
          lookup=lambda report_id: services.get_report(report_id))
@blp.arguments(ReportChangeSchema)
@blp.response(200, OfficeReportSchema)
def change(data, report_id: int):
    """Acknowledge, assign, start, close (with a note) or reopen a report."""
    report = services.change_report(report_id, data, current_principal())
    shown = services.view(report, services.names([report]), office=True,
                          today=local_today())
    db.session.commit()
    return shown


@blp.route("/<int:report_id>/merge", methods=["POST"])
@requires("reports.manage", visible_with="reports.read",
          lookup=lambda report_id: services.get_report(report_id))
@blp.arguments(ReportMergeSchema)
@blp.response(200, OfficeReportSchema)
def merge(data, report_id: int):
    """Close this report as a duplicate of another of the LGO's."""
    report = services.merge(report_id, data["into"], current_principal())
    shown = services.view(report, services.names([report]), office=True,
                          today=local_today())
    db.session.commit()
    return shown


@blp.route("/staff")
@requires("reports.manage")
@blp.response(200, ReportStaffListSchema)
def staff():
    """The LGO's staff a report may be assigned to (names only)."""
    return {"items": services.staff()}


@blp.route("/settings")
@requires("reports.settings")
@blp.arguments(ReportSettingsArgsSchema, location="query")
@blp.response(200, ReportSettingsSchema)
def get_settings(args):
    """Whether the public may report without an account, and what counts as a duplicate."""
    lgo = services.lgo_for_settings(args.get("lgo"))
    return {"lgo_code": lgo.code, **services.settings_of(lgo.id)}


@blp.route("/settings", methods=["PUT"])
@requires("reports.settings")
@blp.arguments(ReportSettingsInSchema)
@blp.response(200, ReportSettingsSchema)
def put_settings(data):
    """Change the LGO's report settings."""
    lgo = services.lgo_for_settings(data.pop("lgo_code", None))
    shown = services.change_settings(lgo, data)
    db.session.commit()
    return shown


def _app_view(app: Any, key: str | None = None) -> dict[str, Any]:
    shown = {"id": app.id, "name": app.name, "lgo_code": services.lgo_code(app.lgo_id),
             "key_hint": app.key_hint, "active": app.active, "created_at": app.created_at}
    if key is not None:
        shown["api_key"] = key
    return shown


@blp.route("/apps")
@requires("reports.settings")
@blp.response(200, ReportAppListSchema)
def apps():
    """The apps that may post reports over Open311 for the caller's LGO."""
    return {"items": [_app_view(a) for a in services.apps_of_caller()]}


@blp.route("/apps", methods=["POST"])
@requires("reports.settings")
@blp.arguments(ReportAppInSchema)
@blp.response(201, ReportAppCreatedSchema)
def register_app(data):
    """Register an app; its key is shown once."""
    app, key = services.register_app(data["name"], data.get("lgo_code"), current_principal())
    shown = _app_view(app, key)
    db.session.commit()
    return shown


@blp.route("/apps/<int:app_id>", methods=["DELETE"])
@requires("reports.settings")
@blp.response(204)
def retire_app(app_id: int):
    """Stop an app's key from working."""
    services.retire_app(app_id)
    db.session.commit()
