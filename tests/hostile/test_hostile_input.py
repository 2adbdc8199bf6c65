"""Hostile input answers a clear 4xx in the envelope, loses nothing, and never a 5xx.

Text PostgreSQL cannot store (a NUL, a lone surrogate such as half an emoji, invalid UTF-8) is a
field error of its own item or request, wherever it comes in: JSON bodies, sync items, query
strings, multipart fields, path parameters, CSV files, forwarded addresses. JSON nested deeper
than the limit is a 400, on every endpoint, signed in or not.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from khaya import create_app
from khaya.blueprint import MULTIPART, NAMELESS_MESSAGE, NAMELESS_PART
from khaya.untrusted import MAX_JSON_DEPTH, UNSTORABLE

HALF_EMOJI = "\ud83d truncated emoji"
BAD_TEXT = {"lone-surrogate": HALF_EMOJI, "nul": "ถัง\x00ขยะ", "low-surrogate": "x\udc80"}
ENVELOPE = {"code", "status", "message", "errors"}


def field_error(response, *path: str) -> list:
    """The messages at ``path`` under the envelope's errors; fails unless a 422 envelope."""
    body = response.get_json()
    assert response.status_code == 422, body
    assert set(body) >= ENVELOPE
    errors = body["errors"]
    for key in path:
        errors = errors[key]
    return errors


# Sync: one bad item is that item's error, the rest go in -------------------------------------


@pytest.mark.parametrize("text", list(BAD_TEXT.values()), ids=list(BAD_TEXT))
def test_a_bad_note_rejects_its_inspection_and_the_log_beside_it_is_stored(
    sync, home, log_item, inspection_item, text
):
    """It answered 500 for the whole batch, on every replay: that phone never synced again."""
    items = [inspection_item(home["id"], notes=text), log_item(home["id"])]
    for attempt in ("first", "replay"):
        status, body = sync("0810000001", items)
        assert status == 200, body
        inspection, log = body["results"]
        assert inspection["status"] == "rejected", attempt
        assert inspection["errors"] == {"notes": [UNSTORABLE]}
        assert log["status"] == ("created" if attempt == "first" else "duplicate")


def test_bad_text_anywhere_in_an_item_rejects_only_that_item(sync, home, log_item):
    good = log_item(home["id"])
    bad_key = log_item(home["id"])
    bad_key["data"]["\ud800"] = 1
    bad_kind = {**log_item(home["id"]), "kind": "sorting_log\x00"}
    bad_time = {**log_item(home["id"]), "device_time": "2024-06-01T08:00:00\x00"}
    bad_id = {**log_item(home["id"]), "client_id": "\ud800"}
    status, body = sync("0810000011", [bad_key, bad_kind, good, bad_time, bad_id])
    assert status == 200, body
    assert [r["status"] for r in body["results"]] == ["rejected"] * 2 + ["created"] + [
        "rejected"] * 2
    assert body["results"][0]["errors"] == {"\\ud800": ["A field name with a character that "
                                                       "cannot be stored."]}
    assert body["results"][1]["errors"] == {"kind": [UNSTORABLE]}
    assert body["results"][3]["errors"] == {"device_time": [UNSTORABLE]}
    assert body["results"][4]["errors"] == {"client_id": [UNSTORABLE]}


def test_an_emoji_whole_is_stored(sync, home, inspection_item, client, auth):
    """Only what cannot be stored is refused: Thai and whole emoji (a surrogate pair) go in."""
    _, body = sync("0810000001", [inspection_item(home["id"], notes="ถังปิดดี 👍")])
    assert body["results"][0]["status"] == "created", body
    stored = client.get(f"/api/v1/households/{home['id']}/inspections",
                        headers=auth("town.staff")).get_json()["items"]
    assert stored[0]["notes"] == "ถังปิดดี 👍"


# Every other way in: one field error, nothing stored -----------------------------------------


