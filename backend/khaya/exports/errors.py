"""Errors of exports and export jobs."""

from ..errors import Conflict, DomainError, NotFound


class InvalidExport(DomainError):
    status = 422
    code = "invalid_export"
    message = "The export has invalid parameters."


class ExportTooLarge(DomainError):
    status = 422
    code = "export_too_large"
    message = "This export is too large to build while you wait; start an export job instead."


class LgoNotFound(NotFound):
    code = "lgo_not_found"
    message = "No such LGO in your area."


class JobNotFound(NotFound):
    code = "export_job_not_found"
    message = "No such export job."


class JobNotReady(Conflict):
    code = "export_job_not_ready"
    message = "The export job has not finished."


class JobExpired(DomainError):
    status = 410
    code = "export_job_expired"
    message = "The export's file has expired; start a new export job."
