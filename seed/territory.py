"""The Lamphun territory seed: units from the reference file, approximate boundaries, upsert.

What comes from ``data/lamphun_units.json`` and what Khaya makes up:

- Province, districts, tambons, villages, LGOs, their names, points and household counts are
  the file's.
- Nai Mueang (tambon 510101) has 17 urban communities (ชุมชน) instead of villages, and the file
  does not name them. Their codes 51010101-51010117 and names "ชุมชนที่ N" / "Community N" are
  placeholders assigned by Khaya, to be replaced when the municipality's list is imported.
- Where several LGOs share a tambon, the file does not say which villages each one serves; the
  seed assigns them deterministically by household balance and distance to the LGO office, and
  marks them ``approximate``.
- Village points are generated: one on each reference point that stands in the tambon (its
  centroid, district and LGO offices), the rest spread quasi-randomly over the tambon.
- Every boundary is generated (see ``seed.boundaries``) and marked ``approximate``.
- Village household counts are the tambon's registered houses split evenly over its villages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import shapely
from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from khaya.areas.models import (
    Assignment,
    BoundarySource,
    District,
    Lgo,
    LgoType,
    LgoVersion,
    Province,
    Tambon,
    Village,
    VillageKind,
)
from khaya.areas.onboard import slugify

from . import boundaries
from .assignment import Claim, PlacedVillage, assign_villages, split_evenly
from .units import DistrictUnit, LgoUnit, ProvinceUnit, TambonUnit, Territory, VillageUnit

REFERENCE_PATH = Path(__file__).resolve().parent / "data" / "lamphun_units.json"
NAI_MUEANG = "510101"
NAI_MUEANG_COMMUNITIES = 17


def read_reference(path: Path | None = None) -> dict[str, Any]:
    """Read the reference data file (the bundled Lamphun file by default)."""
    return json.loads((path or REFERENCE_PATH).read_text(encoding="utf-8"))


def build_territory(reference: dict[str, Any]) -> Territory:
    """Compute every unit and its approximate boundary; the same input gives the same output."""
    province_ref = reference["province"]
    district_refs = sorted(reference["districts"], key=lambda d: d["code"])
    tambon_refs = sorted(reference["tambons"], key=lambda t: t["code"])
    lgo_refs = sorted(reference["lgos"], key=lambda lgo: slugify(lgo["name_en"]))

    district_by_name = {d["name_en"]: d["code"] for d in district_refs}
    lgo_codes = [slugify(lgo["name_en"]) for lgo in lgo_refs]
    if len(set(lgo_codes)) != len(lgo_codes):
        raise ValueError("two LGOs share a slug; their English names must differ")

    outline = boundaries.province_outline(
        [_point(province_ref)]
        + [_point(d) for d in district_refs]
        + [_point(lgo) for lgo in lgo_refs]
        + [_point(t) for t in tambon_refs]
    )
    sites = _tambon_sites(province_ref, district_refs, tambon_refs, lgo_refs)
    regions = boundaries.site_regions(outline, sites)
    pinned: dict[str, list[Point]] = defaultdict(list)
    for tambon_code, point in sites:
        pinned[tambon_code].append(point)
    taken: set[tuple[float, float]] = set()
    villages: list[PlacedVillage] = []
    for tambon in tambon_refs:
        rows = _village_rows(tambon)
        points = boundaries.points_in_region(
            regions[tambon["code"]], len(rows), taken, pinned[tambon["code"]]
        )
        shares = split_evenly(tambon["households"], len(rows))
        villages += [
            PlacedVillage(**row, households=share, point=point)
            for row, share, point in zip(rows, shares, points, strict=True)
        ]

    claims = [
        Claim(code, lgo["households"], tuple(lgo["tambon_codes"]), _point(lgo))
        for code, lgo in zip(lgo_codes, lgo_refs, strict=True)
        if lgo["type"] != "PAO"
    ]
    assigned = assign_villages({t["code"]: t["households"] for t in tambon_refs}, claims, villages)
    polygons = boundaries.partition(outline, [v.point for v in villages])
    village_geom = {v.code: g for v, g in zip(villages, polygons, strict=True)}

    def union_of(codes: list[str]) -> MultiPolygon:
        return boundaries.union(village_geom[code] for code in codes)

    villages_in: dict[str, list[str]] = defaultdict(list)
    for v in villages:
        villages_in[v.tambon_code].append(v.code)
        villages_in[assigned[v.code][0]].append(v.code)
    tambons = tuple(
        TambonUnit(
            code=t["code"], district_code=t["district_code"], name_th=t["name_th"],
            name_en=t["name_en"], postcode=t["postcode"], point=_point(t),
            population=t["population"], households=t["households"],
            geom=union_of(villages_in[t["code"]]),
        )
        for t in tambon_refs
    )
    district_parts: dict[str, list[MultiPolygon]] = defaultdict(list)
    for t in tambons:
        district_parts[t.district_code].append(t.geom)
    province_geom = boundaries.union(t.geom for t in tambons)
    districts = tuple(
        DistrictUnit(
            code=d["code"], province_code=province_ref["code"], name_th=d["name_th"],
            name_en=d["name_en"], point=_point(d), population=d["population"],
            households=d["households"], geom=boundaries.union(district_parts[d["code"]]),
        )
        for d in district_refs
    )
    lgos = tuple(
        LgoUnit(
            code=code, name_th=lgo["name_th"], name_en=lgo["name_en"], type=lgo["type"],
            district_code=district_by_name[lgo["district_en"]], office_point=_point(lgo),
            office_point_source=lgo["coord_source"], households=lgo["households"],
            tambon_codes=tuple(sorted(lgo["tambon_codes"])),
            geom=province_geom if lgo["type"] == "PAO" else union_of(villages_in[code]),
        )
        for code, lgo in zip(lgo_codes, lgo_refs, strict=True)
    )
    province = ProvinceUnit(
        code=province_ref["code"], name_th=province_ref["name_th"],
        name_en=province_ref["name_en"], point=_point(province_ref),
        population=province_ref["population"], households=province_ref["households"],
        geom=province_geom,
    )
    village_units = tuple(
        VillageUnit(
            code=v.code, tambon_code=v.tambon_code, moo=v.moo, kind=v.kind, name_th=v.name_th,
            name_en=v.name_en, lgo_code=assigned[v.code][0], assignment=assigned[v.code][1],
            point=v.point, households_estimate=v.households, geom=village_geom[v.code],
        )
        for v in villages
    )
    return Territory(province, districts, tambons, lgos, village_units)


def _point(ref: dict[str, Any]) -> Point:
    return Point(ref["lon"], ref["lat"])


def _tambon_sites(
    province_ref: dict[str, Any],
    district_refs: list[dict[str, Any]],
    tambon_refs: list[dict[str, Any]],
    lgo_refs: list[dict[str, Any]],
) -> list[tuple[str, Point]]:
    """Return ``(tambon code, point)`` for every reference point, each given to one tambon.

    Tambon centroids alone put some offices in the wrong district (Pa Sang's and Ban Thi's
    district offices are nearer Mueang Lamphun centroids than their own), because big rural
    tambons lose ground to small town ones. So each office also claims ground for the tambon it
    stands in, and a village is pinned on it. Which tambon that is the file does not say: the
    one with the nearest centroid among those the office's district or LGO covers.
    """
    centroid = {t["code"]: _point(t) for t in tambon_refs}

    def nearest(point: Point, codes: list[str]) -> str:
        return min(codes, key=lambda code: (point.distance(centroid[code]), code))

    in_district: dict[str, list[str]] = defaultdict(list)
    for t in tambon_refs:
        in_district[t["district_code"]].append(t["code"])
    district_by_name = {d["name_en"]: d["code"] for d in district_refs}
    claims = [(nearest(_point(province_ref), list(centroid)), _point(province_ref))]
    claims += [(nearest(_point(d), in_district[d["code"]]), _point(d)) for d in district_refs]
    for lgo in lgo_refs:
        codes = (
            in_district[district_by_name[lgo["district_en"]]]
            if lgo["type"] == "PAO"
            else sorted(lgo["tambon_codes"])
        )
        claims.append((nearest(_point(lgo), codes), _point(lgo)))

    # The centroid comes first and the first claim on a spot wins, so duplicates of a centroid
    # or of another office add nothing.
    sites: list[tuple[str, Point]] = []
    seen: set[tuple[float, float]] = set()
    for code in centroid:
        for tambon_code, point in [(code, centroid[code])] + [c for c in claims if c[0] == code]:
            key = (round(point.x, boundaries.PRECISION), round(point.y, boundaries.PRECISION))
            if key not in seen:
                seen.add(key)
                sites.append((tambon_code, Point(key)))
    return sites


def _village_rows(tambon: dict[str, Any]) -> list[dict[str, Any]]:
    code = tambon["code"]
    if code == NAI_MUEANG and not tambon["villages"]:
        return [
            {
                "code": f"{code}{n:02d}", "tambon_code": code, "moo": None, "kind": "community",
                "name_th": f"ชุมชนที่ {n}", "name_en": f"Community {n}",
            }
            for n in range(1, NAI_MUEANG_COMMUNITIES + 1)
        ]
    return [
        {
            "code": v["code"], "tambon_code": code, "moo": v["moo"], "kind": "village",
            "name_th": v["name_th"], "name_en": v["name_en"],
        }
        for v in sorted(tambon["villages"], key=lambda v: v["code"])
    ]


# --- database -----------------------------------------------------------------------------

LGO_VERSION_FROM = dt.date(2022, 8, 1)
LGO_VERSION_NOTE = "2022 reference list"
_POINT_FIELDS = frozenset({"point", "office_point"})


def load_territory(session: Session, reference_path: Path | None = None) -> dict[str, int]:
    """Upsert the territory by code and return the row count of each territory table.

    Adds and flushes, never commits. A second run changes nothing. Geometry whose
    ``boundary_source`` is ``imported`` is kept, and so is a village LGO that someone recorded
    as ``reference`` where the seed could only guess.
    """
    territory = build_territory(read_reference(reference_path))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def upsert(
        model: type[Any], units: Sequence[Any], values: Callable[[Any], dict[str, Any]]
    ) -> dict[str, Any]:
        rows = {
            row.code: row
            for row in session.scalars(select(model).where(model.code.in_([u.code for u in units])))
        }
        for unit in units:
            row = rows.get(unit.code)
            if row is None:
                row = rows[unit.code] = model(code=unit.code)
                session.add(row)
            fields = values(unit)
            if model is Village and _keeps_lgo(row, unit):
                del fields["lgo_id"], fields["lgo_assignment"]
            _update(row, fields)
            _update_boundary(row, unit.geom, now)
        # Later levels need the ids of this one.
        session.flush()
        return rows

    province = upsert(Province, [territory.province], lambda u: {
        "name_th": u.name_th, "name_en": u.name_en, "point": u.point,
        "population": u.population, "households": u.households,
    })[territory.province.code]
    districts = upsert(District, territory.districts, lambda u: {
        "name_th": u.name_th, "name_en": u.name_en, "province_id": province.id,
        "point": u.point, "population": u.population, "households": u.households,
    })
    tambons = upsert(Tambon, territory.tambons, lambda u: {
        "name_th": u.name_th, "name_en": u.name_en, "district_id": districts[u.district_code].id,
        "postcode": u.postcode, "point": u.point, "population": u.population,
        "households": u.households,
    })
    lgos = upsert(Lgo, territory.lgos, lambda u: {
        "name_th": u.name_th, "name_en": u.name_en, "type": LgoType(u.type),
        "province_id": province.id, "district_id": districts[u.district_code].id,
        "office_point": u.office_point, "office_point_source": u.office_point_source,
        "households": u.households,
    })
    upsert(Village, territory.villages, lambda u: {
        "name_th": u.name_th, "name_en": u.name_en, "tambon_id": tambons[u.tambon_code].id,
        "moo": u.moo, "kind": VillageKind(u.kind), "lgo_id": lgos[u.lgo_code].id,
        "lgo_assignment": Assignment(u.assignment), "point": u.point,
        "households_estimate": u.households_estimate,
    })
    _add_first_versions(session, territory.lgos, lgos)
    session.flush()
    tables = {
        "provinces": Province, "districts": District, "tambons": Tambon, "lgos": Lgo,
        "villages": Village, "lgo_versions": LgoVersion,
    }
    return {
        name: session.scalar(select(func.count()).select_from(model))
        for name, model in tables.items()
    }


def _keeps_lgo(row: Any, unit: VillageUnit) -> bool:
    return row.lgo_assignment == Assignment.reference and unit.assignment != "reference"


def _update(row: Any, values: dict[str, Any]) -> None:
    # Assigning only what differs keeps a re-run free of UPDATE statements.
    for name, value in values.items():
        current = getattr(row, name)
        if name in _POINT_FIELDS:
            if not _same_shape(current, value):
                setattr(row, name, from_shape(value, srid=4326))
        elif current != value:
            setattr(row, name, value)


def _update_boundary(row: Any, geom: MultiPolygon, now: dt.datetime) -> None:
    if row.boundary_source == BoundarySource.imported:
        return
    if row.boundary_source != BoundarySource.approximate:
        row.boundary_source = BoundarySource.approximate
    if not _same_shape(row.geom, geom):
        row.geom = from_shape(geom, srid=4326)
        row.boundary_updated_at = now


def _same_shape(element: WKBElement | None, shape: BaseGeometry) -> bool:
    return element is not None and shapely.equals_identical(to_shape(element), shape)


def _add_first_versions(session: Session, units: Sequence[LgoUnit], rows: dict[str, Lgo]) -> None:
    ids = [row.id for row in rows.values()]
    versioned = set(session.scalars(select(LgoVersion.lgo_id).where(LgoVersion.lgo_id.in_(ids))))
    for unit in units:
        row = rows[unit.code]
        if row.id not in versioned:
            session.add(LgoVersion(
                lgo_id=row.id, type=LgoType(unit.type), name_th=unit.name_th,
                name_en=unit.name_en, valid_from=LGO_VERSION_FROM, valid_to=None,
                note=LGO_VERSION_NOTE,
            ))
