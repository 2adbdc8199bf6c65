"""Provinces for the national simulation: geothai's districts and tambons, made-up LGOs,
villages and boundaries, loaded through the province onboarding itself.

``python -m seed scale --provinces 50,51,52,...`` needs villages in every province it fills.
Lamphun's come from the reference file (``seed.territory``); a province onboarded from geothai
has districts and tambons only, until its office sends its lists. For a benchmark this module
makes those lists up, as an office would send them, and loads them with ``load_province``
(so the onboarding runs at the simulation's scale too):

- one LGO per tambon: the first tambon of the capital district (DOPA's ``XX0101``) a town
  municipality, a quarter of the rest subdistrict municipalities, the others SAOs; and the PAO;
- 6 to 16 villages (หมู่) per tambon, with 80 to 450 households each;
- boundaries: the province is a disc whose area grows with its tambon count, around a rough
  centre, cut where it meets a neighbour (halfway between the centres) and where it meets a
  province that already has a boundary; districts, tambons and villages are nested Voronoi
  regions inside it (``seed.boundaries``), so that every level tiles the one above.

None of the names, counts or shapes is real except the DOPA codes and names of provinces,
districts and tambons. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import geothai
import shapely
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point, Polygon
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from khaya.areas.models import BoundarySource, District, Lgo, Province, Tambon, Village
from khaya.areas.onboard import Row, load_province, slugify

from . import boundaries

# Rough centres of the upper north's provinces (lon, lat), read off a map for the simulation
# only: they place the made-up discs near where the provinces are, nothing more.
CENTRES = {
    "50": (98.65, 18.85),   # Chiang Mai
    "51": (99.05, 18.15),   # Lamphun (its boundary comes from seed.territory)
    "52": (99.60, 18.35),   # Lampang
    "54": (100.05, 18.10),  # Phrae
    "55": (100.75, 18.85),  # Nan
    "56": (100.05, 19.25),  # Phayao
    "57": (99.85, 19.90),   # Chiang Rai
    "58": (97.95, 18.85),   # Mae Hong Son
}
UPPER_NORTH = tuple(CENTRES)
# A disc of this radius times the square root of the tambon count: Lamphun's 51 tambons give
# 0.34 degrees (about 37 km), close to its 4,506 km2.
RADIUS_PER_ROOT_TAMBON = 0.048
VILLAGES_PER_TAMBON = (6, 16)
HOUSEHOLDS_PER_VILLAGE = (80, 450)


def has_villages(session: Session, code: str) -> bool:
    """Whether province ``code`` has villages (the scale generator needs them)."""
    return bool(session.scalar(
        select(func.count()).select_from(Village).join(Tambon, Tambon.id == Village.tambon_id)
        .join(District, District.id == Tambon.district_id)
        .join(Province, Province.id == District.province_id).where(Province.code == code)))


def office_rows(code: str, seed: int) -> tuple[list[Row], list[Row]]:
    """The LGO and village rows an office of province ``code`` might send (made up)."""
    rng = random.Random(f"{seed}-{code}")
    province = geothai.province(code)
    if province is None:
        raise ValueError(f"geothai has no province {code!r}")
    lgos = [Row(1, {"code": f"pao-{code}", "name_th": f"องค์การบริหารส่วนจังหวัด{province.name_th}",
                    "name_en": f"{province.name_en} PAO", "type": "PAO",
                    "district_code": f"{code}01"}, None)]
    villages: list[Row] = []
    for district in geothai.districts(code):
        for tambon in geothai.subdistricts(district.code):
            if tambon.code == f"{code}0101":
                kind_th, kind_en, kind = "เทศบาลเมือง", "Town Municipality", "town_municipality"
            elif rng.random() < 0.25:
                kind_th, kind_en, kind = ("เทศบาลตำบล", "Subdistrict Municipality",
                                          "subdistrict_municipality")
            else:
                kind_th, kind_en, kind = "องค์การบริหารส่วนตำบล", "SAO", "SAO"
            lgo_code = f"{slugify(tambon.name_en)}-{tambon.code}"
            count = rng.randint(*VILLAGES_PER_TAMBON)
            sizes = [rng.randint(*HOUSEHOLDS_PER_VILLAGE) for _ in range(count)]
            lgos.append(Row(len(lgos) + 1, {
                "code": lgo_code, "name_th": f"{kind_th}{tambon.name_th}",
                "name_en": f"{tambon.name_en} {kind_en}", "type": kind,
                "tambons": tambon.code, "households": str(sum(sizes))}, None))
            for moo, size in enumerate(sizes, start=1):
                villages.append(Row(len(villages) + 1, {
                    "code": f"{tambon.code}{moo:02d}", "moo": str(moo),
                    "name_th": f"บ้าน{tambon.name_th} หมู่ {moo}",
                    "name_en": f"Ban {tambon.name_en} Moo {moo}",
                    "households": str(size)}, None))
    return lgos, villages


def outline(session: Session, code: str, tambons: int) -> Polygon:
    """The province's made-up outline: its disc, within its Voronoi cell among the centres,
    minus the boundaries other provinces already have."""
    lon, lat = CENTRES[code]
    disc = Point(lon, lat).buffer(RADIUS_PER_ROOT_TAMBON * math.sqrt(tambons), quad_segs=16)
    # The part of the disc nearer this centre than any other: its Voronoi cell among them.
    shape = boundaries.site_regions(
        disc, [(other, Point(x, y)) for other, (x, y) in CENTRES.items()])[code]
    taken = [to_shape(g) for g in session.scalars(
        select(Province.geom).where(Province.code != code)) if g is not None]
    if taken:
        shape = shape.difference(shapely.union_all(taken))
    polygon = max(shapely.get_parts(boundaries.as_multipolygon(shape)), key=lambda p: p.area)
    return boundaries.rounded(polygon)


def _children(rows: list[Any], parent: str) -> dict[int, list[Any]]:
    """Rows grouped by their parent's id (the attribute ``parent``), in order."""
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[getattr(row, parent)].append(row)
    return out


