"""The provincial office's dashboards at a desk: league table (sort, group, drill, XLSX that
matches the API), the map down to villages, trends, comparison, and no household data anywhere.

The demo households of five LGOs (half the demo's size) with their six weeks of logs are
committed for this module, the rollups rebuilt over them, and all of it removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from khaya.analytics.rebuild import rebuild
from khaya.extensions import db
from seed.accounts import MUEANG_NGA, TOWN
from seed.demo import load_demo_households
from tests.analytics._hand import by_hand
from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    NO_TILES,
    PASSWORD,
    bangkok_today,
    delete_households,
    desk_context,
    shoot,
    sign_in_office,
)
from tests.pdfs import pdf_pages

pytestmark = pytest.mark.e2e

OFFICER = "province"
PROVINCE = "51"
MUEANG = "5101"
NA_SAI = "na-sai-subdistrict-administrative-organization"
# Half the demo, and a threshold of 20 for this module, so that the town's villages are ranked
# (the demo's villages are a few dozen households at full size); LGOs without households stay
# flagged.
SCALE = 0.5
THRESHOLD = 20
# The map colour of an area with no figures (NO_DATA_COLOUR in the office screens).
NO_DATA_FILL = "#d9d9d9"
API_ALLOWED = re.compile(r"/api/v1/(analytics|areas|auth|me)\b")


@dataclass
class Demo:
    base: str
    headers: dict[str, str]
    month: str
    household_ids: list[int]
    names: list[str]
    phones: list[str]


def _rebuild_rollups(app: Flask, today: dt.date) -> None:
    with app.app_context():
        rebuild(today - dt.timedelta(days=70), today)
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def demo(app: Flask, live_server: str) -> Iterator[Demo]:
    """Commit half the demo, rebuild its rollups; remove both afterwards."""
    today = bangkok_today()
    threshold = app.config["SMALL_DENOMINATOR"]
    app.config["SMALL_DENOMINATOR"] = THRESHOLD
    with app.app_context():
        before = set(db.session.execute(text("select id from households")).scalars())
        load_demo_households(db.session, today=today, scale=SCALE)
        db.session.commit()
        rows = db.session.execute(text(
            "select id, head_name, phone from households where not (id = any(:ids))"),
            {"ids": sorted(before)}).all()
        db.session.remove()
    ids = [r.id for r in rows]
    try:
        _rebuild_rollups(app, today)
        login = app.test_client().post("/api/v1/auth/login", json={
            "login": OFFICER, "password": PASSWORD, "device_id": "e2e-province"})
        assert login.status_code == 200, login.get_json()
        headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
        # The screens open on the last complete month.
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        yield Demo(base=live_server, headers=headers, month=last_month.strftime("%Y-%m"),
                   household_ids=ids, names=[r.head_name for r in rows if r.head_name],
                   phones=[r.phone for r in rows if r.phone])
    finally:
        app.config["SMALL_DENOMINATOR"] = threshold
        delete_households(app, ids)
        _rebuild_rollups(app, today)


@pytest.fixture
def desk(browser, demo) -> Iterator[Any]:
    """Return a page at a desktop's size, signed in as the provincial officer, that records
    every API path it calls."""
    ctx = desk_context(browser, bypass_csp=True)  # so axe-core can be added
    ctx.route(NO_TILES, lambda route: route.abort())
    page = ctx.new_page()
    page.api_calls = []
    page.on("request", lambda r: "/api/v1/" in r.url and page.api_calls.append(r.url))
    sign_in_office(page, demo.base, OFFICER)
    page.wait_for_url("**/office/league")
    yield page
    ctx.close()


def api(app: Flask, demo: Demo, path: str, **query: Any) -> Any:
    response = app.test_client().get(f"/api/v1/{path}", query_string=query, headers=demo.headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def settle(page) -> None:
    page.wait_for_selector("main h1")
    page.wait_for_function("() => document.querySelectorAll('main .spinner').length === 0")


def table_codes(page, testid: str) -> list[str]:
    return page.eval_on_selector_all(f"[data-testid={testid}] tbody tr[data-row]",
                                     "rows => rows.map((r) => r.dataset.row)")


def wait_rows(page, testid: str, n: int) -> None:
    page.wait_for_function(
        "([id, n]) => document.querySelectorAll(`[data-testid=${id}] tbody tr[data-row]`).length"
        " === n", arg=[testid, n])


def league_cells(row: dict[str, Any]) -> list[Any]:
    """A league row as the XLSX writes it: shares in percent, changes in percentage points."""
    return [row["rank"], row["code"], row["name_th"], row["district_code"],
            row["district_name_th"], by_hand(row["value"]), row["numerator"],
            row["denominator"], row["small_denominator"], by_hand(row["previous"]["value"]),
            by_hand(row["change"])]


def change_cells(page) -> dict[str, str]:
    return dict(page.eval_on_selector_all(
        "[data-testid=league-table] tbody tr[data-row]",
        "rows => rows.map((r) => [r.dataset.row,"
        " r.querySelector('[data-testid=change]').textContent.trim()])"))


def assert_points(shown: dict[str, str], rows: list[dict[str, Any]], unit: str) -> None:
    """Every change on screen is the API's, in percentage points labelled ``unit``."""
    assert set(shown) == {r["code"] for r in rows}
    changed = [r for r in rows if r["change"] is not None]
    assert changed, "the demo's league shows no change to read"
    for row in rows:
        text = shown[row["code"]]
        if row["change"] is None:
            assert text == "–", text
            continue
        match = re.fullmatch(rf"([+−±])(\d+\.\d) {unit}", text)
        assert match, text
        sign = {"+": 1, "−": -1, "±": 0}[match[1]]
        assert sign == (row["change"] > 0) - (row["change"] < 0) or float(match[2]) == 0, text
        assert abs(float(match[2]) - abs(row["change"]) * 100) <= 0.05 + 1e-9, (text, row)
    assert "%" not in "".join(shown.values())


