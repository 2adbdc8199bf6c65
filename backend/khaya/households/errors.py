"""Errors of the household register."""

from ..errors import Conflict, DomainError, NotFound


class HouseholdNotFound(NotFound):
    code = "household_not_found"
    message = "No such household in your area."


class VersionConflict(Conflict):
    code = "version_conflict"
    message = "Someone else changed this household since you opened it; compare and retry."


class InvalidHousehold(DomainError):
    status = 422
    code = "validation_error"
    message = "The request has invalid fields."


class DuplicateHouseNumber(Conflict):
    code = "duplicate_house_number"
    message = "That house number is already registered in this village."
