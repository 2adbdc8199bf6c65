"""Errors of collection points and the hazardous-waste chain."""

from ..errors import Conflict, DomainError, NotFound


class PointNotFound(NotFound):
    code = "point_not_found"
    message = "No such collection point."
    message_th = "ไม่พบจุดรวบรวมขยะนี้"


class LgoNotFound(NotFound):
    code = "lgo_not_found"
    message = "No such LGO in your area."
    message_th = "ไม่พบ อปท. นี้ในพื้นที่ของคุณ"


class InvalidPoint(DomainError):
    status = 422
    code = "invalid_point"
    message = "The collection point has invalid fields."
    message_th = "ข้อมูลจุดรวบรวมขยะบางช่องไม่ถูกต้อง"


class PointOutsideLgo(InvalidPoint):
    code = "point_outside_lgo"
    message = "The point lies too far outside the LGO's area; check the location."
    message_th = "จุดนี้อยู่นอกพื้นที่ของ อปท. มากเกินไป ตรวจสอบตำแหน่งอีกครั้ง"


class LgoNotYours(DomainError):
    status = 403
    code = "lgo_not_yours"
    message = "You may act only for your own LGO."
    message_th = "คุณทำรายการได้เฉพาะในนามของ อปท. ของคุณเอง"


class InvalidHazardousRecord(DomainError):
    status = 422
    code = "invalid_hazardous_record"
    message = "The record has invalid fields."
    message_th = "ข้อมูลบันทึกบางช่องไม่ถูกต้อง"


class UnknownPoint(InvalidHazardousRecord):
    code = "point_not_found"
    message = "No such collection point in your area."
    message_th = "ไม่พบจุดรวบรวมขยะนี้ในพื้นที่ของคุณ"


class NotADropoffPoint(InvalidHazardousRecord):
    code = "not_a_dropoff_point"
    message = "Collections are recorded at a hazardous drop-off point of your LGO."
    message_th = "การรับขยะอันตรายต้องบันทึกที่จุดทิ้งขยะอันตรายของ อปท. ของคุณ"


class NotAHandoverPoint(InvalidHazardousRecord):
    code = "not_a_handover_point"
    message = "Hand-overs go to a PAO hand-over point."
    message_th = "การส่งมอบต้องส่งไปที่จุดรับมอบของ อบจ."


class DateInFuture(InvalidHazardousRecord):
    code = "date_in_future"
    message = "The date is in the future (Thai time)."
    message_th = "วันที่เป็นวันในอนาคต (ตามเวลาประเทศไทย)"


class HandoverExceedsCollected(InvalidHazardousRecord):
    code = "handover_exceeds_collected"
    message = "The hand-over is more than the LGO collected and has not yet handed over."
    message_th = "ปริมาณที่ส่งมอบมากกว่าที่ อปท. เก็บได้และยังไม่ได้ส่งมอบ"


class ReceiptTaken(Conflict):
    code = "receipt_taken"
    message = "That receipt number is already recorded; each PAO receipt is entered once."
    message_th = "เลขที่ใบรับนี้บันทึกไว้แล้ว ใบรับของ อบจ. แต่ละใบบันทึกได้ครั้งเดียว"


class ClientIdTaken(Conflict):
    code = "client_id_taken"
    message = "That client_id belongs to a record you cannot see; generate a new one."
    message_th = "client_id นี้เป็นของรายการที่คุณไม่มีสิทธิ์เห็น ให้สร้างรหัสใหม่"


class ScheduleNotFound(NotFound):
    code = "schedule_not_found"
    message = "No such collection schedule in your area."
    message_th = "ไม่พบตารางเก็บขยะนี้ในพื้นที่ของคุณ"


class VillageNotFound(NotFound):
    code = "village_not_found"
    message = "No village has that code."
    message_th = "ไม่พบหมู่บ้านรหัสนี้"


class InvalidSchedule(DomainError):
    status = 422
    code = "invalid_schedule"
    message = "The collection schedule has invalid fields."
    message_th = "ข้อมูลตารางเก็บขยะบางช่องไม่ถูกต้อง"


class GuideItemNotFound(NotFound):
    code = "guide_item_not_found"
    message = "The sorting guide has no item with that key."
    message_th = "ไม่พบรายการนี้ในคู่มือแยกขยะ"


class GuideLgoNotFound(NotFound):
    code = "lgo_not_found"
    message = "No LGO has that code."
    message_th = "ไม่พบ อปท. รหัสนี้"


class InvalidGuideOverride(DomainError):
    status = 422
    code = "invalid_guide_override"
    message = "The change to the sorting guide has invalid fields."
    message_th = "ข้อมูลที่แก้ไขในคู่มือแยกขยะบางช่องไม่ถูกต้อง"
