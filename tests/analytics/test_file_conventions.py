"""Every data file Khaya writes gives a share one way: a percentage from 0 to 100 with one
decimal, in a column marked (%), and a change of one in percentage points, marked (จุด) or (pp).

Each file is fetched next to the JSON it is built from, on the hand dataset (whose shares have
decimals: Mueang Nga's October participation is 4/7), in both formats and both languages, and
read back with csv and openpyxl. A CSV or XLSX route not listed in FILES fails
test_every_file_route_states_the_convention_in_its_about_sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.analytics._hand import NGA, by_hand

API = "/api/v1"
ABOUT = "คำอธิบาย About"


@dataclass(frozen=True)
class DataFile:
    """A file route, its query, and what its share columns must hold, read from the JSON."""

    path: str  # without .csv / .xlsx
    who: str
    query: dict[str, str]
    # header of the (%) and (จุด)/(pp) columns in lang -> values expected, from the JSON
    expected: Callable[[Callable[..., Any], str], dict[str, list[Any]]]
    title_lines: bool = True  # dashboard tables have title lines above the header


def _league(get: Callable[..., Any], lang: str) -> dict[str, list[Any]]:
    body = get("analytics/league", "nga.staff", **LEAGUE)
    value, previous, change = (("ค่า (%)", "ค่าช่วงก่อน (%)", "เปลี่ยนแปลง (จุด)") if lang == "th"
                               else ("Value (%)", "Previous value (%)", "Change (pp)"))
    return {value: [by_hand(r["value"]) for r in body["rows"]],
            previous: [by_hand(r["previous"]["value"]) for r in body["rows"]],
            change: [by_hand(r["change"]) for r in body["rows"]]}


def _indicators(get: Callable[..., Any], lang: str) -> dict[str, list[Any]]:
    body = get("analytics/indicators", "nga.admin", **INDICATORS)
    names = {"participation": ("การมีส่วนร่วมคัดแยกขยะ", "Sorting participation"),
             "wet_bin_coverage": ("ความครอบคลุมถังขยะเปียก", "Wet-bin coverage")}
    return {(f"{th}: ค่า (%)" if lang == "th" else f"{en}: value (%)"):
            [by_hand(a["indicators"][name]["value"]) for a in body["areas"]]
            for name, (th, en) in names.items()}


def _series(get: Callable[..., Any], lang: str) -> dict[str, list[Any]]:
    body = get("analytics/series", "province", **SERIES)
    header = "การมีส่วนร่วมคัดแยกขยะ: ค่า (%)" if lang == "th" else "Sorting participation: value (%)"
    return {header: [by_hand(p["indicators"]["participation"]["value"])
                     for p in body["points"]]}


def _monthly(get: Callable[..., Any], lang: str) -> dict[str, list[Any]]:
    values = [by_hand(get("analytics/indicators", "province", level="lgo", areas=NGA,
                          period=month, indicators="participation")
                      ["areas"][0]["indicators"]["participation"]["value"])
              for month in ("2024-09", "2024-10")]
    return {("ร้อยละครัวเรือนที่คัดแยกขยะ (%)" if lang == "th" else "Participation (%)"): values}


LEAGUE = {"level": "village", "parent": NGA, "indicator": "participation", "period": "2024-10"}
INDICATORS = {"level": "village", "parent": NGA, "period": "2024-10",
              "indicators": "participation,wet_bin_coverage,carbon_tco2e"}
SERIES = {"level": "lgo", "area": NGA, "indicators": "participation,bank_kg",
          "granularity": "month", "from": "2024-08-01", "to": "2024-11-30"}
FILES = {
    "league": DataFile("analytics/league", "nga.staff", LEAGUE, _league),
    "indicators": DataFile("analytics/indicators", "nga.admin", INDICATORS, _indicators),
    "series": DataFile("analytics/series", "province", SERIES, _series),
    "monthly": DataFile("exports/monthly", "province",
                        {"lgo": NGA, "from": "2024-09", "to": "2024-10"}, _monthly,
                        title_lines=False),
}

# File routes with no share column (counts, kg and tCO2e only): their About sheet still states
# the convention, as every file's does.
NO_SHARES = {
    "exports/dla-return": DataFile("exports/dla-return", "province", {"month": "2024-10"},
                                   lambda _get, _lang: {}),
    "fee-discounts/households": DataFile("fee-discounts/households", "nga.staff",
                                         {"month": "2024-10"}, lambda _get, _lang: {}),
}


@pytest.fixture
def get(client, auth):
    """Return ``get(path, who, **query) -> JSON``."""
    tokens: dict[str, dict[str, str]] = {}

    def call(path: str, who: str, **query: Any) -> Any:
        response = client.get(f"{API}/{path}", query_string=query,
                              headers=tokens.setdefault(who, auth(who)))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.get_json()

    return call


def _table(rows: list[list[Any]], title_lines: bool) -> tuple[list[Any], list[list[Any]]]:
    if not title_lines:
        return rows[0], rows[1:]
    blank = next(i for i, row in enumerate(rows) if all(v in (None, "") for v in row))
    return rows[blank + 1], rows[blank + 2:]


def _number(cell: Any) -> Any:
    if cell in ("", None):
        return None
    return float(cell) if isinstance(cell, str) else cell


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(FILES))
def test_shares_are_percentages_with_one_decimal(dataset, client, auth, get, name, fmt):
    spec = FILES[name]
    for lang in ("th", "en"):
        response = client.get(f"{API}/{spec.path}.{fmt}",
                              query_string={**spec.query, "lang": lang}, headers=auth(spec.who))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        if fmt == "csv":
            rows: list[list[Any]] = list(csv.reader(io.StringIO(
                response.data.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header, cells = _table(rows, spec.title_lines)
        expected = spec.expected(get, lang)
        marked = [h for h in header if h and ("(%)" in h or "(จุด)" in h or "(pp)" in h)]
        assert marked == list(expected), (lang, header)
        for column, want in expected.items():
            index = header.index(column)
            got = [_number(row[index]) for row in cells]
            assert got == want, (column, got, want)
            shares = [v for v in got if v is not None]
            assert shares, f"{column}: no figure to check"
            assert all(round(v, 1) == v for v in shares), column
            if "(%)" in column:
                assert all(0 <= v <= 100 for v in shares), column
        # Not vacuous: the hand data has shares with decimals, such as 4/7 written 57.1.
        assert any(v not in (None, 0.0, 100.0) for want in expected.values() for v in want)
        if fmt == "xlsx":
            first = len(rows) - len(cells) + 1
            for column in expected:
                index = header.index(column) + 1
                formats = {sheet.cell(r, index).number_format
                           for r in range(first, len(rows) + 1)}
                assert formats == ({"0.0"} if "(%)" in column else {"+0.0;-0.0;0.0"}), column


def test_the_monthly_file_and_the_league_agree_on_a_share(dataset, client, auth, get):
    """The two files of the issue: 57.1 in both, not 57.1 in one and 0.5714 in the other."""
    league = client.get(f"{API}/analytics/league.csv", query_string={
        "level": "lgo", "parent": "5101", "indicator": "participation", "period": "2024-10"},
        headers=auth("province"))
    header, rows = _table(list(csv.reader(io.StringIO(league.data.decode("utf-8-sig")))), True)
    nga_in_league = next(row for row in rows if row[1] == NGA)[header.index("ค่า (%)")]
    monthly = client.get(f"{API}/exports/monthly.csv", query_string={
        "lgo": NGA, "from": "2024-10", "to": "2024-10"}, headers=auth("province"))
    header, *rows = list(csv.reader(io.StringIO(monthly.data.decode("utf-8-sig"))))
    nga_in_monthly = rows[0][header.index("ร้อยละครัวเรือนที่คัดแยกขยะ (%)")]
    assert nga_in_league == nga_in_monthly == "57.1"


def _about(data: bytes) -> dict[str, str]:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == ABOUT
    return {row[0]: row[1] for row in book[ABOUT].iter_rows(values_only=True)}


def test_every_file_route_states_the_convention_in_its_about_sheet(app, dataset, client,
                                                                    auth):
    routes = sorted(rule.rule.removeprefix(API + "/") for rule in app.url_map.iter_rules()
                    if rule.rule.endswith((".csv", ".xlsx")))
    stems = {route.rsplit(".", 1)[0] for route in routes}
    # A new CSV or XLSX route must join FILES, and so be held to the convention above (or
    # NO_SHARES, when it holds no share at all).
    assert stems == {spec.path for spec in FILES.values()} | set(NO_SHARES), routes
    for spec in [*FILES.values(), *NO_SHARES.values()]:
        for lang in ("th", "en"):
            response = client.get(f"{API}/{spec.path}.xlsx",
                                  query_string={**spec.query, "lang": lang},
                                  headers=auth(spec.who))
            note = _about(response.data)["ร้อยละ / Percentages"]
            assert "0–100" in note
            assert "(%)" in note
            assert "จุด" in note
            assert "(pp)" in note
    # The dashboards' CSV files say it in their title lines (the monthly CSV has one header row
    # for DLA's system; its column name says (%) and the README says the rest).
    league = client.get(f"{API}/analytics/league.csv", query_string=LEAGUE,
                        headers=auth("nga.staff"))
    title = list(csv.reader(io.StringIO(league.data.decode("utf-8-sig"))))[1]
    assert title == ["หน่วย: ร้อยละ (0–100, ทศนิยม 1 ตำแหน่ง)"]


def test_a_dashboard_file_without_lang_follows_accept_language(dataset, client, auth):
    for accept, lang, first in ((None, "th", "อันดับ"), ("en-US,en;q=0.9", "en", "Rank"),
                                ("th,en;q=0.5", "th", "อันดับ")):
        headers = auth("nga.staff")
        if accept:
            headers["Accept-Language"] = accept
        response = client.get(f"{API}/analytics/league.xlsx", query_string=LEAGUE,
                              headers=headers)
        header, _ = _table([list(row) for row in load_workbook(io.BytesIO(response.data))
                            .worksheets[0].iter_rows(values_only=True)], True)
        assert header[0] == first, accept
        assert response.headers["Content-Disposition"].endswith(f'-{lang}.xlsx"')
