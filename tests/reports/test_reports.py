"""Citizen reports through HTTP: routing by boundary, duplicates, the status rules, scope, the
reporter's view, the public web form, and offline reports through sync with replays."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from khaya.areas.models import Lgo, Village
from khaya.reports.models import Report, ReportEvent

API = "/api/v1/reports"
TOWN_VILLAGE = "51010101"  # Lamphun Town Municipality
TOWN_VILLAGE_2 = "51010102"
NGA_VILLAGE = "51010201"  # Mueang Nga Subdistrict Municipality
PERSONAL = {"contact", "reported_by", "contact_name", "contact_phone", "contact_email", "token"}


def _body(lon: float, lat: float, kind: str = "illegal_dumping", **extra) -> dict:
    return {"type": kind, "location": {"type": "Point", "coordinates": [lon, lat]},
            "located_by": "gps", "accuracy_m": 8, "description": "ขยะกองริมถนน", **extra}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def _lgo_of(db_session, report_id: int) -> str:
    return db_session.scalar(select(Lgo.code).join(Report, Report.lgo_id == Lgo.id)
                             .where(Report.id == report_id))


# Routing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [TOWN_VILLAGE, TOWN_VILLAGE_2, NGA_VILLAGE])
def test_a_report_goes_to_the_village_and_lgo_whose_area_holds_it(client, auth, inside, code):
    response = client.post(API, json=_body(*inside(code)), headers=auth("0810000011"))
    assert response.status_code == 201, response.get_json()
    report = response.get_json()["report"]
    assert report["village_code"] == code
    assert report["lgo_code"] == ("mueang-nga-subdistrict-municipality" if code == NGA_VILLAGE
                                  else "lamphun-town-municipality")
    assert report["status"] == "open"
    assert report["source"] == "app"
    assert [e["action"] for e in report["events"]] == ["created"]


def test_a_point_on_the_line_between_two_villages_goes_to_one_of_them(client, auth, db_session):
    # A point of the edge the town's first community shares with a neighbour: both cover it.
    other = aliased(Village)
    edge = func.ST_PointOnSurface(func.ST_Intersection(func.ST_Boundary(Village.geom),
                                                       func.ST_Boundary(other.geom)))
    row = db_session.execute(
        select(Village.code, other.code, func.ST_X(edge), func.ST_Y(edge))
        .join(other, func.ST_Touches(Village.geom, other.geom))
        .where(Village.code == TOWN_VILLAGE).order_by(other.code).limit(1)
    ).first()
    assert row is not None, "the town's first community has no neighbour"
    first, second, lon, lat = row
    response = client.post(API, json=_body(lon, lat), headers=auth("0810000011"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["report"]["village_code"] in (first, second)


@pytest.mark.parametrize("where", [(100.5018, 13.7563), (98.98, 18.79), (0.0, 0.0)])
def test_a_point_outside_the_province_is_refused_with_a_clear_message(client, auth, where):
    response = client.post(API, json=_body(*where), headers=auth("0810000011"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "outside_area"
    assert "outside the province" in body["message"]
    thai = client.post(API, json=_body(*where), headers={**auth("0810000011"),
                                                          "Accept-Language": "th"})
    assert "นอกจังหวัด" in thai.get_json()["message"]


# The public web form --------------------------------------------------------------------------


def test_the_public_report_without_an_account_and_follows_it_by_token(client, inside):
    lon, lat = inside(TOWN_VILLAGE)
    response = client.post(f"{API}/form", data={
        "type": "open_burning", "lon": str(lon), "lat": str(lat), "description": "เผาขยะ",
        "contact_phone": "081-234-5678", "photo": (io.BytesIO(_jpeg()), "fire.jpg"),
    }, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["report"]["source"] == "web"
    assert len(created["report"]["photos"]) == 1
    assert not PERSONAL & set(created["report"])
    tracked = client.get(f"{API}/track/{created['token']}")
    assert tracked.status_code == 200
    assert tracked.get_json()["id"] == created["report"]["id"]
    assert not PERSONAL & set(tracked.get_json())
    assert client.get(f"{API}/track/{'x' * 22}").status_code == 404


def test_an_lgo_can_refuse_reports_without_an_account(client, auth, inside):
    put = client.put(f"{API}/settings", json={"public_reports": False},
                     headers=auth("town.admin"))
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["public_reports"] is False
    lon, lat = inside(TOWN_VILLAGE)
    refused = client.post(API, json=_body(lon, lat))
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "public_reports_off"
    # Mueang Nga still takes them, and a signed-in resident may still report in the town.
    assert client.post(API, json=_body(*inside(NGA_VILLAGE))).status_code == 201
    assert client.post(API, json=_body(lon, lat), headers=auth("0810000011")).status_code == 201


def test_staff_may_not_change_the_settings(client, auth):
    assert client.put(f"{API}/settings", json={"public_reports": False},
                      headers=auth("town.staff")).status_code == 403


# Duplicates ----------------------------------------------------------------------------------


def test_reports_nearby_of_the_same_type_are_offered_as_duplicates(client, auth, inside):
    lon, lat = inside(TOWN_VILLAGE)
    who = auth("0810000011")
    first = client.post(API, json=_body(lon, lat), headers=who).get_json()
    assert first["duplicates"] == []
    # About 20 m north: a duplicate. Another type at the same place: not.
    near = client.post(API, json=_body(lon, lat + 0.00018), headers=who).get_json()
    assert [d["id"] for d in near["duplicates"]] == [first["report"]["id"]]
    assert 10 < near["duplicates"][0]["distance_m"] < 30
    other = client.post(API, json=_body(lon, lat, kind="open_burning"), headers=who).get_json()
    assert other["duplicates"] == []
    # About 110 m away: too far at the default 50 m.
    far = client.post(API, json=_body(lon, lat + 0.001), headers=who).get_json()
    assert first["report"]["id"] not in [d["id"] for d in far["duplicates"]]
    listed = client.get(f"{API}/{near['report']['id']}/duplicates", headers=auth("town.staff"))
    assert [d["id"] for d in listed.get_json()] == [first["report"]["id"]]


def test_merging_closes_a_report_as_the_others_duplicate(client, auth, inside):
    lon, lat = inside(TOWN_VILLAGE)
    who = auth("0810000011")
    first = client.post(API, json=_body(lon, lat), headers=who).get_json()["report"]
    second = client.post(API, json=_body(lon, lat), headers=who).get_json()["report"]
    staff = auth("town.staff")
    merged = client.post(f"{API}/{second['id']}/merge", json={"into": first["id"]},
                         headers=staff)
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["status"] == "closed"
    assert merged.get_json()["duplicate_of_id"] == first["id"]
    again = client.post(f"{API}/{second['id']}/merge", json={"into": first["id"]},
                        headers=staff)
    assert again.status_code == 422


# Status rules and scope ----------------------------------------------------------------------


def test_the_status_rules(client, auth, inside, db_session):
    report = client.post(API, json=_body(*inside(TOWN_VILLAGE)),
                         headers=auth("0810000011")).get_json()["report"]
    staff = auth("town.staff")
    url = f"{API}/{report['id']}"

    def change(**body):
        return client.patch(url, json=body, headers=staff)

    no_note = change(status="closed")
    assert no_note.status_code == 422
    assert "note" in no_note.get_json()["errors"]
    assert change(status="acknowledged").get_json()["status"] == "acknowledged"
    assert change(status="open").status_code == 422  # only a closed report reopens
    assert change(status="in_progress").get_json()["status"] == "in_progress"
    assert change(status="acknowledged").status_code == 422  # no going back
    closed = change(status="closed", note="เก็บขยะแล้ว")
    assert closed.status_code == 200
    assert closed.get_json()["close_note"] == "เก็บขยะแล้ว"
    assert closed.get_json()["closed_at"] is not None
    assert change(status="in_progress").status_code == 422
    reopened = change(status="open", note="ยังมีขยะเหลือ")
    assert reopened.get_json()["status"] == "open"
    assert reopened.get_json()["closed_at"] is None
    actions = db_session.scalars(select(ReportEvent.action).where(
        ReportEvent.report_id == report["id"]).order_by(ReportEvent.id)).all()
    assert actions == ["created", "acknowledged", "in_progress", "closed", "reopened"]
    # The reporter sees where it stands, with the LGO's note.
    mine = client.get(f"{API}/mine", headers=auth("0810000011")).get_json()["items"]
    (seen,) = [r for r in mine if r["id"] == report["id"]]
    assert [e["action"] for e in seen["events"]][-2:] == ["closed", "reopened"]
    assert not PERSONAL & set(seen)


def test_assigning_takes_a_staff_member_of_the_reports_lgo(client, auth, inside, db_session):
    from khaya.auth.models import User

    report = client.post(API, json=_body(*inside(TOWN_VILLAGE)),
                         headers=auth("0810000011")).get_json()["report"]
    town_staff = db_session.scalar(select(User.id).where(User.username == "town.staff"))
    nga_staff = db_session.scalar(select(User.id).where(User.username == "nga.staff"))
    url = f"{API}/{report['id']}"
    wrong = client.patch(url, json={"assigned_to_id": nga_staff}, headers=auth("town.admin"))
    assert wrong.status_code == 422
    done = client.patch(url, json={"assigned_to_id": town_staff}, headers=auth("town.admin"))
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["assigned_to"]["id"] == town_staff
    queue = client.get(f"{API}?assigned_to={town_staff}", headers=auth("town.staff")).get_json()
    assert [r["id"] for r in queue["items"]] == [report["id"]]


def test_the_staff_a_report_may_go_to_are_the_lgos_own(client, auth):
    town = client.get(f"{API}/staff", headers=auth("town.staff")).get_json()["items"]
    assert {p["lgo_code"] for p in town} == {"lamphun-town-municipality"}
    names = [p["name"] for p in town]
    assert names == sorted(names)
    assert set(town[0]) == {"id", "name", "lgo_code"}  # no phone, no username
    nga = client.get(f"{API}/staff", headers=auth("nga.staff")).get_json()["items"]
    assert not {p["id"] for p in town} & {p["id"] for p in nga}
    assert client.get(f"{API}/staff", headers=auth("0810000011")).status_code == 403


def test_an_lgo_sees_and_changes_only_its_own_reports(client, auth, inside):
    resident = auth("0810000011")
    town = client.post(API, json=_body(*inside(TOWN_VILLAGE)), headers=resident)
    nga = client.post(API, json=_body(*inside(NGA_VILLAGE)), headers=resident)
    town_id, nga_id = town.get_json()["report"]["id"], nga.get_json()["report"]["id"]
    queue = client.get(API, headers=auth("town.staff")).get_json()
    ids = [r["id"] for r in queue["items"]]
    assert town_id in ids
    assert nga_id not in ids
    # The total and the counts are the LGO's own too.
    assert queue["meta"]["total"] == len(ids) == sum(queue["counts"].values())
    active = client.get(f"{API}?status=active", headers=auth("town.staff")).get_json()
    assert active["meta"]["total"] == len(active["items"])
    assert queue["counts"]["open"] >= 1
    assert client.get(f"{API}/{nga_id}", headers=auth("town.staff")).status_code == 404
    assert client.patch(f"{API}/{nga_id}", json={"status": "acknowledged"},
                        headers=auth("town.staff")).status_code == 404
    assert client.get(f"{API}/{nga_id}", headers=auth("nga.staff")).status_code == 200
    # Residents and province officers do not see the queue.
    assert client.get(API, headers=resident).status_code == 403
    assert client.get(API, headers=auth("province")).status_code == 403


def test_the_office_sees_the_contact_the_public_left(client, auth, inside):
    lon, lat = inside(TOWN_VILLAGE)
    made = client.post(API, json=_body(lon, lat, contact_name="สมชาย",
                                       contact_phone="0812345678")).get_json()
    detail = client.get(f"{API}/{made['report']['id']}", headers=auth("town.staff")).get_json()
    assert detail["contact"]["name"] == "สมชาย"
    assert detail["contact"]["phone"] == "+66812345678"
    assert detail["reported_by"] is None


# Offline, through sync -----------------------------------------------------------------------


def test_an_offline_report_is_stored_once_whatever_the_replays(client, auth, inside, db_session):
    lon, lat = inside(TOWN_VILLAGE_2)
    who = auth("0810000001")
    photo_id = uuid.uuid4()
    upload = client.post(f"{API}/photos", data={"id": str(photo_id),
                                                "file": (io.BytesIO(_jpeg()), "a.jpg")},
                         headers=who, content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    item = {"kind": "report", "client_id": str(uuid.uuid4()),
            "device_time": "2026-11-30T08:00:00Z",
            "data": _body(lon, lat, kind="missed_collection", photo_ids=[str(photo_id)])}
    body = {"device_id": "phone-1", "items": [item]}
    first = client.post("/api/v1/sync", json=body, headers=who).get_json()["results"][0]
    assert first["status"] == "created", first
    for _ in range(3):
        again = client.post("/api/v1/sync", json=body, headers=who).get_json()["results"][0]
        assert again["status"] == "duplicate"
        assert again["id"] == first["id"]
    other = {**item, "data": {**item["data"], "description": "อย่างอื่น"}}
    reused = client.post("/api/v1/sync", json={"device_id": "phone-1", "items": [other]},
                         headers=who).get_json()["results"][0]
    assert reused["status"] == "rejected"
    assert reused["code"] == "client_id_reused"
    assert db_session.scalar(select(func.count()).select_from(Report).where(
        Report.client_id == uuid.UUID(item["client_id"]))) == 1
    stored = client.get(f"{API}/{first['id']}", headers=auth("town.staff")).get_json()
    assert stored["village_code"] == TOWN_VILLAGE_2
    assert [p["id"] for p in stored["photos"]] == [str(photo_id)]
    assert stored["reported_at"].startswith("2026-11-30")
    # Another person cannot take the photo for their own report.
    stolen = client.post("/api/v1/sync", json={"device_id": "p", "items": [{
        "kind": "report", "client_id": str(uuid.uuid4()),
        "data": _body(lon, lat, photo_ids=[str(photo_id)])}]},
        headers=auth("0810000011")).get_json()["results"][0]
    assert stolen["status"] == "rejected"
    assert "photo_ids" in stolen["errors"]


def test_a_report_outside_the_province_is_rejected_in_sync_and_the_rest_kept(client, auth,
                                                                             inside):
    who = auth("0810000011")
    items = [{"kind": "report", "client_id": str(uuid.uuid4()), "data": _body(100.5, 13.75)},
             {"kind": "report", "client_id": str(uuid.uuid4()),
              "data": _body(*inside(TOWN_VILLAGE))}]
    results = client.post("/api/v1/sync", json={"device_id": "p", "items": items},
                          headers=who).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "created"]
    assert "location" in results[0]["errors"]


def test_a_retried_online_report_answers_the_first(client, auth, inside):
    body = {**_body(*inside(TOWN_VILLAGE)), "client_id": str(uuid.uuid4())}
    who = auth("0810000011")
    first = client.post(API, json=body, headers=who)
    again = client.post(API, json=body, headers=who)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["report"]["id"] == first.get_json()["report"]["id"]
    assert again.get_json()["replayed"] is True
    changed = client.post(API, json={**body, "description": "อื่น"}, headers=who)
    assert changed.status_code == 409
    # A member of the public re-sending the same form gets their report and token back.
    anonymous = {**_body(*inside(TOWN_VILLAGE)), "client_id": str(uuid.uuid4())}
    one = client.post(API, json=anonymous).get_json()
    two = client.post(API, json=anonymous).get_json()
    assert one["token"] == two["token"]


def test_after_photos_close_the_loop(client, auth, inside):
    report = client.post(API, json=_body(*inside(TOWN_VILLAGE)),
                         headers=auth("0810000011")).get_json()["report"]
    staff = auth("town.staff")
    photo_id = uuid.uuid4()
    client.post(f"{API}/photos", data={"id": str(photo_id),
                                       "file": (io.BytesIO(_jpeg()), "after.jpg")},
                headers=staff, content_type="multipart/form-data")
    closed = client.patch(f"{API}/{report['id']}", headers=staff, json={
        "status": "closed", "note": "ล้างพื้นที่แล้ว", "photo_ids": [str(photo_id)]})
    assert closed.status_code == 200, closed.get_json()
    assert [p["stage"] for p in closed.get_json()["photos"]] == ["after"]
    image = client.get(f"{API}/{report['id']}/photos/{photo_id}", headers=staff)
    assert image.status_code == 200
    assert image.mimetype == "image/jpeg"
    assert client.get(f"{API}/{report['id']}/photos/{photo_id}",
                      headers=auth("nga.staff")).status_code == 404