def test_the_officer_sorts_groups_drills_and_exports_a_league_matching_the_api(app, demo, desk):
    page = desk
    args = {"level": "lgo", "indicator": "participation", "period": demo.month}
    province = api(app, demo, "analytics/league", parent=PROVINCE, **args)
    # LGOs with no data (no households registered) are folded away, not listed as 0/0.
    rows = {r["code"]: r for r in province["rows"] if not r["no_data"]}
    empty = [r for r in province["rows"] if r["no_data"]]
    assert any(r["small_denominator"] for r in rows.values())
    assert sum(r["rank"] is not None for r in rows.values()) >= 3
    assert all(not r["small_denominator"] and r["rank"] is None for r in empty)

    wait_rows(page, "league-table", len(rows))
    settle(page)
    ranked = table_codes(page, "league-table")
    assert ranked == list(rows)  # the API's order: by rank, small denominators after
    assert page.locator("[data-testid=league-table] [data-testid=small-flag]").count() == sum(
        r["small_denominator"] for r in rows.values())
    if empty:
        fold = page.locator("[data-testid=no-data]")
        assert f"ไม่มีข้อมูล {len(empty)} พื้นที่" in fold.inner_text()
        fold.locator("summary").click()
        assert all(r["name_th"] in fold.inner_text() for r in empty)
        fold.locator("summary").click()
    shoot(page, "office-province-league", readme=True)

    page.click("[data-testid=league-table] [data-sort=denominator]")
    by_denominator = table_codes(page, "league-table")
    assert by_denominator != ranked
    denominators = [rows[c]["denominator"] for c in by_denominator]
    assert denominators == sorted(denominators)
    page.click("[data-testid=league-table] [data-sort=denominator]")
    denominators = [rows[c]["denominator"] for c in table_codes(page, "league-table")]
    assert denominators == sorted(denominators, reverse=True)
    assert page.get_attribute("[data-testid=league-table] th:has([data-sort=denominator])",
                              "aria-sort") == "descending"

    page.check("[data-testid=group-district]")
    headings = page.locator("[data-testid=league-table] tr.group-row")
    districts = {r["district_code"] for r in rows.values()}
    assert headings.count() == len(districts)
    assert "อำเภอเมืองลำพูน" in headings.all_inner_texts()
    shoot(page, "office-province-league-grouped")

    # Drill into Mueang Lamphun from its link on the town's row.
    page.click(f"[data-testid=league-table] tr[data-row='{TOWN}'] a[data-district='{MUEANG}']")
    page.wait_for_url(f"**/office/league/district/{MUEANG}")
    district = api(app, demo, "analytics/league", parent=MUEANG, **args)
    wait_rows(page, "league-table", len(district["rows"]))
    settle(page)
    shown = table_codes(page, "league-table")
    assert sorted(shown) == sorted(r["code"] for r in district["rows"])
    assert {TOWN, MUEANG_NGA} <= set(shown)
    assert all(rows[c]["district_code"] == MUEANG for c in shown)
    assert "อำเภอเมืองลำพูน" in page.inner_text("[data-testid=crumbs]")
    shoot(page, "office-province-league-district")
    page.emulate_media(media="print")
    assert not page.is_visible("[data-testid=export-xlsx]")
    assert not page.is_visible(".office-nav")
    shoot(page, "office-province-league-print")
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    blank = next(i for i, row in enumerate(values) if all(v is None for v in row))
    header, cells = values[blank + 1], values[blank + 2:]
    assert header[0] == "อันดับ"
    assert cells == [league_cells(r) for r in district["rows"]]
    assert any(c[5] for c in cells)

    # The one-pager the button fetches, for the same district: one A4 page naming its LGOs.
    with page.expect_download() as info:
        page.click("[data-testid=export-pdf]")
    summary = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert len(summary.pages) == 1
    printed = pdf_pages(summary.stream.getvalue())[0]
    ranked = [r for r in district["rows"] if r["rank"] is not None]
    assert ranked
    assert all(r["name_th"] in printed for r in ranked)

    # The town's villages, as village totals.
    page.click(f"[data-testid=league-table] a[data-lgo='{TOWN}']")
    page.wait_for_url(f"**/office/league/lgo/{TOWN}")
    villages = api(app, demo, "analytics/league", level="village", parent=TOWN,
                   indicator="participation", period=demo.month)
    wait_rows(page, "league-table", len(villages["rows"]))
    settle(page)
    assert sorted(table_codes(page, "league-table")) == sorted(r["code"] for r in villages["rows"])
    crumbs = page.inner_text("[data-testid=crumbs]")
    for place in ("จังหวัดลำพูน", "อำเภอเมืองลำพูน", "เทศบาลเมืองลำพูน"):
        assert place in crumbs
    shoot(page, "office-province-league-villages")
    page.click("[data-testid=crumbs] a >> nth=1")
    page.wait_for_url(f"**/office/league/district/{MUEANG}")
    assert not [u for u in page.api_calls if not API_ALLOWED.search(u)], page.api_calls


