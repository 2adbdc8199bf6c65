"""The pure territory build: units, LGO assignment and the approximate tiling."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
import shapely
from shapely.geometry import Point

from seed.assignment import split_evenly
from seed.territory import Territory, build_territory, read_reference, slugify

SHARED_TAMBONS = {
    "510108", "510117", "510202", "510203", "510204", "510205", "510301", "510401", "510402",
    "510501",
}


@pytest.fixture(scope="module")
def reference() -> dict:
    return read_reference()


@pytest.fixture(scope="module")
def territory(reference) -> Territory:
    return build_territory(reference)


def test_counts(territory):
    assert territory.province.code == "51"
    assert len(territory.districts) == 8
    assert len(territory.tambons) == 51
    kinds = Counter(v.kind for v in territory.villages)
    assert kinds == {"village": 577, "community": 17}
    assert len(territory.lgos) == 58
    assert Counter(lgo.type for lgo in territory.lgos)["PAO"] == 1


def test_nai_mueang_has_placeholder_communities(territory):
    communities = [v for v in territory.villages if v.tambon_code == "510101"]
    assert [v.code for v in communities] == [f"510101{n:02d}" for n in range(1, 18)]
    assert {v.kind for v in communities} == {"community"}
    assert {v.moo for v in communities} == {None}
    assert communities[4].name_th == "ชุมชนที่ 5"
    assert communities[4].name_en == "Community 5"


def test_village_codes_carry_tambon_and_moo(territory):
    villages = [v for v in territory.villages if v.kind == "village"]
    assert all(v.code[:6] == v.tambon_code and int(v.code[6:]) == v.moo for v in villages)
    assert len({v.code for v in territory.villages}) == 594


def test_lgo_codes_are_unique_slugs(territory):
    codes = [lgo.code for lgo in territory.lgos]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c) for c in codes)
    assert "lamphun-town-municipality" in codes
    assert slugify("Tha Kat Nuea Subdistrict Municipality") == (
        "tha-kat-nuea-subdistrict-municipality"
    )


def test_lgo_districts_match_the_file(territory, reference):
    district_codes = {d.code for d in territory.districts}
    assert all(lgo.district_code in district_codes for lgo in territory.lgos)
    town = next(lgo for lgo in territory.lgos if lgo.code == "lamphun-town-municipality")
    assert town.district_code == "5101"
    assert town.type == "town_municipality"
    assert (town.office_point.y, town.office_point.x) == (18.5865, 99.0121)


def test_each_village_has_one_non_pao_lgo(territory):
    non_pao = {lgo.code for lgo in territory.lgos if lgo.type != "PAO"}
    assert all(v.lgo_code in non_pao for v in territory.villages)
    assert {v.tambon_code for v in territory.villages if v.assignment == "approximate"} == (
        SHARED_TAMBONS
    )


def test_lgos_of_shared_tambons_each_get_villages_there(territory):
    served: dict[str, set[str]] = defaultdict(set)
    for v in territory.villages:
        served[v.lgo_code].add(v.tambon_code)
    for lgo in territory.lgos:
        if lgo.type != "PAO":
            assert served[lgo.code] == set(lgo.tambon_codes), lgo.code


def test_household_estimates_sum_to_tambon_totals(territory):
    totals: Counter[str] = Counter()
    for v in territory.villages:
        totals[v.tambon_code] += v.households_estimate
    assert totals == {t.code: t.households for t in territory.tambons}


def test_split_evenly():
    assert split_evenly(7216, 17) == [425] * 8 + [424] * 9
    assert sum(split_evenly(10, 3)) == 10


def test_build_is_deterministic(territory, reference):
    again = build_territory(read_reference())
    assert again == territory
    assert [v.geom.wkb for v in again.villages] == [v.geom.wkb for v in territory.villages]
    assert again.province.geom.wkb == territory.province.geom.wkb


def _all_areas(territory: Territory):
    yield territory.province
    yield from territory.districts
    yield from territory.tambons
    yield from territory.lgos
    yield from territory.villages


def test_every_polygon_is_a_valid_multipolygon(territory):
    for unit in _all_areas(territory):
        assert unit.geom.geom_type == "MultiPolygon", unit.code
        assert unit.geom.is_valid, unit.code
        assert not unit.geom.is_empty, unit.code


def test_village_polygons_tile_the_outline(territory):
    polygons = [v.geom for v in territory.villages]
    tree = shapely.STRtree(polygons)
    for i, polygon in enumerate(polygons):
        for j in tree.query(polygon):
            if j > i:
                assert polygon.intersection(polygons[j]).area < 1e-12
    outline = territory.province.geom
    assert shapely.union_all(polygons).area == pytest.approx(outline.area, rel=1e-9)
    assert sum(p.area for p in polygons) == pytest.approx(outline.area, rel=1e-9)


def test_levels_are_unions_of_villages(territory):
    by_tambon = defaultdict(list)
    for v in territory.villages:
        by_tambon[v.tambon_code].append(v.geom)
    for tambon in territory.tambons:
        assert tambon.geom.area == pytest.approx(sum(g.area for g in by_tambon[tambon.code]))
    assert sum(d.geom.area for d in territory.districts) == pytest.approx(
        territory.province.geom.area, rel=1e-9
    )
    pao = next(lgo for lgo in territory.lgos if lgo.type == "PAO")
    assert pao.geom.equals(territory.province.geom)
    non_pao_area = sum(lgo.geom.area for lgo in territory.lgos if lgo.type != "PAO")
    assert non_pao_area == pytest.approx(territory.province.geom.area, rel=1e-9)


def test_each_village_point_is_inside_its_polygon(territory):
    assert all(v.geom.contains(v.point) for v in territory.villages)
    assert len({(v.point.x, v.point.y) for v in territory.villages}) == 594


def test_town_office_falls_in_nai_mueang(territory):
    office = Point(99.0121, 18.5865)
    containing = [t.code for t in territory.tambons if t.geom.contains(office)]
    assert containing == ["510101"]


def test_offices_and_centroids_fall_in_their_own_areas(territory):
    for district in territory.districts:
        assert district.geom.contains(district.point), district.name_en
    for tambon in territory.tambons:
        assert tambon.geom.contains(tambon.point), tambon.name_en
    for lgo in territory.lgos:
        assert lgo.geom.contains(lgo.office_point), lgo.name_en
    assert territory.province.geom.contains(territory.province.point)


def test_tambons_and_districts_are_single_polygons(territory):
    assert all(len(t.geom.geoms) == 1 for t in territory.tambons)
    assert all(len(d.geom.geoms) == 1 for d in territory.districts)
