"""Request and response schemas of the sorting guide (``guide``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..common.schemas import Name
from ..wastebank.models import Material
from .models import STREAMS, WHERE
from .schemas import LGO_CODE, STREAM

PLACE = validate.OneOf(WHERE)


class GuideArgsSchema(Schema):
    lgo = fields.String(validate=LGO_CODE, metadata={
        "description": "The LGO's code: its changes applied and its banks' prices; without it, "
                       "the province defaults"})
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "Search in Thai or English, forgiving of spaces, tone marks and spelling "
                       "variants (rules: khaya.collection.guide_search); best match first"})


class GuideOverrideArgsSchema(Schema):
    lgo_code = fields.String(validate=LGO_CODE, metadata={
        "description": "Admins name the LGO; LGO staff default to (and may use) theirs"})


class GuideOverrideInSchema(GuideOverrideArgsSchema):
    """The LGO's version of one item, as a whole: a field left out or null follows the
    province default."""

    stream = fields.String(allow_none=True, validate=STREAM, metadata={
        "description": "Stream: " + ", ".join(STREAMS)})
    where = fields.String(allow_none=True, validate=PLACE, metadata={
        "description": "Where it goes: " + ", ".join(WHERE)})
    prepare_th = Name(allow_none=True, validate=validate.Length(min=1, max=1000))
    prepare_en = Name(allow_none=True, validate=validate.Length(min=1, max=1000))
    note_th = Name(allow_none=True, validate=validate.Length(min=1, max=500), metadata={
        "description": "The LGO's own word to residents (a drop-off day, a bank that buys it)"})
    note_en = Name(allow_none=True, validate=validate.Length(min=1, max=500))
    hidden = fields.Boolean(load_default=False, metadata={
        "description": "Leave the item out of this LGO's guide"})


class PriceRangeSchema(Schema):
    low = fields.Float(metadata={"description": "Lowest price per kg among the LGO's banks"})
    high = fields.Float(metadata={"description": "Highest price per kg among them"})
    banks = fields.Integer(metadata={"description": "Active banks of the LGO with a price"})


class GuideItemSchema(Schema):
    key = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    aliases_th = fields.List(fields.String())
    aliases_en = fields.List(fields.String())
    stream = fields.String(metadata={"description": "One of " + ", ".join(STREAMS)})
    bin_colour = fields.String(metadata={"description": "green, yellow, blue or orange"})
    where = fields.String(metadata={"description": "One of " + ", ".join(WHERE)})
    material = fields.String(allow_none=True, metadata={
        "description": "What a waste bank buys it as: " + ", ".join(m.value for m in Material)})
    prepare_th = fields.String()
    prepare_en = fields.String()
    note_th = fields.String(allow_none=True)
    note_en = fields.String(allow_none=True)
    overridden = fields.List(fields.String(), metadata={
        "description": "The fields the LGO changed from the province default"})
    price = fields.Nested(PriceRangeSchema, allow_none=True, metadata={
        "description": "Today's price at the LGO's active banks; null without one"})
    sources = fields.List(fields.String(), metadata={"description": "Keys of sources"})
    match = fields.String(allow_none=True, metadata={
        "description": "With q: name, alias, substring or fuzzy"})


class GuideStreamSchema(Schema):
    stream = fields.String()
    bin_colour = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    sources = fields.List(fields.String())


class GuideSourceSchema(Schema):
    key = fields.String()
    organisation = fields.String()
    title = fields.String()
    url = fields.String(metadata={"description": "Where to read it, as text"})


class GuideLineSchema(Schema):
    th = fields.String()
    en = fields.String()


class WetBinSchema(Schema):
    title_th = fields.String()
    title_en = fields.String()
    summary_th = fields.String()
    summary_en = fields.String()
    build = fields.List(fields.Nested(GuideLineSchema))
    put_in = fields.List(fields.Nested(GuideLineSchema))
    keep_out = fields.List(fields.Nested(GuideLineSchema))
    care = fields.List(fields.Nested(GuideLineSchema))
    no_space_th = fields.String()
    no_space_en = fields.String()
    checks = fields.List(fields.Nested(GuideLineSchema), metadata={
        "description": "What the wet-bin inspection looks at"})
    carbon_th = fields.String()
    carbon_en = fields.String()
    sources = fields.List(fields.String())


class GuideSchema(Schema):
    version = fields.String(metadata={"description": "The guide data's version"})
    lgo_code = fields.String(allow_none=True)
    lgo_name_th = fields.String(allow_none=True)
    lgo_name_en = fields.String(allow_none=True)
    on = fields.Date(metadata={"description": "The day the prices are for (Thai time)"})
    q = fields.String(allow_none=True)
    streams = fields.List(fields.Nested(GuideStreamSchema))
    items = fields.List(fields.Nested(GuideItemSchema))
    wet_bin = fields.Nested(WetBinSchema)
    sources = fields.List(fields.Nested(GuideSourceSchema))


class GuideOverrideSchema(Schema):
    lgo_code = fields.String()
    key = fields.String()
    stream = fields.String(allow_none=True)
    where = fields.String(allow_none=True)
    prepare_th = fields.String(allow_none=True)
    prepare_en = fields.String(allow_none=True)
    note_th = fields.String(allow_none=True)
    note_en = fields.String(allow_none=True)
    hidden = fields.Boolean()
    updated_at = fields.DateTime()
    item = fields.Nested(GuideItemSchema, metadata={"description": "The item as the LGO's "
                                                                   "residents now see it"})
