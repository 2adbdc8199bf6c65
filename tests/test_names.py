"""Names people type lose bidi controls and zero-width characters, wherever they are typed.

A household head named "\\u202eecilA" (right-to-left override) showed as "Alice" in lists, and
"\\u200b" made two identical-looking names differ; both were accepted everywhere.
"""

from __future__ import annotations

import datetime as dt

import pytest

from khaya.common.schemas import INVISIBLE
from khaya.common.time import local_today

# Every character the rule names, each inside a name.
HIDDEN = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
          "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\ufeff",
          "\u2060"]
SPOOF = "\u202eecilA \u200bนาง\u2066สมศรี\u2069\ufeff"
CLEAN = "ecilA นางสมศรี"
POINT = {"type": "Point", "coordinates": [99.0121, 18.5865]}


def test_the_rule_covers_every_listed_character_and_no_thai():
    assert all(INVISIBLE.fullmatch(char) for char in HIDDEN)
    thai = "".join(chr(code) for code in range(0x0E01, 0x0E5C))
    assert INVISIBLE.sub("", thai) == thai


def _household(client, staff, **extra):
    body = {"village_code": "51010101", "house_number": "41/2", "members": 2,
            "registered_on": "2024-01-15", "point": POINT, **extra}
    return client.post("/api/v1/households", headers=staff, json=body)


def test_household_head_names_when_created_edited_and_imported(client, auth):
    staff = auth("town.staff")
    created = _household(client, staff, head_name=SPOOF)
    assert created.status_code == 201, created.get_json()
    household = created.get_json()
    assert household["head_name"] == CLEAN
    edited = client.patch(f"/api/v1/households/{household['id']}", headers=staff,
                          json={"version": household["version"], "head_name": "\u200fนาย\u200dดำ"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["head_name"] == "นายดำ"
    csv_body = ("village_code,house_number,members,head_name,lat,lon,registered_on\r\n"
                f"51010101,42/2,3,{SPOOF},18.5714,98.9984,2025-06-01\r\n").encode()
    imported = client.post("/api/v1/households/import", headers=staff, data=csv_body,
                           content_type="text/csv")
    assert imported.get_json()["created"] == 1, imported.get_json()
    listed = client.get("/api/v1/households?village=51010101&per_page=500",
                        headers=staff).get_json()["items"]
    (row,) = [h for h in listed if h["house_number"] == "42/2"]
    detail = client.get(f"/api/v1/households/{row['id']}", headers=staff).get_json()
    assert detail["head_name"] == CLEAN


def test_user_display_names(client, auth):
    admin = auth("town.admin")
    created = client.post("/api/v1/users", headers=admin, json={
        "display_name": SPOOF, "username": "names.test", "password": "จำง่ายแต่ยาวพอ-2567",
        "role": "lgo_staff"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["display_name"] == CLEAN
    user_id = created.get_json()["id"]
    edited = client.patch(f"/api/v1/users/{user_id}", headers=admin,
                          json={"display_name": "\u202dBob\u202c"})
    assert edited.get_json()["display_name"] == "Bob"
    empty = client.patch(f"/api/v1/users/{user_id}", headers=admin,
                         json={"display_name": "\u200b\u200d\u202e"})
    assert empty.status_code == 422
    assert "display_name" in empty.get_json()["errors"]["json"]


def test_waste_bank_and_collection_point_names(client, auth):
    staff = auth("town.staff")
    bank = client.post("/api/v1/waste-banks", headers=staff, json={
        "name_th": SPOOF, "name_en": "\u202eknaB", "host": "\u200bวัด",
        "partner_buyer": "ร้าน\u2060ก"})
    assert bank.status_code == 201, bank.get_json()
    body = bank.get_json()
    assert (body["name_th"], body["name_en"]) == (CLEAN, "knaB")
    renamed = client.patch(f"/api/v1/waste-banks/{body['id']}", headers=staff,
                           json={"name_th": "\u2067ธนาคาร\u2069"})
    assert renamed.get_json()["name_th"] == "ธนาคาร"
    point = client.post("/api/v1/collection-points", headers=staff, json={
        "kind": "recycling", "name_th": SPOOF, "name_en": "\u200eDrop-off",
        "streams": ["recyclable"], "village_code": "51010101", "point": POINT,
        "contact": "\u202eนายก"})
    assert point.status_code == 201, point.get_json()
    assert (point.get_json()["name_th"], point.get_json()["name_en"]) == (CLEAN, "Drop-off")
    only_hidden = client.post("/api/v1/waste-banks", headers=staff, json={"name_th": "\u200b"})
    assert only_hidden.status_code == 422


@pytest.mark.parametrize("name", ["\u202eเทศบาล", "เทศ\u200bบาล"])
def test_lgo_names_in_their_history(client, auth, name):
    response = client.post("/api/v1/areas/lgos/lamphun-town-municipality/history",
                           headers=auth("admin"),
                           # Two days back: the rename check reads the server's own date.
                           json={"valid_from": str(local_today() - dt.timedelta(days=2)),
                                                        "name_th": name, "name_en": "Town"})
    assert response.status_code in (200, 201), response.get_json()
    lgo = client.get("/api/v1/areas/lgos/lamphun-town-municipality").get_json()
    assert lgo["name_th"] == "เทศบาล"
