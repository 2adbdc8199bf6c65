"""The LGO office at a desk, in Chromium: the map, the register, printing, imports, conflicts."""

from __future__ import annotations

import io
import re
import secrets

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    PASSWORD,
    VILLAGE,
    desk_context,
    shoot,
    sign_in_office,
)
from tests.pdfs import pdf_text

pytestmark = pytest.mark.e2e

@pytest.fixture
def desk(browser):
    """A fresh office-sized profile (CSP bypassed so axe-core can be added)."""
    ctx = desk_context(browser, bypass_csp=True)
    yield ctx
    ctx.close()


def _query(app: Flask, sql: str, **params) -> list[dict]:
    with app.app_context():
        rows = [dict(r) for r in db.session.execute(text(sql), params).mappings()]
        db.session.remove()
    return rows


def _token(app: Flask, login: str) -> dict[str, str]:
    response = app.test_client().post("/api/v1/auth/login", json={
        "login": login, "password": PASSWORD, "device_id": "e2e-office"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _pdf_text(reader: PdfReader) -> str:
    return pdf_text(reader.stream.getvalue())


def test_staff_adds_a_household_on_the_map_and_prints_its_village_qr_sheet(desk, world, app):
    page = desk.new_page()
    sign_in_office(page, world.base, "town.staff")
    page.wait_for_selector("[data-testid=office-map]")
    assert page.url.endswith("/office/map")
    # The village layer and the households are drawn before anyone clicks.
    page.wait_for_selector("[data-testid=legend]")
    page.wait_for_function(
        "() => /\\d/.test(document.querySelector('[data-testid=map-count]').textContent)")
    shoot(page, "office-lgo-map-world")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []

    page.click("[data-testid=map-add]")
    box = page.locator("[data-testid=office-map]").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    form = page.locator("[data-testid=household-form]")
    form.wait_for()
    # Where the click fell decides the village (the server locates it).
    page.wait_for_function(
        "() => document.querySelector('[data-testid=household-form] select[name=village_code]')"
        ".value !== ''")
    village = form.locator("select[name=village_code]").input_value()
    lon = float(form.locator("input[name=lon]").input_value())
    lat = float(form.locator("input[name=lat]").input_value())
    house = f"9/{secrets.token_hex(3)}"
    form.locator("input[name=house_number]").fill(house)
    form.locator("input[name=head_name]").fill("นายแผนที่ ทดสอบ")
    form.locator("input[name=members]").fill("3")
    shoot(page, "office-lgo-map-add")
    form.locator("[data-testid=household-save]").click()
    page.wait_for_selector(f".toast:has-text('{house}')")

    rows = _query(app, "select h.id, st_x(h.point) lon, st_y(h.point) lat, v.code village "
                       "from households h join villages v on v.id = h.village_id "
                       "where h.house_number = :house", house=house)
    assert len(rows) == 1
    world.household_ids.append(rows[0]["id"])
    assert rows[0]["village"] == village
    assert rows[0]["lon"] == pytest.approx(lon, abs=1e-6)
    assert rows[0]["lat"] == pytest.approx(lat, abs=1e-6)
    # The map counts it at once, without a reload.
    page.wait_for_selector("[data-testid=map-count]")

    page.click(".office-nav a[href='/office/households']")
    page.click("[data-testid=register-print]")
    page.select_option("[data-testid=print-village]", village)
    shoot(page, "office-lgo-print")
    with page.expect_download() as download:
        page.click("[data-testid=print-qr]")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    active = _query(app, "select house_number from households h join villages v "
                         "on v.id = h.village_id where v.code = :village and h.active",
                    village=village)
    cards = [image for p in pdf.pages for image in p.images]
    assert len(cards) == len(active) >= 1
    printed = _pdf_text(pdf)
    assert len(re.findall(rf"(?<![\d/]){re.escape(house)}(?![\d/])", printed)) == 1


def test_an_edit_that_crossed_another_shows_both_versions(desk, world, app):
    staff = _token(app, "town.staff")
    client = app.test_client()
    created = client.post("/api/v1/households", headers=staff, json={
        "village_code": VILLAGE, "house_number": f"5/{secrets.token_hex(3)}", "members": 2,
        "head_name": "นางเดิม ก่อนแก้"})
    assert created.status_code == 201, created.get_json()
    household = created.get_json()
    world.household_ids.append(household["id"])

    page = desk.new_page()
    sign_in_office(page, world.base, "town.staff")
    page.goto(f"{world.base}/office/households/{household['id']}")
    form = page.locator("[data-testid=household-form]")
    form.wait_for()
    page.wait_for_function(
        "() => document.querySelector('input[name=head_name]').value === 'นางเดิม ก่อนแก้'")
    form.locator("input[name=head_name]").fill("นางของฉัน แก้ในสำนักงาน")
    # Meanwhile a volunteer's edit lands first.
    theirs = client.patch(f"/api/v1/households/{household['id']}", headers=staff,
                          json={"version": household["version"], "members": 6})
    assert theirs.status_code == 200, theirs.get_json()
    form.locator("[data-testid=household-save]").click()

    conflict = page.locator("[data-testid=conflict]")
    conflict.wait_for()
    assert conflict.locator("[data-testid=theirs-members]").inner_text() == "6"
    assert conflict.locator("[data-testid=yours-members]").inner_text() == "2"
    assert conflict.locator("[data-testid=theirs-head_name]").inner_text() == "นางเดิม ก่อนแก้"
    assert (conflict.locator("[data-testid=yours-head_name]").inner_text()
            == "นางของฉัน แก้ในสำนักงาน")
    assert set(conflict.locator("tr.differs").evaluate_all(
        "rows => rows.map(r => r.dataset.field)")) == {"head_name", "members"}
    shoot(page, "office-lgo-conflict")
    page.click("[data-testid=keep-yours]")
    page.wait_for_selector("[data-testid=household-form]")
    page.wait_for_selector(".toast")

    row = _query(app, "select head_name, members, version from households where id = :id",
                 id=household["id"])[0]
    assert row["head_name"] == "นางของฉัน แก้ในสำนักงาน"
    # "Save yours over it" saves the whole of your version, members included.
    assert row["members"] == 2
    assert row["version"] == household["version"] + 2

    # Deactivating asks for a reason and takes the household off the register.
    page.fill("[data-testid=deactivate-reason]", "ย้ายออก")
    page.click("[data-testid=deactivate]")
    page.wait_for_selector(".banner-warn:has-text('ย้ายออก')")
    assert _query(app, "select active from households where id = :id",
                  id=household["id"])[0]["active"] is False


def test_a_csv_import_reports_each_refused_row(desk, world, app, tmp_path):
    suffix = secrets.token_hex(3)
    good = [f"31/{suffix}", f"32/{suffix}"]
    csv = tmp_path / "households.csv"
    csv.write_text(
        "village_code,house_number,head_name,members\n"
        f"{VILLAGE},{good[0]},นางหนึ่ง,3\n"
        f"{VILLAGE},{good[1]},นายสอง,4\n"
        f"{VILLAGE},33/{suffix},นางสาม,-2\n", encoding="utf-8")
    page = desk.new_page()
    sign_in_office(page, world.base, "town.staff")
    page.goto(f"{world.base}/office/households/import")
    page.set_input_files("[data-testid=import-file]", str(csv))

    # A check first: the report, and nothing written.
    page.click("[data-testid=import-run]")
    report = page.locator("[data-testid=import-report]")
    report.wait_for()
    assert report.locator("td.num").inner_text() == "4"
    assert "ยังไม่ได้บันทึก" in report.inner_text()
    assert _query(app, "select id from households where house_number = any(:h)", h=good) == []

    page.uncheck("[data-testid=import-dry]")
    page.click("[data-testid=import-run]")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=import-report]').textContent"
        ".includes('ยังไม่ได้บันทึก')")
    shoot(page, "office-lgo-import")
    made = _query(app, "select id from households where house_number = any(:h)", h=good)
    world.household_ids.extend(r["id"] for r in made)
    assert len(made) == 2
    assert report.locator("tbody tr").count() == 1
    assert report.locator("td.num").inner_text() == "4"


