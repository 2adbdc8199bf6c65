"""Territory API: the hierarchy, lists, single areas, map layers and point lookups.

GET /api/v1/areas/tree
GET /api/v1/areas/locate?lon=&lat=
GET /api/v1/areas/{level}                 level: provinces districts tambons lgos villages
GET /api/v1/areas/{level}/geojson
GET /api/v1/areas/{level}/{code}
"""

from __future__ import annotations

from flask import Response
from marshmallow import Schema

from ..auth.access import public, requires
from ..blueprint import Blueprint
from ..common.geo import GEOJSON_MEDIA_TYPE, tolerance_for_zoom
from ..extensions import db
from . import services
from .schemas import (
    AreaGeoJSONArgsSchema,
    AreaListArgsSchema,
    DistrictSchema,
    LgoChangeSchema,
    LgoDetailSchema,
    LgoSchema,
    LocateArgsSchema,
    LocationSchema,
    ProvinceSchema,
    TambonSchema,
    TreeSchema,
    VillageSchema,
    page_schema,
)

blp = Blueprint(
    "areas", __name__, url_prefix="/areas", description="Territory: DOPA areas and LGOs"
)

# level -> (item schema, detail schema, extra GeoJSON properties)
LEVEL_SCHEMAS: dict[str, tuple[type[Schema], type[Schema], tuple[str, ...]]] = {
    "provinces": (ProvinceSchema, ProvinceSchema, ()),
    "districts": (DistrictSchema, DistrictSchema, ("province_code",)),
    "tambons": (TambonSchema, TambonSchema, ("district_code",)),
    "lgos": (LgoSchema, LgoDetailSchema, ("type", "district_code")),
    "villages": (VillageSchema, VillageSchema, ("tambon_code", "moo", "kind", "lgo_code")),
}


@blp.route("/tree")
@public
@blp.response(200, TreeSchema)
def tree():
    """Return the whole hierarchy: province, districts, tambons, villages and communities."""
    return services.area_tree()


@blp.route("/locate")
@public
@blp.arguments(LocateArgsSchema, location="query")
@blp.response(200, LocationSchema)
def locate(args):
    """Return the areas and LGOs that contain a point."""
    return services.locate(args["lon"], args["lat"])


def _register_level(level: str) -> None:
    item_schema, detail_schema, properties = LEVEL_SCHEMAS[level]
    singular = level[:-1]

    @blp.route(f"/{level}", endpoint=f"list_{level}")
    @public
    @blp.arguments(AreaListArgsSchema, location="query")
    @blp.response(200, page_schema(item_schema, f"{singular.title()}Page"))
    def list_level(args):
        return services.list_areas(level, **args)

    @blp.route(f"/{level}/geojson", endpoint=f"geojson_{level}")
    @public
    @blp.arguments(AreaGeoJSONArgsSchema, location="query")
    @blp.response(200, content_type=GEOJSON_MEDIA_TYPE)
    def geojson_level(args):
        zoom = args.pop("zoom", None)
        tolerance = args.pop("tolerance", None)
        if tolerance is None:
            tolerance = tolerance_for_zoom(zoom) if zoom is not None else 0.0
        body = services.areas_geojson(level, tolerance=tolerance, properties=properties, **args)
        return Response(body, mimetype=GEOJSON_MEDIA_TYPE)

    @blp.route(f"/{level}/<code>", endpoint=f"get_{singular}")
    @public
    @blp.response(200, detail_schema)
    def get_level(code: str):
        return services.get_area(level, code)

    list_level.__doc__ = f"List {level}, filtered and paged, in code order."
    geojson_level.__doc__ = f"Return {level} as a GeoJSON FeatureCollection."
    get_level.__doc__ = f"Return one of the {level} by its code."


for _level in LEVEL_SCHEMAS:
    _register_level(_level)


@blp.route("/lgos/<code>/history", methods=["POST"])
@requires("areas.manage")
@blp.arguments(LgoChangeSchema)
@blp.response(201, LgoDetailSchema)
def change_lgo(data, code: str):
    """Record an LGO's rename or upgrade from the day it took effect."""
    lgo = services.get_area("lgos", code)
    services.change_lgo(lgo, **data)
    db.session.commit()
    return lgo
