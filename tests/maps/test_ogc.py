"""OGC API - Features: landing page, conformance, collections, items, paging, bbox, features."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from khaya.areas.models import Lgo, LgoType, Tambon, Village
from khaya.extensions import db
from khaya.maps import ogc, tiles

JSON = "application/json"
GEOJSON = "application/geo+json"


def rels(body: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in body["links"]}


def test_landing_page_links_the_api_conformance_and_collections(client):
    response = client.get("/ogc")
    assert response.status_code == 200
    assert response.mimetype == JSON
    links = rels(response.get_json())
    assert links["self"]["href"].endswith("/ogc")
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["conformance"]["href"].endswith("/ogc/conformance")
    assert links["data"]["href"].endswith("/ogc/collections")


def test_the_api_definition_lists_the_ogc_paths_relative_to_ogc(client):
    response = client.get("/ogc/api")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oai.openapi+json"
    spec = response.get_json()
    assert spec["openapi"].startswith("3.0")
    assert spec["servers"][0]["url"].endswith("/ogc")
    assert "/collections/{collectionId}/items" in spec["paths"]
    assert "/tiles/{layer}/{z}/{x}/{y}.mvt" not in spec["paths"]
    params = spec["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "limit")
    assert limit["schema"]["maximum"] == ogc.MAX_LIMIT
    assert limit["schema"]["default"] == ogc.DEFAULT_LIMIT


def test_conformance_declares_core_geojson_and_oas30(client):
    body = client.get("/ogc/conformance").get_json()
    assert set(body["conformsTo"]) >= {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    }


def test_collections_have_extents_and_item_links(client):
    response = client.get("/ogc/collections")
    assert response.mimetype == JSON
    body = response.get_json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == ["villages", "tambons", "districts", "lgos", "collection-points", "reports"]
    villages = body["collections"][0]
    assert villages["itemType"] == "feature"
    min_lon, min_lat, max_lon, max_lat = villages["extent"]["spatial"]["bbox"][0]
    assert 98 < min_lon < max_lon < 100
    assert 17 < min_lat < max_lat < 19.5
    items = rels(villages)["items"]
    assert items["type"] == GEOJSON
    assert items["href"].endswith("/ogc/collections/villages/items")


def test_one_collection_and_an_unknown_one(client):
    assert client.get("/ogc/collections/tambons").get_json()["id"] == "tambons"
    response = client.get("/ogc/collections/rivers")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_items_page_through_villages_in_code_order(app, client):
    with app.app_context():
        total = db.session.execute(
            select(func.count()).select_from(Village).where(Village.geom.is_not(None))
        ).scalar_one()
        db.session.remove()
    response = client.get("/ogc/collections/villages/items?limit=50")
    assert response.status_code == 200
    assert response.mimetype == GEOJSON
    page = response.get_json()
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == total
    assert page["numberReturned"] == 50
    assert page["timeStamp"].endswith("Z")
    codes = [f["id"] for f in page["features"]]
    assert codes == sorted(codes)
    first = page["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert first["properties"]["code"] == first["id"]
    assert {"name_th", "name_en", "lgo_code", "tambon_code", "participation_small",
            "indicator_period"} <= set(first["properties"])
    links = rels(page)
    assert "prev" not in links
    query = parse_qs(urlsplit(links["next"]["href"]).query)
    assert query == {"limit": ["50"], "offset": ["50"]}
    second = client.get(links["next"]["href"]).get_json()
    assert second["features"][0]["id"] > codes[-1]
    assert parse_qs(urlsplit(rels(second)["prev"]["href"]).query)["offset"] == ["0"]


def test_the_last_page_has_no_next_link(client):
    matched = client.get("/ogc/collections/districts/items").get_json()["numberMatched"]
    page = client.get(f"/ogc/collections/districts/items?offset={matched - 1}").get_json()
    assert page["numberReturned"] == 1
    assert "next" not in rels(page)
    assert "prev" in rels(page)


def test_a_limit_above_the_maximum_is_served_as_the_maximum(client):
    page = client.get("/ogc/collections/villages/items?limit=5000").get_json()
    assert page["numberReturned"] == min(ogc.MAX_LIMIT, page["numberMatched"])


def test_bbox_filters_features_in_crs84(app, client):
    with app.app_context():
        lon, lat = db.session.execute(
            select(func.ST_X(func.ST_PointOnSurface(Village.geom)),
                   func.ST_Y(func.ST_PointOnSurface(Village.geom)))
            .where(Village.code == "51010101")
        ).one()
        db.session.remove()
    box = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    page = client.get(f"/ogc/collections/villages/items?bbox={box}").get_json()
    assert "51010101" in [f["id"] for f in page["features"]]
    assert page["numberMatched"] < 10
    crs84 = client.get(f"/ogc/collections/villages/items?bbox={box}&bbox-crs={ogc.CRS84}")
    assert crs84.get_json()["numberMatched"] == page["numberMatched"]
    six = f"{lon - 0.001},{lat - 0.001},0,{lon + 0.001},{lat + 0.001},100"
    assert client.get(f"/ogc/collections/villages/items?bbox={six}").get_json()[
        "numberMatched"] == page["numberMatched"]
    far = client.get("/ogc/collections/villages/items?bbox=-10,-10,-9,-9").get_json()
    assert far["numberMatched"] == 0
    assert far["features"] == []


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=0,10,1,5",
        "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
        "limit=0",
        "offset=-1",
        "f=html",
        "unknown=1",
    ],
)
def test_invalid_or_unknown_parameters_answer_400(client, query):
    response = client.get(f"/ogc/collections/villages/items?{query}")
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_datetime_is_accepted_and_filters_nothing(client):
    plain = client.get("/ogc/collections/districts/items").get_json()
    timed = client.get("/ogc/collections/districts/items?datetime=2024-01-01T00:00:00Z")
    assert timed.status_code == 200
    assert timed.get_json()["numberMatched"] == plain["numberMatched"]


def test_one_feature_by_code_and_a_missing_one(client):
    response = client.get("/ogc/collections/tambons/items/510101")
    assert response.status_code == 200
    assert response.mimetype == GEOJSON
    feature = response.get_json()
    assert feature["type"] == "Feature"
    assert feature["id"] == "510101"
    assert feature["properties"]["district_code"] == "5101"
    assert rels(feature)["collection"]["href"].endswith("/ogc/collections/tambons")
    assert client.get("/ogc/collections/tambons/items/999999").status_code == 404
    assert client.get("/ogc/collections/collection-points/items/abc").status_code == 404


def test_lgos_list_municipalities_and_saos_with_their_type(app, client):
    with app.app_context():
        count = db.session.execute(
            select(func.count()).select_from(Lgo).where(Lgo.geom.is_not(None))
        ).scalar_one()
        pao = db.session.execute(select(Lgo.code).where(Lgo.type == LgoType.PAO)).scalar_one()
        db.session.remove()
    page = client.get("/ogc/collections/lgos/items?limit=1000").get_json()
    assert page["numberMatched"] == count
    town = next(f for f in page["features"] if f["id"] == "lamphun-town-municipality")
    assert town["properties"]["type"] == "town_municipality"
    assert pao  # the PAO is listed when it has a boundary; its type says what it is


def test_collection_points_are_features_with_integer_ids(app, client):
    from khaya.collection.models import CollectionPoint
    from khaya.common.geo import point

    with app.app_context():
        lgo_id = db.session.execute(
            select(Lgo.id).where(Lgo.code == "lamphun-town-municipality")
        ).scalar_one()
        row = CollectionPoint(lgo_id=lgo_id, kind="recycling", name_th="ธนาคารขยะ ทดสอบ",
                              point=point(99.0121, 18.5865), streams=["recyclable"],
                              opening={}, contact="081-222-3333")
        db.session.add(row)
        db.session.commit()
        point_id = row.id
        db.session.remove()
    feature = client.get(f"/ogc/collections/collection-points/items/{point_id}").get_json()
    assert feature["id"] == point_id
    assert feature["geometry"] == {"type": "Point", "coordinates": [99.0121, 18.5865]}
    assert feature["properties"]["streams"] == ["recyclable"]
    assert "contact" not in feature["properties"]


def test_ogc_is_public_and_ignores_no_token(client, auth):
    assert client.get("/ogc/collections", headers=auth("province")).status_code == 200
    assert client.get("/ogc", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_every_tambon_is_served(app, client):
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Tambon)).scalar_one()
        db.session.remove()
    assert client.get("/ogc/collections/tambons/items").get_json()["numberMatched"] == count


def test_a_page_is_kept_until_its_collection_changes(app, client):
    path = "/ogc/collections/villages/items?limit=5"
    first = client.get(path).get_json()
    hits = tiles.cache_info()["hits"]
    again = client.get(path).get_json()
    assert tiles.cache_info()["hits"] == hits + 1
    assert [f["properties"] for f in again["features"]] == [
        f["properties"] for f in first["features"]]
    code = first["features"][0]["id"]
    with app.app_context():
        village = db.session.execute(select(Village).where(Village.code == code)).scalar_one()
        village.name_en = "Renamed for the page cache"
        db.session.commit()
    renamed = client.get(path).get_json()
    assert renamed["features"][0]["properties"]["name_en"] == "Renamed for the page cache"
