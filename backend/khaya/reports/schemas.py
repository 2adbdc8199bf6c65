"""Schemas of citizen reports: what a reporter sends, what the office and the reporter read."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..common.geo import GeoJSONPoint
from ..common.schemas import PageArgsSchema, PageMetaSchema, StrictSchema, ThaiPhone, UtcDateTime
from .models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    PHOTOS_PER_STAGE,
    Located,
    ReportStatus,
    ReportType,
)

ROW_ID = validate.Range(min=1, max=2**63 - 1)
TYPES = [t.value for t in ReportType]
STATUSES = [s.value for s in ReportStatus]


class ReportInSchema(StrictSchema):
    """A report from the phone app (online or through sync) or the public web form."""

    client_id = fields.UUID(metadata={
        "description": "Made by the phone: a retry with the same id makes no second report"})
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    location = GeoJSONPoint(required=True, metadata={
        "description": "Where the problem is: a GeoJSON Point [longitude, latitude]"})
    located_by = fields.String(load_default=Located.map.value,
                               validate=validate.OneOf([m.value for m in Located]),
                               metadata={"description": "gps: the phone's position; map: a "
                                                        "point chosen on the map"})
    accuracy_m = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100_000),
                                metadata={"description": "The GPS position's accuracy, metres"})
    description = fields.String(load_default="", validate=validate.Length(max=DESCRIPTION_MAX))
    photo_ids = fields.List(fields.UUID(), load_default=list,
                            validate=validate.Length(max=PHOTOS_PER_STAGE),
                            metadata={"description": "Photos uploaded first "
                                                     "(POST /reports/photos)"})
    collection_point_id = fields.Integer(allow_none=True, validate=validate.Range(
        min=1, max=2**31 - 1), metadata={"description": "The collection point it is about"})
    reported_at = UtcDateTime(allow_none=True, metadata={
        "description": "When the reporter saw it (the device's clock); not in the future"})
    # Left by choice, for the LGO to call back; never shown publicly.
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    contact_phone = ThaiPhone(allow_none=True)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=200))


class ReportPhotoUploadSchema(StrictSchema):
    id = fields.UUID(required=True, metadata={"description": "Made by the phone"})


class ReportPhotoSchema(Schema):
    id = fields.UUID(required=True)
    stage = fields.String(required=True)
    size = fields.Integer(required=True)
    content_type = fields.String(required=True)


class ReportEventSchema(Schema):
    at = fields.DateTime(required=True)
    action = fields.String(required=True)
    status = fields.String(required=True)
    note = fields.String(allow_none=True)


class ReportPersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ReportContactSchema(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class ReportOutSchema(Schema):
    """What the reporter sees of their report: no one else's name."""

    id = fields.Integer(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    location = GeoJSONPoint(required=True)
    accuracy_m = fields.Integer(allow_none=True)
    located_by = fields.String(required=True)
    description = fields.String(required=True)
    lgo_code = fields.String(required=True)
    lgo_name_th = fields.String(required=True)
    lgo_name_en = fields.String(required=True)
    village_code = fields.String(required=True)
    village_name_th = fields.String(required=True)
    village_name_en = fields.String(required=True)
    collection_point_id = fields.Integer(allow_none=True)
    source = fields.String(required=True)
    reported_at = fields.DateTime(required=True)
    received_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    close_note = fields.String(allow_none=True)
    duplicate_of_id = fields.Integer(allow_none=True)
    photos = fields.List(fields.Nested(ReportPhotoSchema), required=True)
    events = fields.List(fields.Nested(ReportEventSchema), required=True)


class OfficeReportSchema(ReportOutSchema):
    """What the LGO sees: who it is assigned to, and the contact the reporter left."""

    assigned_to = fields.Nested(ReportPersonSchema, allow_none=True)
    reported_by = fields.Nested(ReportPersonSchema, allow_none=True)
    contact = fields.Nested(ReportContactSchema, allow_none=True)
    age_days = fields.Integer(required=True)


class ReportStaffSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    lgo_code = fields.String(allow_none=True)


class ReportStaffListSchema(Schema):
    items = fields.List(fields.Nested(ReportStaffSchema))


class ReportDuplicateSchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    status = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    distance_m = fields.Float(required=True)


class ReportCreatedSchema(Schema):
    report = fields.Nested(ReportOutSchema, required=True)
    token = fields.String(required=True, metadata={
        "description": "Follow the report with GET /reports/track/{token}; keep it private"})
    duplicates = fields.List(fields.Nested(ReportDuplicateSchema), required=True, metadata={
        "description": "Open reports of the same type nearby: the LGO may merge them"})
    replayed = fields.Boolean(required=True, metadata={
        "description": "True when the client_id was already stored: this is that report"})


class ReportListArgsSchema(PageArgsSchema):
    status = fields.List(fields.String(validate=validate.OneOf([*STATUSES, "active"])),
                         metadata={"description": "Repeat for several; active = not closed"})
    type = fields.List(fields.String(validate=validate.OneOf(TYPES)))
    older_than_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    assigned_to = fields.Integer(validate=ROW_ID)
    lgo = fields.String(validate=validate.Length(max=80),
                        metadata={"description": "An LGO's code (admins)"})


class ReportPageSchema(Schema):
    items = fields.List(fields.Nested(OfficeReportSchema))
    meta = fields.Nested(PageMetaSchema)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Reports per status under the other filters"})


class ReportChangeSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    assigned_to_id = fields.Integer(allow_none=True, validate=ROW_ID, metadata={
        "description": "A staff member of the report's LGO; null to unassign"})
    note = fields.String(validate=validate.Length(max=NOTE_MAX), metadata={
        "description": "Required to close or reopen: what was done, for the reporter"})
    photo_ids = fields.List(fields.UUID(), validate=validate.Length(max=PHOTOS_PER_STAGE),
                            metadata={"description": "After-photos uploaded first"})


class ReportMergeSchema(StrictSchema):
    into = fields.Integer(required=True, validate=ROW_ID, metadata={
        "description": "The report this one repeats; this one closes as its duplicate"})


class MyReportsSchema(Schema):
    items = fields.List(fields.Nested(ReportOutSchema))


class ReportSettingsSchema(Schema):
    lgo_code = fields.String(required=True)
    public_reports = fields.Boolean(required=True)
    duplicate_metres = fields.Integer(required=True)
    duplicate_days = fields.Integer(required=True)


class ReportSettingsInSchema(StrictSchema):
    lgo_code = fields.String(validate=validate.Length(max=80), metadata={
        "description": "The LGO (admins); LGO roles change their own"})
    public_reports = fields.Boolean(metadata={
        "description": "Whether the public may report without an account"})
    duplicate_metres = fields.Integer(validate=validate.Range(min=5, max=1000))
    duplicate_days = fields.Integer(validate=validate.Range(min=1, max=90))


class ReportSettingsArgsSchema(StrictSchema):
    lgo = fields.String(validate=validate.Length(max=80))


class ReportAppInSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    lgo_code = fields.String(validate=validate.Length(max=80), metadata={
        "description": "The LGO whose area the app reports in; admins may leave it out for "
                       "the whole province"})


class ReportAppSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    lgo_code = fields.String(allow_none=True)
    key_hint = fields.String(required=True, metadata={"description": "The key's first letters"})
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class ReportAppCreatedSchema(ReportAppSchema):
    api_key = fields.String(required=True, metadata={
        "description": "Shown once: give it to the app; Khaya keeps only its hash"})


class ReportAppListSchema(Schema):
    items = fields.List(fields.Nested(ReportAppSchema))
