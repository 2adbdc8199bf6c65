"""Collection points: public reads, the map layer, nearest search, and changes by LGO roles."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import event, text

TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"
PAO = "lamphun-provincial-administrative-organization"
TOWN_OFFICE = (99.0121, 18.5865)
EARTH_RADIUS_M = 6_371_008.8
URL = "/api/v1/collection-points"


def offset(origin: tuple[float, float], metres: float, bearing_deg: float) -> tuple[float, float]:
    """Return the point ``metres`` from ``origin`` on a bearing (great circle on a sphere)."""
    lon1, lat1 = (math.radians(c) for c in origin)
    angle, bearing = metres / EARTH_RADIUS_M, math.radians(bearing_deg)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1),
        math.cos(angle) - math.sin(lat1) * math.sin(lat2),
    )
    return math.degrees(lon2), math.degrees(lat2)


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = (math.radians(c) for c in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def geojson(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.fixture
def ring(make_point) -> dict[str, tuple[int, tuple[float, float]]]:
    """Points at known distances from the town office: name -> (id, (lon, lat))."""
    places = {
        "hazard-100m": (100, 45, "hazardous_dropoff", ("hazardous",)),
        "bank-500m": (500, 0, "recycling", ("recyclable", "general")),
        "bank-2km": (2_000, 270, "recycling", ("recyclable",)),
        "bank-20km": (20_000, 180, "recycling", ("recyclable",)),
    }
    made = {}
    for name, (metres, bearing, kind, streams) in places.items():
        where = offset(TOWN_OFFICE, metres, bearing)
        made[name] = (make_point(name, *where, kind=kind, streams=streams), where)
    closed = offset(TOWN_OFFICE, 50, 90)
    made["closed-50m"] = (make_point("closed-50m", *closed, status="closed"), closed)
    return made


def nearest(client, **query) -> list[dict]:
    response = client.get(f"{URL}/nearest", query_string={
        "lon": TOWN_OFFICE[0], "lat": TOWN_OFFICE[1], **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_nearest_by_stream_in_distance_order_with_geodesic_distances(client, ring):
    items = nearest(client, stream="recyclable")
    assert [i["name_th"] for i in items] == ["bank-500m", "bank-2km", "bank-20km"]
    for item in items:
        expected = haversine_m(TOWN_OFFICE, ring[item["name_th"]][1])
        assert item["distance_m"] == pytest.approx(expected, rel=0.01)
    assert items[0]["lgo_code"] == TOWN
    assert "hazardous" in nearest(client, stream="hazardous")[0]["streams"]


def test_nearest_limit_max_km_kind_and_closed_points(client, ring):
    assert [i["name_th"] for i in nearest(client, limit=2)] == ["hazard-100m", "bank-500m"]
    within_3km = nearest(client, max_km=3)
    assert [i["name_th"] for i in within_3km] == ["hazard-100m", "bank-500m", "bank-2km"]
    assert [i["name_th"] for i in nearest(client, max_km=0.2)] == ["hazard-100m"]
    assert [i["name_th"] for i in nearest(client, kind="hazardous_dropoff")] == ["hazard-100m"]
    assert "closed-50m" not in {i["name_th"] for i in nearest(client, limit=50)}


def test_nearest_re_ranks_what_the_planar_index_orders_wrongly(client, make_point):
    # A degree of longitude is shorter on the ground than one of latitude here, so 25 points
    # 1.02-1.044 km north are nearer in degrees than the one 1 km east, yet farther away (by
    # more than the sphere used here differs from the spheroid PostGIS measures on).
    for i in range(25):
        make_point(f"north-{i}", *offset(TOWN_OFFICE, 1_020 + i, 0))
    make_point("east", *offset(TOWN_OFFICE, 1_000, 90))
    assert [i["name_th"] for i in nearest(client, limit=1)] == ["east"]
    assert [i["name_th"] for i in nearest(client, limit=2)] == ["east", "north-0"]


def test_nearest_uses_the_spatial_index(client, connection, ring):
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        if "<->" in statement:
            statements.append((statement, parameters))

    connection.execute(text("SET LOCAL enable_seqscan = off"))
    event.listen(connection, "before_cursor_execute", record)
    try:
        nearest(client, stream="recyclable", max_km=5)
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert statements, "the nearest query did not use the KNN operator"
    statement, parameters = statements[0]
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    )
    assert "idx_collection_points_point" in plan, plan


def test_bbox_on_the_map_layer_returns_exactly_the_points_inside(client, ring):
    lons = [ring[n][1][0] for n in ("hazard-100m", "bank-500m", "closed-50m")]
    lats = [ring[n][1][1] for n in ("hazard-100m", "bank-500m", "closed-50m")]
    bbox = f"{min(lons) - 0.0005},{min(lats) - 0.0005},{max(lons) + 0.0005},{max(lats) + 0.0005}"
    response = client.get(f"{URL}/geojson?bbox={bbox}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    layer = response.get_json()
    assert layer["type"] == "FeatureCollection"
    assert {f["properties"]["name_th"] for f in layer["features"]} == {
        "hazard-100m", "bank-500m", "closed-50m"}
    feature = next(f for f in layer["features"] if f["properties"]["name_th"] == "bank-500m")
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["lgo_code"] == TOWN
    assert feature["properties"]["streams"] == ["recyclable", "general"]
    kinds = client.get(f"{URL}/geojson?kind=hazardous_dropoff").get_json()["features"]
    assert [f["properties"]["name_th"] for f in kinds] == ["hazard-100m"]


def test_anonymous_reads_list_and_detail_with_filters(client, ring):
    page = client.get(f"{URL}?stream=recyclable&per_page=2").get_json()
    assert page["meta"]["total"] == 4  # three banks and the closed point
    assert len(page["items"]) == 2
    assert client.get(f"{URL}?status=closed").get_json()["meta"]["total"] == 1
    assert client.get(f"{URL}?q=2km").get_json()["items"][0]["name_th"] == "bank-2km"
    assert client.get(f"{URL}?lgo={NGA}").get_json()["meta"]["total"] == 0
    point_id = ring["bank-500m"][0]
    detail = client.get(f"{URL}/{point_id}")
    assert detail.status_code == 200
    assert detail.get_json()["point"]["type"] == "Point"
    assert client.get(f"{URL}/999999").get_json()["code"] == "point_not_found"
    assert client.get(f"{URL}?perpage=2").status_code == 422


def new_point(**fields) -> dict:
    return {
        "kind": "recycling",
        "name_th": "ธนาคารขยะวัดพระธาตุ",
        "name_en": "Wat Phra That waste bank",
        "village_code": "51010101",
        "point": geojson(*offset(TOWN_OFFICE, 300, 30)),
        "streams": ["recyclable"],
        "opening": {"weekly": [{"day": 5, "opens": "08:00", "closes": "12:00"}],
                    "dates": ["2026-12-05", "2026-12-05", "2026-11-28"]},
        "contact": "053-511-000",
        **fields,
    }


def test_lgo_staff_create_and_change_a_point(client, auth):
    response = client.post(URL, json=new_point(), headers=auth("town.staff"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"{URL}/{body['id']}"
    assert body["lgo_code"] == TOWN
    assert body["village_code"] == "51010101"
    assert body["status"] == "active"
    assert body["opening"]["dates"] == ["2026-11-28", "2026-12-05"]
    changed = client.patch(f"{URL}/{body['id']}", json={"status": "full", "village_code": None},
                           headers=auth("town.admin"))
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["status"] == "full"
    assert changed.get_json()["village_code"] is None


@pytest.mark.parametrize(("login", "status"), [(None, 401), ("0810000011", 403),
                                               ("0810000001", 403), ("province", 403)])
def test_only_lgo_roles_create_points(client, auth, login, status):
    headers = auth(login) if login else {}
    assert client.post(URL, json=new_point(), headers=headers).status_code == status


def test_another_lgos_point_is_not_found_for_changes(client, auth, ring):
    point_id = ring["bank-500m"][0]
    response = client.patch(f"{URL}/{point_id}", json={"status": "closed"},
                            headers=auth("nga.staff"))
    assert response.status_code == 404
    assert response.get_json()["code"] == "point_not_found"
    assert client.get(f"{URL}/{point_id}").get_json()["status"] == "active"


def test_lgo_staff_act_only_for_their_own_lgo(client, auth):
    other = client.post(URL, json=new_point(lgo_code=NGA, village_code=None),
                        headers=auth("town.staff"))
    assert other.status_code == 403
    assert other.get_json()["code"] == "lgo_not_yours"
    pao = client.post(URL, json=new_point(lgo_code=PAO, kind="pao_handover",
                                          streams=["hazardous"], village_code=None),
                      headers=auth("town.staff"))
    assert pao.status_code == 403
    handover = client.post(URL, json=new_point(kind="pao_handover", streams=["hazardous"]),
                           headers=auth("town.staff"))
    assert handover.status_code == 422
    assert "kind" in handover.get_json()["errors"]
    village = client.post(URL, json=new_point(village_code="51010201"),
                          headers=auth("town.staff"))
    assert village.status_code == 422
    assert "village_code" in village.get_json()["errors"]


def test_pao_staff_and_admins_create_hand_over_points(client, auth, pao_staff):
    body = new_point(kind="pao_handover", streams=["hazardous"], village_code="51010102")
    assert client.post(URL, json=body, headers=auth(pao_staff)).status_code == 201
    unnamed = client.post(URL, json=body, headers=auth("admin"))
    assert unnamed.status_code == 422
    assert "lgo_code" in unnamed.get_json()["errors"]
    named = client.post(URL, json={**body, "lgo_code": PAO}, headers=auth("admin"))
    assert named.status_code == 201
    assert named.get_json()["lgo_code"] == PAO


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"opening": {"weekly": [{"day": 1, "opens": "12:00", "closes": "08:00"}]}}, "opening"),
        ({"opening": {"weekly": [{"day": 7, "opens": "25:00", "closes": "26:00"}]}}, "opening"),
        ({"opening": {"weekly": [{"day": 1, "opens": "08:00", "closes": "12:00"},
                                 {"day": 1, "opens": "11:00", "closes": "13:00"}]}}, "opening"),
        ({"opening": {"dates": ["2026-02-30"]}}, "opening"),
        ({"streams": ["plastic"]}, "streams"),
        ({"streams": []}, "streams"),
        ({"streams": ["general", "general"]}, "streams"),
        ({"point": None}, "point"),
        ({"point": geojson(200, 18)}, "point"),
        ({"kind": "bin"}, "kind"),
    ],
)
def test_bad_fields_are_422_with_field_errors(client, auth, fields, field):
    response = client.post(URL, json=new_point(**fields), headers=auth("town.staff"))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_rules_beyond_the_schema_are_422_with_field_errors(client, auth):
    hazardous = client.post(URL, json=new_point(kind="hazardous_dropoff", streams=["general"]),
                            headers=auth("town.staff"))
    assert hazardous.status_code == 422
    assert "streams" in hazardous.get_json()["errors"]
    far = client.post(URL, json=new_point(point=geojson(100.5018, 13.7563)),
                      headers=auth("town.staff"))
    assert far.status_code == 422
    assert far.get_json()["code"] == "point_outside_lgo"
    assert "point" in far.get_json()["errors"]
    created = client.post(URL, json=new_point(), headers=auth("town.staff")).get_json()
    patched = client.patch(f"{URL}/{created['id']}", json={"kind": "hazardous_dropoff"},
                           headers=auth("town.staff"))
    assert patched.status_code == 422
    assert "streams" in patched.get_json()["errors"]


def test_ids_beyond_the_column_are_not_found(client, auth):
    assert client.get(f"{URL}/99999999999").status_code == 404
    patched = client.patch(f"{URL}/99999999999", json={}, headers=auth("town.staff"))
    assert patched.status_code == 404


def test_lists_and_nearest_run_a_fixed_number_of_queries(client, ring, query_counter):
    client.get(f"{URL}?per_page=50")
    assert len(query_counter) == 2, query_counter  # the count and the page
    query_counter.clear()
    nearest(client, limit=5)
    assert len(query_counter) == 1, query_counter