@pytest.mark.parametrize("text", list(BAD_TEXT.values()), ids=list(BAD_TEXT))
def test_households_refuse_bad_text_field_by_field(client, auth, text):
    staff = auth("town.staff")
    created = client.post("/api/v1/households", headers=staff,
                          json={"village_code": "51010101", "house_number": text})
    assert field_error(created, "json", "house_number") == [UNSTORABLE]
    good = client.post("/api/v1/households", headers=staff,
                       json={"village_code": "51010101", "house_number": "hostile-1"}).get_json()
    edited = client.patch(f"/api/v1/households/{good['id']}", headers=staff,
                          json={"version": good["version"], "head_name": text})
    assert field_error(edited, "json", "head_name") == [UNSTORABLE]
    deactivated = client.post(f"/api/v1/households/{good['id']}/deactivate", headers=staff,
                              json={"reason": text})
    assert field_error(deactivated, "json", "reason") == [UNSTORABLE]
    after = client.get(f"/api/v1/households/{good['id']}", headers=staff).get_json()
    assert (after["version"], after["head_name"], after["active"]) == (good["version"], None,
                                                                       True)


def test_a_withdrawal_note_with_bad_text_is_a_field_error(client, auth, bank):
    response = client.post(f"/api/v1/waste-banks/{bank['id']}/withdrawals",
                           headers=auth("town.staff"),
                           json={"member_id": bank["members"][0], "amount": "0.01",
                                 "note": HALF_EMOJI})
    assert field_error(response, "json", "note") == [UNSTORABLE]


def test_a_hazardous_collection_note_with_bad_text_is_a_field_error(client, auth):
    staff = auth("town.staff")
    point = client.post("/api/v1/collection-points", headers=staff, json={
        "kind": "hazardous_dropoff", "name_th": "จุดทดสอบ", "streams": ["hazardous"],
        "point": {"type": "Point", "coordinates": [99.0121, 18.5865]}}).get_json()
    response = client.post("/api/v1/hazardous/collections", headers=staff, json={
        "point_id": point["id"], "collected_on": "2024-03-05", "kg_batteries": "2",
        "notes": HALF_EMOJI})
    assert field_error(response, "json", "notes") == [UNSTORABLE]


def test_a_new_users_name_and_a_password_with_bad_text_are_field_errors(client, auth):
    created = client.post("/api/v1/users", headers=auth("town.admin"), json={
        "display_name": HALF_EMOJI, "username": "hostile.user", "password": "long enough 123",
        "role": "lgo_staff"})
    assert field_error(created, "json", "display_name") == [UNSTORABLE]
    changed = client.post("/api/v1/me/password", headers=auth("town.staff"), json={
        "current_password": "lamphun-demo\ud800", "new_password": "another long one 456"})
    assert field_error(changed, "json", "current_password") == [UNSTORABLE]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/auth/login", {"login": "\ud800", "password": "x"}, "login"),
    ("/api/v1/auth/login", {"login": "admin", "password": "lamphun-demo\x00"}, "password"),
    ("/api/v1/auth/refresh", {"refresh_token": "\ud800"}, "refresh_token"),
], ids=["login", "password", "refresh"])
def test_signing_in_with_bad_text_is_a_field_error(client, path, body, field):
    """Unauthenticated 500s: anyone could make the sign-in page fail."""
    assert field_error(client.post(path, json=body), "json", field) == [UNSTORABLE]


def test_a_query_string_with_nul_is_a_field_error(client, auth):
    response = client.get("/api/v1/households?q=%00", headers=auth("town.staff"))
    assert field_error(response, "query", "q") == [UNSTORABLE]


@pytest.mark.parametrize("query", ["q=%ED%A0%80", "q=%FF%FE", "village=%C3%28"])
def test_a_query_string_that_is_not_utf8_is_not_a_server_error(client, auth, query):
    response = client.get(f"/api/v1/households?{query}", headers=auth("town.staff"))
    assert response.status_code in (200, 422), response.get_json()


