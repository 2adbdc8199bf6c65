"""Errors of sorting logs, inspections and photos."""

from ..errors import Conflict, DomainError, NotFound


class LogNotFound(NotFound):
    code = "log_not_found"
    message = "No such sorting log in your area."


class PhotoNotFound(NotFound):
    code = "photo_not_found"
    message = "No such photo in your area."


class InvalidPhoto(DomainError):
    status = 422
    code = "invalid_photo"
    message = "Send a JPEG, PNG or WebP image."


class InspectionNotFound(NotFound):
    code = "inspection_not_found"
    message = "No such inspection in your area."


class InspectionNotFlagged(Conflict):
    code = "inspection_not_flagged"
    message = "This inspection was not flagged; its result already counts."


class InspectionAlreadyReviewed(Conflict):
    code = "inspection_already_reviewed"
    message = "Someone at the LGO has already decided on this inspection."


class PhotoIdTaken(Conflict):
    code = "photo_id_taken"
    message = "This photo id is already used; make a new id and upload the photo again."