def test_league_changes_are_in_percentage_points_labelled_in_each_language(app, demo, desk):
    page = desk
    settle(page)
    period = page.input_value("[data-testid=period]")
    league = api(app, demo, "analytics/league", level="lgo", parent=PROVINCE,
                 indicator="participation", period=period)
    rows = league["rows"]
    wait_rows(page, "league-table", len(rows))
    assert_points(change_cells(page), rows, "จุด")
    page.click("[data-testid=lang]")
    page.wait_for_function("() => document.querySelector("
                           "'[data-testid=league-table] [data-sort=change]').textContent"
                           ".startsWith('Change')")
    assert_points(change_cells(page), rows, "pp")
    if league["most_improved"]:
        improved = page.inner_text("[data-testid=most-improved] .figure")
        assert re.fullmatch(r"\+\d+\.\d pp", improved), improved


def test_the_map_drills_from_an_lgo_to_its_villages_with_a_legend(app, demo, desk):
    page = desk
    page.goto(demo.base + "/office/choropleth")
    lgos = api(app, demo, "analytics/choropleth", level="lgo", parent=PROVINCE,
               indicator="participation", period=demo.month, method="quantile", classes=5)
    page.wait_for_selector(f"[data-testid=province-map][data-features='{len(lgos['features'])}']")
    page.wait_for_function("n => document.querySelectorAll('path.op-feature').length === n",
                           arg=len(lgos["features"]))
    settle(page)
    legend = page.locator("[data-testid=legend] .legend-row")
    breaks = lgos["khaya"]["classes"]["breaks"]
    assert len(breaks) > 2
    with_data = [f for f in lgos["features"] if not f["properties"]["no_data"]]
    grey = [f for f in with_data if f["properties"]["class"] is None]
    empty = len(lgos["features"]) - len(with_data)
    # A row per class, then the small denominators and the areas with no data, each counted.
    assert legend.count() == len(breaks) - 1 + bool(grey) + bool(empty)
    if empty:
        assert f"({empty})" in page.inner_text("[data-testid=legend-no-data]")
    assert page.locator("[data-testid=map-table] tbody tr[data-row]").count() == len(with_data)
    assert page.locator("[data-testid=grey-list] li").count() == len(grey)
    shoot(page, "office-province-choropleth")

    page.locator(f"path.op-area-{TOWN}").dispatch_event("click")
    page.wait_for_url(f"**/office/choropleth/lgo/{TOWN}")
    villages = api(app, demo, "analytics/choropleth", level="village", parent=TOWN,
                   indicator="participation", period=demo.month, method="quantile", classes=5)
    page.wait_for_selector("[data-testid=province-map][data-level=village]"
                           f"[data-features='{len(villages['features'])}']")
    page.wait_for_function("n => document.querySelectorAll('path.op-feature').length === n",
                           arg=len(villages["features"]))
    settle(page)
    breaks = villages["khaya"]["classes"]["breaks"]
    assert len(breaks) > 2
    with_data = [f for f in villages["features"] if not f["properties"]["no_data"]]
    grey = [f for f in with_data if f["properties"]["class"] is None]
    empty = len(villages["features"]) - len(with_data)
    assert page.locator("[data-testid=legend] .legend-row").count() == (
        len(breaks) - 1 + bool(grey) + bool(empty))
    assert page.locator("[data-testid=grey-list] li").count() == len(grey)
    assert sorted(table_codes(page, "map-table")) == sorted(
        f["properties"]["code"] for f in with_data)
    shoot(page, "office-province-choropleth-villages")
    with page.expect_download() as info:
        page.click("[data-testid=export-csv]")
    exported = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert all(f["properties"]["code"] in exported for f in villages["features"])
    page.click("[data-testid=back-province]")
    page.wait_for_url("**/office/choropleth")
    assert not [u for u in page.api_calls if not API_ALLOWED.search(u)], page.api_calls


