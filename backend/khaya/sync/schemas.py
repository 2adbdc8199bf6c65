"""The sync batch and its answer."""

from marshmallow import Schema, fields, validate

from ..common.schemas import UtcDateTime


class SyncBatchSchema(Schema):
    device_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    device_time = UtcDateTime(
        load_default=None,
        metadata={"description": "The phone's clock when it sent the batch (for the offset)"},
    )
    items = fields.List(
        fields.Raw(),
        required=True,
        metadata={"description": "Up to 500 items: {kind, client_id, device_time?, data}"},
    )


class SyncItemSchema(Schema):
    kind = fields.String(required=True)
    client_id = fields.UUID(required=True)
    device_time = UtcDateTime(load_default=None)
    data = fields.Raw(required=True)


class ItemResultSchema(Schema):
    index = fields.Integer()
    kind = fields.String(allow_none=True)
    client_id = fields.UUID(allow_none=True)
    status = fields.String(metadata={"description": "created, duplicate or rejected"})
    id = fields.Raw(allow_none=True, metadata={"description": "The stored row's id"})
    errors = fields.Dict()
    notice = fields.Dict(
        allow_none=True,
        metadata={"description": "Inspections: what the server made of the location "
                                 "(location_flag, distance_m, gps_accuracy_m, passed, review, "
                                 "review_reason, counted); a flagged pass counts only once the "
                                 "LGO accepts it"})
    code = fields.String(
        allow_none=True,
        metadata={"description": "Why a client id was refused: client_id_reused (already "
                  "stored with other content) or client_id_taken (held by a record outside "
                  "your area)"},
    )


class SyncResultSchema(Schema):
    server_time = fields.AwareDateTime()
    clock_offset_s = fields.Integer(
        allow_none=True, metadata={"description": "Server clock minus the phone's, in seconds"}
    )
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    results = fields.List(fields.Nested(ItemResultSchema))
