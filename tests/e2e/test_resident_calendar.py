"""The resident's collection days on the home screen, in Chromium at a phone's size: each
stream's next day in Thai words, the bank's buying day and the nearest hazardous drop-off, a
link the phone's calendar subscribes to, and the same days offline after a reload.

The expected days are worked out here from the calendar (which weekday, which Friday of the
month), not by the server's rule expansion or the app's formatting.
"""

from __future__ import annotations

import calendar as months
import datetime as dt

import pytest
from flask import Flask

from tests.e2e._browser import PASSWORD, RESIDENT, VILLAGE, bangkok_today, shoot, sign_in

pytestmark = pytest.mark.e2e

API = "/api/v1"
TH_WEEKDAYS = ["จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์"]
TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
             "ต.ค.", "พ.ย.", "ธ.ค."]
MONDAY, THURSDAY, FRIDAY, SATURDAY = 0, 3, 4, 5


def thai_day(day: dt.date) -> str:
    """Return "วันศุกร์ 4 ธ.ค. 2569": the weekday, the day and the Buddhist Era year."""
    return f"วัน{TH_WEEKDAYS[day.weekday()]} {day.day} {TH_MONTHS[day.month - 1]} {day.year + 543}"


def next_weekly(today: dt.date, weekdays: set[int]) -> dt.date:
    return next(today + dt.timedelta(days=n) for n in range(7)
                if (today + dt.timedelta(days=n)).weekday() in weekdays)


