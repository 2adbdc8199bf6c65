"""Vector tiles: decoding, properties, access, scope, ETags, invalidation and index use."""

from __future__ import annotations

import datetime as dt
import uuid

import mapbox_vector_tile
import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects import postgresql

from khaya.areas.models import Lgo, Village
from khaya.auth import audit
from khaya.auth.models import AuditEvent
from khaya.collection.models import CollectionPoint
from khaya.common.geo import point as geo_point
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household
from khaya.maps import tiles
from tests.maps._support import NGA_VILLAGE, TOWN_VILLAGE, tile_of

MVT = "application/vnd.mapbox-vector-tile"
PERSONAL = {"head_name", "phone", "house_number", "name", "contact", "qr_token", "members"}


def decode(response) -> dict:
    return mapbox_vector_tile.decode(response.data) if response.data else {}


def features(response, layer: str) -> list[dict]:
    return decode(response).get(layer, {}).get("features", [])


def url(layer: str, z: int, x: int, y: int) -> str:
    return f"/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt"


def test_the_index_lists_every_layer_with_a_url_template(client):
    body = client.get("/api/v1/tiles").get_json()
    ids = [layer["id"] for layer in body["layers"]]
    assert ids == ["villages", "tambons", "districts", "lgos", "collection-points", "reports",
                   "households"]
    households = body["layers"][-1]
    assert households["public"] is False
    assert households["permission"] == "households.read"
    assert households["tiles"][0].endswith("/api/v1/tiles/households/{z}/{x}/{y}.mvt")


@pytest.mark.parametrize("layer", ["villages", "tambons", "districts", "lgos"])
def test_area_layers_answer_anonymous_callers(client, village_point, layer):
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 12)
    response = client.get(url(layer, z, x, y))
    assert response.status_code == 200
    assert response.mimetype == MVT
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    found = features(response, layer)
    assert found, f"no {layer} in the tile of the town's first community"
    props = found[0]["properties"]
    assert {"code", "name_th", "name_en", "boundary_approximate"} <= set(props)
    assert not PERSONAL & set(props)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in found)


def test_a_village_carries_its_lgo_and_tambon(client, village_point):
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 14)
    found = features(client.get(url("villages", z, x, y)), "villages")
    mine = next(f for f in found if f["properties"]["code"] == TOWN_VILLAGE)
    assert mine["properties"]["lgo_code"] == "lamphun-town-municipality"
    assert mine["properties"]["tambon_code"] == "510101"
    assert isinstance(mine["id"], int)


def test_collection_points_are_public_and_carry_no_contact(app, client, village_point):
    lon, lat = village_point(TOWN_VILLAGE)
    with app.app_context():
        lgo_id = db.session.execute(
            select(Lgo.id).where(Lgo.code == "lamphun-town-municipality")
        ).scalar_one()
        row = CollectionPoint(
            lgo_id=lgo_id, kind="hazardous_dropoff", name_th="จุดทิ้งขยะอันตราย วัด",
            point=geo_point(lon, lat), streams=["hazardous"], opening={},
            contact="081-111-2222",
        )
        db.session.add(row)
        db.session.commit()
        point_id = row.id
        db.session.remove()
    z, x, y = tile_of(lon, lat, 15)
    found = features(client.get(url("collection-points", z, x, y)), "collection-points")
    mine = next(f for f in found if f["id"] == point_id)
    assert mine["properties"]["kind"] == "hazardous_dropoff"
    assert mine["properties"]["streams"] == "hazardous"
    assert mine["properties"]["lgo_code"] == "lamphun-town-municipality"
    assert "contact" not in mine["properties"]
    assert mine["geometry"]["type"] == "Point"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tiles/villages/23/0/0.mvt",
        "/api/v1/tiles/villages/2/4/0.mvt",
        "/api/v1/tiles/villages/2/0/4.mvt",
        "/api/v1/tiles/villages/2/-1/0.mvt",
        "/api/v1/tiles/rivers/2/0/0.mvt",
        "/api/v1/tiles/households/23/0/0.mvt",
    ],
)
def test_tiles_outside_the_pyramid_and_unknown_layers_are_404(client, auth, path):
    response = client.get(path, headers=auth("town.staff"))
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_an_empty_tile_is_an_empty_200(client):
    # Over the Atlantic: no area, no point.
    response = client.get(url("villages", 10, 400, 450))
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"]


