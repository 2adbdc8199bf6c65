"""Dashboard files: districts on league rows, league/indicator/series tables as CSV and XLSX.

The files must hold exactly the JSON endpoints' numbers, shares written as percentages with
one decimal (test_file_conventions holds every file to that), so each test fetches both and
compares them cell by cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from khaya.analytics import periods, services
from khaya.analytics import summary as summary_pdf
from khaya.areas.models import District, Lgo, LgoType, Tambon, Village
from khaya.common.time import local_today
from tests.analytics._hand import NGA, TOWN, V1, V2, by_hand
from tests.pdfs import pdf_pages

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
            row[f"district_name{suffix}"], by_hand(row["value"]), row["numerator"],
            row["denominator"], row["small_denominator"], by_hand(row["previous"]["value"]),
            by_hand(row["change"])]


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
    assert header == ["อันดับ", "รหัส", "ชื่อพื้นที่", "รหัสอำเภอ", "อำเภอ", "ค่า (%)", "ตัวตั้ง",
                      "ตัวหาร", "ตัวหารน้อย", "ค่าช่วงก่อน (%)", "เปลี่ยนแปลง (จุด)"]
    same_rows(rows, [league_cells(row) for row in body["rows"]])
    # The ranked villages, with numbers, are there: the comparison above is not vacuous.
    assert [row[:2] for row in rows[:2]] == [["1", V1], ["2", V2]]
    assert rows[0][5] == "60.0"
    assert title[0] == "ตารางอันดับ: การมีส่วนร่วมคัดแยกขยะ"
    assert title[1] == "หน่วย: ร้อยละ (0–100, ทศนิยม 1 ตำแหน่ง)"
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
    assert sheet.cell(first_data_row, 6).number_format == "0.0"
    assert sheet.cell(first_data_row, 11).number_format == "+0.0;-0.0;0.0"


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


def squeeze(text: str) -> str:
    """The text without spaces: a PDF places words, and extraction may space them apart."""
    return text.replace(" ", "")


def summary_text(data: bytes) -> tuple[int, str]:
    """Return the page count and the text of a PDF as a reader copies it, squeezed."""
    pages = pdf_pages(data)
    return len(pages), squeeze("\n".join(pages))


def test_summary_of_the_province_is_one_page_with_every_lgo_with_data(dataset, fetch, ranked):
    query = {"period": "2024-10"}
    league = fetch("league", "province", level="lgo", parent="51", indicator="participation",
                   **query).get_json()
    response = fetch("summary.pdf", "province", **query)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="khaya-summary-51-lgo-participation-2024-10.pdf"')
    pages, text = summary_text(response.data)
    assert pages == 1
    assert squeeze("ตุลาคม 2567") in text
    assert text.splitlines()[0] == squeeze("สรุปผลการคัดแยกขยะ จังหวัดลำพูน")
    assert len(league["rows"]) == 57
    # LGOs with data are rows; the others (no households) are one line, not 0/0 rows.
    empty = [r for r in league["rows"] if r["no_data"]]
    assert 0 < len(empty) < 57
    for row in league["rows"]:
        assert (squeeze(row["name_th"]) in text) is not row["no_data"], row["name_th"]
    assert squeeze(f"ไม่มีข้อมูล (ไม่มีครัวเรือนหรือผู้ให้นับในช่วงนี้) {len(empty)} พื้นที่") in text
    assert "0/0" not in text
    nga = next(r for r in league["rows"] if r["code"] == NGA)
    assert (nga["numerator"], nga["denominator"]) == (4, 7)
    assert f"{nga['value'] * 100:.1f}%" in text
    assert "4/7" in text
    assert squeeze("จัดทำเมื่อ") in text
    assert squeeze("ตัวหารน้อยกว่า 1 ถือว่าตัวหารน้อย") in text


def test_summary_of_an_lgo_ranks_its_villages_by_default(dataset, fetch, ranked):
    league = fetch("league", "nga.staff", **LEAGUE).get_json()
    response = fetch("summary.pdf", "nga.staff", period="2024-10")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="khaya-summary-{NGA}-village-participation-2024-10.pdf"')
    pages, text = summary_text(response.data)
    assert pages == 1
    assert len(league["rows"]) == 10  # Mueang Nga's ten villages
    for row in league["rows"]:
        assert (squeeze(row["name_th"]) in text) is not row["no_data"], row["name_th"]
    top = league["rows"][0]
    assert (top["code"], top["value"], top["change"]) == (V1, 0.6, 0.1)
    assert "60.0%" in text
    assert "+10.0" in text
    assert squeeze(f"พัฒนาขึ้นมากที่สุด: {league['most_improved']['name_th']}") in text


def test_summary_defaults_to_the_last_complete_month(fetch):
    last = local_today().replace(day=1) - dt.timedelta(days=1)
    response = fetch("summary.pdf", "admin", indicator="wet_bin_coverage")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        f'-51-lgo-wet_bin_coverage-{last:%Y-%m}.pdf"')
    assert summary_text(response.data)[0] == 1


def test_a_long_league_still_fits_one_page(app, db_session):
    """Every village of the province, each with data: more rows than two columns of 5 pt
    hold, so the top rows are printed and the page says how many of how many."""
    made = services.summary(level="village", parent="51", indicator="participation",
                            period=periods.month(dt.date(2024, 10, 1)), scope=None)
    rows = made["league"]["rows"]
    assert len(rows) > 200
    for number, row in enumerate(rows):
        row.update(value=1 - number / 1000, numerator=1000 - number, denominator=1000,
                   small_denominator=False, no_data=False, rank=number + 1, change=None)
    pages, text = summary_text(summary_pdf.render(made))
    assert pages == 1
    shown = re.search(squeeze(rf"แสดง (\d+) อันดับแรกจาก {len(rows)} พื้นที่ที่มีข้อมูล"), text)
    assert shown, text[:400]
    printed = int(shown[1])
    assert 100 < printed < len(rows)
    assert all(squeeze(row["name_th"]) in text for row in rows[:printed])


@pytest.mark.parametrize(("who", "query", "status"), [
    ("nga.staff", {"parent": TOWN}, 404),
    ("nga.staff", {"parent": "51"}, 404),
    ("town.admin", {"parent": NGA, "level": "village"}, 404),
    ("province", {"parent": NGA}, 200),
    ("0810000001", {}, 403),
    (None, {}, 401),
    ("province", {"indicator": "happiness"}, 422),
    ("province", {"period": "someday"}, 422),
])
def test_summary_is_scoped_like_the_league(fetch, who, query, status):
    response = fetch("summary.pdf", who, **{"period": "2024-10", **query})
    assert response.status_code == status, response.get_data(as_text=True)[:300]


FIGURE_KEYS = ("value", "numerator", "denominator", "small_denominator")


def figure_cells(figures: dict[str, Any], names: list[str]) -> list[Any]:
    """The JSON's four numbers of each indicator as the files write them."""
    return [by_hand(figures[name][key]) if key == "value" and figures[name]["unit"] == "ratio"
            else figures[name][key] for name in names for key in FIGURE_KEYS]


