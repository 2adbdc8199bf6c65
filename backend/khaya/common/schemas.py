"""Schemas shared by every domain."""

import datetime as dt
import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ..auth.passwords import normalize_phone


class StrictSchema(Schema):
    """Base for request schemas: unknown fields are an error (the marshmallow 4 default)."""


class QueueHealthSchema(Schema):
    waiting = fields.Integer(required=True, metadata={
        "description": "Jobs due and not yet taken by a worker."})
    oldest_waiting_seconds = fields.Float(required=True, allow_none=True, metadata={
        "description": "How long the oldest of them has waited; null when none waits."})
    failed = fields.Integer(required=True, metadata={
        "description": "Jobs that failed and are kept for inspection (30 days)."})
    workers = fields.Integer(required=True, metadata={
        "description": "Workers whose heartbeat arrived in the last minute."})
    by_queue = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "Jobs waiting, per queue."})


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    postgres = fields.String(required=True)
    postgis = fields.String(required=True)
    queue = fields.Nested(QueueHealthSchema, required=True)


# The largest page number: its OFFSET must fit PostgreSQL's bigint whatever the page size.
MAX_PAGE = 2**31 - 1


class PageArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class PageMetaSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class UtcDateTime(fields.AwareDateTime):
    """An ISO date-time with an offset, handed on in UTC.

    Python accepts offsets up to ±23:59 but PostgreSQL only ±15:59, so a value is converted to
    UTC before any query sees it; one that leaves the calendar on the way is a field error.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError as error:
            raise ValidationError("Not a date-time Khaya can store.") from error


class ThaiPhone(fields.String):
    """A Thai phone number in any usual format, stored as E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        phone = normalize_phone(text)
        if phone is None:
            raise ValidationError("Not a Thai phone number (e.g. 081-234-5678 or +66812345678).")
        return phone


HHMM = validate.Regexp(
    r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", error="A time as HH:MM, 00:00 to 24:00."
)


class WeeklyHoursSchema(Schema):
    day = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=6),
        metadata={"description": "0 Monday … 6 Sunday"},
    )
    opens = fields.String(required=True, validate=HHMM)
    closes = fields.String(required=True, validate=HHMM)

    @validates_schema
    def _opens_before_closes(self, data, **kwargs):
        if data["opens"] >= data["closes"]:
            raise ValidationError(f"Must be after opens ({data['opens']}).", "closes")


class OpeningSchema(Schema):
    """Weekly hours, dated days (a waste bank's buying days), or both."""

    weekly = fields.List(
        fields.Nested(WeeklyHoursSchema), load_default=list, validate=validate.Length(max=21)
    )
    dates = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=366))

    @validates_schema
    def _no_overlap(self, data, **kwargs):
        slots = sorted((s["day"], s["opens"], s["closes"]) for s in data["weekly"])
        for (day, _, closes), (next_day, opens, _) in zip(slots, slots[1:], strict=False):
            if day == next_day and opens < closes:
                raise ValidationError(f"Hours overlap on day {day}.", "weekly")

    @post_load
    def _normalise(self, data, **kwargs):
        # Stored as JSONB: dates become ISO text; both lists in a stable order.
        return {
            "weekly": sorted(data["weekly"], key=lambda s: (s["day"], s["opens"])),
            "dates": sorted({d.isoformat() for d in data["dates"]}),
        }


# Bidi controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) and zero-width
# characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM). None of them shows, and none is needed to write
# Thai, English or any name Lamphun has; a right-to-left override makes "ecilA" read as "Alice"
# in a list, and a zero-width space makes two identical-looking names differ.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


class Name(fields.String):
    """A name a person typed (of a person, a household, a place): invisible characters go.

    They are removed rather than refused because they arrive unseen, pasted from a chat or a
    document; a name that was nothing else is then empty, which the field's length refuses.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        return INVISIBLE.sub("", super()._deserialize(value, attr, data, **kwargs))
