"""Import official boundaries (GeoJSON, GeoPackage, Shapefile), replacing approximate ones.

A file is read and checked as a whole before anything is written: one bad feature rejects the
file, so a territory never ends up half old and half new because of a broken upload.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from typing import Any

import numpy as np
import pyogrio
import pyogrio.errors
import pyogrio.raw
import shapely
from geoalchemy2.shape import from_shape
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, load_only, scoped_session

from ..common.geo import SRID
from .errors import BoundaryImportError
from .models import BoundarySource, District, Lgo, Province, Tambon, Village

# Model and DOPA code length per level; LGO codes are slugs, so they are never padded.
LEVELS: dict[str, tuple[Any, int | None]] = {
    "provinces": (Province, 2),
    "districts": (District, 4),
    "tambons": (Tambon, 6),
    "villages": (Village, 8),
    "lgos": (Lgo, None),
}
ACCEPTED_CRS = {"EPSG:4326", "OGC:CRS84"}
REPROJECT_HINT = "Reproject it to EPSG:4326 first, e.g. `ogr2ogr -t_srs EPSG:4326 out.gpkg in.shp`."
REPROJECT_HINT_TH = (
    "แปลงเป็น EPSG:4326 ก่อน เช่น `ogr2ogr -t_srs EPSG:4326 out.gpkg in.shp`"
)
# Enough problems to fix a file in one go, few enough to read in a terminal.
MAX_LISTED = 20
READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)


@dataclasses.dataclass
class ImportReport:
    """What an import matched, skipped and left untouched."""

    level: str
    file: str
    layer: str
    features: int
    matched: list[str] = dataclasses.field(default_factory=list)
    unmatched: list[str] = dataclasses.field(default_factory=list)
    duplicates: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    missing: list[str] = dataclasses.field(default_factory=list)
    lgos_recomputed: list[str] = dataclasses.field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data, each list with its count."""
        return {
            "level": self.level,
            "file": self.file,
            "layer": self.layer,
            "features": self.features,
            "dry_run": self.dry_run,
            "matched": {"count": len(self.matched), "codes": self.matched},
            "unmatched": {"count": len(self.unmatched), "codes": self.unmatched},
            "duplicates": {"count": len(self.duplicates), "codes": self.duplicates},
            "missing": {"count": len(self.missing), "codes": self.missing},
            "lgos_recomputed": {"count": len(self.lgos_recomputed), "codes": self.lgos_recomputed},
        }


@dataclasses.dataclass
class BoundaryFile:
    """The checked content of a boundary file: one normalised code and MultiPolygon a feature."""

    path: str
    layer: str
    codes: list[str]
    geoms: list[shapely.MultiPolygon]


