"""Phones are shown as Thai people write them (096-678-1551), on the phone and at the desk;
the register keeps E.164 (+66966781551) and the call link dials it. Roles are named in Thai."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import (
    RESIDENT,
    VOLUNTEER,
    bangkok_today,
    desk_context,
    shoot,
    sign_in,
    sign_in_office,
)
from tests.e2e.conftest import _token

pytestmark = pytest.mark.e2e

STORED = "+66966781551"


def _set_phone(app, household_id: int, phone: str | None) -> None:
    with app.app_context():
        db.session.execute(text("update households set phone = :p where id = :id"),
                           {"p": phone, "id": household_id})
        db.session.commit()
        db.session.remove()


def test_phones_read_the_thai_way_on_the_phone_and_in_the_register(app, browser, context,
                                                                     world):
    household = world.volunteer_household
    _set_phone(app, household["id"], STORED)
    try:
        page = context.new_page()
        sign_in(page, world.base, VOLUNTEER)
        page.goto(world.base + f"/households/{household['id']}")
        shown = page.locator("[data-testid=phone]")
        shown.wait_for()
        assert shown.inner_text() == "096-678-1551"
        assert page.get_attribute("a[href^='tel:']", "href") == f"tel:{STORED}"
        shoot(page, "household-phone")
        # Roles are named in Thai too, not "volunteer".
        page.goto(world.base + "/settings")
        roles = page.locator("[data-testid=roles]")
        roles.wait_for()
        assert roles.inner_text() == "อาสาสมัคร"

        desk = desk_context(browser)
        try:
            office = desk.new_page()
            sign_in_office(office, world.base, "town.staff")
            office.goto(world.base + "/office/households")
            office.fill("[data-testid=register-search]", household["house_number"])
            row = office.locator("[data-testid=register-table] tbody tr",
                                 has_text=household["house_number"]).first
            row.wait_for()
            # The list masks the number (PDPA) and groups what is left the same way.
            assert "09x-xxx-x551" in row.inner_text()
            assert STORED not in office.content()
        finally:
            desk.close()
    finally:
        _set_phone(app, household["id"], None)


def test_the_household_list_says_offline_only_when_it_is(context, world):
    """A stored list shows at once while the server is asked; "(offline)" is said only when
    the server could not be reached (it used to show while online, as the answer came)."""
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    page.wait_for_selector("[data-testid=household-row]")  # the list is stored now
    page.click("[data-testid=lang]")  # English, where the label was seen
    held: list = []
    holding = [True]

    def hold(route) -> None:
        if holding[0]:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/households?*", hold)
    page.goto(world.base + "/")
    page.wait_for_selector("[data-testid=household-row]")  # from the store, the answer held
    assert held, "the list request is held"
    assert page.locator(".stale-note").count() == 0
    holding[0] = False
    for route in held:
        route.continue_()
    page.wait_for_load_state("networkidle")
    assert page.locator(".stale-note").count() == 0

    context.set_offline(True)
    try:
        page.goto(world.base + "/")
        note = page.locator(".stale-note")
        note.wait_for()
        assert "(offline)" in note.inner_text()
    finally:
        context.set_offline(False)


def test_the_log_forms_save_button_is_on_screen_above_the_bottom_bar(context, world):
    """At 360x740 the Save button shows without scrolling, and stays above the bottom bar
    when the form is scrolled."""
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    save = page.locator("[data-testid=save-log]")
    save.wait_for()
    nav_top = page.locator(".bottom-nav").bounding_box()["y"]
    for scrolled in (0, 250):
        page.evaluate("(y) => new Promise((done) => { window.scrollTo(0, y);"
                      " requestAnimationFrame(() => done(null)); })", scrolled)
        box = save.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= nav_top + 0.5, (scrolled, box, nav_top)
    shoot(page, "log-form-save")


def test_history_shows_the_weights_entered(app, context, world):
    client = app.test_client()
    resident = _token(client, RESIDENT)
    household = world.resident_household
    day = (bangkok_today() - dt.timedelta(days=4)).isoformat()  # after it registered
    answer = client.post("/api/v1/sync", headers=resident, json={
        "device_id": "e2e-weights", "items": [{
            "kind": "sorting_log", "client_id": str(uuid.uuid4()),
            "data": {"household_id": household["id"], "log_date": day,
                     "streams": ["organic", "recyclable"], "organic_handling": "compost",
                     "kg_organic": 2.5, "kg_recyclable": 1.25}}]})
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()["results"][0]
    assert result["status"] == "created", result
    log_id = result["id"]
    try:
        page = context.new_page()
        sign_in(page, world.base, RESIDENT)
        page.goto(world.base + "/history")
        weights = page.locator("[data-testid=log-weights]", has_text="2.5")
        weights.wait_for()
        assert weights.inner_text() == "ขยะเปียก/อินทรีย์ 2.5 กก. · ขยะรีไซเคิล 1.25 กก."
        shoot(page, "history-weights")
    finally:
        voided = client.post(f"/api/v1/sorting-logs/{log_id}/void",
                             headers=_token(client, "town.staff"),
                             json={"reason": "test clean-up"})
        assert voided.status_code == 200, voided.get_json()


def _nga_village(app) -> str:
    with app.app_context():
        code = db.session.execute(text(
            "select v.code from villages v join lgos l on l.id = v.lgo_id"
            " where l.code = 'mueang-nga-subdistrict-municipality' order by v.code limit 1"),
        ).scalar_one()
        db.session.remove()
    return code


def test_a_server_error_reads_in_the_language_on_screen(app, context, world):
    """A town volunteer opens a Mueang Nga household (a shared link): the server's "not in your
    area" shows in Thai on the phone, and in English once the app is switched to English, though
    the phone itself is set to Thai (the app asks in its own language, not the browser's)."""
    client = app.test_client()
    created = client.post("/api/v1/households", headers=_token(client, "nga.staff"), json={
        "village_code": _nga_village(app), "house_number": f"th-err/{uuid.uuid4().hex[:4]}",
        "registered_on": (bangkok_today() - dt.timedelta(days=3)).isoformat()})
    assert created.status_code == 201, created.get_json()
    world.household_ids.append(created.get_json()["id"])

    page = context.new_page()
    asked: list[str | None] = []
    page.on("request", lambda request: asked.append(request.headers.get("accept-language"))
            if f"/api/v1/households/{created.get_json()['id']}" in request.url else None)
    sign_in(page, world.base, VOLUNTEER)
    page.goto(world.base + f"/households/{created.get_json()['id']}")
    banner = page.locator(".banner-error")
    banner.wait_for()
    assert banner.inner_text().startswith("โหลดข้อมูลไม่สำเร็จ: ไม่พบครัวเรือนนี้ในพื้นที่ของคุณ")
    assert page.locator("[data-testid=load-error]").inner_text() \
        == "ไม่พบครัวเรือนนี้ในพื้นที่ของคุณ"
    assert "No such household" not in page.content()
    assert asked, "the page asked for the household"
    assert set(asked) == {"th"}, asked
    shoot(page, "household-not-yours-th")

    page.click("[data-testid=lang]")  # English
    page.reload()
    banner.wait_for()
    assert banner.inner_text().startswith("Could not load: No such household in your area.")
    assert asked[-1] == "en", asked


def test_an_error_page_from_between_reads_in_thai(context, world):
    """A proxy's own error page (no Khaya envelope) is said in Thai with its status, not as the
    English status text."""
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    household = world.volunteer_household["id"]
    page.route(f"**/api/v1/households/{household}", lambda route: route.fulfill(
        status=502, content_type="text/html", body="<html><body>Bad Gateway</body></html>"))
    page.goto(world.base + f"/households/{household}")
    banner = page.locator(".banner-error")
    banner.wait_for()
    assert banner.inner_text().startswith(
        "โหลดข้อมูลไม่สำเร็จ: เซิร์ฟเวอร์ตอบกลับผิดพลาด (รหัส 502)")
