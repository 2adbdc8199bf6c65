"""The territory API: tree, lists, single areas, GeoJSON layers and point lookups."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import shape


def test_tree_has_the_whole_hierarchy(client):
    body = client.get("/api/v1/areas/tree").get_json()
    (province,) = body["provinces"]
    assert province["code"] == "51"
    assert len(province["districts"]) == 8
    tambons = [t for d in province["districts"] for t in d["tambons"]]
    assert len(tambons) == 51
    villages = [v for t in tambons for v in t["villages"]]
    assert len(villages) == 577 + 17
    nai_mueang = next(t for t in tambons if t["code"] == "510101")
    assert {v["kind"] for v in nai_mueang["villages"]} == {"community"}
    assert len(nai_mueang["villages"]) == 17


def test_tree_runs_a_fixed_number_of_queries(client, query_counter):
    client.get("/api/v1/areas/tree")
    assert len(query_counter) <= 6


@pytest.mark.parametrize(
    ("level", "total"),
    [("provinces", 1), ("districts", 8), ("tambons", 51), ("lgos", 58), ("villages", 594)],
)
def test_list_counts(client, level, total):
    body = client.get(f"/api/v1/areas/{level}?per_page=500").get_json()
    assert body["meta"]["total"] == total
    assert len(body["items"]) == min(total, 500)
    codes = [item["code"] for item in body["items"]]
    assert codes == sorted(codes)


def test_list_pages_are_stable_and_disjoint(client):
    first = client.get("/api/v1/areas/villages?per_page=100&page=1").get_json()
    second = client.get("/api/v1/areas/villages?per_page=100&page=2").get_json()
    assert first["meta"] == {"page": 1, "per_page": 100, "total": 594, "pages": 6}
    assert not {v["code"] for v in first["items"]} & {v["code"] for v in second["items"]}
    assert first["items"][-1]["code"] < second["items"][0]["code"]


def test_list_filters(client):
    by_parent = client.get("/api/v1/areas/villages?parent=510102&per_page=500").get_json()
    assert by_parent["meta"]["total"] == 10
    assert [v["tambon_code"] for v in by_parent["items"]] == ["510102"] * 10
    by_name = client.get("/api/v1/areas/tambons?q=Umong").get_json()
    assert [t["code"] for t in by_name["items"]] == ["510103"]
    thai = client.get("/api/v1/areas/tambons", query_string={"q": "อุโมงค์"}).get_json()
    assert [t["code"] for t in thai["items"]] == ["510103"]
    saos = client.get("/api/v1/areas/lgos?type=SAO").get_json()
    assert saos["meta"]["total"] == 17
    communities = client.get("/api/v1/areas/villages?kind=community").get_json()
    assert communities["meta"]["total"] == 17
    districts = client.get("/api/v1/areas/districts?parent=51").get_json()
    assert districts["meta"]["total"] == 8


def test_list_by_lgo_and_bbox(client):
    lgo = client.get("/api/v1/areas/lgos?q=Lamphun Town").get_json()["items"][0]
    villages = client.get(f"/api/v1/areas/villages?lgo={lgo['code']}").get_json()
    assert villages["meta"]["total"] == 17
    box = client.get("/api/v1/areas/tambons?bbox=98.99,18.56,99.01,18.58").get_json()
    assert "510101" in [t["code"] for t in box["items"]]
    assert box["meta"]["total"] < 51


def test_single_area(client):
    village = client.get("/api/v1/areas/villages/51010201").get_json()
    assert village["name_th"] == "บ้านต้นผึ้ง"
    assert village["moo"] == 1
    assert village["tambon_code"] == "510102"
    assert village["boundary_approximate"] is True
    assert village["point"]["type"] == "Point"
    lgo = client.get(f"/api/v1/areas/lgos/{village['lgo_code']}").get_json()
    assert lgo["type"] != "PAO"
    assert lgo["history"][0]["valid_to"] is None
    tambon = client.get("/api/v1/areas/tambons/510102").get_json()
    assert tambon["postcode"] == "51000"
    assert tambon["district_code"] == "5101"


def test_unknown_code_is_404_in_the_envelope(client):
    response = client.get("/api/v1/areas/villages/99999999")
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == "area_not_found"
    assert body["status"] == 404
    assert body["errors"] == {}
    assert "99999999" in body["message"]


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=10000",
        "page=0",
        "page=abc",
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=10,10,5,5",
        "bbox=0,0,200,10",
        "kind=castle",
        "type=kingdom",
        "unknown=1",
    ],
)
def test_bad_list_arguments_are_422(client, query):
    response = client.get(f"/api/v1/areas/villages?{query}")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert body["errors"]["query"]


def test_parent_filter_on_provinces_is_a_clear_error(client):
    response = client.get("/api/v1/areas/provinces?parent=51")
    assert response.status_code == 404
    assert response.get_json()["code"] == "area_not_found"


@pytest.mark.parametrize("level", ["provinces", "districts", "tambons", "lgos", "villages"])
def test_geojson_layers(client, level):
    response = client.get(f"/api/v1/areas/{level}/geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        geom = shape(feature["geometry"])
        assert geom.geom_type == "MultiPolygon"
        assert geom.is_valid
        assert feature["properties"]["boundary_approximate"] is True
        assert "geom" not in feature["properties"]


def test_geojson_simplifies_by_zoom(client):
    def vertices(query: str) -> int:
        collection = json.loads(client.get(f"/api/v1/areas/tambons/geojson?{query}").data)
        return sum(
            len(shape(f["geometry"]).exterior.coords)
            if shape(f["geometry"]).geom_type == "Polygon"
            else sum(len(p.exterior.coords) for p in shape(f["geometry"]).geoms)
            for f in collection["features"]
        )

    assert vertices("zoom=6") < vertices("")
    assert vertices("tolerance=0.05") <= vertices("zoom=6")


def test_geojson_filters_by_parent(client):
    collection = json.loads(client.get("/api/v1/areas/villages/geojson?parent=510102").data)
    assert len(collection["features"]) == 10
    assert {f["properties"]["tambon_code"] for f in collection["features"]} == {"510102"}


def test_geojson_empty_result_is_an_empty_collection(client):
    collection = json.loads(client.get("/api/v1/areas/villages/geojson?q=nowhere-at-all").data)
    assert collection == {"type": "FeatureCollection", "features": []}


def test_locate_every_village_point(client):
    """Each village's own point lies in that village, found through the spatial index."""
    villages = client.get("/api/v1/areas/villages?per_page=500&parent=510103").get_json()["items"]
    # Tambon Umong has eleven villages (หมู่ 1-11) in the reference data.
    assert [v["code"] for v in villages] == [f"510103{moo:02d}" for moo in range(1, 12)]
    for village in villages:
        lon, lat = village["point"]["coordinates"]
        found = client.get(f"/api/v1/areas/locate?lon={lon}&lat={lat}").get_json()
        assert found["village"]["code"] == village["code"]
        assert found["tambon"]["code"] == "510103"
        assert found["district"]["code"] == "5101"
        assert found["province"]["code"] == "51"
        assert found["lgo"]["code"] == village["lgo_code"]
        assert found["pao"]["type"] == "PAO"


def test_locate_known_places(client):
    # Lamphun Town Municipality's office stands in Nai Mueang, the town centre.
    town = client.get("/api/v1/areas/locate?lon=99.0121&lat=18.5865").get_json()
    assert town["tambon"]["code"] == "510101"
    assert town["village"]["kind"] == "community"
    assert town["lgo"]["name_en"] == "Lamphun Town Municipality"
    # Every district office lies inside its own district.
    districts = client.get("/api/v1/areas/districts").get_json()["items"]
    assert len(districts) == 8
    for district in districts:
        lon, lat = district["point"]["coordinates"]
        found = client.get(f"/api/v1/areas/locate?lon={lon}&lat={lat}").get_json()
        assert found["district"]["code"] == district["code"], district["name_en"]


def test_locate_outside_the_territory(client):
    response = client.get("/api/v1/areas/locate?lon=100.5018&lat=13.7563")  # Bangkok
    assert response.status_code == 404
    assert response.get_json()["code"] == "point_outside_territory"


@pytest.mark.parametrize("query", ["", "lon=99", "lon=999&lat=18", "lon=x&lat=y"])
def test_locate_bad_input(client, query):
    response = client.get(f"/api/v1/areas/locate?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]
