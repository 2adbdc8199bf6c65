"""Errors of the users domain's own views (account errors live in ``auth.errors``)."""

from ..errors import NotFound, ValidationFailed


class LgoNotFound(NotFound):
    code = "lgo_not_found"
    message = "No such LGO in your area."
    message_th = "ไม่พบ อปท. นี้ในพื้นที่ของคุณ"


class InvalidCoverageQuery(ValidationFailed):
    message = "The coverage query has invalid fields."
    message_th = "เงื่อนไขการดูความครอบคลุมบางช่องไม่ถูกต้อง"
