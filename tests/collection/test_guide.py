"""The sorting guide: the data file, the forgiving search, an LGO's changes and the banks' prices.

The data checks read ``guide_items.json`` itself (not through the service), so a field the
service fills in cannot hide one the file lacks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from khaya.areas.models import Lgo
from khaya.collection import guide
from khaya.collection.guide_search import normalize, search
from khaya.collection.models import STREAMS, WHERE, GuideOverride
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.wastebank.models import Material, Price, WasteBank

TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"
URL = "/api/v1/guide"
THAI = re.compile("[\u0e01-\u0e5b]")
DATA = json.loads(guide.DATA.read_text(encoding="utf-8"))
ITEMS = DATA["items"]
FIELDS = {"key", "name_th", "name_en", "aliases_th", "aliases_en", "stream", "bin_colour",
          "where", "material", "prepare_th", "prepare_en", "sources"}
# Thailand's bin colours (Ministry of Interior, 2017); red for hazardous is the older usage.
COLOURS = {"organic": "green", "recyclable": "yellow", "general": "blue", "hazardous": "orange"}


# The data file -------------------------------------------------------------------------------


def test_the_guide_has_forty_to_sixty_items_with_unique_keys():
    keys = [item["key"] for item in ITEMS]
    assert 40 <= len(keys) <= 60, len(keys)
    assert len(set(keys)) == len(keys), [k for k, n in Counter(keys).items() if n > 1]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{1,39}", key) for key in keys), keys
    assert {item["stream"] for item in ITEMS} == set(STREAMS), "every stream has items"


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["key"])
def test_every_item_has_its_fields_and_known_values(item):
    assert set(item) == FIELDS, set(item) ^ FIELDS
    assert item["stream"] in STREAMS
    assert item["bin_colour"] == COLOURS[item["stream"]]
    assert item["where"] in WHERE
    wanted = guide.PLACE_STREAM.get(item["where"])
    assert wanted in (None, item["stream"]), f"{item['where']} takes {wanted} waste"
    assert (item["stream"] == "hazardous") == (item["where"] == "hazardous_dropoff")
    if item["material"] is not None:
        assert item["material"] in {m.value for m in Material}
        assert item["where"] == "waste_bank", "only what goes to a bank has a bank material"
    for field in ("name_th", "prepare_th"):
        assert THAI.search(item[field]), field
    for field in ("name_en", "prepare_en"):
        assert item[field].strip(), field
        assert not THAI.search(item[field]), field
    assert item["aliases_th"]
    assert item["aliases_en"]
    assert all(isinstance(a, str) and a.strip() for a in item["aliases_th"] + item["aliases_en"])
    assert item["sources"], "every item cites at least one source"
    assert set(item["sources"]) <= set(DATA["sources"])


def test_every_source_names_its_organisation_title_and_address():
    for key, source in DATA["sources"].items():
        assert set(source) == {"organisation", "title", "url"}, key
        assert all(source[field].strip() for field in source), key
        assert re.search(r"https?://", source["url"]), key
    cited = {s for item in ITEMS for s in item["sources"]}
    cited |= {s for stream in DATA["streams"] for s in stream["sources"]}
    cited |= set(DATA["wet_bin"]["sources"])
    assert cited == set(DATA["sources"]), "a source nothing cites, or a citation of nothing"


def test_the_streams_carry_thailands_bin_colours():
    assert {s["stream"]: s["bin_colour"] for s in DATA["streams"]} == COLOURS
    assert "moi-sorting-2560" in next(s for s in DATA["streams"]
                                      if s["stream"] == "hazardous")["sources"]


def test_the_wet_bin_section_says_how_to_build_feed_and_keep_it():
    wet = DATA["wet_bin"]
    for part in ("build", "put_in", "keep_out", "care", "checks"):
        assert wet[part], part
        for line in wet[part]:
            assert set(line) == {"th", "en"}, line
            assert THAI.search(line["th"]), line
            assert line["en"].strip(), line
    assert len(wet["checks"]) == 5  # the five points of the wet-bin inspection
    assert {"dla-wet-bin", "dla-tver"} <= set(wet["sources"])
    assert any("สองในสาม" in line["th"] for line in wet["build"])  # buried two-thirds deep


def test_no_two_names_or_aliases_mean_the_same_after_normalising():
    """An exact match names one item: spelling variants are normalize's job, not the file's."""
    owners: dict[str, set[str]] = {}
    for item in ITEMS:
        texts = [item["name_th"], item["name_en"], *item["aliases_th"], *item["aliases_en"]]
        for text in texts:
            assert normalize(text), (item["key"], text)
            owners.setdefault(normalize(text), set()).add(item["key"])
    shared = {text: keys for text, keys in owners.items() if len(keys) > 1}
    assert not shared, shared


# Normalising and searching ---------------------------------------------------------------------


@pytest.mark.parametrize(("variants", "expected"), [
    (["ขวดเพ็ท", "ขวดเพท", "ขวด PET", "ขวด pet", "ขวด\u200bเพ็ต", "ขวดพีอีที", "ขวด ＰＥＴ"],
     "ขวดpet"),
    (["ถ่านไฟฉาย", "ถ่าน ไฟฉาย", "ถ้านไฟฉาย", "ถานไฟฉาย", " ถ่าน-ไฟฉาย "], "ถานไฟฉาย"),
    (["หลอดนีออน", "หลอด นีออน", "หลอดนีอ้อน"], "หลอดนีออน"),
    (["สเปรย์", "สเปร์ย", "สเปรย"], "สเปรย"),
    (["น\u0e4d\u0e32มันพืช", "น้ำมันพืช"], "นำมันพืช"),
    (["แบตเตอรี่", "แบตเตอรี", "แบต"], "แบต"),
    (["Batteries", "battery", "BATTERY"], "battery"),
    (["PET bottles", "pet-bottle", "PET  Bottle"], "petbottle"),
    (["อะลูมิเนียม", "อลูมิเนียม"], "อลูมิเนียม"),
    (["aluminium", "Aluminum"], "aluminum"),
    (["ถ่าน ๒ ก้อน", "ถ่าน 2 ก้อน"], "ถาน2กอน"),
])
def test_normalize_makes_the_variants_one(variants, expected):
    assert {normalize(text) for text in variants} == {expected}


def test_english_plurals_lose_their_ending_but_not_their_stem():
    assert [normalize(w) for w in ("boxes", "glass", "glasses", "cans", "gas", "bus")] == [
        "box", "glass", "glass", "can", "gas", "bus"]


@pytest.mark.parametrize(("query", "key", "tier"), [
    ("ขวดเพท", "pet_bottle", "alias"),
    ("ขวดเพ็ท", "pet_bottle", "alias"),
    ("ขวด pet", "pet_bottle", "alias"),
    ("PET bottle", "pet_bottle", "name"),
    ("pet bottles", "pet_bottle", "name"),
    ("ขวดเพทใส", "pet_bottle", "fuzzy"),  # more than the alias: the alias is in it
    ("ถ่าน ไฟฉาย", "dry_battery", "name"),
    ("ถ่านไฟฉาย", "dry_battery", "name"),
    ("ถ้านไฟฉาย", "dry_battery", "name"),  # a tone mark slip
    ("หลอดนีออน", "fluorescent_tube", "alias"),
    ("หลอด นีออน", "fluorescent_tube", "alias"),
    ("หลอดไฟฟลูออเรสเซนต์", "fluorescent_tube", "fuzzy"),
    ("ฟลูออเรสเซน", "fluorescent_tube", "substring"),
    ("battery", "dry_battery", "alias"),
    ("Batteries", "dry_battery", "alias"),
    ("fluorescent tube", "fluorescent_tube", "name"),
    ("กระป๋องสเปย์", "spray_can", "fuzzy"),  # a letter missing
    ("สเปร์ย", "spray_can", "alias"),  # the thanthakhat on the wrong letter
    ("styrofoam", "foam_box", "alias"),
    ("ยาหมดอายุ", "medicine", "alias"),
    ("เศษอาหาร", "food_scraps", "name"),
    ("ทิ้งถ่านไฟฉายที่ไหน", "dry_battery", "fuzzy"),
])
def test_search_finds_the_item_first(query, key, tier):
    found = search(query, guide.catalogue().entries)
    assert found, query
    assert (found[0].key, found[0].tier) == (key, tier), found[:3]


def test_search_ranks_name_then_alias_then_substring_then_fuzzy():
    found = search("battery", guide.catalogue().entries)
    tiers = [m.tier for m in found]
    assert tiers == sorted(tiers, key=("name", "alias", "substring", "fuzzy").index)
    assert found[0].key == "dry_battery"
    assert {"button_battery", "lithium_battery", "car_battery"} <= {m.key for m in found[1:]}
    fuzzy = [m.edits for m in found if m.tier == "fuzzy"]
    assert fuzzy == sorted(fuzzy)


@pytest.mark.parametrize("query", ["   ", "\u200b", "!!", "ๆ"])
def test_a_query_of_nothing_finds_nothing(query):
    assert search(query, guide.catalogue().entries) == []


# The public guide ----------------------------------------------------------------------------


def test_the_province_guide_is_public_cacheable_and_answers_304_to_its_etag(client):
    response = client.get(URL)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [item["key"] for item in body["items"]] == [item["key"] for item in ITEMS]
    assert (body["lgo_code"], body["q"]) == (None, None)
    assert body["wet_bin"]["title_th"] == "ถังขยะเปียกลดโลกร้อน"
    assert {s["key"] for s in body["sources"]} == set(DATA["sources"])
    assert all(item["price"] is None and item["overridden"] == [] for item in body["items"])
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    etag = response.headers["ETag"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_search_answers_the_matches_best_first(client):
    body = client.get(URL, query_string={"q": "ขวดเพท"}).get_json()
    assert body["q"] == "ขวดเพท"
    first = body["items"][0]
    assert (first["key"], first["match"], first["bin_colour"]) == ("pet_bottle", "alias", "yellow")
    assert (first["where"], first["material"]) == ("waste_bank", "pet")
    assert client.get(URL, query_string={"q": "ถ่าน ไฟฉาย"}).get_json()["items"][0][
        "key"] == "dry_battery"
    assert client.get(URL, query_string={"q": "zzzzqqqq"}).get_json()["items"] == []


def test_an_unknown_lgo_is_404(client):
    response = client.get(URL, query_string={"lgo": "no-such-lgo"})
    assert response.status_code == 404
    assert response.get_json()["code"] == "lgo_not_found"


def _item(client, key: str, lgo: str | None = None) -> dict | None:
    query = {"lgo": lgo} if lgo else {}
    items = client.get(URL, query_string=query).get_json()["items"]
    return next((item for item in items if item["key"] == key), None)


# An LGO's changes ------------------------------------------------------------------------------


def test_an_lgos_change_is_its_own(client, auth):
    change = {"prepare_th": "ล้างแล้วบีบให้แบน นำไปธนาคารขยะวันเสาร์แรกของเดือน",
              "note_th": "ธนาคารขยะเทศบาลรับซื้อทุกเดือน", "note_en": "The town's bank buys monthly"}
    response = client.put(f"{URL}/overrides/pet_bottle", headers=auth("town.staff"), json=change)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["lgo_code"], body["key"], body["hidden"]) == (TOWN, "pet_bottle", False)
    assert body["item"]["prepare_th"] == change["prepare_th"]
    assert response.headers["Cache-Control"] == "private, no-store"

    town = _item(client, "pet_bottle", TOWN)
    assert town["prepare_th"] == change["prepare_th"]
    assert town["note_en"] == change["note_en"]
    assert sorted(town["overridden"]) == ["note_en", "note_th", "prepare_th"]
    assert town["prepare_en"] == next(i for i in ITEMS if i["key"] == "pet_bottle")["prepare_en"]
    for other in (_item(client, "pet_bottle", NGA), _item(client, "pet_bottle")):
        assert other["prepare_th"] != change["prepare_th"]
        assert (other["note_th"], other["overridden"]) == (None, [])

    # A second PUT replaces the first as a whole; DELETE goes back to the default.
    again = client.put(f"{URL}/overrides/pet_bottle", headers=auth("town.staff"),
                       json={"note_en": "Ask at the office"})
    assert again.status_code == 200, again.get_json()
    assert _item(client, "pet_bottle", TOWN)["overridden"] == ["note_en"]
    gone = client.delete(f"{URL}/overrides/pet_bottle", headers=auth("town.staff"))
    assert gone.status_code == 204
    assert _item(client, "pet_bottle", TOWN)["overridden"] == []
    assert client.delete(f"{URL}/overrides/pet_bottle",
                         headers=auth("town.staff")).status_code == 204  # nothing left: fine


def test_a_change_of_stream_moves_the_colour_and_a_hidden_item_leaves_that_lgos_guide(
        client, auth):
    staff = auth("town.staff")
    moved = client.put(f"{URL}/overrides/foam_box", headers=staff,
                       json={"stream": "recyclable", "where": "waste_bank"})
    assert moved.status_code == 200, moved.get_json()
    foam = _item(client, "foam_box", TOWN)
    assert (foam["stream"], foam["bin_colour"], foam["where"]) == ("recyclable", "yellow",
                                                                   "waste_bank")
    assert _item(client, "foam_box", NGA)["bin_colour"] == "blue"
    glass = client.put(f"{URL}/overrides/glass_bottle", headers=staff,
                       json={"where": "general_collection"})
    assert glass.status_code == 200, glass.get_json()
    assert _item(client, "glass_bottle", TOWN)["material"] is None  # no bank buys it there

    hidden = client.put(f"{URL}/overrides/cigarette_butts", headers=staff, json={"hidden": True})
    assert hidden.status_code == 200, hidden.get_json()
    assert _item(client, "cigarette_butts", TOWN) is None
    assert _item(client, "cigarette_butts", NGA) is not None
    search = client.get(URL, query_string={"lgo": TOWN, "q": "ก้นบุหรี่"}).get_json()
    assert search["items"] == []


@pytest.mark.parametrize(("body", "field"), [
    ({"where": "wet_bin"}, "where"),  # a PET bottle is not organic
    ({"stream": "organic"}, "stream"),  # ... and the waste bank takes recyclables only
    ({"stream": "hazardous", "where": "general_collection"}, "where"),
    ({}, "_schema"),
    ({"note_th": None, "hidden": False}, "_schema"),
])
def test_a_change_that_breaks_the_guide_is_422_in_thai_and_english(client, auth, body, field):
    headers = {**auth("town.staff"), "Accept-Language": "th"}
    response = client.put(f"{URL}/overrides/pet_bottle", headers=headers, json=body)
    assert response.status_code == 422, response.get_json()
    answer = response.get_json()
    assert answer["code"] == "invalid_guide_override"
    assert answer["message"] == "ข้อมูลที่แก้ไขในคู่มือแยกขยะบางช่องไม่ถูกต้อง"
    assert answer["message_en"] == "The change to the sorting guide has invalid fields."
    assert field in answer["errors"]


def test_unknown_values_are_field_errors_in_thai(client, auth):
    headers = {**auth("town.staff"), "Accept-Language": "th"}
    response = client.put(f"{URL}/overrides/pet_bottle", headers=headers,
                          json={"where": "river", "note_th": ""})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert THAI.search(errors["where"][0]), errors
    assert THAI.search(errors["note_th"][0]), errors


def test_another_lgos_staff_cannot_change_it(client, auth):
    nga = auth("nga.staff")
    for method, kwargs in (("put", {"json": {"note_th": "ของ อปท. อื่น", "lgo_code": TOWN}}),
                           ("delete", {"query_string": {"lgo_code": TOWN}})):
        response = getattr(client, method)(f"{URL}/overrides/pet_bottle", headers=nga, **kwargs)
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["code"] == "lgo_not_yours"
    # Their own change stays theirs.
    own = client.put(f"{URL}/overrides/pet_bottle", headers=nga, json={"note_th": "ของเมืองงา"})
    assert (own.status_code, own.get_json()["lgo_code"]) == (200, NGA)
    assert _item(client, "pet_bottle", TOWN)["note_th"] is None
    assert _item(client, "pet_bottle", NGA)["note_th"] == "ของเมืองงา"


def test_a_town_staff_delete_leaves_another_lgos_change(client, auth):
    assert client.put(f"{URL}/overrides/pet_bottle", headers=auth("nga.staff"),
                      json={"note_th": "ของเมืองงา"}).status_code == 200
    assert client.delete(f"{URL}/overrides/pet_bottle",
                         headers=auth("town.staff")).status_code == 204
    assert _item(client, "pet_bottle", NGA)["note_th"] == "ของเมืองงา"


def test_who_may_change_the_guide(client, auth):
    path = f"{URL}/overrides/pet_bottle"
    body = {"note_th": "ทดสอบ"}
    assert client.put(path, json=body).status_code == 401
    assert client.delete(path).status_code == 401
    for login in ("0810000011", "0810000001", "province"):  # resident, volunteer, province
        assert client.put(path, headers=auth(login), json=body).status_code == 403, login
    admin = auth("admin")
    unnamed = client.put(path, headers=admin, json=body)
    assert unnamed.status_code == 422
    assert "lgo_code" in unnamed.get_json()["errors"]
    named = client.put(path, headers=admin, json={**body, "lgo_code": NGA})
    assert (named.status_code, named.get_json()["lgo_code"]) == (200, NGA)
    missing = client.put(f"{URL}/overrides/no_such_item", headers=auth("town.staff"), json=body)
    assert missing.status_code == 404
    assert missing.get_json()["code"] == "guide_item_not_found"


def test_a_change_records_who_made_it(client, auth, db_session):
    client.put(f"{URL}/overrides/pet_bottle", headers=auth("town.staff"), json={"note_th": "ก"})
    change = db_session.execute(select(GuideOverride).where(GuideOverride.key == "pet_bottle"))
    assert change.scalar_one().updated_by_id is not None


# Waste-bank prices -----------------------------------------------------------------------------


@pytest.fixture
def town_banks(app, connection) -> None:
    """Two active banks of the town with PET prices, one closed bank, and prices not in force."""
    today = local_today()
    with app.app_context():
        lgo_id = db.session.execute(select(Lgo.id).where(Lgo.code == TOWN)).scalar_one()
        banks = [WasteBank(lgo_id=lgo_id, name_th=f"ธนาคารขยะทดสอบ {n}", active=active)
                 for n, active in ((1, True), (2, True), (3, False))]
        db.session.add_all(banks)
        db.session.flush()
        prices = [
            (banks[0], Material.pet, "7.00", today - dt.timedelta(days=60)),
            (banks[0], Material.pet, "8.00", today - dt.timedelta(days=5)),  # replaces 7.00
            (banks[0], Material.pet, "12.00", today + dt.timedelta(days=3)),  # not yet
            (banks[1], Material.pet, "9.50", today),
            (banks[1], Material.aluminium, "40.00", today - dt.timedelta(days=1)),
            (banks[2], Material.pet, "1.00", today - dt.timedelta(days=1)),  # a closed bank
        ]
        db.session.add_all(Price(bank_id=bank.id, material=material,
                                 price_per_kg=Decimal(price), valid_from=day)
                           for bank, material, price, day in prices)
        db.session.commit()
        db.session.remove()


@pytest.mark.usefixtures("town_banks")
def test_todays_bank_prices_appear_for_the_lgos_materials(client):
    pet = _item(client, "pet_bottle", TOWN)
    assert pet["price"] == {"low": 8.0, "high": 9.5, "banks": 2}
    assert _item(client, "aluminium_can", TOWN)["price"] == {"low": 40.0, "high": 40.0,
                                                             "banks": 1}
    assert _item(client, "cardboard", TOWN)["price"] is None  # no bank prices cardboard
    assert _item(client, "dry_battery", TOWN)["price"] is None  # no material at all
    assert _item(client, "pet_bottle", NGA)["price"] is None  # another LGO's banks
    assert _item(client, "pet_bottle")["price"] is None  # the province defaults


@pytest.mark.usefixtures("town_banks")
def test_the_guide_of_an_lgo_reads_a_fixed_number_of_queries(client, auth, query_counter):
    for key in ("pet_bottle", "foam_box", "medicine"):
        client.put(f"{URL}/overrides/{key}", headers=auth("town.staff"), json={"note_en": "x"})
    query_counter.clear()
    assert client.get(URL, query_string={"lgo": TOWN}).status_code == 200
    assert len(query_counter) <= 3, query_counter  # the LGO, its changes, its prices
