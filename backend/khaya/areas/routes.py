"""Territory API: the hierarchy, lists, single areas, map layers and point lookups.

GET /api/v1/areas/tree
GET /api/v1/areas/locate?lon=&lat=
GET /api/v1/areas/{level}                 level: provinces districts tambons lgos villages
GET /api/v1/areas/{level}/geojson
GET /api/v1/areas/{level}/{code}
POST /api/v1/areas/provinces/{code}/load  onboard a province (system admins)
"""

from __future__ import annotations

import os
import tempfile

from flask import Response
from marshmallow import Schema, fields

from ..auth.access import public, requires
from ..blueprint import MULTIPART, Blueprint, Upload
from ..common.geo import GEOJSON_MEDIA_TYPE, tolerance_for_zoom
from ..extensions import db
from . import services
from .onboard import ProvinceLoadError, load_province, read_rows
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


class ProvinceLoadFilesSchema(Schema):
    lgos = Upload(metadata={"description": "The province's LGOs: CSV (UTF-8) or GeoPackage"})
    villages = Upload(metadata={"description": "Its villages and communities: CSV or GeoPackage"})
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "Check and report; change nothing"})
    update_names = fields.Boolean(
        load_default=False,
        metadata={"description": "Give existing areas the package's names where they differ"})


class ProvinceLoadReportSchema(Schema):
    province = fields.String(required=True)
    name_th = fields.String(required=True)
    name_en = fields.String(required=True)
    source = fields.String(required=True)
    data_version = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    update_names = fields.Boolean(required=True)
    ok = fields.Boolean(required=True)
    created = fields.Dict(required=True, metadata={"description": "Per level: count and codes"})
    updated = fields.Dict(required=True)
    unchanged = fields.Dict(required=True)
    names_differ = fields.List(fields.Dict(), required=True)
    missing = fields.List(fields.Dict(), required=True,
                          metadata={"description": "Gaps that do not stop a load"})
    conflicts = fields.List(fields.Dict(), required=True)


# A file's type is told by its name; one without a known suffix is read as a GeoPackage.
_SUFFIXES = (".csv", ".txt", ".gpkg", ".geojson", ".json")


@blp.route("/provinces/<code>/load", methods=["POST"])
@requires("areas.manage")
@blp.arguments(ProvinceLoadFilesSchema, location=MULTIPART)
@blp.response(200, ProvinceLoadReportSchema)
def load_province_files(data, code: str):
    """Onboard a province: districts and tambons from geothai, LGOs and villages from the
    office's files. A conflict refuses the load (422, with the report) and changes nothing."""
    with tempfile.TemporaryDirectory(prefix="khaya-province-") as folder:
        rows = {}
        for name in ("lgos", "villages"):
            upload = data.get(name)
            if upload is None:
                continue
            suffix = os.path.splitext(upload.filename or "")[1].lower()
            path = os.path.join(folder, name + (suffix if suffix in _SUFFIXES else ".gpkg"))
            upload.save(path)
            rows[name] = read_rows(path, name)
        report = load_province(db.session, code, lgos=rows.get("lgos"),
                               villages=rows.get("villages"), dry_run=data["dry_run"],
                               update_names=data["update_names"])
    if not report.ok:
        db.session.rollback()
        raise ProvinceLoadError(
            f"{len(report.conflicts)} row(s) conflict; nothing was changed.",
            message_th=f"มี {len(report.conflicts)} แถวที่ขัดกัน ไม่มีข้อมูลใดถูกเปลี่ยน",
            extra={"report": report.as_dict()})
    if data["dry_run"]:
        db.session.rollback()
    else:
        db.session.commit()
    return report.as_dict()
