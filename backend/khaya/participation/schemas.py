"""Schemas of what phones record: sorting logs and inspections, and their history views."""

import datetime as dt
import math
import re
import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..common.geo import GeoJSONPoint
from ..common.schemas import PageArgsSchema, PageMetaSchema
from .models import KG_CEILING, STREAMS, OrganicHandling, Stream

# The wet-bin arrangements an inspection can confirm (the register's "none" is not one).
ARRANGEMENTS = ("has_bin", "communal", "no_space")
LOCATION_FLAGS = ("far", "no_location", "mock_location")
REVIEW_STATES = ("pending", "accepted", "rejected")

KG = validate.Range(min=0, max=KG_CEILING, error=f"Between 0 and {KG_CEILING} kg.")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STREAM_OF = {s.value: s for s in Stream}
_HANDLING_OF = {h.value: h for h in OrganicHandling}
_KG_KEYS = {f"kg_{s}": s for s in STREAMS}
_LOG_KEYS = frozenset({"household_id", "log_date", "streams", "organic_handling", "photo_id",
                       "corrects", *_KG_KEYS})


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    return uuid.UUID(value) if type(value) is str else _refuse()


def _refuse() -> Any:
    raise ValueError


def fast_log(data: dict[str, Any]) -> dict[str, Any] | None:
    """Return what ``SortingLogDataSchema().load(data)`` returns, for a log written the way
    phones write them (exact JSON types, known keys, values in range); ``None`` for anything
    else, which the schema itself then loads and answers with its own messages.

    The plain case is nine in ten of all sync traffic; marshmallow's generic walk over it cost
    more than the database's insert (bench/sync.py --profile).
    """
    if not data.keys() <= _LOG_KEYS:
        return None
    try:
        household_id, day, names = data["household_id"], data["log_date"], data["streams"]
        if type(household_id) is not int or type(day) is not str or type(names) is not list:
            return None
        if not 1 <= len(names) <= 4 or len(set(names)) != len(names) or not _ISO_DAY.fullmatch(day):
            return None
        out: dict[str, Any] = {"household_id": household_id, "log_date": dt.date.fromisoformat(day),
                               "streams": [_STREAM_OF[name] for name in names]}
        if "organic_handling" in data:
            handling = data["organic_handling"]
            if handling is not None and "organic" not in names:
                return None
            out["organic_handling"] = None if handling is None else _HANDLING_OF[handling]
        for key, stream in _KG_KEYS.items():
            if key in data:
                kg = data[key]
                if kg is not None:
                    if type(kg) not in (int, float) or not math.isfinite(kg):
                        return None
                    if not 0 <= kg <= KG_CEILING or stream not in names:
                        return None
                    kg = float(kg)
                out[key] = kg
        for key in ("photo_id", "corrects"):
            if key in data:
                out[key] = _uuid_or_none(data[key])
    except (KeyError, TypeError, ValueError):
        return None
    return out


class SortingLogDataSchema(Schema):
    """A sorting log as a phone sends it; ``fast_load`` takes the usual case quickly."""

    fast_load = staticmethod(fast_log)

    household_id = fields.Integer(required=True)
    log_date = fields.Date(required=True)
    streams = fields.List(
        fields.Enum(Stream, by_value=True), required=True,
        validate=validate.Length(min=1, max=4, error="Name 1 to 4 streams."),
    )
    organic_handling = fields.Enum(OrganicHandling, by_value=True, allow_none=True)
    kg_organic = fields.Float(allow_none=True, validate=KG)
    kg_recyclable = fields.Float(allow_none=True, validate=KG)
    kg_general = fields.Float(allow_none=True, validate=KG)
    kg_hazardous = fields.Float(allow_none=True, validate=KG)
    photo_id = fields.UUID(allow_none=True)
    corrects = fields.UUID(allow_none=True, metadata={
        "description": "The client_id of a log of the same household and day that this one "
                       "corrects: that log is voided as this one is stored (a day logged "
                       "twice by mistake stays one log)"})

    @validates_schema
    def _consistent(self, data, **kwargs):
        streams = [s.value for s in data.get("streams", [])]
        if len(set(streams)) != len(streams):
            raise ValidationError("Each stream once.", "streams")
        errors = {
            f"kg_{s}": ["Weighed a stream that was not sorted."]
            for s in STREAMS if data.get(f"kg_{s}") is not None and s not in streams
        }
        if data.get("organic_handling") and "organic" not in streams:
            errors["organic_handling"] = ["Only with the organic stream."]
        if errors:
            raise ValidationError(errors)