@pytest.mark.parametrize(("path", "ready"), [
    ("/office/households", "[data-testid=register-table]"),
    ("/office/volunteers", "[data-testid=coverage-table]"),
    ("/office/points", "[data-testid=points-table]"),
    ("/office/banks", "[data-testid=banks-table]"),
    ("/office/hazardous", "[data-testid=hazard-totals]"),
    ("/office/report", "[data-testid=report-villages]"),
])
def test_each_lgo_screen_loads_for_an_lgo_admin(desk, world, path, ready):
    page = desk.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_office(page, world.base, "town.admin")
    page.click(f".office-nav a[href='{path}']")
    page.wait_for_selector(ready)
    assert page.locator(".banner-error").count() == 0
    assert page.locator(".office-nav a[aria-current=page]").get_attribute("href") == path
    page.wait_for_function("() => document.querySelectorAll('main .spinner').length === 0")
    shoot(page, "office-lgo-" + path.rsplit("/", 1)[1])
    assert errors == []
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []


def test_the_access_log_names_who_opened_a_household(desk, browser, world, app):
    household = world.volunteer_household["id"]
    # town.staff opens the household; the admin then asks who did.
    opened = app.test_client().get(f"/api/v1/households/{household}",
                                   headers=_token(app, "town.staff"))
    assert opened.status_code == 200
    page = desk.new_page()
    sign_in_office(page, world.base, "town.admin")
    page.click(".office-nav a[href='/office/audit']")
    page.fill("[data-testid=audit-household]", str(household))
    page.press("[data-testid=audit-household]", "Enter")
    staff = _query(app, "select display_name from users where username = 'town.staff'")[0]
    # Names come from the user list, which may answer after the events.
    page.wait_for_selector(f"[data-testid=audit-table] td:has-text('{staff['display_name']}')")
    # The action is named in Thai, not by its code ("read").
    assert page.locator("[data-testid=audit-table] td[data-action=read]").first.inner_text() \
        == "เปิดดู"
    shoot(page, "office-lgo-audit")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []

    # Staff (not admins) have no access log in their menu, and its URL shows nothing.
    ctx = desk_context(browser)
    other = ctx.new_page()
    sign_in_office(other, world.base, "town.staff")
    assert other.locator(".office-nav a[href='/office/audit']").count() == 0
    other.goto(f"{world.base}/office/audit?household={household}")
    other.wait_for_selector("[data-testid=office-denied]")
    assert other.locator("[data-testid=audit-table]").count() == 0
    ctx.close()


