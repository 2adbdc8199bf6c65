"""Request and response schemas of collection points and the hazardous-waste chain."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ..common.geo import BBox, GeoJSONPoint
from ..common.schemas import (
    Name,
    OpeningSchema,
    PageArgsSchema,
    PageMetaSchema,
    WeeklyHoursSchema,
)
from .models import HAZARD_KG_CEILING, HAZARD_TYPES, STREAMS, PointKind, PointStatus, ScheduleKind

LGO_CODE = validate.Regexp(
    r"^[a-z0-9-]{1,80}$", error="An LGO code such as lamphun-town-municipality."
)
VILLAGE_CODE = validate.Regexp(r"^[0-9]{8}$", error="An 8-digit village code.")
STREAM = validate.OneOf(STREAMS)
ROW_ID = validate.Range(min=1, max=2**31 - 1)


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Name each value once.")


# Collection points --------------------------------------------------------------------------


class OpeningOutSchema(Schema):
    weekly = fields.List(fields.Nested(WeeklyHoursSchema), dump_default=list)
    dates = fields.List(fields.String(), dump_default=list)


class CollectionPointSchema(Schema):
    """A collection point as everyone (anonymous callers too) sees it."""

    id = fields.Integer()
    kind = fields.Enum(PointKind, by_value=True)
    name_th = fields.String()
    name_en = fields.String(allow_none=True)
    # Dotted attributes rather than functions, so NearbyPointSchema can read from its pair.
    lgo_code = fields.String(attribute="lgo.code")
    lgo_name_th = fields.String(attribute="lgo.name_th")
    village_code = fields.String(attribute="village.code", allow_none=True, dump_default=None)
    point = GeoJSONPoint()
    streams = fields.List(fields.String())
    opening = fields.Nested(OpeningOutSchema)
    status = fields.Enum(PointStatus, by_value=True)
    contact = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class CollectionPointPageSchema(Schema):
    items = fields.List(fields.Nested(CollectionPointSchema))
    meta = fields.Nested(PageMetaSchema)


class NearbyPointSchema(CollectionPointSchema):
    distance_m = fields.Float(metadata={"description": "Geodesic distance in metres"})

    def get_attribute(self, obj: Any, attr: str, default: Any):
        # ``obj`` is a services.Nearby pair: the point and its distance.
        if attr == "distance_m":
            return obj.distance_m
        return super().get_attribute(obj.point, attr, default)


class NearbyPointsSchema(Schema):
    items = fields.List(fields.Nested(NearbyPointSchema))


class CollectionPointFieldsSchema(Schema):
    name_th = Name(validate=validate.Length(min=1, max=200))
    name_en = Name(allow_none=True, validate=validate.Length(max=200))
    village_code = fields.String(allow_none=True, validate=VILLAGE_CODE)
    point = GeoJSONPoint(metadata={"description": "GeoJSON Point, [longitude, latitude]"})
    streams = fields.List(
        fields.String(validate=STREAM),
        validate=[validate.Length(min=1, max=len(STREAMS)), _unique],
        metadata={"description": "Streams accepted: " + ", ".join(STREAMS)},
    )
    opening = fields.Nested(OpeningSchema)
    status = fields.Enum(PointStatus, by_value=True)
    contact = Name(allow_none=True, validate=validate.Length(max=200))


class CollectionPointCreateSchema(CollectionPointFieldsSchema):
    kind = fields.Enum(PointKind, by_value=True, required=True)
    name_th = Name(required=True, validate=validate.Length(min=1, max=200))
    streams = fields.List(
        fields.String(validate=STREAM),
        required=True,
        validate=[validate.Length(min=1, max=len(STREAMS)), _unique],
        metadata={"description": "Streams accepted: " + ", ".join(STREAMS)},
    )
    point = GeoJSONPoint(metadata={"description": "Required: GeoJSON Point, [longitude, latitude]"})
    lgo_code = fields.String(
        validate=LGO_CODE,
        metadata={"description": "Admins name the LGO; LGO staff default to (and may use) theirs"},
    )

    @validates_schema
    def _point_given(self, data, **kwargs):
        # Checked here rather than with required=True: the OpenAPI document has no example
        # for a GeoJSON value, and clients read the rule from the description.
        if data.get("point") is None:
            raise ValidationError("Missing data for required field.", "point")


class CollectionPointUpdateSchema(CollectionPointFieldsSchema):
    kind = fields.Enum(PointKind, by_value=True)


class PointFilterArgsSchema(Schema):
    kind = fields.Enum(PointKind, by_value=True)
    stream = fields.String(validate=STREAM)
    status = fields.Enum(PointStatus, by_value=True)
    lgo = fields.String(validate=LGO_CODE, metadata={"description": "The LGO's code"})
    village = fields.String(validate=VILLAGE_CODE, metadata={"description": "Village code"})
    bbox = BBox(metadata={"description": "minLon,minLat,maxLon,maxLat (EPSG:4326)"})


class PointListArgsSchema(PointFilterArgsSchema, PageArgsSchema):
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the Thai or English name"},
    )


class NearestArgsSchema(Schema):
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    stream = fields.String(validate=STREAM)
    kind = fields.Enum(PointKind, by_value=True)
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=50))
    max_km = fields.Float(validate=validate.Range(min=0, max=200, min_inclusive=False))


# Hazardous-waste chain ----------------------------------------------------------------------


def _kg(description: str) -> fields.Decimal:
    return fields.Decimal(
        places=2,
        load_default=Decimal("0"),
        validate=validate.Range(
            min=0, max=HAZARD_KG_CEILING, error=f"From 0 to {HAZARD_KG_CEILING} kg."
        ),
        metadata={"description": description},
    )


class HazardKgInSchema(Schema):
    kg_bulbs = _kg("Fluorescent tubes and bulbs")
    kg_batteries = _kg("Batteries")
    kg_spray_cans = _kg("Spray cans")
    kg_pesticide_containers = _kg("Pesticide containers")
    kg_e_waste = _kg("Electronic waste")
    kg_other = _kg("Other hazardous waste")

    @validates_schema
    def _some_weight(self, data, **kwargs):
        if not any(data.get(f"kg_{t}", 0) > 0 for t in HAZARD_TYPES):
            raise ValidationError("Weigh at least one item type (kg above 0).")


class HazardousCollectionCreateSchema(HazardKgInSchema):
    point_id = fields.Integer(
        required=True, validate=ROW_ID, metadata={"description": "A drop-off point"}
    )
    collected_on = fields.Date(required=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=500))
    client_id = fields.UUID(metadata={"description": "Retry with the same id: no second row"})


class HazardousHandoverCreateSchema(HazardKgInSchema):
    to_point_id = fields.Integer(
        required=True, validate=ROW_ID, metadata={"description": "A PAO hand-over point"}
    )
    handed_over_on = fields.Date(required=True)
    receipt_number = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=60), validate.Regexp(r"\s*\S", error="Blank.")],
    )
    lgo_code = fields.String(
        validate=LGO_CODE, metadata={"description": "Admins name the handing LGO"}
    )
    notes = fields.String(allow_none=True, validate=validate.Length(max=500))
    client_id = fields.UUID(metadata={"description": "Retry with the same id: no second row"})

    @post_load
    def _strip(self, data, **kwargs):
        data["receipt_number"] = data["receipt_number"].strip()
        return data


class HazardKgOutSchema(Schema):
    kg_bulbs = fields.Float()
    kg_batteries = fields.Float()
    kg_spray_cans = fields.Float()
    kg_pesticide_containers = fields.Float()
    kg_e_waste = fields.Float()
    kg_other = fields.Float()
    kg_total = fields.Float()


class HazardousCollectionSchema(HazardKgOutSchema):
    id = fields.Integer()
    client_id = fields.UUID()
    point_id = fields.Integer()
    point_name_th = fields.String()
    lgo_code = fields.String()
    collected_on = fields.Date()
    notes = fields.String(allow_none=True)
    created_at = fields.DateTime()


class HazardousHandoverSchema(HazardKgOutSchema):
    id = fields.Integer()
    client_id = fields.UUID()
    lgo_code = fields.String()
    to_point_id = fields.Integer()
    to_point_name_th = fields.String()
    handed_over_on = fields.Date()
    receipt_number = fields.String()
    notes = fields.String(allow_none=True)
    created_at = fields.DateTime()


class HazardousCollectionPageSchema(Schema):
    items = fields.List(fields.Nested(HazardousCollectionSchema))
    meta = fields.Nested(PageMetaSchema)


class HazardousHandoverPageSchema(Schema):
    items = fields.List(fields.Nested(HazardousHandoverSchema))
    meta = fields.Nested(PageMetaSchema)


class PeriodArgsSchema(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "First day (inclusive)"})
    to = fields.Date(metadata={"description": "Last day (inclusive)"})
    lgo = fields.String(validate=LGO_CODE, metadata={"description": "The LGO's code"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("Must not be after 'to'.", "from")


class RecordListArgsSchema(PeriodArgsSchema, PageArgsSchema):
    point = fields.Integer(
        validate=ROW_ID, metadata={"description": "Drop-off or hand-over point id"}
    )


class KgByTypeSchema(Schema):
    bulbs = fields.Float()
    batteries = fields.Float()
    spray_cans = fields.Float()
    pesticide_containers = fields.Float()
    e_waste = fields.Float()
    other = fields.Float()
    total = fields.Float()


class HazardTotalsSchema(Schema):
    collected = fields.Nested(KgByTypeSchema, metadata={"description": "In the period"})
    handed_over = fields.Nested(KgByTypeSchema, metadata={"description": "In the period"})
    pending = fields.Nested(
        KgByTypeSchema, metadata={"description": "Collected minus handed over, all up to 'to'"}
    )


class LgoHazardTotalsSchema(HazardTotalsSchema):
    lgo_code = fields.String()
    lgo_name_th = fields.String()
    lgo_name_en = fields.String()


class HazardTotalsReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    lgos = fields.List(fields.Nested(LgoHazardTotalsSchema))
    total = fields.Nested(HazardTotalsSchema)


# Collection schedules and calendars ---------------------------------------------------------


class ScheduleExceptionSchema(Schema):
    day = fields.Date(required=True, metadata={"description": "A day the rule gives"})
    moved_to = fields.Date(allow_none=True, load_default=None,
                           metadata={"description": "Where the day moved; none: cancelled"})
    note_th = Name(allow_none=True, load_default=None, validate=validate.Length(max=200))
    note_en = Name(allow_none=True, load_default=None, validate=validate.Length(max=200))

    @post_load
    def _as_json(self, data, **kwargs):
        return {"day": data["day"].isoformat(),
                "moved_to": data["moved_to"].isoformat() if data["moved_to"] else None,
                "note_th": data["note_th"], "note_en": data["note_en"]}


class ScheduleSchema(Schema):
    """A collection schedule as everyone sees it."""

    id = fields.Integer()
    lgo_code = fields.String(attribute="lgo.code")
    village_code = fields.String(attribute="village.code", allow_none=True, dump_default=None)
    point_id = fields.Integer(allow_none=True)
    point_name_th = fields.String(attribute="point.name_th", allow_none=True, dump_default=None)
    kind = fields.Enum(ScheduleKind, by_value=True)
    stream = fields.String()
    rule = fields.String(metadata={"description": "RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU"})
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    starts_at = fields.Time(allow_none=True, format="%H:%M")
    ends_at = fields.Time(allow_none=True, format="%H:%M")
    exceptions = fields.List(fields.Dict())
    note_th = fields.String(allow_none=True)
    note_en = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class ScheduleListSchema(Schema):
    items = fields.List(fields.Nested(ScheduleSchema))


class ScheduleListArgsSchema(Schema):
    lgo_code = fields.String(validate=LGO_CODE)
    village_code = fields.String(validate=VILLAGE_CODE)


class ScheduleFieldsSchema(Schema):
    village_code = fields.String(allow_none=True, validate=VILLAGE_CODE, metadata={
        "description": "A village of the LGO; none: every village without its own"})
    point_id = fields.Integer(allow_none=True, validate=ROW_ID)
    stream = fields.String(validate=STREAM)
    rule = fields.String(validate=validate.Length(min=6, max=200), metadata={
        "description": "RFC 5545 RRULE without DTSTART, UNTIL or COUNT: FREQ=WEEKLY;BYDAY=TU "
                       "(every Tuesday), FREQ=MONTHLY;BYDAY=1FR,3FR (1st and 3rd Friday)"})
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    starts_at = fields.Time(allow_none=True, format="%H:%M")
    ends_at = fields.Time(allow_none=True, format="%H:%M")
    exceptions = fields.List(fields.Nested(ScheduleExceptionSchema),
                             validate=validate.Length(max=200))
    note_th = Name(allow_none=True, validate=validate.Length(max=500))
    note_en = Name(allow_none=True, validate=validate.Length(max=500))


class ScheduleCreateSchema(ScheduleFieldsSchema):
    kind = fields.Enum(ScheduleKind, by_value=True, required=True)
    stream = fields.String(required=True, validate=STREAM)
    rule = fields.String(required=True, validate=validate.Length(min=6, max=200))
    starts_on = fields.Date(required=True)
    lgo_code = fields.String(validate=LGO_CODE, metadata={
        "description": "Admins name the LGO; LGO staff default to (and may use) theirs"})


class ScheduleUpdateSchema(ScheduleFieldsSchema):
    pass


class CalendarEntrySchema(Schema):
    schedule = fields.Nested(ScheduleSchema)
    next = fields.Date(allow_none=True)
    upcoming = fields.List(fields.Date())
    changes = fields.List(fields.Dict(), metadata={"description": "Exceptions still to come"})
    distance_m = fields.Integer(allow_none=True, dump_default=None)


class BankDaySchema(Schema):
    id = fields.Integer(attribute="bank.id")
    name_th = fields.String(attribute="bank.name_th")
    name_en = fields.String(attribute="bank.name_en", allow_none=True)
    village_code = fields.String(attribute="bank.village.code", allow_none=True,
                                 dump_default=None)
    next = fields.Date(allow_none=True)


class VillageCalendarSchema(Schema):
    village_code = fields.String(attribute="village.code")
    village_name_th = fields.String(attribute="village.name_th")
    village_name_en = fields.String(attribute="village.name_en")
    lgo_code = fields.String(attribute="village.lgo.code")
    today = fields.Date()
    collections = fields.List(fields.Nested(CalendarEntrySchema))
    dropoffs = fields.List(fields.Nested(CalendarEntrySchema))
    banks = fields.List(fields.Nested(BankDaySchema))
