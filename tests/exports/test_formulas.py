"""Text people typed leaves every CSV and XLSX as text, never as a formula (CSV injection).

An LGO named ``=HYPERLINK("http://evil.example","click")`` came out of every XLSX export as a
live formula and of every CSV raw.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from khaya.analytics import territory
from khaya.areas.models import Lgo, Village
from khaya.common.spreadsheets import csv_cell
from khaya.common.writers import Table, TableColumn, table_csv, table_xlsx

EVIL = '=HYPERLINK("http://evil.example","click")'
TOWN = "lamphun-town-municipality"


@pytest.mark.parametrize(("typed", "written"), [
    (EVIL, "'" + EVIL),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-", "'-"),
    # Numbers, and text that is only a number, stay as they are: nothing there can run.
    ("-12.5", "-12.5"),
    ("+66812345678", "+66812345678"),
    (-12.5, -12.5),
    (-3, -3),
    ("ชุมชนที่ 1 = บ้านป่าซาง", "ชุมชนที่ 1 = บ้านป่าซาง"),
    ("", ""),
    (None, None),
])
def test_csv_cells_follow_owasps_rule(typed, written):
    assert csv_cell(typed) == written


def _table() -> Table:
    return Table(
        sheet_title="league", lang="en", title=["League"],
        columns=[TableColumn("name", "ชื่อ", "Name"), TableColumn("change", "เปลี่ยน", "Change")],
        rows=[{"name": EVIL, "change": -0.25}, {"name": "-1", "change": -3},
              {"name": "@me", "change": 0.5}])


def test_a_table_keeps_negative_numbers_and_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(table_csv(_table()).decode("utf-8-sig"))))
    assert rows[-3:] == [["'" + EVIL, "-0.25"], ["-1", "-3"], ["'@me", "0.5"]]
    book = load_workbook(io.BytesIO(table_xlsx(_table())))
    sheet = book.active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    assert cells[EVIL].data_type == "s"
    assert cells[EVIL].quotePrefix
    assert cells[-0.25].data_type == "n"
    assert cells[-3].data_type == "n"
    assert cells["-1"].data_type == "s"


def _no_formulas(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]


@pytest.fixture
def evil_names(db_session):
    """The town LGO and its first community renamed to a formula (rolled back afterwards)."""
    db_session.execute(update(Lgo).where(Lgo.code == TOWN).values(name_th=EVIL, name_en=EVIL))
    db_session.execute(update(Village).where(Village.code == "51010101")
                       .values(name_th=EVIL, name_en=EVIL))
    db_session.commit()
    # Each process keeps the territory's names for a minute: read the renamed ones, and let
    # the tests after this one read the real ones again.
    territory._cache.clear()
    yield
    territory._cache.clear()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_monthly_export_writes_the_lgo_name_as_text(client, auth, evil_names, lang):
    query = f"lgo={TOWN}&from=2024-10&to=2024-11&lang={lang}"
    response = client.get(f"/api/v1/exports/monthly.csv?{query}", headers=auth("town.staff"))
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
             for cell in row]
    assert "'" + EVIL in cells
    assert EVIL not in cells
    response = client.get(f"/api/v1/exports/monthly.xlsx?{query}", headers=auth("town.staff"))
    assert response.status_code == 200
    assert _no_formulas(response.data) == []
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert EVIL in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("path", ["league", "indicators"])
def test_dashboard_files_write_area_names_as_text(client, auth, evil_names, path):
    query = {"level": "village", "parent": TOWN, "period": "2024-10", "lang": "en"}
    if path == "league":
        query["indicator"] = "participation"
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    csv_file = client.get(f"/api/v1/analytics/{path}.csv?{qs}", headers=auth("town.staff"))
    assert csv_file.status_code == 200, csv_file.get_json()
    cells = [cell for row in csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")))
             for cell in row]
    assert "'" + EVIL in cells
    assert not any(cell.startswith("=") for cell in cells)
    xlsx_file = client.get(f"/api/v1/analytics/{path}.xlsx?{qs}", headers=auth("town.staff"))
    assert xlsx_file.status_code == 200
    assert _no_formulas(xlsx_file.data) == []


def test_imported_household_names_are_stored_as_typed(client, auth):
    header = "village_code,house_number,members,head_name,lat,lon,registered_on"
    body = (f'{header}\r\n51010101,66/6,3,"{EVIL.replace(chr(34), chr(34) * 2)}",'
            f"18.5714,98.9984,2025-06-01\r\n").encode()
    staff = auth("town.staff")
    response = client.post("/api/v1/households/import", headers=staff, data=body,
                           content_type="text/csv")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 1
    listed = client.get("/api/v1/households?village=51010101&q=66/6", headers=staff).get_json()
    (house,) = [h for h in listed["items"] if h["house_number"] == "66/6"]
    detail = client.get(f"/api/v1/households/{house['id']}", headers=staff).get_json()
    assert detail["head_name"] == EVIL
