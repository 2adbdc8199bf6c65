"""The household register.

GET   /api/v1/households                         filtered, paged; phones masked
POST  /api/v1/households
GET   /api/v1/households/{id}
PATCH /api/v1/households/{id}                    with "version"; an old version gets 409
POST  /api/v1/households/{id}/deactivate
POST  /api/v1/households/{id}/residents          link a resident's account
GET   /api/v1/households/by-qr/{token}           what scanning a QR card opens
POST  /api/v1/households/import                  CSV, with a per-row report
GET   /api/v1/households/qr-cards.pdf?village=   one card per household of a village
GET   /api/v1/households/signs.pdf?village=      the sign for each verified household
"""

from __future__ import annotations

from flask import request

from ..auth.access import requires
from ..blueprint import Blueprint
from ..common.files import attachment
from ..extensions import db
from . import importer, printing, services
from .errors import InvalidHousehold, VersionConflict
from .schemas import (
    DeactivateSchema,
    HouseholdCreateSchema,
    HouseholdDetailSchema,
    HouseholdPageSchema,
    HouseholdQueryArgsSchema,
    HouseholdUpdateSchema,
    ImportArgsSchema,
    ImportReportSchema,
    LinkResidentSchema,
    VillageArgsSchema,
)

blp = Blueprint(
    "households",
    __name__,
    url_prefix="/households",
    description="The household register, QR cards and signs",
)


@blp.route("")
@requires("households.read")
@blp.arguments(HouseholdQueryArgsSchema, location="query")
@blp.response(200, HouseholdPageSchema)
def list_households(args):
    """List households in the caller's area, by village and house number."""
    page = services.list_households(**args)
    db.session.commit()
    return page


@blp.route("", methods=["POST"])
@requires("households.write")
@blp.arguments(HouseholdCreateSchema)
@blp.response(201, HouseholdDetailSchema)
@blp.alt_response(409, response="CONFLICT")  # the house number is registered in the village
def register_household(data):
    """Register a household."""
    household = services.register_household(data)
    db.session.commit()
    return household, 201, {"Location": f"/api/v1/households/{household.id}"}


@blp.route("/<int:household_id>")
@requires("households.read")
@blp.response(200, HouseholdDetailSchema)
def get_household(household_id: int):
    """Return one household; the access is audited."""
    household = services.read_household(household_id)
    db.session.commit()
    return household


@blp.route("/<int:household_id>", methods=["PATCH"])
@requires("households.write", visible_with="households.read", lookup=services.check_visible)
@blp.arguments(HouseholdUpdateSchema)
@blp.response(200, HouseholdDetailSchema)
@blp.alt_response(409, response="CONFLICT")  # edited from an older version
def update_household(data, household_id: int):
    """Edit a household; name the version you edited."""
    try:
        household = services.update_household(household_id, data)
    except VersionConflict as conflict:
        db.session.rollback()
        current = services.get_household(household_id)
        conflict.extra = {
            "current": HouseholdDetailSchema().dump(current),
            "yours": HouseholdUpdateSchema().dump(data),
        }
        raise
    db.session.commit()
    return household


@blp.route("/<int:household_id>/deactivate", methods=["POST"])
@requires("households.write", visible_with="households.read", lookup=services.check_visible)
@blp.arguments(DeactivateSchema)
@blp.response(200, HouseholdDetailSchema)
def deactivate_household(data, household_id: int):
    """Take a household out of the register; its records stay."""
    household = services.deactivate_household(household_id, data["reason"], data["on"])
    db.session.commit()
    return household


@blp.route("/<int:household_id>/residents", methods=["POST"])
@requires("households.write", visible_with="households.read", lookup=services.check_visible)
@blp.arguments(LinkResidentSchema)
@blp.response(200, HouseholdDetailSchema)
def link_resident(data, household_id: int):
    """Link a resident's account to this household."""
    household = services.link_resident(household_id, data["user_id"])
    db.session.commit()
    return household


@blp.route("/by-qr/<token>")
@requires("households.read")
@blp.response(200, HouseholdDetailSchema)
def household_by_qr(token: str):
    """Open the household of a scanned QR card: its token, or the code printed under the QR
    (``XXXXX-XXXXX-XXXXX-XXXXX``; lower case, O for 0 and I or L for 1 are read as meant)."""
    household = services.household_by_qr(token)
    db.session.commit()
    return household


@blp.route("/import", methods=["POST"])
@requires("households.write")
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(200, ImportReportSchema)
def import_households(args):
    """Register households from a CSV file (the body, or a multipart field named "file")."""
    if request.files and "file" not in request.files:
        raise InvalidHousehold(errors={"file": ["Send the CSV in a form field named 'file'."]})
    upload = request.files.get("file")
    content = upload.read() if upload else request.get_data()
    report = importer.import_csv(content, dry_run=args["dry_run"])
    db.session.commit()
    return report


@blp.route("/qr-cards.pdf")
@requires("households.read")
@blp.arguments(VillageArgsSchema, location="query")
@blp.response(200, content_type="application/pdf")
def qr_cards(args):
    """Return a printable sheet of QR cards, one per household of the village."""
    pdf = printing.qr_cards_pdf(args["village"])
    db.session.commit()
    return attachment(pdf, f"qr-cards-{args['village']}.pdf", "application/pdf")


@blp.route("/signs.pdf")
@requires("households.read")
@blp.arguments(VillageArgsSchema, location="query")
@blp.response(200, content_type="application/pdf")
def signs(args):
    """Return the wet-waste sign for each verified household of the village."""
    pdf = printing.signs_pdf(args["village"])
    db.session.commit()
    return attachment(pdf, f"signs-{args['village']}.pdf", "application/pdf")
