"""The hazardous-waste chain: drop-off collections, hand-overs to the PAO, totals and scope."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from khaya.collection.models import HazardousCollection
from khaya.common.time import local_today

TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"
PAO = "lamphun-provincial-administrative-organization"
COLLECTIONS = "/api/v1/hazardous/collections"
HANDOVERS = "/api/v1/hazardous/handovers"
TOTALS = "/api/v1/hazardous/totals"


@pytest.fixture
def points(make_point) -> dict[str, int]:
    hazardous = {"kind": "hazardous_dropoff", "streams": ("hazardous", "general")}
    return {
        "town_dropoff": make_point("จุดทิ้งขยะอันตราย วัดจามเทวี", 99.0050, 18.5900, **hazardous),
        "town_bank": make_point("ธนาคารขยะ โรงเรียน", 99.0100, 18.5800),
        "nga_dropoff": make_point("จุดทิ้งขยะอันตราย เหมืองง่า", 99.0320, 18.6130, lgo=NGA,
                                  **hazardous),
        "pao": make_point("จุดรับมอบ อบจ.", 99.0230, 18.5324, lgo=PAO, kind="pao_handover",
                          streams=("hazardous",)),
    }


@pytest.fixture
def collect(client, auth, points):
    """Return ``collect(on, point="town_dropoff", who="town.staff", **kg) -> response``."""

    def post(on: str, point: str = "town_dropoff", who: str = "town.staff", **kg):
        body = {"point_id": points[point], "collected_on": on, **kg}
        return client.post(COLLECTIONS, json=body, headers=auth(who))

    return post


@pytest.fixture
def hand_over(client, auth, points):
    """Return ``hand_over(on, receipt, who="town.staff", **kg) -> response``."""

    def post(on: str, receipt: str, who: str = "town.staff", **kg):
        body = {"to_point_id": points["pao"], "handed_over_on": on, "receipt_number": receipt,
                **kg}
        return client.post(HANDOVERS, json=body, headers=auth(who))

    return post


def test_record_a_collection(collect):
    response = collect("2026-06-01", kg_bulbs=12.5, kg_batteries=3)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["lgo_code"] == TOWN
    assert body["kg_bulbs"] == 12.5
    assert body["kg_total"] == 15.5
    assert body["point_name_th"].startswith("จุดทิ้งขยะอันตราย")


def test_collections_only_at_a_drop_off_point_of_your_lgo(collect):
    bank = collect("2026-06-01", point="town_bank", kg_bulbs=1)
    assert bank.status_code == 422
    assert bank.get_json()["code"] == "not_a_dropoff_point"
    assert "point_id" in bank.get_json()["errors"]
    other = collect("2026-06-01", point="nga_dropoff", kg_bulbs=1)
    assert other.status_code == 422
    assert other.get_json()["code"] == "point_not_found"


def test_future_dates_and_empty_weights_are_refused(collect):
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    future = collect(tomorrow, kg_bulbs=1)
    assert future.status_code == 422
    assert future.get_json()["code"] == "date_in_future"
    assert "collected_on" in future.get_json()["errors"]
    assert collect(local_today().isoformat(), kg_bulbs=1).status_code == 201
    empty = collect("2026-06-01", kg_bulbs=0)
    assert empty.status_code == 422
    assert empty.get_json()["errors"]["json"]["_schema"]
    negative = collect("2026-06-01", kg_bulbs=-1, kg_other=2)
    assert "kg_bulbs" in negative.get_json()["errors"]["json"]


def test_a_retry_with_the_same_client_id_returns_the_original(collect, app, connection):
    client_id = str(uuid.uuid4())
    first = collect("2026-06-01", kg_e_waste=4, client_id=client_id)
    again = collect("2026-06-01", kg_e_waste=4, client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["client_id"] == client_id
    stored = connection.execute(
        select(func.count()).select_from(HazardousCollection)
        .where(HazardousCollection.client_id == uuid.UUID(client_id))
    ).scalar_one()
    assert stored == 1
    stranger = collect("2026-06-01", point="nga_dropoff", who="nga.staff", kg_e_waste=1,
                       client_id=client_id)
    assert stranger.status_code == 409
    assert stranger.get_json()["code"] == "client_id_taken"


def test_hand_overs_cannot_exceed_what_is_pending(collect, hand_over):
    collect("2026-06-01", kg_bulbs=10, kg_batteries=5)
    too_much = hand_over("2026-06-10", "PAO-69-0001", kg_bulbs=8, kg_batteries=6)
    assert too_much.status_code == 422
    body = too_much.get_json()
    assert body["code"] == "handover_exceeds_collected"
    assert set(body["errors"]) == {"kg_batteries"}
    assert "5.00 kg of batteries" in body["errors"]["kg_batteries"][0]
    assert body["available"]["batteries"] == 5
    before = hand_over("2026-05-31", "PAO-69-0002", kg_bulbs=1)
    assert before.status_code == 422, "nothing was collected by 31 May"
    ok = hand_over("2026-06-10", "PAO-69-0003", kg_bulbs=8, kg_batteries=5)
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["to_point_name_th"] == "จุดรับมอบ อบจ."
    # A late-entered hand-over on 5 June may not overdraw the one already made on 10 June.
    late = hand_over("2026-06-05", "PAO-69-0004", kg_bulbs=3)
    assert late.status_code == 422
    assert "2.00 kg of bulbs" in late.get_json()["errors"]["kg_bulbs"][0]
    assert hand_over("2026-06-05", "PAO-69-0004", kg_bulbs=2).status_code == 201


def test_a_receipt_is_entered_once(collect, hand_over, auth, client, points):
    collect("2026-06-01", kg_bulbs=10)
    collect("2026-06-01", point="nga_dropoff", who="nga.staff", kg_bulbs=10)
    assert hand_over("2026-06-10", "PAO-69-0100", kg_bulbs=1).status_code == 201
    reused = hand_over("2026-06-11", "PAO-69-0100", who="nga.staff", kg_bulbs=1)
    assert reused.status_code == 409
    assert reused.get_json()["code"] == "receipt_taken"
    assert "receipt_number" in reused.get_json()["errors"]
    client_id = str(uuid.uuid4())
    first = hand_over("2026-06-12", "PAO-69-0101", kg_bulbs=1, client_id=client_id)
    retry = hand_over("2026-06-12", "PAO-69-0101", kg_bulbs=1, client_id=client_id)
    assert (first.status_code, retry.status_code) == (201, 200)
    wrong_point = client.post(HANDOVERS, headers=auth("town.staff"), json={
        "to_point_id": points["town_dropoff"], "handed_over_on": "2026-06-12",
        "receipt_number": "PAO-69-0102", "kg_bulbs": 1})
    assert wrong_point.status_code == 422
    assert wrong_point.get_json()["code"] == "not_a_handover_point"


def test_totals_and_pending_by_hand(collect, hand_over, client, auth):
    collect("2026-05-20", kg_bulbs=10)
    collect("2026-06-15", kg_batteries=5, kg_spray_cans=1.25)
    hand_over("2026-06-20", "PAO-69-0200", kg_bulbs=6, kg_spray_cans=1.25)
    collect("2026-07-02", kg_bulbs=2)
    june = client.get(f"{TOTALS}?from=2026-06-01&to=2026-06-30", headers=auth("town.staff"))
    assert june.status_code == 200, june.get_json()
    report = june.get_json()
    assert (report["from"], report["to"]) == ("2026-06-01", "2026-06-30")
    [town] = report["lgos"]
    assert town["lgo_code"] == TOWN
    assert town["collected"] == {"bulbs": 0, "batteries": 5, "spray_cans": 1.25,
                                 "pesticide_containers": 0, "e_waste": 0, "other": 0,
                                 "total": 6.25}
    assert town["handed_over"]["bulbs"] == 6
    assert town["handed_over"]["total"] == 7.25
    # Pending counts everything up to 30 June: 10 bulbs in May, less 6 handed over.
    assert town["pending"]["bulbs"] == 4
    assert town["pending"]["batteries"] == 5
    assert town["pending"]["spray_cans"] == 0
    assert report["total"]["pending"]["total"] == 9
    july = client.get(f"{TOTALS}?from=2026-07-01&to=2026-07-31", headers=auth("town.staff"))
    assert july.get_json()["lgos"][0]["pending"]["bulbs"] == 6


def test_scope_of_records_and_totals(collect, hand_over, client, auth):
    collect("2026-06-01", kg_bulbs=10)
    collect("2026-06-02", point="nga_dropoff", who="nga.staff", kg_batteries=4)
    hand_over("2026-06-03", "PAO-69-0300", kg_bulbs=3)
    nga = client.get(COLLECTIONS, headers=auth("nga.staff")).get_json()
    assert [c["lgo_code"] for c in nga["items"]] == [NGA]
    assert client.get(HANDOVERS, headers=auth("nga.staff")).get_json()["meta"]["total"] == 0
    town = client.get(f"{HANDOVERS}?from=2026-06-01", headers=auth("town.staff")).get_json()
    assert [h["receipt_number"] for h in town["items"]] == ["PAO-69-0300"]
    period = "from=2026-06-01&to=2026-06-30"
    hidden = client.get(f"{TOTALS}?{period}&lgo={TOWN}", headers=auth("nga.staff"))
    assert hidden.status_code == 404
    province = client.get(f"{TOTALS}?{period}", headers=auth("province")).get_json()
    assert [row["lgo_code"] for row in province["lgos"]] == [TOWN, NGA]
    assert province["total"]["collected"]["total"] == 14
    assert province["total"]["pending"] == {"bulbs": 7, "batteries": 4, "spray_cans": 0,
                                            "pesticide_containers": 0, "e_waste": 0,
                                            "other": 0, "total": 11}
    one = client.get(f"{TOTALS}?{period}&lgo={NGA}", headers=auth("province")).get_json()
    assert [row["lgo_code"] for row in one["lgos"]] == [NGA]
    assert client.get(COLLECTIONS, headers=auth("province")).status_code == 403
    assert client.get(TOTALS, headers=auth("0810000001")).status_code == 403


def test_admins_name_the_lgo_that_hands_over(collect, client, auth, points):
    collect("2026-06-01", kg_other=3)
    body = {"to_point_id": points["pao"], "handed_over_on": "2026-06-02",
            "receipt_number": "PAO-69-0400", "kg_other": 1}
    unnamed = client.post(HANDOVERS, json=body, headers=auth("admin"))
    assert unnamed.status_code == 422
    assert "lgo_code" in unnamed.get_json()["errors"]
    named = client.post(HANDOVERS, json={**body, "lgo_code": TOWN}, headers=auth("admin"))
    assert named.status_code == 201
    assert named.get_json()["lgo_code"] == TOWN


def test_odd_input_is_refused_without_server_errors(client, auth, points):
    blank = client.post(HANDOVERS, headers=auth("town.staff"), json={
        "to_point_id": points["pao"], "handed_over_on": "2026-06-01", "receipt_number": "  ",
        "kg_bulbs": 1})
    assert blank.status_code == 422
    assert "receipt_number" in blank.get_json()["errors"]["json"]
    huge = client.post(COLLECTIONS, headers=auth("town.staff"), json={
        "point_id": 99999999999, "collected_on": "2026-06-01", "kg_bulbs": 1})
    assert huge.status_code == 422
    backwards = client.get(f"{TOTALS}?from=2026-06-02&to=2026-06-01", headers=auth("province"))
    assert backwards.status_code == 422
    unknown = client.get(f"{TOTALS}?lgo=no-such-lgo", headers=auth("admin"))
    assert unknown.status_code == 404
    assert unknown.get_json()["code"] == "lgo_not_found"
