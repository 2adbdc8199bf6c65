"""Request and response schemas of the household register."""

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates

from ..auth.passwords import mask_phone
from ..common.geo import GeoJSONPoint
from ..common.schemas import Name, PageArgsSchema, PageMetaSchema, ThaiPhone
from ..common.time import local_today
from .models import Occupancy, WetBin

HOUSE_NUMBER = validate.Regexp(
    r"^[0-9A-Za-z\u0E00-\u0E7F][0-9A-Za-z\u0E00-\u0E7F/ .-]{0,19}$",
    error="A house number such as 12 or 199/3 (at most 20 characters).",
)
VILLAGE_CODE = validate.Regexp(r"^[0-9]{8}$", error="An 8-digit village code.")


class ConsentsSchema(Schema):
    named_leaderboard = fields.Boolean()
    photos = fields.Boolean()
    share_with_buyers = fields.Boolean()


class HouseholdSchema(Schema):
    """A household in a list: the phone number masked."""

    id = fields.Integer()
    village_code = fields.Function(lambda h: h.village.code)
    lgo_code = fields.Function(lambda h: h.lgo.code)
    house_number = fields.String()
    members = fields.Integer()
    head_name = fields.String(allow_none=True)
    phone = fields.Function(lambda h: mask_phone(h.phone), allow_none=True)
    occupancy = fields.Enum(Occupancy, by_value=True)
    wet_bin = fields.Enum(WetBin, by_value=True)
    registered_on = fields.Date()
    active = fields.Boolean()
    verified_on = fields.Date(allow_none=True)
    last_log_on = fields.Date(allow_none=True)
    last_inspected_on = fields.Date(allow_none=True)
    point = GeoJSONPoint(allow_none=True)
    version = fields.Integer()
    # In the list too, so a volunteer's phone can open a scanned card while offline.
    qr_token = fields.String()


class HouseholdDetailSchema(HouseholdSchema):
    """One household, for its own LGO, volunteers and residents: the full phone number."""

    phone = fields.String(allow_none=True)  # type: ignore[assignment]
    gps_accuracy_m = fields.Float(allow_none=True)
    consents = fields.Nested(ConsentsSchema)
    qr_token = fields.String()
    qr_url = fields.Function(
        lambda h: f"{current_app.config['PUBLIC_URL'].rstrip('/')}/h/{h.qr_token}"
    )
    deactivated_on = fields.Date(allow_none=True)
    deactivation_reason = fields.String(allow_none=True)


class HouseholdPageSchema(Schema):
    items = fields.List(fields.Nested(HouseholdSchema))
    meta = fields.Nested(PageMetaSchema)


class HouseholdFieldsSchema(Schema):
    house_number = fields.String(validate=HOUSE_NUMBER)
    point = GeoJSONPoint(allow_none=True)
    gps_accuracy_m = fields.Float(allow_none=True, validate=validate.Range(min=0, max=10000))
    members = fields.Integer(validate=validate.Range(min=0, max=60))
    head_name = Name(allow_none=True, validate=validate.Length(max=200))
    phone = ThaiPhone(allow_none=True)
    occupancy = fields.Enum(Occupancy, by_value=True)
    wet_bin = fields.Enum(WetBin, by_value=True)
    consents = fields.Nested(ConsentsSchema)


class HouseholdCreateSchema(HouseholdFieldsSchema):
    village_code = fields.String(required=True, validate=VILLAGE_CODE)
    house_number = fields.String(required=True, validate=HOUSE_NUMBER)
    members = fields.Integer(load_default=1, validate=validate.Range(min=0, max=60))
    registered_on = fields.Date(load_default=None)

    @validates("registered_on")
    def _not_future(self, value, **kwargs):
        if value and value > local_today():
            raise ValidationError("Cannot be in the future.")


class HouseholdUpdateSchema(HouseholdFieldsSchema):
    version = fields.Integer(required=True, metadata={"description": "The version you edited"})
    village_code = fields.String(validate=VILLAGE_CODE)


class DeactivateSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))
    on = fields.Date(load_default=None)


class LinkResidentSchema(Schema):
    user_id = fields.Integer(required=True)


class HouseholdQueryArgsSchema(PageArgsSchema):
    village = fields.String(validate=VILLAGE_CODE, metadata={"description": "Village code"})
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "House number or head's name"},
    )
    occupancy = fields.Enum(Occupancy, by_value=True)
    wet_bin = fields.Enum(WetBin, by_value=True)
    verified = fields.Boolean()
    active = fields.Boolean(load_default=True)
    not_logged_since = fields.Date(metadata={"description": "No log on or after this date"})


class VillageArgsSchema(Schema):
    village = fields.String(required=True, validate=VILLAGE_CODE)


class ImportRowErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "Line number in the file (header is 1)"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ImportReportSchema(Schema):
    rows = fields.Integer()
    created = fields.Integer()
    rejected = fields.List(fields.Nested(ImportRowErrorSchema))
    dry_run = fields.Boolean()


class ImportArgsSchema(Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check every row, write nothing"}
    )
