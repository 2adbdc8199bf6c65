"""The LGO map draws households from the household vector tiles (MapLibre in Leaflet), at a desk.

What a person sees is checked against the database: the count in the side panel equals the
households (active, the LGO's, the filter's) inside the tiles the browser fetched; the register
is never downloaded; a dot clicked on the canvas opens that household; a filter is a restyle,
not a download; a household added on the map shows up at once.
"""

from __future__ import annotations

import io
import re
import secrets

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import text

from khaya.common.time import local_today
from khaya.extensions import db
from tests.e2e._browser import desk_context, shoot, sign_in_office

pytestmark = pytest.mark.e2e

TOWN = "lamphun-town-municipality"
TILE = re.compile(r"/api/v1/tiles/households/(\d+)/(\d+)/(\d+)\.mvt")
FILTERS = {
    "all": "true",
    "not_logging": "(h.last_log_on is null or h.last_log_on <= :today - 7)",
    "not_verified": "h.verified_on is null",
    "no_bin": "h.wet_bin = 'none'",
}
NOT_LOGGING_RGB = (0xB3, 0x26, 0x1E)


@pytest.fixture
def desk(browser):
    ctx = desk_context(browser)
    yield ctx
    ctx.close()


def _in_tiles(app: Flask, tiles: set[tuple[int, int, int]], condition: str) -> int:
    """Count the LGO's active households inside the tiles that the filter keeps."""
    zs, xs, ys = (list(c) for c in zip(*sorted(tiles), strict=True))
    with app.app_context():
        count = db.session.execute(text(f"""
            select count(*) from households h join lgos l on l.id = h.lgo_id
            where l.code = :lgo and h.active and {condition}
              and exists (select 1 from unnest(cast(:zs as int[]), cast(:xs as int[]),
                                               cast(:ys as int[])) t(z, x, y)
                          where h.point && st_transform(st_tileenvelope(t.z, t.x, t.y), 4326))
        """), {"lgo": TOWN, "zs": zs, "xs": xs, "ys": ys,
               "today": local_today()}).scalar_one()
        db.session.remove()
    return int(count)


def _settled_count(page) -> int:
    """Wait until the side panel's count stops changing (tiles loaded, map idle); return it."""
    last, stable = None, 0
    for _ in range(240):
        text_ = page.locator("[data-testid=map-count]").inner_text()
        found = re.search(r"\d[\d,]*", text_)
        value = int(found.group(0).replace(",", "")) if found else None
        stable = stable + 1 if value is not None and value == last else 0
        if stable >= 6:
            return value
        last = value
        page.wait_for_timeout(250)
    raise AssertionError(f"the household count never settled: {last}")


def _dot(page, rgb: tuple[int, int, int]) -> tuple[float, float] | None:
    """Find a household dot of a colour on the map canvas; return its page position."""
    # The screenshot scrolls the map into view: measure where it is afterwards.
    shot = Image.open(io.BytesIO(page.locator("[data-testid=office-map]").screenshot()))
    box = page.locator("[data-testid=office-map]").bounding_box()
    pixels = shot.convert("RGB").load()
    for y in range(4, shot.height - 4, 2):
        for x in range(4, shot.width - 4, 2):
            if all(abs(pixels[x, y][i] - rgb[i]) <= 6 for i in range(3)) and all(
                abs(pixels[x + dx, y + dy][i] - rgb[i]) <= 10
                for dx, dy in ((1, 0), (0, 1), (-1, 0), (0, -1)) for i in range(3)
            ):
                return box["x"] + x, box["y"] + y
    return None


def test_households_come_from_tiles_filter_by_style_and_open_on_click(desk, world, app):
    page = desk.new_page()
    tiles: set[tuple[int, int, int]] = set()
    listed: list[str] = []

    def seen(response) -> None:
        if (m := TILE.search(response.url)) and response.status == 200:
            tiles.add(tuple(int(v) for v in m.groups()))
        if re.search(r"/api/v1/households(\?|$)", response.url):
            listed.append(response.url)

    page.on("response", seen)
    sign_in_office(page, world.base, "town.staff")
    page.wait_for_url("**/office/map")
    page.wait_for_selector("[data-testid=legend]")
    shown = _settled_count(page)
    assert tiles, "the map fetched no household tiles"
    assert listed == [], f"the map downloaded the register: {listed}"
    # The panel counts the households of the tiles at the zoom in view, each once.
    z = max(t[0] for t in tiles)
    at_zoom = {t for t in tiles if t[0] == z}
    assert shown == _in_tiles(app, at_zoom, FILTERS["all"]) > 0
    shoot(page, "office-lgo-map-tiles")

    # Filters restyle what is loaded: no new tile, and the count is the filter's.
    for name in ("not_logging", "not_verified", "no_bin", "all"):
        before = set(tiles)
        page.click(f"[data-filter={name}]")
        count = _settled_count(page)
        assert tiles == before, f"filter {name} fetched tiles"
        assert count == _in_tiles(app, at_zoom, FILTERS[name]), name

    # A dot of a household with no log this week, clicked on the canvas, opens that household.
    page.click("[data-filter=not_logging]")
    _settled_count(page)
    where = _dot(page, NOT_LOGGING_RGB)
    assert where is not None, "no red dot found on the map"
    page.mouse.click(*where)
    link = page.locator(".leaflet-popup-content a[data-household]")
    link.wait_for()
    household_id = int(link.get_attribute("data-household"))
    with app.app_context():
        row = db.session.execute(text(
            "select h.house_number, h.last_log_on, l.code from households h "
            "join lgos l on l.id = h.lgo_id where h.id = :id"), {"id": household_id}).one()
        db.session.remove()
    assert row.code == TOWN
    assert row.house_number in page.locator(".leaflet-popup-content").inner_text()
    page.click(".leaflet-popup-close-button")
    page.locator(".leaflet-popup").wait_for(state="detached")

    # A household added on the map is drawn at once (its tiles are fetched again).
    page.click("[data-filter=all]")
    before = _settled_count(page)
    page.click("[data-testid=map-add]")
    page.wait_for_selector("[data-testid=map-add][aria-pressed=true]")
    page.locator("[data-testid=office-map]").scroll_into_view_if_needed()
    box = page.locator("[data-testid=office-map]").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.3)
    form = page.locator("[data-testid=household-form]")
    try:
        form.wait_for()
    except Exception:
        shoot(page, "office-lgo-map-tiles-add-failed")
        raise
    page.wait_for_function(
        "() => document.querySelector('[data-testid=household-form] select[name=village_code]')"
        ".value !== ''")
    house = f"5/{secrets.token_hex(3)}"
    form.locator("input[name=house_number]").fill(house)
    form.locator("input[name=head_name]").fill("นายแผนที่ ไทล์")
    form.locator("input[name=members]").fill("2")
    form.locator("[data-testid=household-save]").click()
    page.wait_for_selector(f".toast:has-text('{house}')")
    with app.app_context():
        new_id = db.session.execute(text(
            "select id from households where house_number = :h"), {"h": house}).scalar_one()
        db.session.remove()
    world.household_ids.append(new_id)
    for _ in range(80):
        if _settled_count(page) == before + 1:
            break
        page.wait_for_timeout(250)
    assert _settled_count(page) == before + 1
