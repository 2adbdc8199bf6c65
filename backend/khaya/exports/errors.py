"""Errors of exports and export jobs."""

from ..errors import Conflict, DomainError, NotFound


class InvalidExport(DomainError):
    status = 422
    code = "invalid_export"
    message = "The export has invalid parameters."
    message_th = "เงื่อนไขการส่งออกข้อมูลบางช่องไม่ถูกต้อง"


class ExportTooLarge(DomainError):
    status = 422
    code = "export_too_large"
    message = "This export is too large to build while you wait; start an export job instead."
    message_th = "ข้อมูลที่ส่งออกมีขนาดใหญ่เกินกว่าจะสร้างให้ทันที ให้สร้างงานส่งออกแทน"


class LgoNotFound(NotFound):
    code = "lgo_not_found"
    message = "No such LGO in your area."
    message_th = "ไม่พบ อปท. นี้ในพื้นที่ของคุณ"


class JobNotFound(NotFound):
    code = "export_job_not_found"
    message = "No such export job."
    message_th = "ไม่พบงานส่งออกนี้"


class JobNotReady(Conflict):
    code = "export_job_not_ready"
    message = "The export job has not finished."
    message_th = "งานส่งออกยังไม่เสร็จ"


class JobExpired(DomainError):
    status = 410
    code = "export_job_expired"
    message = "The export's file has expired; start a new export job."
    message_th = "ไฟล์ของงานส่งออกนี้หมดอายุแล้ว ให้สร้างงานส่งออกใหม่"
