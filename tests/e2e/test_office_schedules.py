"""The LGO's collection schedules at a desk, in Chromium: a "1st and 3rd Friday" rule made with
checkboxes, shown in Thai words, a cancelled day added (a wrong one refused under its field),
the public calendar following, and the schedule deleted."""

from __future__ import annotations

import calendar as months
import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    DESK,
    PHONE,
    VILLAGE,
    bangkok_today,
    desk_context,
    shoot,
    sign_in_office,
)

pytestmark = pytest.mark.e2e

API = "/api/v1"
FRIDAY = 4
WORDS = "วันศุกร์ที่ 1 และ 3 ของทุกเดือน"


@pytest.fixture
def desk(browser):
    """A fresh office-sized profile (CSP bypassed so axe-core can be added)."""
    ctx = desk_context(browser, bypass_csp=True)
    yield ctx
    ctx.close()


def first_and_third_fridays(today: dt.date, count: int) -> list[dt.date]:
    """The next ``count`` 1st and 3rd Fridays from today, worked out from the calendar."""
    found: list[dt.date] = []
    year, month = today.year, today.month
    while len(found) < count:
        fridays = [dt.date(year, month, d) for d in range(1, months.monthrange(year, month)[1] + 1)
                   if dt.date(year, month, d).weekday() == FRIDAY]
        found += [d for d in (fridays[0], fridays[2]) if d >= today]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found[:count]


def _town_schedules(app: Flask) -> set[int]:
    with app.app_context():
        ids = set(db.session.execute(text(
            "select s.id from collection_schedules s join lgos l on l.id = s.lgo_id "
            "where l.code = 'lamphun-town-municipality'")).scalars())
        db.session.remove()
    return ids


def test_staff_make_a_first_and_third_friday_schedule_and_cancel_a_day(desk, world, app):
    today = bangkok_today()
    fridays = first_and_third_fridays(today, 3)
    cancelled, after = fridays[0], fridays[1]
    before = _town_schedules(app)
    client = app.test_client()
    page = desk.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        sign_in_office(page, world.base, "town.staff")
        page.click(".office-nav a[href='/office/schedules']")
        page.wait_for_selector("main h1:has-text('ตารางเก็บขยะ')")

        page.click("[data-testid=schedule-new]")
        form = page.locator("[data-testid=schedule-form]")
        form.locator("select[name=stream]").select_option("recyclable")
        form.locator("label:has(input[name=mode][value=monthly])").click()
        for position in ("1", "3"):
            form.locator(f"input[name=position][value='{position}']").check()
        form.locator("input[name=weekday][value=FR]").check()
        form.locator("input[name=starts_on]").fill((today - dt.timedelta(days=30)).isoformat())
        form.locator("input[name=starts_at]").fill("07:00")
        form.locator("input[name=ends_at]").fill("10:00")
        preview = form.locator("[data-testid=rule-preview]")
        assert WORDS in preview.inner_text()
        assert "FREQ=MONTHLY;BYDAY=1FR,3FR" in preview.inner_text()
        form.locator("[data-testid=schedule-save]").click()

        row = page.locator("[data-testid=schedule-row][data-stream=recyclable]")
        row.wait_for()
        assert row.count() == 1
        made = int(row.get_attribute("data-id"))
        assert row.locator("[data-testid=schedule-words]").inner_text() == WORDS
        assert "ทุกหมู่บ้าน" in row.inner_text()
        assert "07:00–10:00 น." in row.inner_text()
        stored = client.get(f"{API}/villages/{VILLAGE}/calendar").get_json()
        entry = next(c for c in stored["collections"] if c["schedule"]["id"] == made)
        assert entry["schedule"]["rule"] == "FREQ=MONTHLY;BYDAY=1FR,3FR"
        assert entry["next"] == cancelled.isoformat()

        # A day the rule does not give is refused, under the day's own field.
        row.locator("[data-testid=schedule-edit]").click()
        form = page.locator("[data-testid=schedule-form]")
        form.locator("[data-testid=exception-add]").click()
        exception = form.locator("[data-testid=exception-row]").last
        exception.locator("input[name=day]").fill((cancelled + dt.timedelta(days=1)).isoformat())
        form.locator("[data-testid=schedule-save]").click()
        error = exception.locator("[data-testid=error-day]")
        error.wait_for()
        assert "ไม่ใช่วันเก็บตามตารางนี้" in error.inner_text()
        assert str(cancelled.year + 543) in error.inner_text()

        # The right day, cancelled with a note.
        exception.locator("input[name=day]").fill(cancelled.isoformat())
        exception.locator("select[name=action]").select_option("cancel")
        exception.locator("input[name=exception_note_th]").fill("วันหยุดชดเชย")
        page.evaluate("document.querySelector('[data-testid=rule-builder]').scrollIntoView()")
        shoot(page, "office-schedules-form", readme=True)
        form.locator("[data-testid=schedule-save]").click()
        change = row.locator(f"[data-testid=schedule-change][data-day='{cancelled.isoformat()}']")
        change.wait_for()
        assert "งด" in change.inner_text()
        assert "วันหยุดชดเชย" in change.inner_text()
        assert str(cancelled.year + 543) in change.inner_text()
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(AXE_RUN) == []
        shoot(page, "office-schedules", readme=True)

        # The public calendar follows: the cancelled Friday is gone, the next one comes first.
        answer = client.get(f"{API}/villages/{VILLAGE}/calendar").get_json()
        entry = next(c for c in answer["collections"] if c["schedule"]["id"] == made)
        assert entry["next"] == after.isoformat()
        assert cancelled.isoformat() not in entry["upcoming"]
        assert entry["upcoming"][:2] == [d.isoformat() for d in fridays[1:3]]
        assert [(c["day"], c["moved_to"], c["note_th"]) for c in entry["changes"]] == [
            (cancelled.isoformat(), None, "วันหยุดชดเชย")]

        # At a phone's width the menu folds above the page and the table scrolls on its own.
        page.set_viewport_size(PHONE)
        page.evaluate("window.scrollTo(0, 0)")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "office-schedules-phone")
        page.set_viewport_size(DESK)

        # Deleted from the form: gone from the list and from the calendar.
        row.locator("[data-testid=schedule-edit]").click()
        page.click("[data-testid=schedule-delete]")
        page.wait_for_selector(f"[data-testid=schedule-row][data-id='{made}']", state="detached")
        answer = client.get(f"{API}/villages/{VILLAGE}/calendar").get_json()
        assert made not in [c["schedule"]["id"] for c in answer["collections"]]
    finally:
        left = _town_schedules(app) - before
        if left:
            with app.app_context():
                db.session.execute(text("delete from collection_schedules where id = any(:ids)"),
                                   {"ids": list(left)})
                db.session.commit()
                db.session.remove()
