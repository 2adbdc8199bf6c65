"""One error envelope for every failure: ``{"code", "status", "message", "errors"}``.

``status`` is the HTTP status, ``code`` a stable machine-readable word, ``message`` a sentence
for people and ``errors`` the field errors (an empty object when there are none).

Every error has its sentence in English and in Thai. A request that prefers Thai
(``Accept-Language: th``) gets the Thai ``message`` and the English one beside it as
``message_en`` (for logs and support), and the field errors in Thai where they have Thai (see
``FIELD_MESSAGES_TH``) with the English ones beside them as ``errors_en``; any other request
gets the envelope as before, in English.
The answer names its language in ``Content-Language``.
"""

from __future__ import annotations

import logging
import re
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


# Field messages in Thai, by their English text: marshmallow's own (for every field and
# validator Khaya's schemas use) and the sentences Khaya's schemas give. A group of the pattern
# carries a number or a name into the Thai. A message not listed stays English; a test checks
# that every message a schema can give is listed (tests/test_error_language.py).
_N = r"(-?[\d.,]+)"
FIELD_MESSAGES_TH: tuple[tuple[str, str], ...] = (
    (r"Missing data for required field\.", "ต้องกรอกช่องนี้"),
    (r"Field may not be null\.", "ช่องนี้เว้นว่างไม่ได้"),
    (r"Unknown field\.", "ไม่รู้จักช่องนี้"),
    (r"Invalid value\.", "ค่าไม่ถูกต้อง"),
    (r"Invalid input\.", "ค่าไม่ถูกต้อง"),
    (r"Invalid input type\.", "ชนิดข้อมูลไม่ถูกต้อง"),
    (r"Invalid type\.", "ชนิดข้อมูลไม่ถูกต้อง"),
    (r"Not a valid string\.", "ต้องเป็นข้อความ"),
    (r"Not a valid utf-8 string\.", "ข้อความไม่ใช่ UTF-8"),
    (r"Not a valid integer\.", "ต้องเป็นจำนวนเต็ม"),
    (r"Not a valid number\.", "ต้องเป็นตัวเลข"),
    (r"Number too large\.", "ตัวเลขมากเกินไป"),
    (r"Special numeric values \(nan or infinity\) are not permitted\.",
     "ใช้ค่า NaN หรืออนันต์ไม่ได้"),
    (r"Not a valid boolean\.", "ต้องเป็นใช่หรือไม่ใช่ (true/false)"),
    (r"Not a valid date\.", "ไม่ใช่วันที่ที่ถูกต้อง (เช่น 2024-11-05)"),
    (r"Not a valid datetime\.", "ไม่ใช่วันเวลาที่ถูกต้อง"),
    (r"Not a valid time\.", "ไม่ใช่เวลาที่ถูกต้อง"),
    (r"Not a valid aware datetime\.", "วันเวลาต้องระบุเขตเวลา (เช่น +07:00)"),
    (r"Not a valid naive datetime\.", "วันเวลาต้องไม่ระบุเขตเวลา"),
    (r'"(.*)" cannot be formatted as a (date|datetime|time)\.', "จัดรูปแบบ \"{0}\" ไม่ได้"),
    (r"Not a valid UUID\.", "ไม่ใช่รหัส UUID ที่ถูกต้อง"),
    (r"Not a valid list\.", "ต้องเป็นรายการ"),
    (r"Not a valid tuple\.", "ต้องเป็นรายการ"),
    (r"Not a valid mapping type\.", "ต้องเป็นออบเจกต์"),
    (r"Not a valid email address\.", "ไม่ใช่อีเมลที่ถูกต้อง"),
    (r"Not a valid URL\.", "ไม่ใช่ที่อยู่เว็บที่ถูกต้อง"),
    (r"Must be one of: (.*)\.", "ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {0}"),
    (r"Must be equal to (.*)\.", "ต้องเท่ากับ {0}"),
    (r"String does not match expected pattern\.", "รูปแบบไม่ถูกต้อง"),
    (r"Length must be between (\d+) and (\d+)\.", "ความยาวต้องอยู่ระหว่าง {0} ถึง {1}"),
    (r"Length must be (\d+)\.", "ความยาวต้องเท่ากับ {0}"),
    (r"Shorter than minimum length (\d+)\.", "สั้นกว่าที่กำหนด (อย่างน้อย {0})"),
    (r"Longer than maximum length (\d+)\.", "ยาวเกินที่กำหนด (ไม่เกิน {0})"),
    (rf"Must be greater than or equal to {_N} and less than or equal to {_N}\.",
     "ต้องอยู่ระหว่าง {0} ถึง {1}"),
    (rf"Must be greater than {_N} and less than or equal to {_N}\.",
     "ต้องมากกว่า {0} และไม่เกิน {1}"),
    (rf"Must be greater than or equal to {_N}\.", "ต้องไม่น้อยกว่า {0}"),
    (rf"Must be greater than {_N}\.", "ต้องมากกว่า {0}"),
    (rf"Must be less than or equal to {_N}\.", "ต้องไม่เกิน {0}"),
    (rf"Must be less than {_N}\.", "ต้องน้อยกว่า {0}"),
    # Khaya's own.
    (r"3-40 letters, digits, '\.', '_' or '-', not a phone number\.",
     "ตัวอักษร ตัวเลข '.', '_' หรือ '-' 3-40 ตัว และไม่ใช่เบอร์โทรศัพท์"),
    (r"A Point has \[longitude, latitude\]\.", "จุดต้องมี [ลองจิจูด, ละติจูด]"),
    (r"16 bytes, base64url\.", "ข้อมูล 16 ไบต์ในรูป base64url"),
    (r"Not more than fee_baht\.", "ต้องไม่มากกว่าค่าธรรมเนียมเต็ม (fee_baht)"),
    (r"An uncompressed P-256 point, base64url\.", "จุด P-256 แบบไม่บีบอัดในรูป base64url"),
    (r"A comma-separated list of codes or names\.", "รายการรหัสหรือชื่อ คั่นด้วยจุลภาค"),
    (r"Cannot be in the future\.", "เป็นวันในอนาคตไม่ได้"),
    (r"Each stream once\.", "เลือกแต่ละประเภทได้ครั้งเดียว"),
    (r"Give a phone number or a username\.", "กรอกเบอร์โทรศัพท์หรือชื่อผู้ใช้"),
    (r"Longitude must be within ±180 and latitude within ±90\.",
     "ลองจิจูดต้องอยู่ใน ±180 และละติจูดใน ±90"),
    (r"Must be a GeoJSON Point\.", "ต้องเป็นจุด GeoJSON"),
    (r"Must not be after 'to'\.", "ต้องไม่หลังวันสิ้นสุด ('to')"),
    (r"Must not be before 'from'\.", "ต้องไม่ก่อนวันเริ่มต้น ('from')"),
    (r"Name each value once\.", "ระบุแต่ละค่าได้ครั้งเดียว"),
    (r"Not a Thai phone number \(e\.g\. 081-234-5678 or \+66812345678\)\.",
     "ไม่ใช่เบอร์โทรศัพท์ไทย (เช่น 081-234-5678 หรือ +66812345678)"),
    (r"Not a date-time Khaya can store\.", "วันเวลานี้ระบบเก็บไม่ได้"),
    (r"One line per material\.", "วัสดุแต่ละชนิดได้บรรทัดเดียว"),
    (r"Send a file here\.", "ส่งไฟล์มาที่ช่องนี้"),
    (r"Every part of a multipart body needs a name\.", "ทุกส่วนของข้อมูลแบบ multipart ต้องมีชื่อ"),
    (r"Weigh at least one item type \(kg above 0\)\.",
     "ชั่งอย่างน้อยหนึ่งชนิด (น้ำหนักมากกว่า 0 กก.)"),
    (r"Write a month as YYYY-MM in the Common Era, e\.g\. (\d{4}-\d{2})\.",
     "เขียนเดือนแบบ ค.ศ. ปปปป-ดด เช่น {0}"),
    (r"A month as YYYY-MM in the Common Era, e\.g\. (\d{4}-\d{2})\.",
     "เดือนแบบ ค.ศ. ปปปป-ดด เช่น {0}"),
    (r"bbox must lie within ±180 longitude and ±90 latitude\.",
     "bbox ต้องอยู่ในลองจิจูด ±180 และละติจูด ±90"),
    (r"bbox must lie within ±180/±90 with min below max\.",
     "bbox ต้องอยู่ใน ±180/±90 และค่าต่ำสุดน้อยกว่าค่าสูงสุด"),
    (r"bbox takes four numbers: minLon,minLat,maxLon,maxLat\.",
     "bbox ต้องมีตัวเลขสี่ตัว: minLon,minLat,maxLon,maxLat"),
    (r"bbox's minimum latitude must not exceed its maximum\.",
     "ละติจูดต่ำสุดของ bbox ต้องไม่เกินค่าสูงสุด"),
    (r"Hours overlap on day (\d+)\.", "ช่วงเวลาซ้อนกันในวันที่ {0}"),
    (r"Must be after opens \((.*)\)\.", "ต้องหลังเวลาเปิด ({0})"),
    (r"A house number such as 12 or 199/3 \(at most 20 characters\)\.",
     "บ้านเลขที่ เช่น 12 หรือ 199/3 (ไม่เกิน 20 ตัวอักษร)"),
    (r"A time as HH:MM, 00:00 to 24:00\.", "เวลาแบบ ชช:นน ตั้งแต่ 00:00 ถึง 24:00"),
    (r"An 8-digit village code\.", "รหัสหมู่บ้าน 8 หลัก"),
    (r"An LGO code such as lamphun-town-municipality\.",
     "รหัส อปท. เช่น lamphun-town-municipality"),
    (r"Blank\.", "ว่างเปล่า"),
    (r"Name 1 to 4 streams\.", "เลือก 1 ถึง 4 ประเภทขยะ"),
    (r"Say why\.", "กรุณาระบุเหตุผล"),
    (rf"Between 0 and {_N} kg\.", "ระหว่าง 0 ถึง {0} กก."),
    (rf"From 0 to {_N} kg\.", "ตั้งแต่ 0 ถึง {0} กก."),
    (rf"More than 0 and at most {_N} kg\.", "มากกว่า 0 และไม่เกิน {0} กก."),
)
_FIELD_PATTERNS = tuple((re.compile(english), thai) for english, thai in FIELD_MESSAGES_TH)


def field_message_th(message: str) -> str | None:
    """Return a field message in Thai, or None when it has no Thai yet."""
    for pattern, thai in _FIELD_PATTERNS:
        if match := pattern.fullmatch(message):
            return thai.format(*match.groups())
    return None


def _thai_errors(errors: Any) -> Any:
    """Return field errors (nested dicts and lists of sentences) with each sentence in Thai
    where it has Thai."""
    if isinstance(errors, dict):
        return {key: _thai_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_thai_errors(value) for value in errors]
    if isinstance(errors, str):
        return field_message_th(errors) or errors
    return errors


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
        required=True, metadata={"description": "Field errors; empty when there are none. In "
                                                 "Thai where they have Thai when message is"}
    )
    errors_en = fields.Dict(metadata={
        "description": "The field errors in English; present when some were given in Thai"})


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
        if errors and (translated := _thai_errors(errors)) != errors:
            body["errors"] = translated
            body["errors_en"] = errors
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
