"""Open311 GeoReport v2 at /open311/v2, every answer in JSON or XML by the path's extension.

GET  /open311/v2/discovery.json                  where this endpoint is and what it speaks
GET  /open311/v2/services.{json,xml}             the report types (jurisdiction_id: an LGO)
GET  /open311/v2/services/{code}.{json,xml}      a type's definition (no extra attributes)
GET  /open311/v2/requests.{json,xml}             reports: service_request_id (comma-separated,
                                                 overrides the rest), service_code, status
                                                 (open, closed), start_date and end_date (W3C,
                                                 at most 90 days apart; the last 90 days by
                                                 default), jurisdiction_id; at most 1,000
POST /open311/v2/requests.{json,xml}             a report from an app the LGO registered
                                                 (api_key): service_code, lat, long,
                                                 description, media_url or a ``media`` file,
                                                 and optionally email, first_name, last_name,
                                                 phone (kept for the LGO only)
GET  /open311/v2/requests/{id}.{json,xml}
GET  /open311/v2/tokens/{token}.{json,xml}       the request a token stands for

Reads are public and carry nothing about who reported. Errors are GeoReport's list of
``{"code", "description"}`` (``<errors><error>`` in XML) with the HTTP status: 400 for a bad
parameter, 403 for a missing or wrong api_key, 404 for an unknown request, service, token or
jurisdiction, 429 when an app posts too fast.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from flask import Blueprint, Response, current_app, json, request, url_for
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from ..areas.models import Lgo
from ..auth.access import public
from ..auth.passwords import normalize_phone
from ..auth.scoping import unscoped
from ..columns import utcnow
from ..common.geo import point
from ..errors import DomainError
from ..extensions import db, limiter
from ..reports import services as reports
from ..reports.models import DESCRIPTION_MAX, Report, ReportSource, ReportStatus, ReportType
from . import georeport

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")

FORMATS = "<any(json, xml):fmt>"
WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URL = re.compile(r"https?://\S+")


class BadParameter(DomainError):
    status = 400
    code = "open311_bad_parameter"
    message = "A parameter is missing or not valid."
    message_th = "พารามิเตอร์ขาดหายหรือไม่ถูกต้อง"


class NotFoundHere(DomainError):
    status = 404
    code = "open311_not_found"
    message = "Not found."
    message_th = "ไม่พบข้อมูล"


def _lang() -> str:
    best = request.accept_languages.best_match(["en", "th"], default="en")
    return "th" if best == "th" else "en"


def _answer(fmt: str, body: Any, root: str, item: str, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(georeport.to_xml(root, item, body), status=status,
                        mimetype="text/xml")
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype="application/json")


@blp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Response:
    message = error.message_th if _lang() == "th" else error.message
    if error.errors:
        details = "; ".join(
            f"{field}: {' '.join(map(str, texts)) if isinstance(texts, list) else texts}"
            for field, texts in error.errors.items())
        message = f"{message} ({details})"
    # GeoReport knows 400 for what a client sent wrong; Khaya's 422 is that.
    return _error(400 if error.status == 422 else error.status, message)


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return _error(error.code or 500, error.description or error.name)


def _error(status: int, description: str) -> Response:
    fmt = "xml" if request.path.endswith(".xml") else "json"
    body = georeport.errors(status, description)
    return _answer(fmt, body, "errors", "error", status)


def _jurisdiction() -> int | None:
    code = request.args.get("jurisdiction_id") or request.form.get("jurisdiction_id")
    if not code:
        return None
    lgo_id = db.session.execute(select(Lgo.id).where(Lgo.code == code[:80])).scalar()
    if lgo_id is None:
        raise NotFoundHere(f"No jurisdiction {code!r}: use an LGO's code.",
                           message_th=f"ไม่พบเขตอำนาจ {code!r} ใช้รหัสของ อปท.")
    return int(lgo_id)


def _service(code: str) -> ReportType:
    try:
        return ReportType(code)
    except ValueError:
        raise NotFoundHere(f"No service {code!r}.", message_th=f"ไม่พบบริการ {code!r}") from None


# Services ------------------------------------------------------------------------------------


@blp.route("/discovery.json")
@public
def discovery():
    """Where this endpoint is, for apps that find endpoints by discovery."""
    return Response(json.dumps({
        "changeset": "2026-12-07T00:00:00+07:00",
        "contact": current_app.config.get("OPEN311_CONTACT", ""),
        "key_service": "An LGO's admin registers an app in Khaya and gives it its api_key.",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": url_for("open311.services_list", fmt="json", _external=True)
            .removesuffix("/services.json"),
            "changeset": "2026-12-07T00:00:00+07:00", "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }), mimetype="application/json")


@blp.route(f"/services.{FORMATS}")
@public
def services_list(fmt: str):
    """The report types, for any jurisdiction (every LGO takes the same ones)."""
    _jurisdiction()
    return _answer(fmt, georeport.services(_lang()), "services", "service")


@blp.route(f"/services/<service_code>.{FORMATS}")
@public
def service_definition(service_code: str, fmt: str):
    """A report type's definition: no attributes beyond the standard fields."""
    _jurisdiction()
    return _answer(fmt, georeport.definition(_service(service_code)), "service_definition",
                   "attribute")