def test_the_trend_chart_draws_a_point_per_period_with_data(app, demo, desk):
    page = desk
    page.goto(demo.base + "/office/trends")
    # It opens on the LGO ranked first last month, one with data, not the first in the list.
    league = api(app, demo, "analytics/league", level="lgo", parent=PROVINCE,
                 indicator="participation")
    best = league["rows"][0]
    assert best["rank"] == 1
    page.wait_for_function(
        "code => document.querySelector('[data-testid=trend-area]')?.value === code",
        arg=best["code"])
    page.wait_for_selector("[data-testid=trend-chart] [data-testid=trend-point]")
    page.select_option("[data-testid=trend-area]", TOWN)
    # Twelve whole months, ending with the last complete one: the running month, a few days
    # old, would read as a collapse.
    last = bangkok_today().replace(day=1) - dt.timedelta(days=1)
    months = last.year * 12 + last.month - 1 - 11
    first = dt.date(months // 12, months % 12 + 1, 1)
    series = api(app, demo, "analytics/series", level="lgo", area=TOWN, indicators="participation",
                 granularity="month", **{"from": first.isoformat(), "to": last.isoformat()})
    assert len(series["points"]) == 12
    assert all(p["period"]["complete"] for p in series["points"])
    # Months before the town's first log are gaps, not a 0 % line.
    figures = [p["indicators"]["participation"] for p in series["points"]]
    start = next(i for i, f in enumerate(figures) if f["numerator"])
    with_data = [p for p in series["points"][start:]
                 if p["indicators"]["participation"]["value"] is not None]
    assert with_data
    chart = "[data-testid=trend-chart][data-indicator=participation]"
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(`${sel} [data-testid=trend-point]`).length === n"
        " && document.querySelector(`${sel} svg`).getAttribute('aria-label')"
        ".includes('เทศบาลเมือง')",
        arg=[chart, len(with_data)])
    assert [p.get_attribute("data-period") for p in
            page.locator(f"{chart} [data-testid=trend-point]").all()] == [
        p["period"]["label"] for p in with_data]
    assert page.get_attribute(f"{chart} svg", "role") == "img"
    page.click(f"{chart} [data-testid=trend-table-toggle]")
    assert page.locator(f"{chart} [data-testid=trend-table] tbody tr").count() == 12
    page.check("[data-indicator=wet_bin_coverage]")
    page.wait_for_selector("[data-testid=trend-chart][data-indicator=wet_bin_coverage]")
    settle(page)
    shoot(page, "office-province-trends")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    assert sheet.max_row > 12


