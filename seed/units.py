"""The territory as plain values: what ``build_territory`` returns and ``load_territory`` stores.

Points and polygons are shapely geometries in EPSG:4326 (x = longitude, y = latitude).
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import MultiPolygon, Point


@dataclass(frozen=True)
class ProvinceUnit:
    code: str
    name_th: str
    name_en: str
    point: Point
    population: int
    households: int
    geom: MultiPolygon


@dataclass(frozen=True)
class DistrictUnit:
    code: str
    province_code: str
    name_th: str
    name_en: str
    point: Point
    population: int
    households: int
    geom: MultiPolygon


@dataclass(frozen=True)
class TambonUnit:
    code: str
    district_code: str
    name_th: str
    name_en: str
    postcode: str
    point: Point
    population: int
    households: int
    geom: MultiPolygon


@dataclass(frozen=True)
class LgoUnit:
    code: str
    name_th: str
    name_en: str
    type: str
    district_code: str
    office_point: Point
    office_point_source: str
    households: int
    tambon_codes: tuple[str, ...]
    geom: MultiPolygon


@dataclass(frozen=True)
class VillageUnit:
    code: str
    tambon_code: str
    moo: int | None
    kind: str
    name_th: str
    name_en: str
    lgo_code: str
    assignment: str
    point: Point
    households_estimate: int
    geom: MultiPolygon


@dataclass(frozen=True)
class Territory:
    province: ProvinceUnit
    districts: tuple[DistrictUnit, ...]
    tambons: tuple[TambonUnit, ...]
    lgos: tuple[LgoUnit, ...]
    villages: tuple[VillageUnit, ...]
