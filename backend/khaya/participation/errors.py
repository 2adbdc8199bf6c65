"""Errors of sorting logs, inspections and photos."""

from ..errors import Conflict, DomainError, NotFound


class LogNotFound(NotFound):
    code = "log_not_found"
    message = "No such sorting log in your area."
    message_th = "ไม่พบบันทึกการคัดแยกนี้ในพื้นที่ของคุณ"


class PhotoNotFound(NotFound):
    code = "photo_not_found"
    message = "No such photo in your area."
    message_th = "ไม่พบรูปถ่ายนี้ในพื้นที่ของคุณ"


class InvalidPhoto(DomainError):
    status = 422
    code = "invalid_photo"
    message = "Send a JPEG, PNG or WebP image."
    message_th = "ส่งรูปเป็นไฟล์ JPEG, PNG หรือ WebP"


class InspectionNotFound(NotFound):
    code = "inspection_not_found"
    message = "No such inspection in your area."
    message_th = "ไม่พบผลการตรวจนี้ในพื้นที่ของคุณ"


class InspectionNotFlagged(Conflict):
    code = "inspection_not_flagged"
    message = "This inspection was not flagged; its result already counts."
    message_th = "ผลการตรวจนี้ไม่ได้ถูกตั้งข้อสังเกต จึงนับผลแล้ว"


class InspectionAlreadyReviewed(Conflict):
    code = "inspection_already_reviewed"
    message = "Someone at the LGO has already decided on this inspection."
    message_th = "เจ้าหน้าที่ อปท. ได้ตัดสินผลการตรวจนี้ไปแล้ว"


class PhotoIdTaken(Conflict):
    code = "photo_id_taken"
    message = "This photo id is already used; make a new id and upload the photo again."
    message_th = "รหัสรูปนี้ถูกใช้แล้ว ให้สร้างรหัสใหม่แล้วอัปโหลดรูปอีกครั้ง"