def test_the_league_opens_on_the_last_whole_month_and_says_when_one_is_running(
        app, demo, desk):
    page = desk
    page.goto(demo.base + "/office/league")
    settle(page)
    picker = page.locator("[data-testid=period]")
    assert picker.input_value() == demo.month
    assert page.locator("[data-testid=to-date]").count() == 0
    today = bangkok_today()
    running = today.strftime("%Y-%m")
    assert "(ถึงวันนี้)" in picker.locator(f"option[value='{running}']").inner_text()
    picker.select_option(running)
    league = api(app, demo, "analytics/league", level="lgo", parent=PROVINCE,
                 indicator="participation", period=running)
    period, before = league["period"], league["previous_period"]
    assert (period["complete"], period["elapsed_days"]) == (False, today.day)
    # Compared like with like: the same number of days from the start of last month.
    assert (before["kind"], before["start"], before["days"]) == (
        "custom", f"{demo.month}-01", min(today.day, int(before["end"][-2:])))
    note = page.locator("[data-testid=to-date]")
    note.wait_for()
    assert f"ตัวเลขถึงวันนี้ {today.day} จาก {period['days']} วัน" in note.inner_text()
    assert f"เทียบกับ {before['days']} วันแรกของช่วงก่อน" in note.inner_text()
    shoot(page, "office-province-league-running-month")


def test_compare_shows_the_chosen_lgos_side_by_side(app, demo, desk):
    page = desk
    page.goto(demo.base + "/office/compare")
    page.wait_for_selector("[data-testid=compare-hint]")
    chosen = [TOWN, MUEANG_NGA, NA_SAI]
    for code in chosen:
        page.check(f"[data-testid=lgo-picker] input[data-lgo='{code}']")
    page.wait_for_selector("[data-testid=compare-table]")
    settle(page)
    assert page.eval_on_selector_all("[data-testid=compare-table] thead th[data-area]",
                                     "ths => ths.map((th) => th.dataset.area)") == chosen
    table = api(app, demo, "analytics/indicators", level="lgo", areas=",".join(chosen),
                period=demo.month)
    rows = page.locator("[data-testid=compare-table] tbody tr")
    assert rows.count() == len(table["indicators"])
    participation = page.locator("[data-testid=compare-table] tr[data-indicator=participation] td")
    by_code = {a["code"]: a["indicators"]["participation"] for a in table["areas"]}
    for cell, code in zip(participation.all(), chosen, strict=True):
        figure = by_code[code]
        assert f"{figure['numerator']:,.0f} จาก {figure['denominator']:,.0f}" in cell.inner_text()
    shoot(page, "office-province-compare")
    with page.expect_download() as info:
        page.click("[data-testid=export-xlsx]")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert set(chosen) <= cells


