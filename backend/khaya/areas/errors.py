"""Errors of the territory domain."""

from ..errors import DomainError, NotFound


class AreaNotFound(NotFound):
    code = "area_not_found"
    message = "No area has that code."
    message_th = "ไม่มีพื้นที่รหัสนี้"


class PointOutsideTerritory(NotFound):
    code = "point_outside_territory"
    message = "No village or community contains that point."
    message_th = "ไม่มีหมู่บ้านหรือชุมชนใดครอบคลุมจุดนี้"


class InvalidLgoChange(DomainError):
    status = 422
    code = "invalid_lgo_change"
    message = "The LGO change is not valid."
    message_th = "การเปลี่ยนแปลงของ อปท. นี้ไม่ถูกต้อง"


class BoundaryImportError(DomainError):
    status = 422
    code = "boundary_import_error"
    message = "The boundary file cannot be imported; nothing was changed."
    message_th = "นำเข้าไฟล์ขอบเขตไม่ได้ ไม่มีข้อมูลใดถูกเปลี่ยน"