def test_staff_record_a_hazardous_collection_and_a_buying_day(desk, world, app):
    day = "2026-01-15"
    page = desk.new_page()
    sign_in_office(page, world.base, "town.staff")
    page.click(".office-nav a[href='/office/hazardous']")
    page.click("[data-testid=hazard-record-collection]")
    form = page.locator("[data-testid=hazard-collection-form]")
    form.locator("select[name=point]").select_option(str(world.point_ids[0]))
    form.locator("input[name=date]").fill(day)
    form.locator("input[name=batteries]").fill("2.5")
    form.locator("input[name=bulbs]").fill("1.25")
    shoot(page, "office-lgo-hazardous-record")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".toast")
    rows = _query(app, "select id, kg_batteries, kg_bulbs from hazardous_collections "
                       "where point_id = :p and collected_on = :d", p=world.point_ids[0], d=day)
    try:
        assert len(rows) == 1
        assert float(rows[0]["kg_batteries"]) == 2.5
        assert float(rows[0]["kg_bulbs"]) == 1.25
    finally:
        with app.app_context():
            db.session.execute(text("delete from hazardous_collections where point_id = :p"),
                               {"p": world.point_ids[0]})
            db.session.commit()
            db.session.remove()

    bank = world.bank_ids[0]
    page.goto(f"{world.base}/office/banks/{bank}")
    page.click(".buying-days summary")
    page.fill("[data-testid=buying-day]", "2026-12-05")
    page.press("[data-testid=buying-day]", "Enter")
    page.wait_for_selector("[data-testid=buying-days]:has-text('2569')")
    shoot(page, "office-lgo-bank")
    schedule = _query(app, "select buying_schedule from waste_banks where id = :id", id=bank)
    assert schedule[0]["buying_schedule"]["dates"] == ["2026-12-05"]