INDICATORS = {"level": "village", "parent": NGA, "period": "2024-10",
              "indicators": "participation,wet_bin_coverage,carbon_tco2e"}


def test_indicators_csv_holds_the_json_numbers(dataset, fetch):
    body = fetch("indicators", "nga.admin", **INDICATORS).get_json()
    response = fetch("indicators.csv", "nga.admin", **INDICATORS)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="khaya-indicators-village-{NGA}-2024-10-th.csv"')
    assert response.headers["Cache-Control"] == "private, no-store"
    title, header, rows = read_csv(response.data)
    names = body["indicators"]
    assert header[:4] == ["รหัส", "ชื่อพื้นที่", "รหัสอำเภอ", "อำเภอ"]
    assert header[4:8] == [
        "การมีส่วนร่วมคัดแยกขยะ: ค่า (%)",
        "การมีส่วนร่วมคัดแยกขยะ: ตัวตั้ง", "การมีส่วนร่วมคัดแยกขยะ: ตัวหาร",
        "การมีส่วนร่วมคัดแยกขยะ: ตัวหารน้อย"]
    assert len(header) == 4 + 4 * len(names)
    same_rows(rows, [[a["code"], a["name_th"], a["district_code"], a["district_name_th"],
                      *figure_cells(a["indicators"], names)] for a in body["areas"]])
    v1 = next(row for row in rows if row[0] == V1)
    assert v1[5:7] == ["3", "5"]
    assert "ช่วงเวลา: ตุลาคม 2567" in title