def test_the_officer_reaches_no_household_by_screen_or_url(app, demo, desk):
    page = desk
    household = demo.household_ids[0]
    for path in ("/office/households", "/office/map", f"/office/households/{household}"):
        page.goto(demo.base + path)
        page.wait_for_selector("[data-testid=office-denied]")
    client = app.test_client()
    for path, allowed in ((f"/api/v1/households/{household}", (403, 404)),
                          ("/api/v1/households", (403, 404)),
                          ("/api/v1/tiles/households/14/13130/7386.mvt", (403, 404))):
        response = client.get(path, headers=demo.headers)
        assert response.status_code in allowed, (path, response.status_code)

    seen = []
    for path, ready in (("/office/league", "[data-testid=league-table]"),
                        (f"/office/league/lgo/{TOWN}", "[data-testid=league-table]"),
                        ("/office/choropleth", "[data-testid=map-table]"),
                        (f"/office/choropleth/lgo/{TOWN}", "[data-testid=map-table]"),
                        ("/office/trends", "[data-testid=trend-chart]")):
        page.goto(demo.base + path)
        page.wait_for_selector(ready)
        settle(page)
        seen.append(page.inner_text("body"))
    text_seen = "\n".join(seen)
    runs = {re.sub(r"\D", "", run) for run in re.findall(r"\+?\d[\d -]{7,14}\d", text_seen)}
    assert demo.names
    assert demo.phones
    assert not [n for n in demo.names if n in text_seen]
    assert not [p for p in demo.phones if {p[1:], "0" + p[3:], p[3:]} & runs]
    assert not [u for u in page.api_calls if not API_ALLOWED.search(u)], page.api_calls


SCREENS = ("/office/league", "/office/choropleth", "/office/trends", "/office/compare")


def test_the_dashboards_pass_axe_and_read_whole_in_english(demo, desk):
    page = desk
    found: dict[str, list] = {}
    for path in SCREENS:
        page.click(f".office-nav a[href='{path}']")
        page.wait_for_url(f"**{path}")
        settle(page)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        found[path] = page.evaluate(AXE_RUN)
    assert found == {path: [] for path in SCREENS}

    page.click("[data-testid=lang]")
    for path in SCREENS:
        page.click(f".office-nav a[href='{path}']")
        page.wait_for_url(f"**{path}")
        settle(page)
        text = page.inner_text("body")
        # A missing English string shows as its key (o_…, op_…, ind_…, on_…).
        assert not re.search(r"\b(?:o|op|on|ind)_[a-z_]+\b", text), (path, text[:400])
        assert not re.search(r"[\u0e00-\u0e7f]{3,}", page.inner_text(".office-nav")), path
    shoot(page, "office-province-compare-en")


