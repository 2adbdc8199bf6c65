"""Errors of the territory domain."""

from ..errors import DomainError, NotFound


class AreaNotFound(NotFound):
    code = "area_not_found"
    message = "No area has that code."


class PointOutsideTerritory(NotFound):
    code = "point_outside_territory"
    message = "No village or community contains that point."


class InvalidLgoChange(DomainError):
    status = 422
    code = "invalid_lgo_change"
    message = "The LGO change is not valid."


class BoundaryImportError(DomainError):
    status = 422
    code = "boundary_import_error"
    message = "The boundary file cannot be imported; nothing was changed."
