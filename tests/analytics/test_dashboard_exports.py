"""Dashboard files: districts on league rows, league/indicator/series tables as CSV and XLSX.

The files must hold exactly the JSON endpoints' numbers, so each test fetches both and compares
them cell by cell.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from khaya.areas.models import District, Lgo, LgoType, Tambon, Village
from tests.analytics._hand import NGA, TOWN, V1, V2

API = "/api/v1/analytics"
LEAGUE = {"level": "village", "parent": NGA, "indicator": "participation", "period": "2024-10"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def fetch(client, auth):
    """Return ``fetch(path, who, **query) -> response``."""
    tokens: dict[str, dict[str, str]] = {}

    def call(path: str, who: str | None, **query: Any):
        headers = tokens.setdefault(who, auth(who)) if who else {}
        return client.get(f"{API}/{path}", query_string=query, headers=headers)

    return call


@pytest.fixture
def ranked(app, monkeypatch):
    """Flag only denominators under 1, so the hand villages are ranked."""
    monkeypatch.setitem(app.config, "SMALL_DENOMINATOR", 1)


def read_csv(data: bytes) -> tuple[list[str], list[str], list[list[str]]]:
    """Return (title lines, header, rows) of a dashboard CSV."""
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    blank = lines.index([])
    return [line[0] for line in lines[:blank]], lines[blank + 1], lines[blank + 2:]


def read_xlsx(data: bytes) -> tuple[list[str], list[str], list[list[Any]]]:
    """Return (title lines, header, rows) of a dashboard workbook's first sheet."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    blank = next(i for i, row in enumerate(values) if all(v is None for v in row))
    return [row[0] for row in values[:blank]], values[blank + 1], values[blank + 2:]


def csv_value(cell: str, like: Any) -> Any:
    """Read a CSV cell as the JSON value ``like`` it should equal: a number as a number."""
    if cell == "":
        return None
    if isinstance(like, bool):
        return {"true": True, "false": False}[cell]
    if isinstance(like, int | float):
        return float(cell)
    return cell


def same_rows(cells: list[list[str]], expected: list[list[Any]]) -> None:
    """Assert the CSV rows hold exactly the JSON values, cell by cell."""
    assert len(cells) == len(expected)
    for got, want in zip(cells, expected, strict=True):
        assert len(got) == len(want)
        assert [csv_value(c, w) for c, w in zip(got, want, strict=True)] == want, got


def league_cells(row: dict[str, Any], lang: str = "th") -> list[Any]:
    suffix = "_th" if lang == "th" else "_en"
    return [row["rank"], row["code"], row[f"name{suffix}"], row["district_code"],
            row[f"district_name{suffix}"], row["value"], row["numerator"], row["denominator"],
            row["small_denominator"], row["previous"]["value"], row["change"]]


def _districts_by_village(db_session, codes: list[str]) -> dict[str, tuple[str, str]]:
    rows = db_session.execute(
        select(Village.code, District.code, District.name_th)
        .join(Tambon, Tambon.id == Village.tambon_id)
        .join(District, District.id == Tambon.district_id)
        .where(Village.code.in_(codes))
    ).all()
    return {village: (district, name) for village, district, name in rows}


def test_league_rows_name_the_district_of_each_area(dataset, fetch, db_session):
    body = fetch("league", "province", level="lgo", parent="51", indicator="participation",
                 period="2024-10").get_json()
    offices = {code: (district, name) for code, district, name in db_session.execute(
        select(Lgo.code, District.code, District.name_th)
        .join(District, District.id == Lgo.district_id)
        .where(Lgo.type != LgoType.PAO))}
    assert len(body["rows"]) == len(offices) == 57
    for row in body["rows"]:
        assert (row["district_code"], row["district_name_th"]) == offices[row["code"]], row
        assert row["district_name_en"]
    lamphun = next(r for r in body["rows"] if r["code"] == TOWN)
    assert lamphun["district_code"] == "5101"

    body = fetch("league", "nga.staff", **LEAGUE).get_json()
    expected = _districts_by_village(db_session, [r["code"] for r in body["rows"]])
    assert {r["code"]: (r["district_code"], r["district_name_th"]) for r in body["rows"]} == (
        expected)

    body = fetch("league", "province", level="district", parent="51",
                 indicator="participation", period="2024-10").get_json()
    assert body["rows"]
    assert all(r["district_code"] is None and r["district_name_th"] is None
               for r in body["rows"])


