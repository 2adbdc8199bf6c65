"""Errors of collection points and the hazardous-waste chain."""

from ..errors import Conflict, DomainError, NotFound


class PointNotFound(NotFound):
    code = "point_not_found"
    message = "No such collection point."


class LgoNotFound(NotFound):
    code = "lgo_not_found"
    message = "No such LGO in your area."


class InvalidPoint(DomainError):
    status = 422
    code = "invalid_point"
    message = "The collection point has invalid fields."


class PointOutsideLgo(InvalidPoint):
    code = "point_outside_lgo"
    message = "The point lies too far outside the LGO's area; check the location."


class LgoNotYours(DomainError):
    status = 403
    code = "lgo_not_yours"
    message = "You may act only for your own LGO."


class InvalidHazardousRecord(DomainError):
    status = 422
    code = "invalid_hazardous_record"
    message = "The record has invalid fields."


class UnknownPoint(InvalidHazardousRecord):
    code = "point_not_found"
    message = "No such collection point in your area."


class NotADropoffPoint(InvalidHazardousRecord):
    code = "not_a_dropoff_point"
    message = "Collections are recorded at a hazardous drop-off point of your LGO."


class NotAHandoverPoint(InvalidHazardousRecord):
    code = "not_a_handover_point"
    message = "Hand-overs go to a PAO hand-over point."


class DateInFuture(InvalidHazardousRecord):
    code = "date_in_future"
    message = "The date is in the future (Thai time)."


class HandoverExceedsCollected(InvalidHazardousRecord):
    code = "handover_exceeds_collected"
    message = "The hand-over is more than the LGO collected and has not yet handed over."


class ReceiptTaken(Conflict):
    code = "receipt_taken"
    message = "That receipt number is already recorded; each PAO receipt is entered once."


class ClientIdTaken(Conflict):
    code = "client_id_taken"
    message = "That client_id belongs to a record you cannot see; generate a new one."