def test_indicators_xlsx_in_english(dataset, fetch):
    query = {"level": "village", "areas": f"{V1},{V2}", "period": "2024-10",
             "indicators": INDICATORS["indicators"]}
    body = fetch("indicators", "province", **query).get_json()
    response = fetch("indicators.xlsx", "province", lang="en", **query)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="khaya-indicators-village-areas-2024-10-en.xlsx"')
    title, header, rows = read_xlsx(response.data)
    names = body["indicators"]
    assert header[:2] == ["Code", "Name"]
    assert rows == [[a["code"], a["name_en"], a["district_code"], a["district_name_en"],
                     *figure_cells(a["indicators"], names)] for a in body["areas"]]
    assert [row[0] for row in rows] == [V1, V2]
    assert title[-2] == "Period: October 2024"


SERIES = {"level": "lgo", "area": NGA, "indicators": "participation,bank_kg",
          "granularity": "month", "from": "2024-08-01", "to": "2024-11-30"}


def test_series_files_hold_the_json_numbers(dataset, fetch):
    body = fetch("series", "province", **SERIES).get_json()
    names = body["indicators"]
    expected = [[p["period"]["label"], p["period"]["start"], p["period"]["end"],
                 *figure_cells(p["indicators"], names)] for p in body["points"]]
    response = fetch("series.csv", "province", **SERIES)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="khaya-series-lgo-{NGA}-month-2024-08-01_2024-11-30-th.csv"')
    title, header, rows = read_csv(response.data)
    assert header[:4] == ["ช่วงเวลา", "รหัสช่วงเวลา", "วันแรก", "วันสุดท้าย"]
    assert [row[0] for row in rows] == ["สิงหาคม 2567", "กันยายน 2567", "ตุลาคม 2567",
                                        "พฤศจิกายน 2567"]
    same_rows([row[1:] for row in rows], expected)
    assert [row[5] for row in rows] == ["0", "3", "4", "0"]
    response = fetch("series.xlsx", "province", lang="en", **SERIES)
    title, header, rows = read_xlsx(response.data)
    assert [row[0] for row in rows] == ["August 2024", "September 2024", "October 2024",
                                        "November 2024"]
    assert [row[1:] for row in rows] == expected
    assert title[0].startswith("Indicators over time: ")


@pytest.mark.parametrize(("path", "who", "query", "status"), [
    ("indicators.csv", "nga.staff", {**INDICATORS, "parent": TOWN}, 404),
    ("indicators.xlsx", "town.staff", {**INDICATORS}, 404),
    ("indicators.csv", "0810000001", INDICATORS, 403),
    ("indicators.csv", "province", {**INDICATORS, "lang": "de"}, 422),
    ("series.csv", "nga.staff", {**SERIES, "area": TOWN}, 404),
    ("series.xlsx", "town.admin", SERIES, 404),
    ("series.csv", None, SERIES, 401),
    ("series.csv", "province", {**SERIES, "to": "2024-07-01"}, 422),
])
def test_indicator_and_series_files_are_scoped(fetch, path, who, query, status):
    response = fetch(path, who, **query)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
