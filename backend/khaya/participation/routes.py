"""Reading sorting logs and inspections, correcting logs, and photos.

    GET  /api/v1/households/{id}/logs
    GET  /api/v1/households/{id}/inspections
    POST /api/v1/sorting-logs/{id}/void          a correction: the log leaves every figure
    POST /api/v1/photos                          multipart: id, household_id, file
    GET  /api/v1/photos/{id}
    GET  /api/v1/inspections/reviews             the LGO's flagged inspections (state=pending…)
    POST /api/v1/inspections/{id}/review         accept or reject one, with a reason

Logs and inspections are created through POST /api/v1/sync, online or not. A flagged pass
counts only once the LGO accepts it (see ``reviews``).
"""

from __future__ import annotations

import uuid

from flask import Response
from marshmallow import Schema, fields

from ..auth.access import current_principal, requires
from ..blueprint import MULTIPART, Blueprint, Upload
from ..extensions import db
from ..households.services import get_household
from . import reviews, services
from .schemas import (
    HistoryArgsSchema,
    InspectionPageSchema,
    LogPageSchema,
    PhotoSchema,
    ReviewDecisionSchema,
    ReviewItemSchema,
    ReviewPageSchema,
    ReviewQueueArgsSchema,
    SortingLogSchema,
    VoidSchema,
)

blp = Blueprint("participation", __name__, description="Sorting logs, inspections and photos")


class PhotoUploadSchema(Schema):
    id = fields.UUID(
        required=True, metadata={"description": "Made by the phone; resending is safe"}
    )
    household_id = fields.Integer(required=True)
    file = Upload(required=True, metadata={"description": "A JPEG, PNG or WebP image"})


@blp.route("/households/<int:household_id>/logs")
@requires("households.read")
@blp.arguments(HistoryArgsSchema, location="query")
@blp.response(200, LogPageSchema)
def household_logs(args, household_id: int):
    """Return a household's sorting logs, newest first."""
    get_household(household_id)
    return services.household_logs(household_id, **args)


@blp.route("/households/<int:household_id>/inspections")
@requires("households.read")
@blp.arguments(HistoryArgsSchema, location="query")
@blp.response(200, InspectionPageSchema)
def household_inspections(args, household_id: int):
    """Return a household's inspections, newest first."""
    get_household(household_id)
    return services.household_inspections(household_id, **args)


@blp.route("/sorting-logs/<int:log_id>/void", methods=["POST"])
@requires("households.write")
@blp.arguments(VoidSchema)
@blp.response(200, SortingLogSchema)
def void_log(data, log_id: int):
    """Void a log recorded in error."""
    log = services.void_log(log_id, data["reason"], current_principal().user_id)
    db.session.commit()
    return log


@blp.route("/photos", methods=["POST"])
@requires("logs.write")
@blp.arguments(PhotoUploadSchema, location=MULTIPART)
@blp.response(201, PhotoSchema)
@blp.alt_response(409, response="CONFLICT")  # the id belongs to a photo out of reach
def upload_photo(data):
    """Store a photo for a log or inspection; reference its id in the item."""
    content = data["file"].read()
    photo = services.store_photo(data["id"], data["household_id"], content,
                                 current_principal().user_id)
    db.session.commit()
    return photo


@blp.route("/photos/<uuid:photo_id>")
@requires("households.read")
@blp.response(200, content_type="image/*")
def get_photo(photo_id: uuid.UUID):
    """Return a photo's bytes."""
    photo = services.get_photo(photo_id)
    return Response(photo.data, mimetype=photo.content_type,
                    headers={"Cache-Control": "private, no-store"})


@blp.route("/inspections/reviews")
@requires("inspections.review")
@blp.arguments(ReviewQueueArgsSchema, location="query")
@blp.response(200, ReviewPageSchema)
def review_queue(args):
    """Return the LGO's flagged inspections: waiting ones oldest first, decided ones newest."""
    return reviews.review_queue(**args)


@blp.route("/inspections/<int:inspection_id>/review", methods=["POST"])
@requires("inspections.review")
@blp.arguments(ReviewDecisionSchema)
@blp.response(200, ReviewItemSchema)
@blp.alt_response(409, response="CONFLICT")  # not flagged, or already decided
def review_inspection(data, inspection_id: int):
    """Accept or reject a flagged inspection; the household's verification follows."""
    item = reviews.review_inspection(inspection_id, decision=data["decision"],
                                     reason=data["reason"], user_id=current_principal().user_id)
    db.session.commit()
    return item