def test_etag_answers_304_and_keeps_the_cache_headers(client, village_point):
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 12)
    first = client.get(url("villages", z, x, y))
    etag = first.headers["ETag"]
    again = client.get(url("villages", z, x, y), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    other = client.get(url("villages", z, x, y), headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


# Households ----------------------------------------------------------------------------------


def test_households_layer_needs_a_signed_in_caller_with_households_read(
    client, auth, village_point
):
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 15)
    assert client.get(url("households", z, x, y)).status_code == 401
    response = client.get(url("households", z, x, y), headers=auth("province"))
    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"


def test_lgo_staff_see_their_households_without_personal_details(
    client, auth, make_household, village_point
):
    made = make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    response = client.get(url("households", z, x, y), headers=auth("town.staff"))
    assert response.status_code == 200
    assert response.mimetype == MVT
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in response.headers["Vary"]
    found = features(response, "households")
    mine = next(f for f in found if f["id"] == made["id"])
    props = mine["properties"]
    assert props["wet_bin"] == "has_bin"
    assert props["verified"] is False
    assert props["occupied"] is True
    assert props["logged_this_month"] is False
    assert props["village_code"] == TOWN_VILLAGE
    assert not PERSONAL & set(props)
    assert "นางสาวแผนที่" not in response.data.decode("utf-8", "replace")
    assert b"+6689" not in response.data


def test_another_lgo_gets_an_empty_tile_not_an_error(client, auth, make_household, village_point):
    make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    response = client.get(url("households", z, x, y), headers=auth("nga.staff"))
    assert response.status_code == 200
    assert features(response, "households") == []
    # And the town does not see Mueang Nga's.
    theirs = make_household(NGA_VILLAGE, who="nga.staff")
    z, x, y = tile_of(*village_point(NGA_VILLAGE), 16)
    town = client.get(url("households", z, x, y), headers=auth("town.staff"))
    assert theirs["id"] not in {f["id"] for f in features(town, "households")}
    nga = client.get(url("households", z, x, y), headers=auth("nga.staff"))
    assert theirs["id"] in {f["id"] for f in features(nga, "households")}


def test_a_volunteer_sees_the_households_of_their_villages(
    client, auth, make_household, village_point
):
    made = make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    response = client.get(url("households", z, x, y), headers=auth("0810000001"))
    assert made["id"] in {f["id"] for f in features(response, "households")}


def test_below_the_minimum_zoom_the_households_layer_is_empty(
    client, auth, make_household, village_point
):
    make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 11)
    response = client.get(url("households", z, x, y), headers=auth("town.staff"))
    assert response.status_code == 200
    assert response.data == b""


def test_a_household_tile_is_audited_once_and_answers_who_saw_each_household(
    app, client, auth, make_household, village_point
):
    made = [make_household() for _ in range(3)]
    far = make_household(NGA_VILLAGE, who="nga.staff")
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    first = client.get(url("households", z, x, y), headers=auth("town.staff"))
    assert first.status_code == 200
    client.get(url("households", z, x, y),
               headers={**auth("town.staff"), "If-None-Match": first.headers["ETag"]})
    shown = features(first, "households")
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.entity == "household_tile")
        ).scalars().all()
        assert len(events) == 1, "one event for the 200, none for the 304, not one a household"
        village_id = db.session.execute(
            select(Household.village_id).where(Household.id == made[0]["id"])
        ).scalar_one()
        assert events[0].entity_id == f"{z}/{x}/{y}"
        assert events[0].details == {"tile": f"{z}/{x}/{y}", "households": len(shown),
                                     "village_ids": [village_id]}
        per_household = db.session.execute(
            select(AuditEvent).where(AuditEvent.entity == "household",
                                     AuditEvent.action == "list")
        ).scalars().all()
        assert per_household == []
        db.session.remove()
    # Who saw each household: the tile view for the three on it, nothing for the one elsewhere.
    admin = auth("town.admin")
    for household in made:
        trail = client.get(f"/api/v1/audit-events?entity=household&entity_id={household['id']}",
                           headers=admin).get_json()["items"]
        views = [e for e in trail if e["entity"] == "household_tile"]
        assert [e["entity_id"] for e in views] == [f"{z}/{x}/{y}"], trail
    nga_trail = client.get(f"/api/v1/audit-events?entity=household&entity_id={far['id']}",
                           headers=auth("nga.admin")).get_json()["items"]
    assert [e for e in nga_trail if e["entity"] == "household_tile"] == []


def test_a_tile_view_is_not_counted_for_a_household_of_a_village_it_did_not_show(
    app, client, auth, make_household, village_point
):
    """A volunteer's tile shows only their villages: a neighbour's house under the same tile,
    in another village, was not seen by them."""
    made = make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    with app.app_context():
        lgo_id, point = db.session.execute(
            select(Household.lgo_id, Household.point).where(Household.id == made["id"])
        ).one()
        other_village = db.session.execute(
            select(Village.id).where(Village.lgo_id == lgo_id, Village.code != TOWN_VILLAGE)
            .limit(1)
        ).scalar_one()
        db.session.execute(
            insert(AuditEvent).values(
                action="list", entity="household_tile", entity_id=f"{z}/{x}/{y}", lgo_id=lgo_id,
                details={"tile": f"{z}/{x}/{y}", "households": 1, "village_ids": [other_village]},
                area=tiles.envelope_4326(z, x, y),
            )
        )
        assert db.session.execute(
            select(func.count()).select_from(AuditEvent).where(audit.tile_views_of(made["id"]))
        ).scalar_one() == 0
        db.session.rollback()
        db.session.remove()
    assert point is not None


