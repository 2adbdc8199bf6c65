"""Open citizen reports on the public maps: a vector-tile layer and an OGC API - Features
collection with their type, status, dates and place, and nothing about who reported or what
they wrote; a closed report leaves both at once."""

from __future__ import annotations

import math

import mapbox_vector_tile

API = "/api/v1/reports"
PUBLIC = {"type", "status", "reported_on", "updated_on", "lgo_code", "village_code"}
PRIVATE_WORDS = ("สมชาย", "0812345678", "ขยะกองใหญ่หลังบ้านนายดำ")


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return z, x, y


def _report(client, lon: float, lat: float) -> int:
    response = client.post(API, json={
        "type": "open_burning", "location": {"type": "Point", "coordinates": [lon, lat]},
        "description": PRIVATE_WORDS[2], "contact_name": PRIVATE_WORDS[0],
        "contact_phone": PRIVATE_WORDS[1]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["report"]["id"]


def _tile_reports(client, z: int, x: int, y: int) -> list[dict]:
    response = client.get(f"/api/v1/tiles/reports/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    if not response.data:
        return []
    return mapbox_vector_tile.decode(response.data).get("reports", {}).get("features", [])


def test_open_reports_are_a_public_tile_layer_without_the_reporter(client, auth, inside):
    lon, lat = inside("51010101")
    report_id = _report(client, lon, lat)
    z, x, y = _tile_of(lon, lat, 14)
    found = [f for f in _tile_reports(client, z, x, y) if f["id"] == report_id]
    assert len(found) == 1
    props = found[0]["properties"]
    assert set(props) == PUBLIC
    assert (props["type"], props["status"], props["village_code"]) == (
        "open_burning", "open", "51010101")
    raw = client.get(f"/api/v1/tiles/reports/{z}/{x}/{y}.mvt").data
    for word in PRIVATE_WORDS:
        assert word.encode() not in raw
    # Closing it takes it off the map at once (the cached tile's data version moved on).
    closed = client.patch(f"{API}/{report_id}", headers=auth("town.staff"),
                          json={"status": "closed", "note": "ดับไฟแล้ว"})
    assert closed.status_code == 200
    assert report_id not in [f["id"] for f in _tile_reports(client, z, x, y)]


def test_open_reports_are_an_ogc_collection(client, auth, inside):
    lon, lat = inside("51010201")
    report_id = _report(client, lon, lat)
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    page = client.get(f"/ogc/collections/reports/items?bbox={box}")
    assert page.status_code == 200
    features = {f["id"]: f for f in page.get_json()["features"]}
    assert report_id in features
    assert set(features[report_id]["properties"]) == PUBLIC
    one = client.get(f"/ogc/collections/reports/items/{report_id}")
    assert one.status_code == 200
    assert one.get_json()["geometry"]["type"] == "Point"
    for word in PRIVATE_WORDS:
        assert word not in page.get_data(as_text=True)
    burning = client.get("/ogc/collections/reports/items?type=open_burning&limit=1000")
    assert report_id in [f["id"] for f in burning.get_json()["features"]]
    other = client.get("/ogc/collections/reports/items?type=missed_collection&limit=1000")
    assert report_id not in [f["id"] for f in other.get_json()["features"]]
    client.patch(f"{API}/{report_id}", headers=auth("nga.staff"),
                 json={"status": "closed", "note": "เรียบร้อย"})
    assert client.get(f"/ogc/collections/reports/items/{report_id}").status_code == 404
