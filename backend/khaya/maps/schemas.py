"""Request and response schemas of the tiles and the OGC API - Features endpoints."""

from __future__ import annotations

import math
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from .ogc import CRS84, DEFAULT_LIMIT, MAX_LIMIT
from .ogc_filter import FILTER_LANGS, MAX_FILTER_LENGTH


class OgcBBox(fields.Field):
    """``minLon,minLat,maxLon,maxLat`` (or six numbers with heights) in CRS84."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        message = "bbox takes 4 or 6 numbers: minLon,minLat,[minZ,]maxLon,maxLat[,maxZ]."
        try:
            parts = tuple(float(p) for p in str(value).split(","))
        except ValueError:
            raise ValidationError(message) from None
        if len(parts) not in (4, 6) or not all(math.isfinite(p) for p in parts):
            raise ValidationError(message)
        lons = (parts[0], parts[3]) if len(parts) == 6 else (parts[0], parts[2])
        lats = (parts[1], parts[4]) if len(parts) == 6 else (parts[1], parts[3])
        if not all(-180 <= v <= 180 for v in lons) or not all(-90 <= v <= 90 for v in lats):
            raise ValidationError("bbox must lie within ±180 longitude and ±90 latitude.")
        if lats[0] > lats[1]:
            raise ValidationError("bbox's minimum latitude must not exceed its maximum.")
        return parts


class FormatArgsSchema(Schema):
    f = fields.String(
        load_default="json",
        validate=validate.OneOf(["json"]),
        metadata={"description": "Output format; JSON (GeoJSON for features) only"},
    )


class ItemsArgsSchema(FormatArgsSchema):
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1),
        metadata={
            "description": f"Features per page; above {MAX_LIMIT} is served as {MAX_LIMIT}",
            "maximum": MAX_LIMIT,
        },
    )
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
    bbox = OgcBBox(metadata={"description": "minLon,minLat,maxLon,maxLat in CRS84"})
    bbox_crs = fields.String(
        data_key="bbox-crs",
        validate=validate.OneOf([CRS84]),
        metadata={"description": "Only CRS84 is offered"},
    )
    datetime = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Accepted for conformance; the collections are not temporal"},
    )
    filter = fields.String(
        validate=validate.Length(min=1, max=MAX_FILTER_LENGTH),
        metadata={"description": "A CQL2 filter on the collection's queryables, e.g. "
                  "lgo_code = 'lamphun-town' AND participation >= 0.5"},
    )
    filter_lang = fields.String(
        data_key="filter-lang", load_default="cql2-text", validate=validate.OneOf(FILTER_LANGS),
    )
    filter_crs = fields.String(
        data_key="filter-crs", validate=validate.OneOf([CRS84]),
        metadata={"description": "Only CRS84 is offered"},
    )


class QueryablesSchema(Schema):
    """A JSON Schema of the properties a collection can be filtered on (Part 3)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String()
    title = fields.String()
    properties = fields.Dict()


class LinkSchema(Schema):
    href = fields.String(required=True)
    rel = fields.String(required=True)
    type = fields.String()
    title = fields.String()


class LandingPageSchema(Schema):
    title = fields.String(required=True)
    description = fields.String()
    links = fields.List(fields.Nested(LinkSchema), required=True)


class ConformanceSchema(Schema):
    conformsTo = fields.List(fields.String(), required=True)


class ExtentSchema(Schema):
    spatial = fields.Dict()


class CollectionSchema(Schema):
    id = fields.String(required=True)
    title = fields.String()
    description = fields.String()
    itemType = fields.String()
    crs = fields.List(fields.String())
    extent = fields.Nested(ExtentSchema)
    links = fields.List(fields.Nested(LinkSchema), required=True)


class CollectionsSchema(Schema):
    links = fields.List(fields.Nested(LinkSchema), required=True)
    collections = fields.List(fields.Nested(CollectionSchema), required=True)


class TileLayerSchema(Schema):
    id = fields.String(required=True)
    tiles = fields.List(fields.String(), required=True)
    minzoom = fields.Integer()
    maxzoom = fields.Integer()
    public = fields.Boolean()
    permission = fields.String(allow_none=True)


class TileIndexSchema(Schema):
    layers = fields.List(fields.Nested(TileLayerSchema), required=True)
