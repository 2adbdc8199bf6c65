"""Open311 GeoReport v2: services, posting with an app's key, reading back in JSON and XML,
filters, errors in GeoReport's shape, nothing personal in what anyone reads, and an existing
GeoReport client library (georeport, from PyPI) reading a live server."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
import requests
import xmltodict
from georeport import GeoReport
from sqlalchemy import select

from khaya.areas.models import Lgo
from khaya.extensions import db
from khaya.reports.models import Report, ReportType
from tests.maps._support import live_server

V2 = "/open311/v2"
TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"
PERSONAL_KEYS = {"email", "first_name", "last_name", "phone", "account_id", "contact",
                 "contact_name", "contact_phone", "contact_email", "reported_by", "token"}


@pytest.fixture
def app_key(client, auth):
    """``app_key(login, lgo_code=None) -> key``: an Open311 app registered through the API."""

    def register(login: str = "town.admin", lgo_code: str | None = None) -> str:
        body = {"name": "แอปรายงานขยะ", **({"lgo_code": lgo_code} if lgo_code else {})}
        response = client.post("/api/v1/reports/apps", json=body, headers=auth(login))
        assert response.status_code == 201, response.get_json()
        return response.get_json()["api_key"]

    return register


def _post(client, key: str | None, lon: float, lat: float, fmt: str = "json", **form):
    data = {"service_code": "illegal_dumping", "lat": str(lat), "long": str(lon),
            "description": "ขยะกองริมถนน", **form}
    if key is not None:
        data["api_key"] = key
    return client.post(f"{V2}/requests.{fmt}", data=data)


def test_services_in_json_and_xml(client):
    listed = client.get(f"{V2}/services.json")
    assert listed.status_code == 200
    assert listed.mimetype == "application/json"
    codes = [s["service_code"] for s in listed.get_json()]
    assert codes == [t.value for t in ReportType]
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in listed.get_json())
    thai = client.get(f"{V2}/services.json", headers={"Accept-Language": "th"}).get_json()
    assert thai[1]["service_name"] == "เผาขยะกลางแจ้ง"
    xml = client.get(f"{V2}/services.xml?jurisdiction_id={TOWN}")
    assert xml.mimetype == "text/xml"
    services = ET.fromstring(xml.data)
    assert services.tag == "services"
    assert [s.findtext("service_code") for s in services.findall("service")] == codes
    definition = client.get(f"{V2}/services/open_burning.json").get_json()
    assert definition == {"service_code": "open_burning", "attributes": []}
    assert client.get(f"{V2}/services/nothing.json").status_code == 404


def test_an_app_posts_a_report_and_anyone_reads_it_back_without_the_reporter(
        client, app_key, inside, auth, db_session):
    key = app_key()
    lon, lat = inside("51010101")
    posted = _post(client, key, lon, lat, email="someone@example.org", first_name="สมศรี",
                   last_name="ใจดี", phone="0812345678",
                   media_url="https://example.org/dump.jpg")
    assert posted.status_code == 201, posted.get_data(as_text=True)
    (answer,) = posted.get_json()
    assert "token" not in answer  # an id or a token, never both
    request_id = answer["service_request_id"]
    token = db.session.scalar(select(Report.token).where(Report.id == int(request_id)))
    (read,) = client.get(f"{V2}/requests/{request_id}.json").get_json()
    assert read["service_code"] == "illegal_dumping"
    assert read["status"] == "open"
    assert read["agency_responsible"] == "Lamphun Town Municipality"
    assert read["media_url"] == "https://example.org/dump.jpg"
    assert abs(read["lat"] - lat) < 1e-5
    assert abs(read["long"] - lon) < 1e-5
    assert not PERSONAL_KEYS & set(read)
    text = client.get(f"{V2}/requests/{request_id}.json").get_data(as_text=True)
    for personal in ("someone@example.org", "สมศรี", "0812345678", "+66812345678"):
        assert personal not in text
    assert client.get(f"{V2}/tokens/{token}.json").get_json() == [
        {"service_request_id": request_id, "token": token}]
    # The LGO sees who left a contact; the public does not.
    office = client.get(f"/api/v1/reports/{request_id}", headers=auth("town.staff")).get_json()
    assert office["contact"] == {"name": "สมศรี ใจดี", "phone": "+66812345678",
                                 "email": "someone@example.org"}
    assert office["source"] == "open311"


def test_a_closed_report_reads_closed_with_the_lgos_note(client, app_key, inside, auth):
    key = app_key()
    (answer,) = _post(client, key, *inside("51010102")).get_json()
    request_id = answer["service_request_id"]
    closed = client.patch(f"/api/v1/reports/{request_id}", headers=auth("town.staff"),
                          json={"status": "closed", "note": "เก็บเรียบร้อย"})
    assert closed.status_code == 200, closed.get_json()
    (read,) = client.get(f"{V2}/requests/{request_id}.json").get_json()
    assert (read["status"], read["status_notes"]) == ("closed", "เก็บเรียบร้อย")
    only_closed = client.get(f"{V2}/requests.json?status=closed").get_json()
    assert request_id in [r["service_request_id"] for r in only_closed]
    only_open = client.get(f"{V2}/requests.json?status=open").get_json()
    assert request_id not in [r["service_request_id"] for r in only_open]


def test_filters_by_jurisdiction_service_and_dates(client, app_key, inside):
    key = app_key("admin")
    (town,) = _post(client, key, *inside("51010101")).get_json()
    (nga,) = _post(client, key, *inside("51010201"), service_code="open_burning").get_json()
    town_only = client.get(f"{V2}/requests.json?jurisdiction_id={TOWN}").get_json()
    ids = [r["service_request_id"] for r in town_only]
    assert town["service_request_id"] in ids
    assert nga["service_request_id"] not in ids
    burning = client.get(f"{V2}/requests.json?service_code=open_burning").get_json()
    assert [r["service_request_id"] for r in burning] == [nga["service_request_id"]]
    both = client.get(f"{V2}/requests.json?service_request_id="
                      f"{town['service_request_id']},{nga['service_request_id']}").get_json()
    assert len(both) == 2
    today = dt.date.today()
    past = client.get(f"{V2}/requests.json?start_date={today - dt.timedelta(days=30)}"
                      f"T00:00:00Z&end_date={today - dt.timedelta(days=10)}T00:00:00Z")
    assert past.status_code == 200
    assert past.get_json() == []
    too_long = client.get(f"{V2}/requests.json?start_date=2026-01-01T00:00:00Z"
                          "&end_date=2026-06-01T00:00:00Z")
    assert too_long.status_code == 400
    assert too_long.get_json()[0]["code"] == 400
    assert client.get(f"{V2}/requests.json?jurisdiction_id=nowhere").status_code == 404
    assert client.get(f"{V2}/requests.json?start_date=yesterday").status_code == 400


def test_posting_needs_a_valid_key_a_point_and_a_known_service(client, app_key, inside):
    lon, lat = inside("51010101")
    no_key = _post(client, None, lon, lat)
    assert no_key.status_code == 403
    assert no_key.get_json()[0]["code"] == 403
    assert _post(client, "not-a-key", lon, lat).status_code == 403
    key = app_key()
    no_point = client.post(f"{V2}/requests.json", data={"api_key": key,
                                                         "service_code": "other"})
    assert no_point.status_code == 400
    assert "lat" in no_point.get_json()[0]["description"]
    assert _post(client, key, lon, lat, service_code="graffiti").status_code == 404
    outside = _post(client, key, 100.5018, 13.7563)
    assert outside.status_code == 400
    assert "outside the province" in outside.get_json()[0]["description"]
    bad_url = _post(client, key, lon, lat, media_url="javascript:alert(1)")
    assert bad_url.status_code == 400


def test_an_lgos_app_reports_only_in_its_area(client, app_key, inside):
    key = app_key("town.admin")
    assert _post(client, key, *inside("51010101")).status_code == 201
    elsewhere = _post(client, key, *inside("51010201"))
    assert elsewhere.status_code == 403
    assert "own LGO" in elsewhere.get_json()[0]["description"]


def test_a_retired_key_stops_working(client, app_key, auth, inside):
    key = app_key("town.admin")
    apps = client.get("/api/v1/reports/apps", headers=auth("town.admin")).get_json()["items"]
    (app,) = [a for a in apps if key.startswith(a["key_hint"])]
    assert client.delete(f"/api/v1/reports/apps/{app['id']}",
                         headers=auth("town.admin")).status_code == 204
    assert _post(client, key, *inside("51010101")).status_code == 403
    # Another LGO's admin neither sees nor retires the town's apps.
    others = client.get("/api/v1/reports/apps", headers=auth("nga.admin")).get_json()["items"]
    assert app["id"] not in [a["id"] for a in others]


def test_xml_escapes_what_reporters_write(client, app_key, inside):
    key = app_key()
    nasty = 'bins <script>alert("x")</script> & "quotes" ]]>'
    assert _post(client, key, *inside("51010101"), description=nasty).status_code == 201
    listed = client.get(f"{V2}/requests.xml?service_code=illegal_dumping")
    assert listed.status_code == 200
    parsed = xmltodict.parse(listed.data)
    requests_ = parsed["service_requests"]["request"]
    requests_ = requests_ if isinstance(requests_, list) else [requests_]
    assert nasty in [r["description"] for r in requests_]
    assert b"<script>" not in listed.data
    posted_xml = _post(client, key, *inside("51010101"), fmt="xml")
    assert posted_xml.mimetype == "text/xml"
    root = ET.fromstring(posted_xml.data)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id").isdigit()
    error = ET.fromstring(_post(client, "wrong", 99.0, 18.5, fmt="xml").data)
    assert (error.tag, error.findtext("error/code")) == ("errors", "403")


def test_unknown_open311_paths_answer_json_404_not_the_web_app(client):
    response = client.get(f"{V2}/nothing-here.json")
    assert response.status_code == 404
    assert response.mimetype == "application/json"


def test_the_georeport_client_library_lists_posts_and_reads_back(app, connection, inside):
    """georeport 0.3.1 reads services and requests (JSON and XML) but has no call that posts:
    the post goes through requests, as an app would send it."""
    with app.app_context():
        from khaya.auth.models import User
        from khaya.reports import services

        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        agency = db.session.execute(select(Lgo.name_en).where(Lgo.code == TOWN)).scalar_one()
        principal = type("P", (), {"user_id": admin.id})()
        made, key = services.register_app("georeport test", None, principal)  # type: ignore[arg-type]
        assert made.lgo_id is None
        db.session.commit()
        db.session.remove()
    lon, lat = inside("51010101")
    with live_server(app) as base:
        root = f"{base}{V2}"
        client_json = GeoReport(root, jurisdiction=TOWN, api_key=key)
        client_xml = GeoReport(root, jurisdiction=TOWN, api_key=key, output_format="xml")
        services_json = client_json.get_service_list()
        services_xml = client_xml.get_service_list()
        definition = client_json.get_service_definition("missed_collection")
        posted = requests.post(f"{root}/requests.json", data={
            "api_key": key, "jurisdiction_id": TOWN, "service_code": "missed_collection",
            "lat": lat, "long": lon, "description": "รถไม่มาเก็บขยะ"}, timeout=30)
        assert posted.status_code == 201, posted.text
        request_id = posted.json()[0]["service_request_id"]
        one_json = client_json.get_service_request(request_id)
        one_xml = client_xml.get_service_request(request_id)
        open_ones = client_json.get_service_requests(status="open",
                                                     service_code="missed_collection")
    assert [s["service_code"] for s in services_json] == [t.value for t in ReportType]
    assert [s["service_code"] for s in services_xml] == [t.value for t in ReportType]
    assert definition["service_code"] == "missed_collection"
    assert one_json["service_request_id"] == request_id
    assert one_json["description"] == "รถไม่มาเก็บขยะ"
    assert one_json["agency_responsible"] == agency
    assert one_xml["service_request_id"] == request_id
    assert one_xml["status"] == "open"
    assert request_id in [r["service_request_id"] for r in open_ones]
