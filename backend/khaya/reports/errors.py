"""Errors of citizen reports."""

from ..errors import Conflict, DomainError, NotFound


class ReportNotFound(NotFound):
    code = "report_not_found"
    message = "No such report."
    message_th = "ไม่พบรายงานนี้"


class InvalidReport(DomainError):
    status = 422
    code = "invalid_report"
    message = "The report has invalid fields."
    message_th = "ข้อมูลรายงานบางช่องไม่ถูกต้อง"


class OutsideArea(InvalidReport):
    code = "outside_area"
    message = ("The point is outside the province Khaya serves; move it to where the problem "
               "is.")
    message_th = "ตำแหน่งนี้อยู่นอกจังหวัดที่ระบบดูแล ย้ายหมุดไปยังจุดที่พบปัญหา"


class OutsideJurisdiction(DomainError):
    status = 403
    code = "outside_jurisdiction"
    message = "This app may report only inside its own LGO's area."
    message_th = "แอปนี้รายงานได้เฉพาะในพื้นที่ของ อปท. ที่ลงทะเบียนไว้"


class PublicReportsOff(DomainError):
    status = 403
    code = "public_reports_off"
    message = "This LGO takes reports from signed-in residents only; sign in to report."
    message_th = "อปท. นี้รับรายงานจากผู้ที่เข้าสู่ระบบเท่านั้น กรุณาเข้าสู่ระบบก่อนรายงาน"


class InvalidChange(DomainError):
    status = 422
    code = "invalid_report_change"
    message = "The report cannot change that way."
    message_th = "เปลี่ยนสถานะรายงานแบบนี้ไม่ได้"


class ReportPhotoNotFound(NotFound):
    code = "report_photo_not_found"
    message = "No such photo."
    message_th = "ไม่พบรูปภาพนี้"


class ReportPhotoTaken(Conflict):
    code = "report_photo_taken"
    message = "A photo with this id already exists."
    message_th = "มีรูปภาพที่ใช้รหัสนี้อยู่แล้ว"


class InvalidApiKey(DomainError):
    status = 403
    code = "invalid_api_key"
    message = "A valid api_key of an app the LGO registered is needed to post a report."
    message_th = "ต้องใช้ api_key ที่ถูกต้องของแอปที่ อปท. ลงทะเบียนไว้จึงจะส่งรายงานได้"
