"""The resident's streak, badges and village standing on the home screen, in Chromium at a
phone's size, online and offline: from 30 days of logs written here, with the numbers and
days worked out here from the logs (not by the server's rewards module).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import PASSWORD, RESIDENT, bangkok_today, shoot, sign_in

pytestmark = pytest.mark.e2e

TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
             "ต.ค.", "พ.ย.", "ธ.ค."]
BADGE_WORDS = {"first_month": "เดือนแรก", "streak_30": "ต่อเนื่อง 30 วัน",
               "verified_bin": "ถังขยะเปียกผ่านการตรวจ", "bank_member": "สมาชิกธนาคารขยะ",
               "first_hazardous": "แยกขยะอันตรายครั้งแรก"}
CARD = "[data-testid=rewards]"


def thai_date(day: dt.date) -> str:
    return f"{day.day} {TH_MONTHS[day.month - 1]} {day.year + 543}"


def _runs(days: list[dt.date]) -> list[list[dt.date]]:
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _insert_logs(app: Flask, household_id: int, days: dict[dt.date, list[str]]) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in days]
    with app.app_context():
        for client_id, (day, streams) in zip(ids, days.items(), strict=True):
            db.session.execute(text(
                "insert into sorting_logs (household_id, lgo_id, village_id, log_date, streams, "
                "organic_handling, client_id, recorded_role, received_at) "
                "select id, lgo_id, village_id, :day, :streams, 'wet_bin', :cid, 'resident', "
                "now() at time zone 'utc' from households where id = :id"),
                {"id": household_id, "day": day, "streams": streams, "cid": client_id})
        db.session.commit()
        db.session.remove()
    return ids


def _logged_days(app: Flask, household_id: int, today: dt.date) -> list[dt.date]:
    with app.app_context():
        days = db.session.execute(text(
            "select distinct log_date from sorting_logs where household_id = :id "
            "and voided_at is null and log_date <= :today order by log_date"),
            {"id": household_id, "today": today}).scalars().all()
        db.session.remove()
    return list(days)


def test_the_home_shows_the_streak_and_badges_from_the_logs(app: Flask, context, world):
    household_id = world.resident_household["id"]
    today = bangkok_today()
    # Thirty days in a row ending yesterday; the tenth kept hazardous waste apart.
    days = {today - dt.timedelta(days=n): ["organic", "recyclable"] for n in range(30, 0, -1)}
    hazardous_day = today - dt.timedelta(days=21)
    days[hazardous_day] = ["organic", "hazardous"]
    made = _insert_logs(app, household_id, days)
    try:
        logged = _logged_days(app, household_id, today)
        runs = _runs(logged)
        last = runs[-1]
        current = len(last) if last[-1] >= today - dt.timedelta(days=1) else 0
        assert current >= 30
        best = max(runs, key=lambda r: (len(r), r[-1]))
        long_run = next(r for r in runs if len(r) >= 30)
        per_month: Counter[tuple[int, int]] = Counter()
        first_month = None
        for day in logged:
            per_month[day.year, day.month] += 1
            if per_month[day.year, day.month] == 20:
                first_month = day
                break
        expected = {"streak_30": long_run[29], "first_hazardous": hazardous_day}
        if first_month is not None:  # 30 days may straddle two months of fewer than 20 each
            expected["first_month"] = first_month

        client = app.test_client()
        login = client.post("/api/v1/auth/login", json={
            "login": RESIDENT, "password": PASSWORD, "device_id": "e2e-badges"})
        headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
        answer = client.get(f"/api/v1/households/{household_id}/rewards",
                            headers=headers).get_json()

        page = context.new_page()
        sign_in(page, world.base, RESIDENT)
        card = page.locator(CARD)
        card.locator("[data-testid=rw-streak]").wait_for()

        def check_card() -> None:
            assert card.locator("h2").inner_text().strip() == "ความต่อเนื่องและเหรียญรางวัล"
            assert card.locator("[data-testid=rw-streak]").inner_text() == \
                f"บันทึกต่อเนื่อง {current} วัน"
            assert card.locator("[data-testid=rw-best]").inner_text().startswith(
                f"สูงสุด {len(best)} วัน (ถึง {thai_date(best[-1])})")
            assert f"บันทึกแล้วทั้งหมด {len(logged)} วัน" in card.inner_text()
            badges = card.locator("[data-testid=rw-badge]")
            shown = {badges.nth(i).get_attribute("data-badge"): badges.nth(i).inner_text()
                     for i in range(badges.count())}
            assert set(shown) == {b["badge"] for b in answer["badges"]}
            for badge, day in expected.items():
                assert BADGE_WORDS[badge] in shown[badge], badge
                assert f"ได้รับ {thai_date(day)}" in shown[badge], (badge, shown[badge])
            assert "สมาชิกธนาคารขยะ" in shown["bank_member"]  # the world's bank account
            village = answer["village"]
            assert village is not None
            year, month = map(int, village["period"].split("-"))
            words = f"{TH_MONTHS[month - 1]} {year + 543}"
            standing = card.locator("[data-testid=rw-village]").inner_text()
            if village["rank"] is None or village["no_data"]:
                assert standing == f"หมู่บ้านของคุณยังไม่มีอันดับเดือน {words}"
            else:
                assert standing.startswith(
                    f"หมู่บ้านของคุณอันดับ {village['rank']} จาก {village['ranked']} "
                    f"หมู่บ้านใน อปท. เดือน {words}")
            # Aggregates only: no other household's number or name.
            assert world.volunteer_household["house_number"] not in card.inner_text()

        check_card()
        # Below the log form: logging today stays the screen's first job.
        form_bottom = page.locator("form").first.bounding_box()
        assert card.bounding_box()["y"] > form_bottom["y"]
        page.evaluate(f"document.querySelector('{CARD}').scrollIntoView({{block: 'start'}})")
        page.evaluate("window.scrollBy(0, -64)")  # clear of the sticky top bar
        shoot(page, "resident-badges", readme=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # Offline: the card from the phone's store.
        context.set_offline(True)
        try:
            page.reload()
            page.wait_for_selector(".bottom-nav")
            card.locator("[data-testid=rw-streak]").wait_for()
            check_card()
        finally:
            context.set_offline(False)
    finally:
        with app.app_context():
            db.session.execute(text("delete from sorting_logs where client_id = any(:ids)"),
                               {"ids": [uuid.UUID(i) for i in made]})
            db.session.commit()
            db.session.remove()