def next_monthly(today: dt.date, weekday: int, nths: set[int]) -> dt.date:
    """The first day from today that is the nth (1-based) such weekday of its month."""
    year, month = today.year, today.month
    while True:
        same = [dt.date(year, month, d) for d in range(1, months.monthrange(year, month)[1] + 1)
                if dt.date(year, month, d).weekday() == weekday]
        found = [same[n - 1] for n in sorted(nths) if same[n - 1] >= today]
        if found:
            return found[0]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def relative(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "วันนี้"
    if day == today + dt.timedelta(days=1):
        return "พรุ่งนี้"
    return f"อีก {(day - today).days} วัน"


def _token(client, login: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/login", json={
        "login": login, "password": PASSWORD, "device_id": "e2e-calendar"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_resident_sees_the_next_collection_days_online_and_offline(app: Flask, context, world):
    client = app.test_client()
    staff = _token(client, "town.staff")
    today = bangkok_today()
    start = (today - dt.timedelta(days=40)).isoformat()
    bank_id = world.bank_ids[0]
    bank_before = client.get(f"{API}/waste-banks/{bank_id}", headers=staff).get_json()
    buying_day = today + dt.timedelta(days=9)
    made: list[int] = []

    def schedule(**fields) -> None:
        response = client.post(f"{API}/schedules", headers=staff,
                               json={"starts_on": start, **fields})
        assert response.status_code == 201, response.get_json()
        made.append(response.get_json()["id"])

    try:
        schedule(kind="collection", stream="general", rule="FREQ=WEEKLY;BYDAY=MO,TH",
                 starts_at="06:00", ends_at="09:00")
        schedule(kind="collection", stream="recyclable", rule="FREQ=MONTHLY;BYDAY=1FR,3FR")
        schedule(kind="dropoff", stream="hazardous", rule="FREQ=MONTHLY;BYDAY=1SA",
                 point_id=world.point_ids[0], starts_at="08:00", ends_at="12:00")
        patched = client.patch(f"{API}/waste-banks/{bank_id}", headers=staff, json={
            "buying_schedule": {"weekly": [], "dates": [buying_day.isoformat()]}})
        assert patched.status_code == 200, patched.get_json()

        expected = {
            "general": next_weekly(today, {MONDAY, THURSDAY}),
            "recyclable": next_monthly(today, FRIDAY, {1, 3}),
        }
        dropoff_day = next_monthly(today, SATURDAY, {1})

        page = context.new_page()
        sign_in(page, world.base, RESIDENT)
        card = page.locator("[data-testid=collection-days]")
        card.locator("[data-testid=cal-collection]").first.wait_for()
        assert "วันเก็บขยะ" in card.locator("h2").inner_text()

        def check_card() -> None:
            rows = card.locator("[data-testid=cal-collection]")
            shown = {rows.nth(i).get_attribute("data-stream"): rows.nth(i)
                     for i in range(rows.count())}
            assert set(shown) == set(expected)
            for stream, day in expected.items():
                row = shown[stream]
                assert row.get_attribute("data-next") == day.isoformat()
                text = row.inner_text()
                assert thai_day(day) in text, (stream, text)
                assert relative(day, today) in text, (stream, text)
            assert "06:00–09:00 น." in shown["general"].inner_text()
            assert "ขยะทั่วไป" in shown["general"].inner_text()
            assert "ขยะรีไซเคิล" in shown["recyclable"].inner_text()
            # One list, soonest first: collections, the bank and the drop-off together.
            every = card.locator("li[data-next]")
            order = [every.nth(i).get_attribute("data-next") for i in range(every.count())]
            assert len(order) == 4
            assert order == sorted(order)

            bank = card.locator("[data-testid=cal-bank]")
            assert bank.get_attribute("data-next") == buying_day.isoformat()
            assert thai_day(buying_day) in bank.inner_text()
            assert bank_before["name_th"] in bank.inner_text()

            dropoff = card.locator("[data-testid=cal-dropoff]")
            assert dropoff.get_attribute("data-next") == dropoff_day.isoformat()
            assert thai_day(dropoff_day) in dropoff.inner_text()
            assert "จุดทดสอบ 1" in dropoff.inner_text()  # the hazardous drop-off point
            assert "ม." in dropoff.locator(".distance").inner_text()  # metres or km

        check_card()
        # The soonest collection, also in one line at the top of the screen.
        soonest = min(expected, key=lambda stream: (expected[stream], stream))
        teaser = page.locator("[data-testid=next-collection]")
        assert teaser.get_attribute("data-stream") == soonest
        assert teaser.inner_text().startswith("เก็บขยะครั้งถัดไป:")
        assert relative(expected[soonest], today) in teaser.inner_text()
        assert teaser.bounding_box()["y"] < 400  # on the first screen, without scrolling

        # The link a phone's calendar subscribes to, and the feed behind it.
        link = card.locator("[data-testid=cal-subscribe]")
        assert "เพิ่มลงปฏิทินในโทรศัพท์" in link.inner_text()
        href = link.get_attribute("href")
        assert href == world.base.replace("http:", "webcal:") + \
            f"{API}/villages/{VILLAGE}/calendar.ics"
        feed = client.get("/" + href.split("/", 3)[3])
        assert feed.status_code == 200
        assert feed.mimetype == "text/calendar"
        assert "RRULE:FREQ=MONTHLY;BYDAY=1FR,3FR" in feed.get_data(as_text=True)

        page.evaluate("document.querySelector('[data-testid=collection-days]')"
                      ".scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -64)")  # clear of the sticky top bar
        shoot(page, "resident-calendar", readme=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # Offline: the app shell from the service worker, the days from the phone's store.
        context.set_offline(True)
        page.reload()
        page.wait_for_selector(".bottom-nav")
        card.locator("[data-testid=cal-collection]").first.wait_for()
        card.locator(".stale-note").wait_for()
        check_card()
        page.evaluate("document.querySelector('[data-testid=collection-days]')"
                      ".scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -64)")
        shoot(page, "resident-calendar-offline")

        # English on the switch, still offline.
        page.click("[data-testid=lang]")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        assert "Collection days" in card.locator("h2").inner_text()
        assert "Add to my phone calendar" in link.inner_text()
        general = expected["general"]
        assert f"{general.strftime('%A')} {general.day} {general.strftime('%b')} {general.year}" \
            in card.locator("[data-testid=cal-collection][data-stream=general]").inner_text()
        page.click("[data-testid=lang]")
        page.wait_for_function("() => document.documentElement.lang === 'th'")
        context.set_offline(False)
    finally:
        for schedule_id in made:
            client.delete(f"{API}/schedules/{schedule_id}", headers=staff)
        client.patch(f"{API}/waste-banks/{bank_id}", headers=staff,
                     json={"buying_schedule": bank_before["buying_schedule"]})