def _place(parents: list[Any], children: dict[int, list[Any]], region: dict[str, Any],
           taken: set[tuple[float, float]]) -> list[tuple[Any, Point]]:
    """A quasi-random point for each parent's children, inside the parent's region."""
    placed: list[tuple[Any, Point]] = []
    for parent in parents:
        inside = children[parent.id]
        if inside:
            points = boundaries.points_in_region(region[parent.code], len(inside), taken)
            placed += list(zip(inside, points, strict=True))
    return placed


def draw_boundaries(session: Session, code: str) -> int:
    """Give province ``code``, its districts, tambons, LGOs and villages made-up boundaries;
    return the villages drawn."""
    province = session.scalars(select(Province).where(Province.code == code)).one()
    districts = list(session.scalars(select(District).where(District.province_id == province.id)
                                     .order_by(District.code)))
    tambons = list(session.scalars(select(Tambon).where(
        Tambon.district_id.in_([d.id for d in districts])).order_by(Tambon.code)))
    villages = list(session.scalars(select(Village).where(
        Village.tambon_id.in_([t.id for t in tambons])).order_by(Village.code)))
    shape = outline(session, code, len(tambons))
    taken: set[tuple[float, float]] = set()
    # Nested regions: districts in the province, tambons in their district, villages in their
    # tambon; a level's regions are Voronoi cells of its sites grouped by parent.
    district_points = boundaries.points_in_region(shape, len(districts), taken)
    district_region = boundaries.site_regions(
        shape, [(d.code, p) for d, p in zip(districts, district_points, strict=True)])
    tambon_sites = [(t.code, p) for t, p in _place(
        districts, _children(tambons, "district_id"), district_region, taken)]
    tambon_region = boundaries.site_regions(shape, tambon_sites)
    placed = _place(tambons, _children(villages, "tambon_id"), tambon_region, taken)
    cells = boundaries.partition(shape, [p for _, p in placed])
    now = dt.datetime.now(dt.UTC)
    by_tambon: dict[int, list[MultiPolygon]] = defaultdict(list)
    by_lgo: dict[int, list[MultiPolygon]] = defaultdict(list)

    def draw(row: object, geom: MultiPolygon) -> None:
        row.geom = from_shape(geom, srid=4326)  # type: ignore[attr-defined]
        row.boundary_source = BoundarySource.approximate  # type: ignore[attr-defined]
        row.boundary_updated_at = now  # type: ignore[attr-defined]

    for (village, point), cell in zip(placed, cells, strict=True):
        village.point = from_shape(point, srid=4326)
        draw(village, cell)
        by_tambon[village.tambon_id].append(cell)
        if village.lgo_id is not None:
            by_lgo[village.lgo_id].append(cell)
    households: dict[int, int] = defaultdict(int)
    for village in villages:
        households[village.tambon_id] += village.households_estimate or 0
    district_households: dict[int, int] = defaultdict(int)
    by_district: dict[int, list[MultiPolygon]] = defaultdict(list)
    for tambon in tambons:
        geom = boundaries.union(by_tambon[tambon.id]) if by_tambon[tambon.id] else \
            boundaries.as_multipolygon(tambon_region[tambon.code])
        draw(tambon, geom)
        tambon.point = from_shape(geom.representative_point(), srid=4326)
        tambon.households = households[tambon.id]
        district_households[tambon.district_id] += tambon.households
        by_district[tambon.district_id].append(geom)
    for district in districts:
        geom = boundaries.union(by_district[district.id])
        draw(district, geom)
        district.point = from_shape(geom.representative_point(), srid=4326)
        district.households = district_households[district.id]
    whole = boundaries.as_multipolygon(shape)
    draw(province, whole)
    province.point = from_shape(whole.representative_point(), srid=4326)
    province.households = sum(district_households.values())
    for lgo in session.scalars(select(Lgo).where(Lgo.province_id == province.id)):
        geom = boundaries.union(by_lgo[lgo.id]) if by_lgo[lgo.id] else whole
        draw(lgo, geom)
        if lgo.office_point is None:
            lgo.office_point = from_shape(geom.representative_point(), srid=4326)
            lgo.office_point_source = "made up for the national simulation"
    session.flush()
    return len(placed)


def load_provinces(session: Session, codes: list[str], seed: int,
                   say: Callable[[str], None] = print) -> dict[str, int]:
    """Onboard each province of ``codes`` that has no villages yet with made-up lists and
    boundaries; return the villages made per province. Never commits."""
    made: dict[str, int] = {}
    for code in codes:
        if has_villages(session, code):
            continue
        if code not in CENTRES:
            raise ValueError(f"The simulation has no centre for province {code}; it knows "
                             f"{', '.join(CENTRES)}.")
        lgos, villages = office_rows(code, seed)
        report = load_province(session, code, lgos=lgos, villages=villages)
        if report.conflicts:
            raise RuntimeError(f"province {code}: {report.conflicts[0].message}")
        made[code] = draw_boundaries(session, code)
        say(f"province {code} ({report.name_en}): {len(lgos):,} LGOs, {made[code]:,} villages "
            "made up and loaded")
    return made
