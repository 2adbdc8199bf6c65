"""Errors of waste banks and their ledger."""

from ..errors import Conflict, DomainError, NotFound


class BankNotFound(NotFound):
    code = "bank_not_found"
    message = "No such waste bank."
    message_th = "ไม่พบธนาคารขยะนี้"


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = "No such member of this bank in your area."
    message_th = "ไม่พบสมาชิกรายนี้ของธนาคารในพื้นที่ของคุณ"


class EntryNotFound(NotFound):
    code = "entry_not_found"
    message = "No such ledger entry in your area."
    message_th = "ไม่พบรายการบัญชีนี้ในพื้นที่ของคุณ"


class InvalidLedgerEntry(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."
    message_th = "มีข้อมูลบางช่องไม่ถูกต้อง"


class InsufficientBalance(DomainError):
    status = 422
    code = "insufficient_balance"
    message = "The member's balance does not cover this withdrawal."
    message_th = "ยอดเงินของสมาชิกไม่พอสำหรับการถอนครั้งนี้"


class AlreadyMember(Conflict):
    code = "already_member"
    message = "This household already has an account at this bank."
    message_th = "ครัวเรือนนี้มีบัญชีที่ธนาคารนี้อยู่แล้ว"


class AlreadyReversed(Conflict):
    code = "already_reversed"
    message = "This entry has already been reversed."
    message_th = "รายการนี้ถูกกลับรายการไปแล้ว"


class PriceExists(Conflict):
    code = "price_exists"
    message = "A price for this material from that date exists; use a later date."
    message_th = "มีราคาของวัสดุนี้ตั้งแต่วันนั้นแล้ว ให้ใช้วันที่หลังจากนั้น"
