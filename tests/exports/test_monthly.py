"""Monthly figures per LGO: CSV and XLSX content, headers, calendars, scope and limits."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from khaya.common.time import local_today
from khaya.exports import figures

TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"
CSV_URL = "/api/v1/exports/monthly.csv"
XLSX_URL = "/api/v1/exports/monthly.xlsx"


def this_month() -> str:
    return f"{local_today():%Y-%m}"


def read_csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read Thai"
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_in_thai_with_buddhist_era_months(client, auth):
    response = client.get(f"{CSV_URL}?from=2024-10&to=2024-12", headers=auth("town.staff"))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"khaya-monthly-{TOWN}-2024-10_2024-12-be.csv" in disposition
    header, *rows = read_csv(response)
    assert header[:4] == ["รหัส อปท.", "ชื่อ อปท.", "ปีงบประมาณ", "เดือน"]
    assert "ครัวเรือนที่อยู่อาศัย (ครัวเรือน)" in header
    assert "ก๊าซเรือนกระจกที่ลดได้ (tCO2e)" in header
    assert [r[3] for r in rows] == ["ต.ค. 2567", "พ.ย. 2567", "ธ.ค. 2567"]
    assert {r[0] for r in rows} == {TOWN}
    assert rows[0][1] == "เทศบาลเมืองลำพูน"
    # October 2024 opens fiscal year 2568 (BE).
    assert {r[2] for r in rows} == {"2568"}


def test_csv_in_english_with_common_era_months(client, auth):
    response = client.get(f"{CSV_URL}?from=2024-09&to=2024-10&calendar=ce&lang=en",
                          headers=auth("town.staff"))
    header, *rows = read_csv(response)
    assert header[:4] == ["LGO code", "LGO name", "Fiscal year", "Month"]
    assert "Participation (%)" in header
    assert "Persons in wet-bin households" in header
    assert [r[3] for r in rows] == ["2024-09", "2024-10"]
    assert [r[2] for r in rows] == ["2024", "2025"]
    assert rows[0][1] == "Lamphun Town Municipality"


def test_csv_figures_follow_the_register_and_the_logs(client, auth, db_session):
    for number in ("1", "2"):
        created = client.post("/api/v1/households", headers=auth("town.staff"), json={
            "village_code": "51010101", "house_number": f"{number}/77", "members": 3,
            "wet_bin": "has_bin", "registered_on": "2024-01-15"})
        assert created.status_code == 201
    month = this_month()
    header, row = read_csv(client.get(f"{CSV_URL}?from={month}&to={month}&calendar=ce&lang=en",
                                      headers=auth("town.staff")))
    values = dict(zip(header, row, strict=True))
    # The register is the test's own (the test database holds no demo households): two houses
    # of 3, whose bins nobody has inspected yet, and no log. tests/exports/test_monthly_hand.py
    # checks every column against the hand dataset.
    assert int(values["Occupied households"]) == 2
    assert int(values["Households that sorted"]) == 0
    assert int(values["Residents"]) == 6
    assert int(values["Households with a verified wet bin"]) == 0
    assert float(values["Greenhouse gas avoided (tCO2e)"]) == 0


def read_xlsx(response) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["ตัวเลขรายเดือน", "คำอธิบาย About"]
    sheet = book["ตัวเลขรายเดือน"]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_has_one_header_row_in_thai_and_number_formats(client, auth):
    response = client.get(f"{XLSX_URL}?from=2024-10&to=2025-09", headers=auth("town.admin"))
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet, (header, *rows) = read_xlsx(response)
    assert header == [c.th for c in figures.COLUMNS]
    assert header[0] == "รหัส อปท."
    # DLA's system reads one header row: the second row is already October's figures.
    assert sheet.max_row == 1 + 12
    assert len(rows) == 12
    assert all(row[0] == TOWN for row in rows)
    assert sheet["D2"].value == "ต.ค. 2567"
    assert sheet["D13"].value == "ก.ย. 2568"
    assert sheet["C13"].value == 2568
    households = header.index("ครัวเรือนที่อยู่อาศัย (ครัวเรือน)") + 1
    assert sheet.cell(2, households).number_format == "#,##0"
    share = header.index("ร้อยละครัวเรือนที่คัดแยกขยะ (%)") + 1
    assert sheet.cell(2, share).number_format == "0.0"
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:T{1 + 12}"
    about = {row[0].value: row[1].value for row in
             openpyxl.load_workbook(io.BytesIO(response.data))["คำอธิบาย About"].iter_rows()}
    assert about["ช่วงเวลา / Period"] == "ต.ค. 2567 – ก.ย. 2568"


# (query, Accept-Language, language of the header row, of the LGO and month names)
LANGUAGES = [
    ("", None, "th", "th"),
    ("&lang=en", None, "en", "en"),
    ("&header=en", None, "en", "th"),
    ("&header=th&lang=en", None, "th", "en"),
    ("", "en-GB,en;q=0.9", "en", "en"),
    ("", "th-TH,th;q=0.9,en;q=0.8", "th", "th"),
    ("&header=th", "en-US", "th", "en"),
    ("&lang=th", "en-US", "th", "th"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_header_row_in_the_language_asked_for(client, auth, fmt):
    for query, accept, header_lang, names_lang in LANGUAGES:
        headers = auth("town.staff")
        if accept:
            headers["Accept-Language"] = accept
        response = client.get(f"/api/v1/exports/monthly.{fmt}?from=2024-10&to=2024-11{query}",
                              headers=headers)
        assert response.status_code == 200, (query, accept, response.get_json())
        if fmt == "csv":
            header, *rows = read_csv(response)
        else:
            _, (header, *rows) = read_xlsx(response)
        case = (query, accept)
        assert header == [c.th if header_lang == "th" else c.en for c in figures.COLUMNS], case
        assert len(rows) == 2, case
        months = ["ต.ค. 2567", "พ.ย. 2567"] if names_lang == "th" else ["Oct 2567", "Nov 2567"]
        assert [row[3] for row in rows] == months, case
        name = "เทศบาลเมืองลำพูน" if names_lang == "th" else "Lamphun Town Municipality"
        assert {row[1] for row in rows} == {name}, case


def test_an_unknown_header_language_is_422(client, auth):
    response = client.get(f"{XLSX_URL}?from=2024-10&to=2024-10&header=both",
                          headers=auth("town.staff"))
    assert response.status_code == 422
    assert "header" in response.get_json()["errors"]["query"]


def test_the_header_parameter_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for fmt in ("csv", "xlsx"):
        operation = paths[f"/api/v1/exports/monthly.{fmt}"]["get"]
        (header,) = [p for p in operation["parameters"] if p["name"] == "header"]
        assert header["in"] == "query"
        assert header["schema"]["enum"] == ["th", "en"]
        assert "header row" in header["description"]
        assert "Accept-Language" in header["description"]
        assert "percent" in operation["summary"]
    job = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "header" in job["JobCreate"]["properties"]


def test_the_row_mapping_takes_each_field_from_its_indicator(app, db_session):
    fig = {"value": 0.5, "numerator": 10, "denominator": 20, "small_denominator": False}
    row = {
        "code": TOWN, "name_th": "เทศบาล", "name_en": "Town",
        "participation": {**fig, "numerator": 7, "denominator": 14},
        "wet_bin_coverage": {**fig, "numerator": 5},
        "kg_by_stream": {**fig, "breakdown": {"organic": 1.5, "recyclable": 2.5,
                                              "general": 3.5, "hazardous": 0.25}},
        "hazardous_kg_per_1000": {**fig, "numerator": 12.5},
        "bank_membership": {**fig, "numerator": 9},
        "bank_kg": {**fig, "numerator": 40.0, "detail": {"baht": 320.0}},
        "carbon_tco2e": {**fig, "value": 0.0123, "numerator": 30, "denominator": 45},
    }
    request = figures.Request((TOWN,), dt.date(2024, 10, 1), dt.date(2024, 10, 1), "be", "en")
    (out,) = figures.rows(request, compute=lambda *a, **k: [row])
    # A share as every data file writes it: a percentage with one decimal, rounded half up.
    (third,) = figures.rows(request, compute=lambda *a, **k: [
        {**row, "participation": {**fig, "value": 0.12345}}])
    assert third["participation"] == 12.3
    (half,) = figures.rows(request, compute=lambda *a, **k: [
        {**row, "participation": {**fig, "value": 0.0625}}])
    assert half["participation"] == 6.3
    assert out == {
        "lgo_code": TOWN, "lgo_name": "Town", "fiscal_year": 2568, "month": "Oct 2567",
        "households": 14, "participating": 7, "participation": 50.0, "residents": 45,
        "wet_bin_households": 5, "wet_bin_persons": 30, "kg_organic": 1.5,
        "kg_recyclable": 2.5, "kg_general": 3.5, "kg_hazardous": 0.25,
        "hazardous_collected_kg": 12.5, "bank_members": 9, "bank_kg": 40.0,
        "bank_baht": 320.0, "tco2e": 0.0123, "approval_state": "open",
    }


# Scope ---------------------------------------------------------------------------------------


def test_lgo_roles_export_only_their_lgo(client, auth):
    month = this_month()
    other = client.get(f"{CSV_URL}?lgo={NGA}&from={month}&to={month}",
                       headers=auth("town.staff"))
    assert other.status_code == 404
    assert other.get_json()["code"] == "lgo_not_found"
    own = client.get(f"{CSV_URL}?lgo={TOWN}&from={month}&to={month}",
                     headers=auth("town.staff"))
    assert own.status_code == 200


def test_province_officers_export_any_lgo_or_all(client, auth):
    month = this_month()
    one = client.get(f"{CSV_URL}?lgo={NGA}&from={month}&to={month}", headers=auth("province"))
    assert one.status_code == 200
    _, *rows = read_csv(client.get(f"{CSV_URL}?from={month}&to={month}",
                                   headers=auth("province")))
    codes = [r[0] for r in rows]
    assert TOWN in codes
    assert NGA in codes
    assert codes == sorted(codes)
    assert "lamphun-provincial-administrative-organization" not in codes
    pao = client.get(f"{CSV_URL}?lgo=lamphun-provincial-administrative-organization"
                     f"&from={month}&to={month}", headers=auth("province"))
    assert pao.status_code == 200


@pytest.mark.parametrize(("login", "status"), [(None, 401), ("0810000011", 403),
                                               ("0810000001", 403)])
def test_callers_without_exports_read_are_refused(client, auth, login, status):
    headers = auth(login) if login else {}
    assert client.get(f"{CSV_URL}?from=2024-10&to=2024-10", headers=headers).status_code == status


# Limits --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2024-10&to=2024-09", "to"),
        ("from=2024-10&to=2999-01", "to"),
        ("from=2019-01&to=2024-12", "to"),
        ("from=2024-13&to=2024-12", "from"),
        ("from=2567-10&to=2567-12", "from"),
        ("from=2024-10&to=2024-12&calendar=julian", "calendar"),
    ],
)
def test_bad_ranges_answer_422(client, auth, query, field):
    response = client.get(f"{CSV_URL}?{query}", headers=auth("town.staff"))
    assert response.status_code == 422
    body = response.get_json()
    flat = str(body["errors"])
    assert field in flat, body


def test_a_large_direct_export_points_to_jobs(client, auth):
    response = client.get(f"{XLSX_URL}?from=2024-01&to=2024-12", headers=auth("province"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "export_too_large"
    assert "/api/v1/exports/jobs" in body["message"]