# Requests ------------------------------------------------------------------------------------


def _moment(name: str) -> dt.datetime | None:
    text = request.args.get(name)
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(f"{name} must be a W3C date-time such as 2026-11-01T00:00:00+07:00.",
                           message_th=f"{name} ต้องเป็นวันเวลาแบบ W3C เช่น "
                                      "2026-11-01T00:00:00+07:00") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _window(start: dt.datetime | None,
            end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """The dates asked for; a missing one is 90 days from the other, both missing the last 90
    days."""
    if start is None and end is None:
        end = utcnow()
    if start is None:
        assert end is not None
        return end - WINDOW, end
    return start, end if end is not None else start + WINDOW


def _listed(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _views(rows: list[tuple[Report, float, float, str]]) -> list[dict[str, Any]]:
    lang = _lang()
    return [georeport.request_view(report, lon, lat, lgo_name, lang)
            for report, lon, lat, lgo_name in rows]


def _select():
    # Public: the reports' public fields only (request_view), whoever asks.
    return (select(Report, func.ST_X(Report.point), func.ST_Y(Report.point),
                   Lgo.name_th if _lang() == "th" else Lgo.name_en)
            .join(Lgo, Lgo.id == Report.lgo_id))


@blp.route(f"/requests.{FORMATS}", methods=["GET"])
@public
def requests_list(fmt: str):
    """Reports, newest first."""
    stmt = _select()
    lgo_id = _jurisdiction()
    if lgo_id is not None:
        stmt = stmt.where(Report.lgo_id == lgo_id)
    ids = _listed(request.args.get("service_request_id"))
    if ids:
        if not all(i.isdigit() and 0 < int(i) < 2**63 for i in ids):
            raise BadParameter("service_request_id takes ids separated by commas.",
                               message_th="service_request_id ต้องเป็นรหัสคั่นด้วยจุลภาค")
        stmt = stmt.where(Report.id.in_([int(i) for i in ids[:MAX_REQUESTS]]))
    else:
        codes = _listed(request.args.get("service_code"))
        if codes:
            stmt = stmt.where(Report.type.in_([_service(c) for c in codes]))
        statuses = _listed(request.args.get("status"))
        if statuses:
            if not set(statuses) <= {"open", "closed"}:
                raise BadParameter("status is open or closed.",
                                   message_th="status ต้องเป็น open หรือ closed")
            if statuses == ["closed"]:
                stmt = stmt.where(Report.status == ReportStatus.closed)
            elif statuses == ["open"]:
                stmt = stmt.where(Report.status != ReportStatus.closed)
        start, end = _window(_moment("start_date"), _moment("end_date"))
        if end < start or end - start > WINDOW:
            raise BadParameter("start_date and end_date may be at most 90 days apart, in order.",
                               message_th="start_date และ end_date ห่างกันได้ไม่เกิน 90 วัน "
                                          "และต้องเรียงลำดับ")
        stmt = stmt.where(Report.reported_at.between(start, end))
    rows = db.session.execute(stmt.order_by(Report.reported_at.desc(), Report.id.desc())
                              .limit(MAX_REQUESTS), execution_options=unscoped()).tuples().all()
    return _answer(fmt, _views(list(rows)), "service_requests", "request")


@blp.route(f"/requests/<report_id>.{FORMATS}")
@public
def request_one(report_id: str, fmt: str):
    """One report, as a list of one (as GeoReport has it)."""
    if not report_id.isdigit() or not 0 < int(report_id) < 2**63:
        raise NotFoundHere(f"No request {report_id!r}.", message_th=f"ไม่พบคำร้อง {report_id!r}")
    rows = db.session.execute(_select().where(Report.id == int(report_id)),
                              execution_options=unscoped()).tuples().all()
    if not rows:
        raise NotFoundHere(f"No request {report_id}.", message_th=f"ไม่พบคำร้อง {report_id}")
    return _answer(fmt, _views(list(rows)), "service_requests", "request")


@blp.route(f"/tokens/<report_token>.{FORMATS}")
@public
def token_lookup(report_token: str, fmt: str):
    """The request a token (given when it was posted) stands for."""
    report = reports.by_token(report_token)
    body = [{"service_request_id": str(report.id), "token": report_token}]
    return _answer(fmt, body, "service_requests", "request")


def _app_key() -> str:
    return "open311:" + (request.form.get("api_key") or request.args.get("api_key") or "")[:100]


def _app_limit() -> str:
    return current_app.config["OPEN311_RATE_LIMIT_PER_KEY"]


def _form_number(name: str, low: float, high: float) -> float:
    text = request.form.get(name, "")
    try:
        value = float(text)
    except ValueError:
        raise BadParameter(f"{name} is required: a number (Khaya does not look up addresses).",
                           message_th=f"ต้องระบุ {name} เป็นตัวเลข (ระบบไม่ค้นหาจากที่อยู่)"
                           ) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise BadParameter(f"{name} must lie between {low:g} and {high:g}.",
                           message_th=f"{name} ต้องอยู่ระหว่าง {low:g} ถึง {high:g}")
    return value


def _contact() -> dict[str, str | None]:
    email = (request.form.get("email") or "").strip()[:200] or None
    if email and not _EMAIL.fullmatch(email):
        raise BadParameter("email is not an e-mail address.",
                           message_th="email ไม่ใช่อีเมลที่ถูกต้อง")
    name = " ".join(p for p in (request.form.get("first_name", "").strip(),
                                request.form.get("last_name", "").strip()) if p)[:200] or None
    phone_text = (request.form.get("phone") or "").strip()
    phone = (normalize_phone(phone_text) or phone_text[:40]) if phone_text else None
    return {"contact_name": name, "contact_phone": phone, "contact_email": email}


@blp.route(f"/requests.{FORMATS}", methods=["POST"])
@limiter.limit(_app_limit, key_func=_app_key)
@public
def requests_create(fmt: str):
    """A report from an app the LGO registered; its answer names the request."""
    app = reports.app_by_key(request.form.get("api_key") or request.args.get("api_key"))
    code = request.form.get("service_code", "")
    if not code:
        raise BadParameter("service_code is required.", message_th="ต้องระบุ service_code")
    service = _service(code)
    lat = _form_number("lat", -90, 90)
    lon = _form_number("long", -180, 180)
    description = (request.form.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise BadParameter(f"description is longer than {DESCRIPTION_MAX} characters.",
                           message_th=f"description ยาวเกิน {DESCRIPTION_MAX} ตัวอักษร")
    media_url = (request.form.get("media_url") or "").strip() or None
    if media_url and (len(media_url) > 500 or not _URL.fullmatch(media_url)):
        raise BadParameter("media_url must be an http(s) address of at most 500 characters.",
                           message_th="media_url ต้องเป็นที่อยู่ http(s) ไม่เกิน 500 ตัวอักษร")
    uploads = [request.files["media"].read()] if request.files.get("media") else []
    data = {"type": service.value, "location": point(lon, lat), "located_by": "map",
            "description": description, "media_url": media_url, **_contact()}
    report, _new = reports.create_report(
        data, {k: v for k, v in request.form.items() if k != "api_key"},
        reports.Reporter(ReportSource.open311, app=app), uploads=uploads)
    lgo_id = _jurisdiction()
    if lgo_id is not None and lgo_id != report.lgo_id:
        db.session.rollback()
        raise BadParameter("The point lies outside that jurisdiction.",
                           message_th="ตำแหน่งอยู่นอกเขตอำนาจที่ระบุ")
    # The report exists at once, so the answer names it (GeoReport gives an id or a token,
    # never both).
    body = [{"service_request_id": str(report.id), "service_notice": "", "account_id": None}]
    db.session.commit()
    return _answer(fmt, body, "service_requests", "request", 201)
