"""Request and response schemas of waste banks, prices, members and the ledger."""

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..common.schemas import Name, OpeningSchema, PageArgsSchema, PageMetaSchema
from .models import LINE_KG_CEILING, EntryKind, Material

# Decimal, not float: 0.01 as a float is a shade above one cent, so one cent would fail.
CENT = Decimal("0.01")


class WasteBankSchema(Schema):
    id = fields.Integer()
    lgo_code = fields.Function(lambda b: b.lgo.code)
    village_code = fields.Function(lambda b: b.village.code if b.village else None)
    name_th = fields.String()
    name_en = fields.String(allow_none=True)
    host = fields.String(allow_none=True)
    partner_buyer = fields.String(allow_none=True)
    buying_schedule = fields.Dict()
    next_buying_day = fields.Date(
        allow_none=True,
        metadata={"description": "The first buying day from today on (Thailand's calendar)"},
    )
    active = fields.Boolean()


class WasteBankPageSchema(Schema):
    items = fields.List(fields.Nested(WasteBankSchema))
    meta = fields.Nested(PageMetaSchema)


class WasteBankCreateSchema(Schema):
    name_th = Name(required=True, validate=validate.Length(min=1, max=200))
    name_en = Name(validate=validate.Length(max=200))
    lgo_code = fields.String(metadata={"description": "Admins only; LGO roles use their own"})
    village_code = fields.String(validate=validate.Regexp(r"^[0-9]{8}$"))
    host = Name(validate=validate.Length(max=200))
    partner_buyer = Name(validate=validate.Length(max=200))
    buying_schedule = fields.Nested(OpeningSchema)


class WasteBankUpdateSchema(Schema):
    name_th = Name(validate=validate.Length(min=1, max=200))
    name_en = Name(allow_none=True, validate=validate.Length(max=200))
    host = Name(allow_none=True, validate=validate.Length(max=200))
    partner_buyer = Name(allow_none=True, validate=validate.Length(max=200))
    buying_schedule = fields.Nested(OpeningSchema)
    active = fields.Boolean()


class BankListArgsSchema(PageArgsSchema):
    lgo = fields.String(metadata={"description": "LGO code"})


class PriceSchema(Schema):
    material = fields.Enum(Material, by_value=True)
    price_per_kg = fields.Float()
    valid_from = fields.Date()


class PriceCreateSchema(Schema):
    material = fields.Enum(Material, by_value=True, required=True)
    price_per_kg = fields.Decimal(
        required=True, places=2, validate=validate.Range(min=0, max=10000)
    )
    valid_from = fields.Date(required=True)


class PriceListSchema(Schema):
    on = fields.Date()
    prices = fields.List(fields.Nested(PriceSchema))


class PriceArgsSchema(Schema):
    on = fields.Date(metadata={"description": "The day whose prices you want (default today)"})


class MemberHouseholdSchema(Schema):
    """Who holds an account: for callers who may see the household, the phone masked."""

    id = fields.Integer()
    house_number = fields.String()
    head_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "Masked: 08x-xxx-x678"})
    village_code = fields.String()
    village_name_th = fields.String()
    village_name_en = fields.String()
    moo = fields.Integer(allow_none=True)


class MemberSchema(Schema):
    id = fields.Integer()
    bank_id = fields.Integer()
    household_id = fields.Integer()
    member_number = fields.Integer()
    joined_on = fields.Date()
    active = fields.Boolean()
    balance = fields.Float()
    household = fields.Nested(
        MemberHouseholdSchema,
        allow_none=True,
        metadata={"description": "Null when the caller may not see the household"},
    )


class MemberPageSchema(Schema):
    items = fields.List(fields.Nested(MemberSchema))
    meta = fields.Nested(PageMetaSchema)


class MemberQueryArgsSchema(PageArgsSchema):
    household_id = fields.Integer(metadata={"description": "The account of one household"})


class MembershipArgsSchema(PageArgsSchema):
    household_id = fields.Integer(
        metadata={"description": "One household's accounts (404 outside your area)"}
    )


class BankPriceSchema(PriceSchema):
    bank_id = fields.Integer()


