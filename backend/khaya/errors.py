"""One error envelope for every failure: ``{"code", "status", "message", "errors"}``.

``status`` is the HTTP status, ``code`` a stable machine-readable word, ``message`` a sentence
for people and ``errors`` the field errors (an empty object when there are none).

Every error has its sentence in English and in Thai. A request that prefers Thai
(``Accept-Language: th``) gets the Thai ``message`` and the English one beside it as
``message_en`` (for logs and support); any other request gets the envelope as before, in English.
The answer names its language in ``Content-Language``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, has_request_context, jsonify, request
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Stable machine codes for the HTTP errors that Flask, webargs and flask-smorest raise.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}

# The languages an error can be told in; English first, so a request that names neither (or
# none) gets English.
LANGUAGES = ("en", "th")

# The Thai sentence of every code the handlers below give without a DomainError (Flask's,
# webargs' and flask-smorest's HTTP errors, the database outage, the unexpected failure).
MESSAGES_TH = {
    "bad_request": "คำขอไม่ถูกต้อง",
    "unauthorized": "กรุณาเข้าสู่ระบบก่อน",
    "forbidden": "บทบาทของคุณไม่มีสิทธิ์ทำรายการนี้",
    "not_found": "ไม่พบสิ่งที่ต้องการ",
    "method_not_allowed": "ที่อยู่นี้ไม่รับคำขอแบบนี้",
    "conflict": "คำขอขัดกับข้อมูลปัจจุบัน",
    "payload_too_large": "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป",
    "unsupported_media_type": "ไม่รับข้อมูลรูปแบบนี้",
    "validation_error": "มีข้อมูลบางช่องไม่ถูกต้อง",
    "too_many_requests": "ส่งคำขอถี่เกินไป รอสักครู่แล้วลองใหม่",
    "http_error": "ดำเนินการตามคำขอไม่ได้",
    "database_unavailable": "ฐานข้อมูลยังไม่ตอบในขณะนี้ ลองใหม่อีกครั้งในอีกสักครู่",
    "internal_error": "เกิดข้อผิดพลาดที่เซิร์ฟเวอร์",
}


class ErrorSchema(Schema):
    """The envelope as the OpenAPI document describes it (see ``envelope``).

    Some errors add fields beside the four (``current_version``, ``retry_after``, ...), so the
    envelope admits more properties.
    """

    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, metadata={"description": "Stable machine code"})
    status = fields.Integer(required=True, metadata={"description": "HTTP status"})
    message = fields.String(required=True, metadata={
        "description": "Sentence for people, in Thai when the request prefers it "
                       "(Accept-Language: th), else in English"})
    message_en = fields.String(metadata={
        "description": "The sentence in English; present when message is in Thai"})
    errors = fields.Dict(
        required=True, metadata={"description": "Field errors; empty when there are none"}
    )


class DomainError(Exception):
    """A rule of the domain was broken; carries its HTTP status, machine code and sentence.

    Each subclass that says its own ``message`` says it in Thai too (``message_th``); so does
    every raise that gives its own message (``message_th=``).
    """

    status = 400
    code = "bad_request"
    message = "The request could not be processed."
    message_th = "ดำเนินการตามคำขอไม่ได้"

    def __init__(
        self,
        message: str | None = None,
        *,
        message_th: str | None = None,
        errors: dict[str, Any] | None = None,
        status: int | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.message_th = message_th or self.message_th
        self.errors = errors or {}
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.extra = extra or {}
        self.headers = headers or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."
    message_th = "ไม่พบสิ่งที่ต้องการ"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."
    message_th = MESSAGES_TH["validation_error"]


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."
    message_th = MESSAGES_TH["conflict"]


def language() -> str:
    """Return the language the request prefers among ``LANGUAGES`` (English when it names none)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(LANGUAGES, default="en")


def envelope(status: int, code: str, message: str, errors: dict | None = None, *,
             message_th: str | None = None, **extra: Any):
    """Return the JSON response for an error, its sentence in the request's language."""
    body = {"code": code, "status": status, "message": message, "errors": errors or {}}
    thai = language() == "th"
    if thai:
        body["message"] = message_th or MESSAGES_TH.get(code) or MESSAGES_TH["http_error"]
        body["message_en"] = message
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.headers["Content-Language"] = "th" if thai else "en"
    response.vary.add("Accept-Language")
    return response


def handle_domain_error(error: DomainError):
    response = envelope(error.status, error.code, error.message, error.errors,
                        message_th=error.message_th, **error.extra)
    response.headers.update(error.headers)
    return response


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("messages") or data.get("errors") or {}
    message = data.get("message") or error.description or error.name
    if status == 422 and not data.get("message"):
        message = "The request has invalid fields."
    response = envelope(status, HTTP_CODES.get(status, "http_error"), message, errors)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if error.response is None:
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
    return response


# Seconds a client should wait before retrying while the database is out of reach.
DATABASE_RETRY_AFTER = 5


def handle_database_unavailable(error: exc.OperationalError | exc.InterfaceError):
    # The database refused or dropped the connection (restarting, failed over, out of
    # connections) or cancelled a statement that ran too long: nothing was written, and the same
    # request may succeed shortly. Phones keep the item in their outbox and retry.
    log.warning("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
    response = envelope(503, "database_unavailable",
                        "The database is not answering just now; try again shortly.")
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def handle_unexpected(error: Exception):
    # Never leak a traceback or SQL to the client; the log keeps the details.
    log.exception("unhandled error", exc_info=error)
    return envelope(500, "internal_error", "Something went wrong on the server.")


def init_app(app: Flask) -> None:
    """Render every error through the one envelope."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(exc.OperationalError, handle_database_unavailable)
    app.register_error_handler(exc.InterfaceError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