def test_an_edit_invalidates_the_cached_tile_and_its_etag(
    client, auth, make_household, village_point
):
    made = make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    headers = auth("town.staff")
    first = client.get(url("households", z, x, y), headers=headers)
    etag = first.headers["ETag"]
    assert client.get(url("households", z, x, y),
                      headers={**headers, "If-None-Match": etag}).status_code == 304
    patched = client.patch(f"/api/v1/households/{made['id']}", headers=headers,
                           json={"version": made["version"], "wet_bin": "communal"})
    assert patched.status_code == 200, patched.get_json()
    after = client.get(url("households", z, x, y), headers={**headers, "If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    mine = next(f for f in features(after, "households") if f["id"] == made["id"])
    assert mine["properties"]["wet_bin"] == "communal"


def test_deactivated_households_leave_the_layer(client, auth, make_household, village_point):
    made = make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 16)
    headers = auth("town.staff")
    client.get(url("households", z, x, y), headers=headers)
    done = client.post(f"/api/v1/households/{made['id']}/deactivate", headers=headers,
                       json={"reason": "moved away"})
    assert done.status_code == 200, done.get_json()
    after = client.get(url("households", z, x, y), headers=headers)
    assert made["id"] not in {f["id"] for f in features(after, "households")}


# Index use -----------------------------------------------------------------------------------


def _plan(stmt) -> str:
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(db.session.execute(text("EXPLAIN " + sql)).scalars())


def test_tile_filters_use_the_gist_indexes(db_session):
    z, x, y = tile_of(99.0121, 18.5865, 14)
    # Each filter alone: with joins the planner may start from a parent's btree index instead.
    plan = _plan(select(Village.id).where(tiles._in_tile(Village.geom, z, x, y)))
    assert "idx_villages_geom" in plan, plan
    # The envelope is transformed (and folded to a constant); the column is compared as stored.
    assert "(geom && '" in plan, plan
    assert "st_transform(geom" not in plan.lower(), plan
    households = select(Household.id).where(tiles._in_tile(Household.point, z, x, y))
    assert "idx_households_point" in _plan(households)
    points = select(CollectionPoint.id).where(tiles._in_tile(CollectionPoint.point, z, x, y))
    assert "idx_collection_points_point" in _plan(points)


# Indicators ----------------------------------------------------------------------------------


def _log_today(client, auth, household_id: int, day: dt.date | None = None) -> None:
    item = {"kind": "sorting_log", "client_id": str(uuid.uuid4()),
            "data": {"household_id": household_id,
                     "log_date": (day or local_today()).isoformat(),
                     "streams": ["organic"], "organic_handling": "wet_bin"}}
    response = client.post("/api/v1/sync", headers=auth("town.staff"),
                           json={"device_id": "maps-test", "items": [item]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["results"][0]["status"] == "created", response.get_json()


def _village(response, code: str) -> dict:
    return next(f for f in features(response, "villages") if f["properties"]["code"] == code)


def test_villages_carry_the_last_complete_months_participation(
    app, client, auth, make_household, village_point, monkeypatch
):
    """Maps show the last complete month, as every screen does: a log today leaves the tile
    as it was, one on the last day of last month changes it."""
    monkeypatch.setitem(app.config, "SMALL_DENOMINATOR", 1)
    first = make_household()
    make_household()
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 14)
    before = client.get(url("villages", z, x, y))
    props = _village(before, TOWN_VILLAGE)["properties"]
    households = props["participation_denominator"]
    assert households == 2
    assert props["participation_numerator"] == 0
    assert props["participation_small"] is False
    _log_today(client, auth, first["id"])
    today = client.get(url("villages", z, x, y))
    assert _village(today, TOWN_VILLAGE)["properties"]["participation_numerator"] == 0
    last_month_end = local_today().replace(day=1) - dt.timedelta(days=1)
    _log_today(client, auth, first["id"], last_month_end)
    after = client.get(url("villages", z, x, y), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200, "a log in last month must change the village's tile"
    props = _village(after, TOWN_VILLAGE)["properties"]
    # The test database's register is the test's own: the two households made above, one of
    # which logged last month.
    assert props["participation_numerator"] == 1
    assert props["participation_denominator"] == 2
    assert props["participation"] == pytest.approx(0.5, abs=1e-9)


def test_small_denominators_hide_the_value_but_keep_the_flag(
    client, auth, make_household, village_point
):
    made = make_household()
    _log_today(client, auth, made["id"])
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 14)
    props = _village(client.get(url("villages", z, x, y)), TOWN_VILLAGE)["properties"]
    assert props["participation_small"] is True
    assert "participation" not in props
    assert "participation_numerator" not in props
    assert props["participation_denominator"] >= 1