class InspectionDataSchema(Schema):
    household_id = fields.Integer(required=True)
    inspected_on = fields.Date(required=True)
    registered = fields.Boolean(required=True)
    bin_built = fields.Boolean(required=True)
    food_waste_in_bin = fields.Boolean(required=True)
    lid_closed = fields.Boolean(required=True)
    used_correctly = fields.Boolean(required=True)
    sorting_ok = fields.Boolean(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))
    photo_id = fields.UUID(allow_none=True)
    point = GeoJSONPoint(allow_none=True, metadata={"description": "Where the inspector stood"})
    gps_accuracy_m = fields.Float(allow_none=True, validate=validate.Range(min=0, max=10000))
    mock_location = fields.Boolean(load_default=False,
                                   metadata={"description": "The phone reported a mock location"})
    wet_bin = fields.String(
        allow_none=True, validate=validate.OneOf(ARRANGEMENTS),
        metadata={"description": "The arrangement the inspector confirmed; a counted pass "
                                 "writes it to the register (default: the register's, else "
                                 "has_bin)"})


class SortingLogSchema(Schema):
    id = fields.Integer()
    client_id = fields.UUID()
    household_id = fields.Integer()
    log_date = fields.Date()
    streams = fields.List(fields.String())
    organic_handling = fields.Enum(OrganicHandling, by_value=True, allow_none=True)
    kg_organic = fields.Float(allow_none=True)
    kg_recyclable = fields.Float(allow_none=True)
    kg_general = fields.Float(allow_none=True)
    kg_hazardous = fields.Float(allow_none=True)
    photo_id = fields.UUID(allow_none=True)
    recorded_role = fields.String(allow_none=True)
    received_at = fields.DateTime()
    clock_offset_s = fields.Integer(allow_none=True)
    voided_at = fields.DateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)


class InspectionSchema(Schema):
    id = fields.Integer()
    client_id = fields.UUID()
    household_id = fields.Integer()
    inspected_on = fields.Date()
    registered = fields.Boolean()
    bin_built = fields.Boolean()
    food_waste_in_bin = fields.Boolean()
    lid_closed = fields.Boolean()
    used_correctly = fields.Boolean()
    sorting_ok = fields.Boolean(allow_none=True)
    passed = fields.Boolean()
    notes = fields.String(allow_none=True)
    photo_id = fields.UUID(allow_none=True)
    distance_m = fields.Float(allow_none=True)
    gps_accuracy_m = fields.Float(allow_none=True)
    mock_location = fields.Boolean()
    location_flag = fields.String(allow_none=True)
    wet_bin = fields.String(allow_none=True)
    review = fields.Method("_review", allow_none=True, metadata={
        "description": "pending, accepted or rejected; null when not flagged"})
    review_reason = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    counted = fields.Boolean(metadata={"description": "Whether its result counts"})
    recorded_role = fields.String(allow_none=True)
    received_at = fields.DateTime()

    def _review(self, obj) -> str | None:
        return review_state(self.get_attribute(obj, "location_flag", None),
                            self.get_attribute(obj, "review", None))


def review_state(flag: str | None, review: object) -> str | None:
    """``pending`` for a flagged inspection nobody decided on, else the decision (or None)."""
    if flag is None:
        return None
    return "pending" if review is None else str(getattr(review, "value", review))


class PersonSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()


class ReviewItemSchema(InspectionSchema):
    """A flagged inspection as the LGO reviews it: the household and the people around it."""

    house_number = fields.String()
    village_code = fields.String()
    village_name_th = fields.String()
    village_name_en = fields.String(allow_none=True)
    household_verified_on = fields.Date(allow_none=True)
    superseded = fields.Boolean(
        metadata={"description": "A later counted inspection decides the household anyway"})
    inspector = fields.Nested(PersonSchema, allow_none=True)
    reviewer = fields.Nested(PersonSchema, allow_none=True)


class ReviewPageSchema(Schema):
    items = fields.List(fields.Nested(ReviewItemSchema))
    meta = fields.Nested(PageMetaSchema)


class ReviewQueueArgsSchema(PageArgsSchema):
    state = fields.String(load_default="pending", validate=validate.OneOf((*REVIEW_STATES, "all")))
    flag = fields.String(validate=validate.OneOf(LOCATION_FLAGS))
    village = fields.String(
        validate=validate.Regexp(r"^[0-9]{8}$", error="An 8-digit village code."))
    household_id = fields.Integer(validate=validate.Range(min=1))


class ReviewDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "reject")))
    reason = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200), validate.Regexp(r"\S", error="Say why.")],
        metadata={"description": "Why: shown to the inspector and in the household's audit "
                                 "trail"})


class LogPageSchema(Schema):
    items = fields.List(fields.Nested(SortingLogSchema))
    meta = fields.Nested(PageMetaSchema)


class InspectionPageSchema(Schema):
    items = fields.List(fields.Nested(InspectionSchema))
    meta = fields.Nested(PageMetaSchema)


class HistoryArgsSchema(PageArgsSchema):
    since = fields.Date()
    until = fields.Date()


class VoidSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class PhotoSchema(Schema):
    id = fields.UUID()
    household_id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
