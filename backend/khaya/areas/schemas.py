"""Request and response schemas of the territory API."""

from marshmallow import Schema, fields, validate

from ..common.geo import BBox, GeoJSONPoint
from ..common.schemas import Name, PageArgsSchema, PageMetaSchema
from .models import BoundarySource, LgoType, VillageKind


class AreaFilterArgsSchema(Schema):
    parent = fields.String(metadata={"description": "Code of the parent area"})
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the Thai or English name, or a code prefix"},
    )
    bbox = BBox(metadata={"description": "minLon,minLat,maxLon,maxLat (EPSG:4326)"})
    lgo = fields.String(metadata={"description": "Villages only: the LGO's code"})
    kind = fields.Enum(VillageKind, by_value=True, metadata={"description": "Villages only"})
    type = fields.Enum(LgoType, by_value=True, metadata={"description": "LGOs only"})


class AreaListArgsSchema(AreaFilterArgsSchema, PageArgsSchema):
    pass


class AreaGeoJSONArgsSchema(AreaFilterArgsSchema):
    zoom = fields.Integer(
        validate=validate.Range(min=0, max=22),
        metadata={"description": "Simplify to half a pixel at this web-map zoom"},
    )
    tolerance = fields.Float(
        validate=validate.Range(min=0, max=1),
        metadata={"description": "Simplification tolerance in degrees (overrides zoom)"},
    )


class LocateArgsSchema(Schema):
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))


class AreaSchema(Schema):
    code = fields.String(required=True)
    name_th = fields.String(required=True)
    name_en = fields.String(required=True)
    boundary_source = fields.Enum(BoundarySource, by_value=True)
    boundary_approximate = fields.Function(
        lambda area: area.boundary_source == BoundarySource.approximate,
        metadata={"description": "True while the polygon is the demo's generated one"},
    )


class PopulatedAreaSchema(AreaSchema):
    point = GeoJSONPoint(metadata={"description": "Reference point (office or centroid)"})
    population = fields.Integer(allow_none=True)
    households = fields.Integer(allow_none=True)


class ProvinceSchema(PopulatedAreaSchema):
    pass


class DistrictSchema(PopulatedAreaSchema):
    province_code = fields.String()


class TambonSchema(PopulatedAreaSchema):
    district_code = fields.String()
    postcode = fields.String(allow_none=True)


class VillageSchema(AreaSchema):
    tambon_code = fields.String()
    moo = fields.Integer(allow_none=True)
    kind = fields.Enum(VillageKind, by_value=True)
    lgo_code = fields.String()
    lgo_assignment_approximate = fields.Function(
        lambda v: v.lgo_assignment.value == "approximate",
        metadata={
            "description": "True where the seed assigned the village to one of the "
            "LGOs sharing its tambon"
        },
    )
    point = GeoJSONPoint()
    households_estimate = fields.Integer(allow_none=True)


class LgoVersionSchema(Schema):
    type = fields.Enum(LgoType, by_value=True)
    name_th = fields.String()
    name_en = fields.String()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)


class LgoChangeSchema(Schema):
    valid_from = fields.Date(required=True)
    type = fields.Enum(LgoType, by_value=True)
    name_th = Name(validate=validate.Length(min=1, max=200))
    name_en = Name(validate=validate.Length(min=1, max=200))
    note = fields.String(validate=validate.Length(max=500))


class LgoSchema(AreaSchema):
    type = fields.Enum(LgoType, by_value=True)
    district_code = fields.String()
    office_point = GeoJSONPoint()
    office_point_source = fields.String(allow_none=True)
    households = fields.Integer(allow_none=True)


class LgoDetailSchema(LgoSchema):
    history = fields.List(fields.Nested(LgoVersionSchema))


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """Return a ``{items, meta}`` page schema of ``item``."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item)), "meta": fields.Nested(PageMetaSchema)},
        name=name,
    )


class LocationSchema(Schema):
    village = fields.Nested(VillageSchema)
    tambon = fields.Nested(TambonSchema)
    district = fields.Nested(DistrictSchema)
    province = fields.Nested(ProvinceSchema)
    lgo = fields.Nested(LgoSchema)
    pao = fields.Nested(LgoSchema, allow_none=True)


class TreeVillageSchema(Schema):
    code = fields.String()
    moo = fields.Integer(allow_none=True)
    kind = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    lgo_code = fields.String()


class TreeTambonSchema(Schema):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    villages = fields.List(fields.Nested(TreeVillageSchema))


class TreeDistrictSchema(Schema):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    tambons = fields.List(fields.Nested(TreeTambonSchema))


class TreeProvinceSchema(Schema):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    districts = fields.List(fields.Nested(TreeDistrictSchema))


class TreeSchema(Schema):
    provinces = fields.List(fields.Nested(TreeProvinceSchema))
