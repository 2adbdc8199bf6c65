"""The analytics endpoints: scope, input checks, league tables, series and choropleths."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import shape

from khaya.analytics import INDICATORS, classes
from khaya.analytics.services import _rank
from tests.analytics._hand import NGA, TOWN, V1, V2, V3

API = "/api/v1/analytics"


@pytest.fixture
def get(client, auth):
    """Return ``get(path, who, **query) -> (status, body)``."""
    tokens: dict[str, dict[str, str]] = {}

    def call(path: str, who: str | None, **query):
        headers = tokens.setdefault(who, auth(who)) if who else {}
        response = client.get(f"{API}/{path}", query_string=query, headers=headers)
        body = response.get_json(silent=True)
        if body is None:
            body = json.loads(response.data)
        return response.status_code, body

    return call


def test_province_officer_reads_every_lgo(dataset, get):
    status, body = get("indicators", "province", level="lgo", parent="51", period="2024-10",
                       indicators="participation,carbon_tco2e")
    assert status == 200, body
    assert len(body["areas"]) == 57
    nga = next(a for a in body["areas"] if a["code"] == NGA)
    assert nga["indicators"]["participation"]["numerator"] == 4
    assert nga["indicators"]["participation"]["denominator"] == 7
    assert body["period"] == {"kind": "month", "label": "2024-10", "start": "2024-10-01",
                              "end": "2024-10-31", "days": 31,
                              "complete": True, "elapsed_days": 31}
    assert body["small_denominator_threshold"] == 30


@pytest.mark.parametrize(("who", "query", "status"), [
    ("nga.staff", {"level": "village", "parent": NGA}, 200),
    ("nga.staff", {"level": "village", "areas": f"{V1},{V2}"}, 200),
    ("nga.staff", {"level": "tambon", "areas": "510102"}, 200),
    ("nga.staff", {"level": "lgo", "areas": NGA}, 200),
    ("nga.staff", {"level": "village", "areas": V3}, 404),
    ("nga.staff", {"level": "village", "areas": f"{V1},{V3}"}, 404),
    ("nga.staff", {"level": "lgo", "areas": TOWN}, 404),
    ("nga.staff", {"level": "district", "areas": "5101"}, 404),
    ("nga.staff", {"level": "province", "areas": "51"}, 404),
    ("nga.staff", {"level": "lgo", "parent": "51"}, 404),
    ("town.admin", {"level": "village", "parent": NGA}, 404),
    ("province", {"level": "village", "areas": f"{V1},{V3}"}, 200),
    ("province", {"level": "district", "parent": "51"}, 200),
    ("admin", {"level": "province", "areas": "51"}, 200),
    ("0810000011", {"level": "village", "areas": V1}, 403),
    ("0810000001", {"level": "village", "areas": V1}, 403),
    (None, {"level": "village", "areas": V1}, 401),
])
def test_scope(get, who, query, status):
    got, body = get("indicators", who, period="2024-10", **query)
    assert got == status, body
    if status == 404:
        assert body["code"] == "area_not_found"


def test_lgo_staff_listing_sees_only_their_own(get):
    status, body = get("indicators", "nga.staff", level="lgo", period="2024-10")
    assert status == 200
    assert [a["code"] for a in body["areas"]] == [NGA]


@pytest.mark.parametrize("query", [
    {"level": "village", "areas": V1, "period": "2024-13"},
    {"level": "village", "areas": V1, "period": "FY1999"},
    {"level": "village", "areas": V1, "period": "last month"},
    {"level": "planet", "areas": V1, "period": "2024-10"},
    {"level": "village", "areas": V1, "period": "2024-10", "indicators": "happiness"},
    {"level": "village", "areas": V1, "parent": NGA, "period": "2024-10"},
    {"level": "village", "areas": V1, "from": "2024-10-01"},
    {"level": "village", "areas": V1, "from": "2024-10-05", "to": "2024-10-01"},
    {"level": "village", "areas": V1, "from": "2020-01-01", "to": "2024-10-01"},
    {"level": "village", "areas": V1, "period": "2024-10", "from": "2024-10-01",
     "to": "2024-10-02"},
    {"level": "village", "areas": V1, "to": "2024-10-01"},
    {"level": "village", "areas": V1, "period": "2024-10", "perpage": "5"},
    {"level": "village", "areas": f"{V1},,", "period": "2024-10"},
])
def test_bad_indicator_queries(get, query):
    status, body = get("indicators", "province", **query)
    assert status == 422, body
    assert set(body) >= {"code", "status", "message", "errors"}


def test_unknown_area_is_404(get):
    assert get("indicators", "province", level="village", areas="51999999",
               period="2024-10")[0] == 404
    assert get("indicators", "province", level="lgo", parent="no-such-lgo",
               period="2024-10")[0] == 404


def test_league_ranks_with_change_and_most_improved(dataset, get, few_households_count):
    status, body = get("league", "nga.staff", level="village", parent=NGA,
                       indicator="participation", period="2024-10")
    assert status == 200, body
    assert body["previous_period"]["label"] == "2024-09"
    top = body["rows"][:2]
    assert [(r["code"], r["rank"], r["value"], r["change"]) for r in top] == [
        (V1, 1, 0.6, 0.1), (V2, 2, 0.5, 0.5)]
    assert top[0]["previous"] == {"value": 0.5, "numerator": 3, "denominator": 6,
                                  "small_denominator": False, "no_data": False}
    # Villages without households have no data (not a small denominator): last, unranked.
    assert all(r["rank"] is None and r["value"] is None for r in body["rows"][2:])
    assert all(r["no_data"] and not r["small_denominator"] for r in body["rows"][2:])
    assert len(body["rows"]) == 10
    assert body["most_improved"]["code"] == V2


def test_league_keeps_small_denominators_out_of_the_ranking(dataset, get):
    status, body = get("league", "province", level="village", parent=NGA,
                       indicator="participation", period="FY2568")
    assert status == 200
    assert body["previous_period"]["label"] == "FY2567"
    assert len(body["rows"]) == 10
    assert all(r["rank"] is None for r in body["rows"])
    assert body["rows"][0]["small_denominator"] is True
    assert body["most_improved"] is None


def test_ranking_shares_ties_and_puts_no_data_last():
    rows = [{"code": c, "value": v, "small_denominator": s, "no_data": v is None}
            for c, v, s in (
                ("a", 0.5, False), ("b", 0.7, False), ("c", 0.5, False), ("d", 0.9, True),
                ("e", None, False), ("f", 0.2, False), ("0", None, False), ("g", 0.1, True))]
    _rank(rows)
    assert [(r["code"], r["rank"]) for r in rows] == [
        ("b", 1), ("a", 2), ("c", 2), ("f", 4), ("d", None), ("g", None), ("0", None),
        ("e", None)]


def test_time_series_by_month(dataset, get):
    status, body = get("series", "province", level="lgo", area=NGA, indicators="participation",
                       granularity="month", **{"from": "2024-08-01", "to": "2024-11-30"})
    assert status == 200, body
    points = [(p["period"]["label"], p["indicators"]["participation"]["numerator"],
               p["indicators"]["participation"]["denominator"]) for p in body["points"]]
    assert points == [("2024-08", 0, 6), ("2024-09", 3, 7), ("2024-10", 4, 7),
                      ("2024-11", 0, 7)]


def test_time_series_by_day_and_fiscal_year(dataset, get):
    status, body = get("series", "nga.admin", level="village", area=V1,
                       indicators="participation", granularity="day",
                       **{"from": "2024-09-29", "to": "2024-10-02"})
    assert status == 200
    assert [p["indicators"]["participation"]["numerator"] for p in body["points"]] == [
        2, 2, 2, 1]
    status, body = get("series", "province", level="province", area="51",
                       granularity="fiscal_year", **{"from": "2024-01-01", "to": "2025-03-01"})
    assert status == 200
    assert [p["period"]["label"] for p in body["points"]] == ["FY2567", "FY2568"]
    assert len(body["points"][0]["indicators"]) == len(INDICATORS)


def test_series_refuses_backwards_ranges_and_other_lgos(get):
    assert get("series", "province", level="lgo", area=NGA,
               **{"from": "2024-10-01", "to": "2024-09-01"})[0] == 422
    assert get("series", "nga.staff", level="lgo", area=TOWN,
               **{"from": "2024-09-01", "to": "2024-10-01"})[0] == 404


def test_choropleth_is_geojson_with_breaks(dataset, get, few_households_count):
    status, body = get("choropleth", "province", level="village", parent=NGA,
                       indicator="participation", period="2024-10", classes=3)
    assert status == 200, body
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 10
    assert body["khaya"]["classes"] == {"method": "quantile", "breaks": [0.5, 0.55, 0.6]}
    by_code = {f["properties"]["code"]: f for f in body["features"]}
    assert by_code[V1]["properties"]["value"] == 0.6
    assert by_code[V1]["properties"]["class"] == 1
    assert by_code[V2]["properties"]["class"] == 0
    assert by_code["51010203"]["properties"]["class"] is None
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in ("Polygon", "MultiPolygon")
        assert geometry.is_valid


def test_choropleth_content_type_and_simplification(client, auth):
    response = client.get(f"{API}/choropleth", headers=auth("province"), query_string={
        "level": "lgo", "parent": "51", "indicator": "carbon_tco2e", "period": "FY2568",
        "method": "jenks", "tolerance": 0.001})
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert len(json.loads(response.data)["features"]) == 57


def test_definitions(get):
    status, body = get("definitions", "nga.staff")
    assert status == 200
    carbon = body["carbon"]
    assert (carbon["kg_per_person_day"], carbon["tco2e_per_tonne"]) == (0.252, 0.1454)
    assert carbon["arrangements_counted"] == ["has_bin", "communal"]
    assert len(body["indicators"]) == len(INDICATORS)
    assert all(i["definition_en"] and i["definition_th"] for i in body["indicators"])


def test_class_breaks():
    clusters = [1, 2, 3, 10, 11, 12, 20, 21, 22]
    assert classes.breaks(clusters, 3, "jenks") == [1, 3, 12, 22]
    assert classes.breaks(clusters, 3, "equal") == [1, 8, 15, 22]
    assert classes.breaks([1, 2, 3, 4, 5], 2, "quantile") == [1, 3, 5]
    assert classes.breaks([0.4, 0.4, 0.4], 5) == [0.4, 0.4]
    assert classes.classify(0.4, [0.4, 0.4]) == 0
    assert classes.breaks([], 5) == []
    bounds = [1, 3, 12, 22]
    assert [classes.classify(v, bounds) for v in (1, 3, 3.5, 12, 22, None)] == [
        0, 0, 1, 1, 2, None]
    big = [float(i % 97) for i in range(600)]
    assert len(classes.breaks(big, 5, "jenks")) == 6
