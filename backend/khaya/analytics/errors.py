"""Errors of the analytics queries."""

from ..errors import DomainError, NotFound


class AreaNotFound(NotFound):
    code = "area_not_found"
    message = "No such area within your reach."
    message_th = "ไม่พบพื้นที่นี้ในขอบเขตของคุณ"


class InvalidQuery(DomainError):
    status = 422
    code = "invalid_analytics_query"
    message = "The analytics query is not valid."
    message_th = "เงื่อนไขการวิเคราะห์ไม่ถูกต้อง"


class InvalidDiscountRule(DomainError):
    status = 422
    code = "invalid_discount_rule"
    message = "The fee-discount rule or its list has invalid fields."
    message_th = "ข้อมูลเงื่อนไขส่วนลดค่าธรรมเนียมบางช่องไม่ถูกต้อง"