def import_boundaries(
    session: Session | scoped_session[Any],
    path: str | os.PathLike[str],
    level: str,
    *,
    code_field: str = "code",
    layer: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Replace the geometries of ``level`` with those of the file, matched by code.

    Raises BoundaryImportError, before writing anything, when the file cannot be used.
    Adds and flushes; the caller commits.
    """
    model, _ = _level(level)
    data = read_boundary_file(path, level, code_field=code_field, layer=layer)

    positions: dict[str, list[int]] = {}
    for index, code in enumerate(data.codes):
        positions.setdefault(code, []).append(index)
    duplicates = {code: idx for code, idx in positions.items() if len(idx) > 1}

    rows = session.scalars(select(model).options(load_only(model.id, model.code))).all()
    by_code = {row.code: row for row in rows}
    report = ImportReport(
        level=level,
        file=str(path),
        layer=data.layer,
        features=len(data.codes),
        unmatched=sorted(code for code in positions if code not in by_code),
        duplicates=dict(sorted(duplicates.items())),
        missing=sorted(code for code in by_code if code not in positions),
        dry_run=dry_run,
    )
    # Two features claiming one area is ambiguous: leave the row as it was and say so.
    targets = {code: idx[0] for code, idx in positions.items() if code in by_code and len(idx) == 1}
    report.matched = sorted(targets)
    if level == "villages" and targets:
        report.lgos_recomputed = _lgo_codes(session, [by_code[c].id for c in targets])
    if dry_run:
        return report

    # The column is a timestamp without time zone that holds UTC.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for code, index in targets.items():
        row = by_code[code]
        row.geom = from_shape(data.geoms[index], srid=SRID)
        row.boundary_source = BoundarySource.imported
        row.boundary_updated_at = now
    session.flush()
    if report.lgos_recomputed:
        _recompute_lgos(session, report.lgos_recomputed, now)
    return report


def read_boundary_file(
    path: str | os.PathLike[str], level: str, *, code_field: str = "code", layer: str | None = None
) -> BoundaryFile:
    """Read and check a boundary file; raise BoundaryImportError listing every problem."""
    path = os.fspath(path)
    _, code_length = _level(level)
    layer = _choose_layer(path, layer)
    try:
        info = pyogrio.read_info(path, layer=layer)
    except READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    _check_crs(info["crs"], info["driver"])
    if info["features"] == 0:
        raise BoundaryImportError(
            f"Layer {layer!r} of {path} has no features.",
            message_th=f"ชั้นข้อมูล {layer!r} ของ {path} ไม่มีรูปขอบเขตเลย",
            errors={"file": ["The layer has no features."]},
        )
    field = _find_field(list(info["fields"]), code_field, layer)
    try:
        _, _, wkb, field_data = pyogrio.raw.read(path, layer=layer, columns=[field], force_2d=True)
    except READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    codes = [_normalise_code(value, code_length) for value in field_data[0]]
    geoms = _check_features(codes, wkb, code_field)
    return BoundaryFile(path=path, layer=layer, codes=codes, geoms=geoms)


def _level(level: str) -> tuple[Any, int | None]:
    if level not in LEVELS:
        raise BoundaryImportError(
            f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.",
            message_th=f"ไม่รู้จักระดับ {level!r} ให้ใช้หนึ่งใน {', '.join(LEVELS)}",
            errors={"level": [f"Must be one of: {', '.join(LEVELS)}."]},
        )
    return LEVELS[level]


def _unreadable(path: str, exc: Exception) -> BoundaryImportError:
    return BoundaryImportError(f"Cannot read {path}: {exc}",
                               message_th=f"อ่านไฟล์ {path} ไม่ได้: {exc}",
                               errors={"file": [str(exc)]})


def _choose_layer(path: str, layer: str | None) -> str:
    try:
        layers = pyogrio.list_layers(path)
    except READ_ERRORS as exc:
        raise _unreadable(path, exc) from exc
    names = [str(name) for name, _ in layers]
    # GeoPackages may carry plain tables (no geometry type) next to the spatial layer.
    spatial = [str(name) for name, geometry_type in layers if geometry_type is not None]
    if layer is not None:
        if layer not in names:
            raise BoundaryImportError(
                f"{path} has no layer {layer!r}; its layers are: {', '.join(names) or 'none'}.",
                message_th=f"{path} ไม่มีชั้นข้อมูล {layer!r} ชั้นข้อมูลที่มีคือ:"
                           f" {', '.join(names) or 'ไม่มี'}",
                errors={"layer": [f"Must be one of: {', '.join(names)}."]},
            )
        return layer
    if not spatial:
        raise BoundaryImportError(
            f"{path} has no layer with geometries.",
            message_th=f"{path} ไม่มีชั้นข้อมูลที่มีรูปขอบเขต",
            errors={"file": ["The file has no layer with geometries."]},
        )
    if len(spatial) > 1:
        raise BoundaryImportError(
            f"{path} has several layers ({', '.join(spatial)}); name the one to import.",
            message_th=f"{path} มีหลายชั้นข้อมูล ({', '.join(spatial)}) ให้ระบุชั้นที่จะนำเข้า",
            errors={"layer": [f"Choose one of: {', '.join(spatial)}."]},
        )
    return spatial[0]


def _check_crs(crs: str | None, driver: str) -> None:
    # GeoJSON is WGS84 longitude/latitude by definition (RFC 7946) when it declares nothing.
    if crs is None and driver == "GeoJSON":
        return
    if crs is None:
        raise BoundaryImportError(
            f"The file declares no coordinate reference system. {REPROJECT_HINT}",
            message_th=f"ไฟล์ไม่ได้ระบุระบบพิกัดอ้างอิง {REPROJECT_HINT_TH}",
            errors={"crs": ["Missing; must be EPSG:4326."]},
        )
    # pyogrio gives "AUTHORITY:CODE" when GDAL can identify the CRS and WKT otherwise.
    if crs in ACCEPTED_CRS or 'AUTHORITY["OGC","CRS84"]' in crs:
        return
    name = crs
    if match := re.match(r'^\s*\w+\["([^"]+)"', crs):
        name = match.group(1)
    raise BoundaryImportError(
        f"The file is in {name}, not longitude/latitude (EPSG:4326). {REPROJECT_HINT}",
        message_th=f"ไฟล์ใช้ระบบพิกัด {name} ไม่ใช่ลองจิจูด/ละติจูด (EPSG:4326) {REPROJECT_HINT_TH}",
        errors={"crs": [f"{name} is not supported; must be EPSG:4326."]},
    )


def _find_field(fields: list[str], code_field: str, layer: str) -> str:
    if code_field in fields:
        return code_field
    # Shapefile tools often upper-case field names (CODE for code).
    folded = [name for name in fields if name.lower() == code_field.lower()]
    if len(folded) == 1:
        return folded[0]
    raise BoundaryImportError(
        f"Layer {layer!r} has no field {code_field!r}; its fields are: "
        f"{', '.join(fields) or 'none'}.",
        message_th=f"ชั้นข้อมูล {layer!r} ไม่มีฟิลด์ {code_field!r} ฟิลด์ที่มีคือ:"
                   f" {', '.join(fields) or 'ไม่มี'}",
        errors={"code_field": [f"No field {code_field!r}; choose one of: {', '.join(fields)}."]},
    )


def _normalise_code(value: Any, length: int | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        # Shapefile numeric fields come back as floats: 510101.0 is the code 510101.
        value = int(value)
    code = str(value).strip()
    if length is not None and code.isdigit():
        code = code.zfill(length)
    return code


def _check_features(codes: list[str], wkb: np.ndarray, code_field: str) -> list[Any]:
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    problems: list[dict[str, Any]] = []

    def problem(index: int, message: str) -> None:
        problems.append({"index": index, "code": codes[index], "message": message})

    for index, geom in enumerate(geoms):
        if not codes[index]:
            problem(index, f"The field {code_field!r} is empty.")
        if geom is None:
            problem(index, "No geometry, or one that cannot be read.")
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problem(index, f"A {geom.geom_type}, not a Polygon or MultiPolygon.")
        elif geom.is_empty:
            problem(index, "The polygon is empty.")
        elif not shapely.is_valid(geom):
            problem(index, f"Invalid polygon: {shapely.is_valid_reason(geom)}.")
        else:
            minx, miny, maxx, maxy = geom.bounds
            if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
                problem(
                    index,
                    "Coordinates outside longitude/latitude range; is the file really in "
                    "EPSG:4326?",
                )
    if problems:
        listed = "; ".join(
            f"feature {p['index']} ({p['code'] or 'no code'}): {p['message']}" for p in problems[:5]
        )
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise BoundaryImportError(
            f"{len(problems)} feature(s) cannot be imported; nothing was changed. {listed}{more}",
            message_th=f"นำเข้าไม่ได้ {len(problems)} รูป ไม่มีข้อมูลใดถูกเปลี่ยน"
                       f" รายละเอียด: {listed}{more}",
            errors={"features": problems[:MAX_LISTED]},
        )
    return [shapely.MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom for geom in geoms]


def _lgo_codes(session: Session | scoped_session[Any], village_ids: list[int]) -> list[str]:
    stmt = (
        select(Lgo.code)
        .join(Village, Village.lgo_id == Lgo.id)
        .where(Village.id.in_(village_ids))
        .distinct()
        .order_by(Lgo.code)
    )
    return list(session.scalars(stmt))


def _recompute_lgos(
    session: Session | scoped_session[Any], lgo_codes: list[str], now: dt.datetime
) -> None:
    # CollectionExtract keeps only the areal part should the union ever yield a collection,
    # and ST_Multi then fits the MULTIPOLYGON column even when the union is one polygon.
    union = (
        select(func.ST_Multi(func.ST_CollectionExtract(func.ST_Union(Village.geom), 3)))
        .where(Village.lgo_id == Lgo.id)
        .scalar_subquery()
    )
    session.execute(
        update(Lgo)
        .where(Lgo.code.in_(lgo_codes))
        .values(geom=union, boundary_source=BoundarySource.imported, boundary_updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
