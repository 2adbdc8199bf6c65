"""Geometry in one place: SRID 4326, the GeoJSON point field, feature collections built in SQL."""

from __future__ import annotations

import math
from typing import Any

from geoalchemy2 import WKBElement, WKTElement
from geoalchemy2.shape import to_shape
from marshmallow import ValidationError, fields
from sqlalchemy import Select, Text, func, literal_column, select
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db

SRID = 4326
GEOJSON_MEDIA_TYPE = "application/geo+json"
# Six decimals is about 11 cm at the equator: finer than any phone GPS.
GEOJSON_DECIMALS = 6


class GeoJSONPoint(fields.Field):
    """A GeoJSON Point on the wire, a PostGIS point in the model."""

    # What the OpenAPI document says of it (a field of its own has no type otherwise).
    OPENAPI = {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Point"]},
            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                            "maxItems": 2, "description": "[longitude, latitude]"},
        },
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {**self.OPENAPI, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any):
        if value is None:
            return None
        if isinstance(value, WKBElement | WKTElement):
            shape = to_shape(value)
            return {"type": "Point", "coordinates": [round(shape.x, 7), round(shape.y, 7)]}
        return value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        if not isinstance(value, dict) or value.get("type") != "Point":
            raise ValidationError("Must be a GeoJSON Point.")
        if extra := sorted(set(value) - {"type", "coordinates"}, key=str):
            raise ValidationError({str(key): ["Unknown field."] for key in extra})
        coords = value.get("coordinates")
        if (
            not isinstance(coords, list | tuple)
            or len(coords) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
        ):
            raise ValidationError("A Point has [longitude, latitude].")
        lon, lat = (float(c) for c in coords)
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
            raise ValidationError("Longitude must be within ±180 and latitude within ±90.")
        return point(lon, lat)


def point(lon: float, lat: float) -> WKTElement:
    """Return a PostGIS point for a longitude and latitude."""
    return WKTElement(f"POINT({lon!r} {lat!r})", srid=SRID)


def point_coords(element: WKBElement | WKTElement) -> tuple[float, float]:
    """Return (longitude, latitude) of a PostGIS point."""
    shape = to_shape(element)
    return shape.x, shape.y


def envelope(bbox: tuple[float, float, float, float]) -> ColumnElement:
    """Return the bbox as a geometry; compare columns to it so their spatial index is used."""
    return func.ST_MakeEnvelope(*bbox, SRID)


def tolerance_for_zoom(zoom: int) -> float:
    """Return half a screen pixel, in degrees, at a web-map zoom level."""
    return 360.0 / (256 * 2**zoom) / 2


def feature_collection(stmt: Select, geom_column: str = "geom") -> str:
    """Build a GeoJSON FeatureCollection in SQL from a select that has a ``geom`` column.

    Every other selected column becomes a property. Returns the text, ready to send.
    """
    rows = stmt.subquery("f")
    feature = func.ST_AsGeoJSON(literal_column("f"), geom_column, GEOJSON_DECIMALS).cast(JSON)
    collection = func.json_build_object(
        "type",
        "FeatureCollection",
        "features",
        func.coalesce(func.json_agg(feature), literal_column("'[]'::json")),
    )
    return db.session.execute(
        select(collection.cast(Text)).select_from(rows),
        # The wrapping select is a new statement: keep the inner one's options (unscoped()).
        execution_options=stmt.get_execution_options(),
    ).scalar_one()


class BBox(fields.Field):
    """A ``minLon,minLat,maxLon,maxLat`` query parameter, as OGC API and pg_featureserv take it."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        try:
            parts = tuple(float(p) for p in str(value).split(","))
        except ValueError:
            raise ValidationError("bbox takes four numbers: minLon,minLat,maxLon,maxLat.") from None
        if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
            raise ValidationError("bbox takes four numbers: minLon,minLat,maxLon,maxLat.")
        min_lon, min_lat, max_lon, max_lat = parts
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise ValidationError("bbox must lie within ±180/±90 with min below max.")
        return parts