class MembershipsSchema(Schema):
    on = fields.Date(metadata={"description": "The day the prices are in force (today)"})
    banks = fields.List(
        fields.Nested(WasteBankSchema),
        metadata={"description": "Your LGO's open banks and every bank holding a listed account"},
    )
    prices = fields.List(
        fields.Nested(BankPriceSchema),
        metadata={"description": "Each bank's price per material in force on that day"},
    )
    items = fields.List(fields.Nested(MemberSchema))
    meta = fields.Nested(PageMetaSchema)


class EnrolSchema(Schema):
    household_id = fields.Integer(required=True)
    joined_on = fields.Date(load_default=None)


class LineInSchema(Schema):
    material = fields.Enum(Material, by_value=True, required=True)
    kg = fields.Decimal(
        required=True,
        places=2,
        validate=validate.Range(
            min=CENT, max=LINE_KG_CEILING, error=f"More than 0 and at most {LINE_KG_CEILING} kg."
        ),
    )


class DepositDataSchema(Schema):
    """A weighed deposit: the data of a sync item of kind "deposit"."""

    bank_id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    deposit_date = fields.Date(required=True)
    lines = fields.List(
        fields.Nested(LineInSchema), required=True, validate=validate.Length(min=1, max=20)
    )
    note = fields.String(allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _one_line_per_material(self, data, **kwargs):
        materials = [line["material"] for line in data.get("lines", [])]
        if len(set(materials)) != len(materials):
            raise ValidationError("One line per material.", "lines")


class DepositCreateSchema(Schema):
    member_id = fields.Integer(required=True)
    deposit_date = fields.Date(required=True)
    lines = fields.List(
        fields.Nested(LineInSchema), required=True, validate=validate.Length(min=1, max=20)
    )
    note = fields.String(allow_none=True, validate=validate.Length(max=500))
    client_id = fields.UUID(metadata={"description": "Send one to make retries safe"})


class WithdrawalCreateSchema(Schema):
    member_id = fields.Integer(required=True)
    amount = fields.Decimal(
        required=True, places=2, validate=validate.Range(min=CENT, max=1_000_000)
    )
    entry_date = fields.Date(load_default=None)
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class WelfareEventCreateSchema(Schema):
    beneficiary_member_id = fields.Integer(required=True)
    amount_per_member = fields.Decimal(
        required=True, places=2, validate=validate.Range(min=CENT, max=10000)
    )
    event_date = fields.Date(load_default=None)
    note = fields.String(allow_none=True, validate=validate.Length(max=500))


class ReverseSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=500))


class LineSchema(Schema):
    material = fields.Enum(Material, by_value=True)
    kg = fields.Float()
    unit_price = fields.Float()
    amount = fields.Float()


class EntrySchema(Schema):
    id = fields.Integer()
    client_id = fields.UUID()
    member_id = fields.Integer()
    entry_date = fields.Date()
    kind = fields.Enum(EntryKind, by_value=True)
    amount = fields.Float()
    reverses_id = fields.Integer(allow_none=True)
    event_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineSchema))


class EntryPageSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))
    meta = fields.Nested(PageMetaSchema)


class WelfareEventSchema(Schema):
    id = fields.Integer()
    bank_id = fields.Integer()
    beneficiary_member_id = fields.Integer()
    event_date = fields.Date()
    amount_per_member = fields.Float()
    members_debited = fields.Integer()
    total = fields.Float()


class PassbookLineSchema(EntrySchema):
    balance = fields.Float(metadata={"description": "Balance after this entry"})


class PassbookSchema(Schema):
    member = fields.Nested(MemberSchema)
    bank = fields.Nested(WasteBankSchema)
    since = fields.Date(allow_none=True)
    until = fields.Date()
    opening_balance = fields.Float()
    closing_balance = fields.Float()
    entries = fields.List(fields.Nested(PassbookLineSchema))


class PassbookArgsSchema(Schema):
    since = fields.Date()
    until = fields.Date()


class PassbookPdfArgsSchema(PassbookArgsSchema):
    lang = fields.String(
        load_default="th",
        validate=validate.OneOf(["th", "en"]),
        metadata={"description": "th: Thai with Buddhist Era dates; en: English"},
    )
