"""A household's data for the household, and its erasure.

    GET  /api/v1/households/{id}/export          everything held, as JSON
    GET  /api/v1/households/{id}/export.pdf      the same, readable, in Thai
    POST /api/v1/households/{id}/erase           erase personal data; figures stay anonymous

The resident may do all three for their own household; the LGO does them on their behalf.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..auth.access import requires
from ..blueprint import Blueprint
from ..common.files import attachment
from ..extensions import db
from ..households.schemas import HouseholdDetailSchema
from ..households.services import check_visible
from . import printing, services

blp = Blueprint("privacy", __name__, description="Residents' data rights (PDPA)")


class EraseSchema(Schema):
    confirm = fields.String(required=True, metadata={"description": "The house number"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ExportSchema(Schema):
    exported_on = fields.Date()
    household = fields.Dict()
    residents = fields.List(fields.Dict())
    register_history = fields.List(fields.Dict(), metadata={
        "description": "What the register held about the household (village, members, "
                       "occupancy, wet-bin arrangement, in the register) and from when to when; "
                       "from null: since registration, until null: still"})
    sorting_logs = fields.List(fields.Dict())
    inspections = fields.List(fields.Dict())
    photos = fields.List(fields.Dict())
    waste_bank_accounts = fields.List(fields.Dict())
    ledger_entries = fields.List(fields.Dict())
    monthly_activity = fields.List(fields.Dict(), metadata={
        "description": "The dashboards' monthly tallies of the household: days logged, counts, kg"})
    accesses = fields.List(fields.Dict())


@blp.route("/households/<int:household_id>/export")
@requires("households.export", visible_with="households.read", lookup=check_visible)
@blp.response(200, ExportSchema)
def export_household(household_id: int):
    """Return everything held about the household, and who has accessed it."""
    data = services.export_household(household_id)
    db.session.commit()
    return data


@blp.route("/households/<int:household_id>/export.pdf")
@requires("households.export", visible_with="households.read", lookup=check_visible)
@blp.response(200, content_type="application/pdf")
def export_household_pdf(household_id: int):
    """Return the household's data as a readable PDF."""
    pdf = printing.subject_access_pdf(services.export_household(household_id))
    db.session.commit()
    return attachment(pdf, f"household-{household_id}.pdf", "application/pdf")


@blp.route("/households/<int:household_id>/erase", methods=["POST"])
@requires("households.erase", visible_with="households.read", lookup=check_visible)
@blp.arguments(EraseSchema)
@blp.response(200, HouseholdDetailSchema)
def erase_household(data, household_id: int):
    """Erase the household's personal data; its anonymous figures keep counting."""
    household = services.erase_household(household_id, data["confirm"], data["reason"])
    db.session.commit()
    return household