def test_indicator_areas_name_their_district(dataset, fetch, db_session):
    body = fetch("indicators", "province", level="tambon", areas="510101,510102",
                 period="2024-10", indicators="participation").get_json()
    tambons = dict(db_session.execute(
        select(Tambon.code, District.code).join(District, District.id == Tambon.district_id)
        .where(Tambon.code.in_(["510101", "510102"]))).tuples().all())
    assert {a["code"]: a["district_code"] for a in body["areas"]} == tambons


def test_league_csv_holds_the_json_numbers(dataset, fetch, ranked, db_session):
    body = fetch("league", "nga.staff", **LEAGUE).get_json()
    response = fetch("league.csv", "nga.staff", **LEAGUE)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="khaya-league-participation-village-{NGA}-2024-10-th.csv"')
    title, header, rows = read_csv(response.data)
    assert header == ["อันดับ", "รหัส", "ชื่อพื้นที่", "รหัสอำเภอ", "อำเภอ", "ค่า", "ตัวตั้ง",
                      "ตัวหาร", "ตัวหารน้อย", "ค่าช่วงก่อน", "เปลี่ยนแปลง"]
    same_rows(rows, [league_cells(row) for row in body["rows"]])
    # The ranked villages, with numbers, are there: the comparison above is not vacuous.
    assert [row[:2] for row in rows[:2]] == [["1", V1], ["2", V2]]
    assert float(rows[0][5]) == 0.6
    assert title[0] == "ตารางอันดับ: การมีส่วนร่วมคัดแยกขยะ"
    assert title[1].startswith("หน่วย: สัดส่วน")
    assert title[2] == "ช่วงเวลา: ตุลาคม 2567 (เทียบกับ กันยายน 2567)"
    nga_name = db_session.execute(select(Lgo.name_th).where(Lgo.code == NGA)).scalar_one()
    assert title[3] == f"พื้นที่: หมู่บ้าน/ชุมชน ใน {nga_name}"


def test_league_csv_in_english(dataset, fetch, ranked):
    body = fetch("league", "province", **LEAGUE).get_json()
    response = fetch("league.csv", "province", lang="en", **LEAGUE)
    title, header, rows = read_csv(response.data)
    assert header[:3] == ["Rank", "Code", "Name"]
    assert title[0] == "League table: Sorting participation"
    assert title[2] == "Period: October 2024 (compared with September 2024)"
    same_rows(rows, [league_cells(row, "en") for row in body["rows"]])
    assert response.headers["Content-Disposition"].endswith('-2024-10-en.csv"')


def test_league_xlsx_holds_the_json_numbers(dataset, fetch, ranked):
    query = {**LEAGUE, "period": "FY2568"}
    body = fetch("league", "province", **query).get_json()
    response = fetch("league.xlsx", "province", **query)
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="khaya-league-participation-village-{NGA}-FY2568-th.xlsx"')
    title, header, rows = read_xlsx(response.data)
    assert header[0] == "อันดับ"
    assert rows == [league_cells(row) for row in body["rows"]]
    assert any(row[5] is not None for row in rows)
    assert title[2].startswith("ช่วงเวลา: ปีงบประมาณ พ.ศ. 2568")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    first_data_row = len(title) + 3
    assert sheet.cell(first_data_row, 6).number_format == "0.0%"


@pytest.mark.parametrize(("who", "query", "status"), [
    ("nga.staff", {"parent": TOWN}, 404),
    ("town.admin", {"parent": NGA}, 404),
    ("nga.staff", {"parent": "51", "level": "lgo"}, 404),
    ("province", {"parent": TOWN}, 200),
    ("admin", {"parent": NGA}, 200),
    ("0810000001", {"parent": NGA}, 403),
    ("0810000011", {"parent": NGA}, 403),
    (None, {"parent": NGA}, 401),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_league_files_are_scoped_like_the_json(fetch, who, query, status, fmt):
    response = fetch(f"league.{fmt}", who, **{**LEAGUE, **query})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status == 404:
        assert response.get_json()["code"] == "area_not_found"


@pytest.mark.parametrize("query", [
    {"lang": "fr"},
    {"indicator": "happiness"},
    {"period": "2024-13"},
    {"colour": "red"},
])
def test_league_files_check_their_arguments(fetch, query):
    response = fetch("league.csv", "province", **{**LEAGUE, **query})
    assert response.status_code == 422
    assert set(response.get_json()) >= {"code", "status", "message", "errors"}
