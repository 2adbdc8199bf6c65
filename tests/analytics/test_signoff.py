"""Sign-off of an LGO's month: each step and who may take it, frozen figures, late items.

On the hand dataset (see _hand.py): Mueang Nga's October 2024 goes up the chain (staff submit,
LGO admin approves, the province accepts); the figures of October are then frozen while a late
log, synced after acceptance, is stored once, counted in the live rollups and listed as late in
November's view, or reopens October where the province's rule says so.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from khaya.analytics.rebuild import reconcile
from khaya.auth.models import AuditEvent
from khaya.common.time import local_today
from khaya.participation.models import SortingLog
from tests.analytics._hand import NGA, TOWN, V1, log_item
from tests.pdfs import pdf_text

API = "/api/v1/approvals"
OCT = "2024-10"


def _post(client, auth, who: str, path: str, **body):
    response = client.post(f"{API}/{path}", headers=auth(who), json=body or None)
    return response.status_code, response.get_json()


def _indicators(client, auth, period: str = OCT) -> dict:
    response = client.get("/api/v1/analytics/indicators", headers=auth("province"),
                          query_string={"level": "lgo", "areas": NGA, "period": period})
    assert response.status_code == 200, response.get_json()
    (row,) = response.get_json()["areas"]
    return row


def _taking_part(row: dict) -> int:
    return row["indicators"]["participation"]["numerator"]


def _accept_october(client, auth) -> dict:
    for who, step in (("nga.staff", "submit"), ("nga.admin", "approve"), ("province", "accept")):
        status, body = _post(client, auth, who, f"{NGA}/{OCT}/{step}")
        assert status == 200, (step, body)
    return body


def test_a_month_goes_up_the_chain_and_each_step_says_who_and_when(dataset, client, auth,
                                                                    db_session):
    status, body = _post(client, auth, "nga.staff", f"{NGA}/{OCT}/submit")
    assert (status, body["state"]) == (200, "submitted")
    status, body = _post(client, auth, "nga.admin", f"{NGA}/{OCT}/approve")
    assert (status, body["state"]) == (200, "approved")
    status, body = _post(client, auth, "province", f"{NGA}/{OCT}/accept")
    assert (status, body["state"]) == (200, "accepted")
    assert body["accepted_at"] is not None
    assert [(s["action"], s["actor_role"]) for s in body["steps"]] == [
        ("submit", "lgo_staff"), ("approve", "lgo_admin"), ("accept", "province_officer")]
    assert all(s["actor_name"] and s["at"] for s in body["steps"])
    steps = db_session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "lgo_month", AuditEvent.entity_id == f"{NGA}/{OCT}"))
    assert steps == 3
    # The province's list shows it; another LGO's month is still open.
    listed = client.get(API, headers=auth("province"), query_string={"month": OCT}).get_json()
    states = {row["lgo_code"]: row["state"] for row in listed["lgos"]}
    assert (states[NGA], states[TOWN]) == ("accepted", "open")
    # The league of LGOs, a village's figures and the monthly file say so too.
    league = client.get("/api/v1/analytics/league", headers=auth("province"), query_string={
        "level": "lgo", "parent": "51", "indicator": "participation", "period": OCT}).get_json()
    by_code = {row["code"]: row["approval_state"] for row in league["rows"]}
    assert (by_code[NGA], by_code[TOWN]) == ("accepted", "open")
    province = client.get("/api/v1/analytics/indicators", headers=auth("province"), query_string={
        "level": "province", "areas": "51", "period": OCT}).get_json()
    assert province["areas"][0]["approval_state"] == "partly accepted"
    village = client.get("/api/v1/analytics/indicators", headers=auth("province"), query_string={
        "level": "village", "areas": V1, "period": OCT}).get_json()
    assert village["areas"][0]["approval_state"] == "accepted"
    september = client.get("/api/v1/analytics/indicators", headers=auth("province"),
                           query_string={"level": "lgo", "areas": NGA, "period": "2024-09"})
    assert september.get_json()["areas"][0]["approval_state"] == "open"
    monthly = client.get("/api/v1/exports/monthly.csv", headers=auth("province"), query_string={
        "lgo": NGA, "from": "2024-09", "to": "2024-10", "lang": "th"})
    text = monthly.data.decode("utf-8-sig")
    assert (text.count("จังหวัดรับรองแล้ว"), text.count("ยังไม่ส่ง")) == (1, 1)
    pdf = client.get("/api/v1/analytics/summary.pdf", headers=auth("nga.staff"),
                     query_string={"period": OCT})
    assert pdf.status_code == 200
    assert "สถานะการรับรองข้อมูล: จังหวัดรับรองแล้ว" in pdf_text(pdf.data)


@pytest.mark.parametrize(("who", "step", "status"), [
    ("nga.staff", "approve", 403),  # staff submit, the LGO admin approves
    ("nga.admin", "accept", 403),  # the province accepts
    ("province", "submit", 403),  # the LGO submits its own month
    ("0810000002", "submit", 403),  # a volunteer confirms villages, no more
    ("town.staff", "submit", 404),  # another LGO's month is not even there
    ("0810000012", "submit", 403),  # a resident has no part
])
def test_who_may_take_which_step(dataset, client, auth, who, step, status):
    got, body = _post(client, auth, who, f"{NGA}/{OCT}/{step}")
    assert got == status, body


def test_another_lgos_month_and_its_late_items_are_404(dataset, client, auth, sync):
    _accept_october(client, auth)
    sync([log_item(dataset.households["h4"], dt.date(2024, 10, 9), {"organic": 2.5})])
    mine = client.get(f"{API}/{NGA}/2024-11", headers=auth("nga.staff")).get_json()
    assert mine["late"]["logs"] == 1
    response = client.get(f"{API}/{NGA}/2024-11", headers=auth("town.staff"))
    assert response.status_code == 404
    status, _ = _post(client, auth, "town.admin", f"{NGA}/{OCT}/return", reason="not mine")
    assert status == 404
    listed = client.get(API, headers=auth("town.staff"), query_string={"month": "2024-11"})
    assert [row["lgo_code"] for row in listed.get_json()["lgos"]] == [TOWN]


def test_steps_out_of_order_and_a_running_month_are_refused(dataset, client, auth):
    status, body = _post(client, auth, "nga.admin", f"{NGA}/{OCT}/approve")
    assert (status, body["code"]) == (409, "approval_state")
    running = f"{local_today():%Y-%m}"
    status, body = _post(client, auth, "nga.staff", f"{NGA}/{running}/submit")
    assert (status, body["code"]) == (409, "approval_month_running")
    status, body = _post(client, auth, "nga.staff", f"{NGA}/2024-13/submit")
    assert status == 422, body


def test_returns_need_a_reason_and_the_lgo_admin_returns_only_a_submitted_month(
        dataset, client, auth):
    _post(client, auth, "nga.staff", f"{NGA}/{OCT}/submit")
    status, _ = _post(client, auth, "province", f"{NGA}/{OCT}/return")
    assert status == 422  # no reason
    status, body = _post(client, auth, "nga.admin", f"{NGA}/{OCT}/return", reason="typo in moo 2")
    assert (status, body["state"], body["returned_reason"]) == (200, "open", "typo in moo 2")
    _post(client, auth, "nga.staff", f"{NGA}/{OCT}/submit")
    _post(client, auth, "nga.admin", f"{NGA}/{OCT}/approve")
    status, body = _post(client, auth, "nga.admin", f"{NGA}/{OCT}/return", reason="again")
    assert (status, body["code"]) == (409, "approval_state")
    _post(client, auth, "province", f"{NGA}/{OCT}/accept")
    status, body = _post(client, auth, "province", f"{NGA}/{OCT}/return",
                         reason="moo 1 counted twice")
    assert (status, body["state"]) == (200, "open")
    assert body["accepted_at"] is None
    assert [s["action"] for s in body["steps"]][-1] == "return"


def test_an_lgo_that_asks_villages_to_confirm_waits_for_every_village(dataset, client, auth):
    response = client.put(f"{API}/settings/lgos/{NGA}", headers=auth("nga.admin"),
                          json={"confirm_villages": True})
    assert response.status_code == 200, response.get_json()
    status, body = _post(client, auth, "nga.staff", f"{NGA}/{OCT}/submit")
    assert (status, body["code"]) == (409, "approval_villages_unconfirmed")
    villages = client.get(f"{API}/{NGA}/{OCT}", headers=auth("nga.staff")).get_json()
    codes = [v["code"] for v in villages["village_states"]]
    assert V1 in codes
    assert len(codes) > 2
    # The volunteer of moo 1-2 confirms those; another village is not theirs.
    for code in codes:
        who = "0810000002" if code in (V1, "51010202") else "nga.staff"
        status, body = _post(client, auth, who, f"{NGA}/{OCT}/villages/{code}/confirm")
        assert status == 200, body
    other = next(c for c in codes if c not in (V1, "51010202"))
    status, _ = _post(client, auth, "0810000002", f"{NGA}/{OCT}/villages/{other}/confirm")
    assert status == 403
    assert all(v["confirmed"] for v in body["village_states"])
    status, body = _post(client, auth, "nga.staff", f"{NGA}/{OCT}/submit")
    assert (status, body["state"]) == (200, "submitted")


def test_an_accepted_month_is_frozen_and_a_late_log_counts_in_the_next_open_month(
        dataset, client, auth, sync, db_session):
    before = _indicators(client, auth)
    _accept_october(client, auth)
    # A phone that was offline all along syncs a log dated in October.
    (late,) = sync([log_item(dataset.households["h4"], dt.date(2024, 10, 9),
                             {"organic": 2.5})], who="admin")
    assert late["status"] == "created"
    assert db_session.scalar(select(func.count()).select_from(SortingLog).where(
        SortingLog.id == late["id"])) == 1
    after = _indicators(client, auth)
    assert after["indicators"] == before["indicators"]  # October as accepted, every figure
    assert (before["approval_state"], after["approval_state"]) == ("open", "accepted")
    # The live rollups count it (reconcile agrees with the raw rows) ...
    assert reconcile(dt.date(2024, 10, 1), dt.date(2024, 10, 31)).ok
    # ... and November's view lists it as late, outside November's own ratios.
    november = client.get(f"{API}/{NGA}/2024-11", headers=auth("nga.staff")).get_json()
    assert (november["late"]["logs"], november["late"]["months"]) == (1, [OCT])
    assert november["late"]["kg"]["organic"] == "2.500"
    assert client.get(f"{API}/{NGA}/{OCT}", headers=auth("nga.staff")).get_json()["state"] \
        == "accepted"
    # A village's October, the district's and the province's are frozen too.
    for level, area in (("village", V1), ("province", "51")):
        response = client.get("/api/v1/analytics/indicators", headers=auth("province"),
                              query_string={"level": level, "areas": area, "period": OCT})
        assert response.status_code == 200
    # Returning October makes it live again: the late log is now in October's own figures.
    status, _ = _post(client, auth, "province", f"{NGA}/{OCT}/return", reason="recount")
    assert status == 200
    live = _indicators(client, auth)
    assert _taking_part(live) == _taking_part(before) + 1
    november = client.get(f"{API}/{NGA}/2024-11", headers=auth("nga.staff")).get_json()
    assert november["late"]["logs"] == 0


def test_where_the_province_says_so_a_late_log_reopens_the_month(dataset, client, auth, sync):
    response = client.put(f"{API}/settings/provinces/51", headers=auth("province"),
                          json={"late_items": "reopen"})
    assert response.status_code == 200, response.get_json()
    before = _indicators(client, auth)
    _accept_october(client, auth)
    sync([log_item(dataset.households["h4"], dt.date(2024, 10, 9), {"organic": 1.0})],
         who="admin")
    body = client.get(f"{API}/{NGA}/{OCT}", headers=auth("nga.staff")).get_json()
    assert body["state"] == "open"
    assert body["steps"][-1]["action"] == "reopen"
    assert body["returned_reason"].startswith("Late items arrived")
    reopened = _indicators(client, auth)
    assert _taking_part(reopened) == _taking_part(before) + 1


def test_a_late_log_sent_by_another_client_id_twice_is_still_counted_once(dataset, client, auth,
                                                                         sync):
    _accept_october(client, auth)
    item = log_item(dataset.households["h4"], dt.date(2024, 10, 9), {"organic": 2.5})
    sync([item], who="admin")
    (again,) = sync([{**item, "client_id": item["client_id"]}], who="admin")
    assert again["status"] == "duplicate"
    november = client.get(f"{API}/{NGA}/2024-11", headers=auth("nga.staff")).get_json()
    assert november["late"]["logs"] == 1
    assert uuid.UUID(item["client_id"])


def test_the_dla_return_is_made_only_from_accepted_months_with_who_signed(
        dataset, client, auth, sync):
    query = {"month": OCT, "lgo": NGA, "lang": "en"}
    refused = client.get("/api/v1/exports/dla-return.xlsx", headers=auth("province"),
                         query_string=query)
    assert (refused.status_code, refused.get_json()["code"]) == (409, "month_not_accepted")
    october = _indicators(client, auth)["indicators"]
    _accept_october(client, auth)
    # A late log after acceptance does not move October's return.
    sync([log_item(dataset.households["h4"], dt.date(2024, 10, 9), {"organic": 2.5})])
    response = client.get("/api/v1/exports/dla-return.xlsx", headers=auth("province"),
                          query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = load_workbook(io.BytesIO(response.data))["DLA"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in cells if row and row[0] == "LGO code")
    (row,) = [dict(zip(header, r, strict=True)) for r in cells[cells.index(header) + 1:]]
    assert row["LGO code"] == NGA
    assert row["Sign-off"] == "accepted by the province"
    assert row["Occupied households"] == october["participation"]["denominator"]
    assert row["Persons in wet-bin households"] == october["carbon_tco2e"]["numerator"]
    assert row["Greenhouse gas avoided (tCO2e)"] == pytest.approx(
        october["carbon_tco2e"]["value"])
    organic = october["kg_by_stream"]["breakdown"]["organic"]
    assert row["Organic waste (kg)"] == pytest.approx(organic)
    assert (row["Submitted by"], row["Approved by"], row["Accepted by"]) == (
        "เจ้าหน้าที่ เทศบาลตำบลเหมืองง่า", "ผู้ดูแล เทศบาลตำบลเหมืองง่า",
        "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำพูน")
    # The consolidated returns: October has one LGO accepted and no late item of its own;
    # November has none accepted (the late log waits in November's view, see above).
    for month, late in ((OCT, 0), ("2024-11", None)):
        whole = client.get("/api/v1/exports/dla-return.xlsx", headers=auth("province"),
                           query_string={"month": month, "lang": "en"})
        assert whole.status_code == 200
        lines = [[c.value for c in r] for r in load_workbook(io.BytesIO(whole.data))["DLA"]
                 .iter_rows()]
        assert any(f"{1 if month == OCT else 0} of" in str(line[0]) for line in lines[:3])
        if late is not None:
            mine = next(line for line in lines if line[0] == NGA)
            assert mine[header.index("Late items of earlier months")] == late
    pdf = client.get("/api/v1/exports/dla-return.pdf", headers=auth("province"),
                     query_string={"month": OCT})
    assert pdf.status_code == 200
    words = pdf_text(pdf.data)
    assert "รับรองแล้ว 1 จาก" in words
    assert "จังหวัดรับรองแล้ว" in words
    assert "รับรองโดย" in words
    # An LGO's staff get their own LGO's return; another LGO's is 404.
    mine = client.get("/api/v1/exports/dla-return.pdf", headers=auth("nga.staff"),
                      query_string={"month": OCT, "lgo": NGA})
    assert mine.status_code == 200
    other = client.get("/api/v1/exports/dla-return.pdf", headers=auth("town.staff"),
                       query_string={"month": OCT, "lgo": NGA})
    assert other.status_code == 404
