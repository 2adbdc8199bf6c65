"""Errors of the household register."""

from ..errors import Conflict, DomainError, NotFound


class HouseholdNotFound(NotFound):
    code = "household_not_found"
    message = "No such household in your area."
    message_th = "ไม่พบครัวเรือนนี้ในพื้นที่ของคุณ"


class VersionConflict(Conflict):
    code = "version_conflict"
    message = "Someone else changed this household since you opened it; compare and retry."
    message_th = "มีผู้อื่นแก้ไขครัวเรือนนี้หลังจากที่คุณเปิดดู ให้เปรียบเทียบแล้วลองใหม่"


class InvalidHousehold(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."
    message_th = "มีข้อมูลบางช่องไม่ถูกต้อง"


class DuplicateHouseNumber(Conflict):
    code = "duplicate_house_number"
    message = "That house number is already registered in this village."
    message_th = "บ้านเลขที่นี้ลงทะเบียนไว้แล้วในหมู่บ้านนี้"
