"""The sync batch and its answer."""

import dataclasses
import uuid
from typing import Any

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


_RESULT_FIELDS = tuple(ItemResultSchema._declared_fields)


def dump_result(result: dict[str, Any]) -> dict[str, Any]:
    """Return what ``SyncResultSchema().dump(result)`` returns, written out directly.

    The answer to a 500-item batch is 500 small records of plain values; marshmallow's generic
    walk over them cost a sixth of the whole request (bench/sync.py --profile). Each field is
    the schema's own, a field the result lacks is left out as the schema leaves it out, and
    ``tests/sync/test_dump_result.py`` checks the two agree on any result.
    """
    return {
        "server_time": result["server_time"].isoformat(),
        "clock_offset_s": result["clock_offset_s"],
        "counts": {str(k): int(v) for k, v in result["counts"].items()},
        "results": [_dump_item(r) for r in result["results"]],
    }


def _dump_item(item: Any) -> dict[str, Any]:
    values = item.__dict__ if dataclasses.is_dataclass(item) else item
    out = {name: values[name] for name in _RESULT_FIELDS if name in values}
    if out.get("client_id") is not None:
        client_id = out["client_id"]
        out["client_id"] = str(client_id if isinstance(client_id, uuid.UUID)
                               else uuid.UUID(str(client_id)))
    if out.get("errors") is not None:
        out["errors"] = dict(out["errors"])
    return out