def test_a_multipart_field_with_nul_is_a_field_error(client, auth, home):
    response = client.post("/api/v1/photos", headers=auth("0810000011"), data={
        "id": str(uuid.uuid4()), "household_id": f"{home['id']}\x00",
        "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "bin.png")})
    assert field_error(response, MULTIPART, "household_id") == [UNSTORABLE]


def test_a_multipart_part_without_a_readable_name_is_a_field_error(client, auth):
    # A raw CR inside the name: werkzeug's parser cannot read it and files the part under None.
    body = b'--b\r\nContent-Disposition: form-data; name="\r"\r\n\r\nnull\r\n--b--\r\n'
    response = client.post("/api/v1/photos", data=body, headers={
        **auth("0810000011"), "Content-Type": "multipart/form-data; boundary=b",
        "Accept-Language": "th"})
    thai = "ทุกส่วนของข้อมูลแบบ multipart ต้องมีชื่อ"
    assert field_error(response, MULTIPART, NAMELESS_PART) == [thai]
    assert response.get_json()["errors_en"][MULTIPART][NAMELESS_PART] == [NAMELESS_MESSAGE]


@pytest.mark.parametrize("path", ["/api/v1/households/by-qr/%00", "/api/v1/areas/villages/%00",
                                  "/ogc/collections/villages/items/%00"])
def test_a_path_parameter_with_nul_is_a_clear_400(client, auth, path):
    response = client.get(path, headers=auth("town.staff"))
    assert response.status_code == 400
    assert set(response.get_json()) >= ENVELOPE


@pytest.mark.parametrize("content", [
    b"village_code,house_number,head_name\r\n51010101,9,\xe0\xb8\x81\x00\r\n",
    b"\xff\xfev\x00i\x00\x00\xd8",
], ids=["nul", "utf16-lone-surrogate"])
def test_a_csv_file_with_unstorable_text_is_refused_whole(client, auth, content):
    response = client.post("/api/v1/households/import", headers=auth("town.staff"),
                           data={"file": (io.BytesIO(content), "register.csv")})
    assert response.status_code == 422, response.get_json()
    assert "file" in response.get_json()["errors"]


def test_a_forwarded_address_that_is_not_one_is_not_stored(app, client, auth, home):
    """Behind a proxy (PROXY_FIX) the audit trail's address comes from X-Forwarded-For, which
    anyone can write; the column holds addresses, so anything else is left out, not a 500."""
    plain = app.wsgi_app
    app.wsgi_app = ProxyFix(plain, x_for=1)
    try:
        for forwarded in ("not-an-address", "fe80::1%eth0", "203.0.113.7"):
            response = client.get(f"/api/v1/households/{home['id']}",
                                  headers={**auth("town.staff"), "X-Forwarded-For": forwarded})
            assert response.status_code == 200, (forwarded, response.get_json())
    finally:
        app.wsgi_app = plain
    events = client.get(f"/api/v1/audit-events?entity=household&entity_id={home['id']}",
                        headers=auth("town.admin")).get_json()["items"]
    assert {e.get("ip") for e in events[:3]} >= {None, "fe80::1", "203.0.113.7"}


# JSON nested too deep: 400 on every endpoint --------------------------------------------------


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/refresh"])
@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 10_000])
def test_deep_json_before_signing_in_is_a_400(client, path, levels):
    """'[' * 10000 raised RecursionError: a 500 from anyone, no account needed."""
    response = client.post(path, data=nested(levels), content_type="application/json")
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert set(body) >= ENVELOPE
    assert f"more than {MAX_JSON_DEPTH} levels" in body["message"]


def test_json_at_the_limit_is_read(client):
    response = client.post("/api/v1/auth/login", data=nested(MAX_JSON_DEPTH),
                           content_type="application/json")
    assert response.status_code == 422  # read, and then not a login form


def _json_operations() -> list[tuple[str, str]]:
    """Every operation whose OpenAPI description takes a JSON body."""
    document = (create_app({"TESTING": True, "SECRET_KEY": "document-only-" + "0" * 32})
                .test_client().get("/api/v1/openapi.json").get_json())
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                operations.append((method.upper(), path))
    return operations


@pytest.mark.parametrize(("method", "path"), _json_operations())
def test_deep_json_is_a_400_on_every_endpoint_with_a_body(client, auth, method, path):
    url = re.sub(r"\{[^}]+\}", "1", path)  # every path parameter, whatever its name
    response = client.open(url, method=method, data=nested(MAX_JSON_DEPTH + 1),
                           content_type="application/json", headers=auth("admin"))
    assert response.status_code == 400, (url, response.get_json())
    assert set(response.get_json()) >= ENVELOPE