def test_lgo_staff_see_their_communities_coloured_by_participation(browser, demo):
    """The LGO map on the demo's figures: the picture of it in the README."""
    ctx = desk_context(browser)
    ctx.route(NO_TILES, lambda route: route.abort())
    try:
        page = ctx.new_page()
        sign_in_office(page, demo.base, "town.staff")
        page.wait_for_url("**/office/map")
        # Communities with figures get a class of the legend, not only "no data".
        page.wait_for_selector("[data-testid=legend] .legend-row[data-class]")
        page.wait_for_function(
            "() => /\\d/.test(document.querySelector('[data-testid=map-count]').textContent)")
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=office-map] path')]"
            ".some((p) => p.getAttribute('fill') && p.getAttribute('fill') !== '"
            + NO_DATA_FILL + "')")
        # The figures say how fresh they are (nothing waits for a worker here).
        fresh = page.locator("[data-testid=freshness]")
        fresh.wait_for()
        assert fresh.get_attribute("data-pending") == "0"
        assert re.fullmatch(r"ตัวเลข ณ เวลา \d{2}:\d{2} น\.", fresh.inner_text().strip())
        shoot(page, "office-lgo-map", readme=True)
    finally:
        ctx.close()


def test_the_national_office_ranks_provinces_and_drills_into_one(app, browser, demo):
    """DLA opens on the provinces ranked, drills into Lamphun's LGOs and back up; the map of the
    country shades provinces, and a click opens the province's LGOs."""
    ctx = desk_context(browser)
    ctx.route(NO_TILES, lambda route: route.abort())
    page = ctx.new_page()
    calls: list[str] = []
    page.on("request", lambda r: "/api/v1/" in r.url and calls.append(r.url))
    sign_in_office(page, demo.base, "dla")
    page.wait_for_url("**/office/league")
    args = {"indicator": "participation", "period": demo.month}
    provinces = api(app, demo, "analytics/league", level="province", **args)["rows"]
    assert [r["code"] for r in provinces] == [PROVINCE]  # the demo holds one province
    wait_rows(page, "league-table", 1)
    settle(page)
    assert "ทั่วประเทศ" in page.inner_text("[data-testid=crumbs]")
    cell = page.locator(f"[data-testid=league-table] a[data-province='{PROVINCE}']")
    assert cell.inner_text() == "จังหวัดลำพูน"
    assert by_hand(provinces[0]["value"]) is not None
    shoot(page, "office-national-league")

    cell.click()
    page.wait_for_url(f"**/office/league/province/{PROVINCE}")
    lgos = [r for r in api(app, demo, "analytics/league", level="lgo", parent=PROVINCE, **args)
            ["rows"] if not r["no_data"]]
    wait_rows(page, "league-table", len(lgos))
    assert table_codes(page, "league-table") == [r["code"] for r in lgos]
    crumbs = page.inner_text("[data-testid=crumbs]")
    assert "ทั่วประเทศ" in crumbs
    assert "จังหวัดลำพูน" in crumbs
    page.click("[data-testid=crumbs] a:has-text('ทั่วประเทศ')")
    page.wait_for_url("**/office/league/country")
    wait_rows(page, "league-table", 1)

    page.goto(demo.base + "/office/choropleth")
    page.wait_for_selector("[data-testid=province-map][data-level=province][data-features='1']")
    assert "คลิกจังหวัดบนแผนที่" in page.inner_text("main")
    page.click(f"[data-testid=map-table] a[data-province='{PROVINCE}']")
    page.wait_for_url(f"**/office/choropleth/province/{PROVINCE}")
    page.wait_for_selector("[data-testid=province-map][data-level=lgo]")
    assert "คลิก อปท. บนแผนที่" in page.inner_text("main")
    # Aggregates only: no household, register or map-of-houses call was made.
    assert calls
    assert all(API_ALLOWED.search(url) for url in calls), [u for u in calls
                                                          if not API_ALLOWED.search(u)]
    ctx.close()

    # On a phone the bar wraps its buttons onto a row of their own, each on one line.
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    page = phone.new_page()
    sign_in_office(page, demo.base, "dla")
    page.wait_for_url("**/office/league")
    for button in ("lang", "office-password", "sign-out"):
        box = page.locator(f"[data-testid={button}]").bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360, button
        assert box["height"] < 48, button
    shoot(page, "office-national-phone")
    phone.close()
