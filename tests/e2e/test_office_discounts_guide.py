"""Fee discounts and the LGO's sorting guide at a desk, in Chromium and in Thai: the LGO admin
sets the discount rule and sees a household the test made qualify for the last complete month,
then downloads the CSV; LGO staff see the rule in words, change one guide item's note and hide
another, and the public guide of the LGO follows."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from khaya.analytics.periods import last_complete_month
from khaya.areas.models import Village
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import Inspection, SortingLog
from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    PASSWORD,
    VILLAGE,
    bangkok_today,
    delete_households,
    desk_context,
    shoot,
    sign_in_office,
)

pytestmark = pytest.mark.e2e

API = "/api/v1"
TOWN = "lamphun-town-municipality"
NOTE = "ทิ้งได้ที่ธนาคารขยะของเทศบาลทุกวันเสาร์"


@pytest.fixture
def desk(browser):
    """A fresh office-sized profile (CSP bypassed so axe-core can be added)."""
    ctx = desk_context(browser, bypass_csp=True)
    yield ctx
    ctx.close()


def _qualifying_household(app: Flask, head: str) -> int:
    """A household that logged 16 days of the last complete month and passed an inspection
    100 days before its end: outside the default rule (90 days), inside a 150-day one."""
    month = last_complete_month(bangkok_today())
    with app.app_context():
        village = db.session.execute(select(Village).where(Village.code == VILLAGE)).scalar_one()
        household = Household(lgo_id=village.lgo_id, village_id=village.id,
                              house_number=f"fd-{uuid.uuid4().hex[:4]}", members=3,
                              head_name=head, registered_on=dt.date(2024, 1, 1))
        db.session.add(household)
        db.session.flush()
        for n in range(16):
            db.session.add(SortingLog(
                client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
                village_id=village.id, log_date=month.start + dt.timedelta(days=n),
                streams=["organic"]))
        db.session.add(Inspection(
            client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
            village_id=village.id, inspected_on=month.end - dt.timedelta(days=100),
            registered=True, bin_built=True, food_waste_in_bin=True, lid_closed=True,
            used_correctly=True, passed=True))
        db.session.commit()
        made = household.id
        db.session.remove()
    return made


def _forget_town_changes(app: Flask) -> None:
    with app.app_context():
        for table in ("fee_discount_rules", "guide_overrides"):
            db.session.execute(text(f"delete from {table} where lgo_id = "
                                    "(select id from lgos where code = :code)"), {"code": TOWN})
        db.session.commit()
        db.session.remove()


def test_the_admin_sets_the_rule_and_downloads_the_list(desk, world, app):
    head = f"นายส่วนลด {uuid.uuid4().hex[:4]}"
    made = _qualifying_household(app, head)
    code = f"{VILLAGE}-{made:06d}"
    page = desk.new_page()
    try:
        sign_in_office(page, world.base, "town.admin")
        page.click(".office-nav a[href='/office/discounts']")
        page.wait_for_selector("main h1:has-text('ส่วนลดค่าธรรมเนียม')")
        assert "ประวัติการเข้าถึง" in page.locator("[data-testid=discounts-audit]").inner_text()
        page.wait_for_selector("[data-testid=discounts-table], .banner-info >> text=ไม่มีครัวเรือน")
        assert page.locator(f"[data-testid=discounts-table] tr[data-row='{made}']").count() == 0

        # A discounted fee above the fee is refused under its own field, in Thai.
        form = page.locator("[data-testid=discount-rule-form]")
        form.locator("input[name=verified_within_days]").fill("150")
        form.locator("input[name=min_log_days]").fill("15")
        form.locator("input[name=fee_baht]").fill("20")
        form.locator("input[name=discounted_fee_baht]").fill("60")
        form.locator("[data-testid=discount-rule-save]").click()
        error = form.locator("[data-testid=error-discounted_fee_baht]")
        error.wait_for()
        assert "ไม่มากกว่า" in error.inner_text()

        form.locator("input[name=fee_baht]").fill("60")
        form.locator("input[name=discounted_fee_baht]").fill("20")
        form.locator("[data-testid=discount-rule-save]").click()
        row = page.locator(f"[data-testid=discounts-table] tr[data-row='{made}']")
        row.wait_for()
        assert code in row.inner_text()
        assert head in row.inner_text()
        assert "16" in row.inner_text()
        staff = _bearer(app, "town.staff")
        rule = app.test_client().get(f"{API}/fee-discounts/rule", headers=staff)
        assert rule.get_json()["verified_within_days"] == 150
        assert rule.get_json()["set"] is True

        with page.expect_download() as info:
            page.click("[data-testid=discounts-csv]")
        body = Path(info.value.path()).read_text(encoding="utf-8-sig")
        assert info.value.suggested_filename.endswith(".csv")
        assert head in body
        assert code in body

        page.add_script_tag(path=str(AXE))
        assert page.evaluate(AXE_RUN) == []
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, "office-fee-discounts", readme=True)
    finally:
        delete_households(app, [made])
        _forget_town_changes(app)


def _bearer(app: Flask, login: str) -> dict[str, str]:
    answer = app.test_client().post(f"{API}/auth/login", json={
        "login": login, "password": PASSWORD, "device_id": "e2e-setup"})
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def _town_guide(app: Flask) -> dict[str, dict]:
    answer = app.test_client().get(f"{API}/guide?lgo={TOWN}")
    assert answer.status_code == 200
    return {item["key"]: item for item in answer.get_json()["items"]}


def test_staff_change_and_hide_guide_items_and_the_public_guide_follows(desk, world, app):
    page = desk.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        sign_in_office(page, world.base, "town.staff")
        # Staff read the discount rule in words; only the admin has the form.
        page.click(".office-nav a[href='/office/discounts']")
        page.wait_for_selector("[data-testid=discount-rule]")
        assert page.locator("[data-testid=discount-rule-form]").count() == 0

        page.click(".office-nav a[href='/office/guide']")
        page.wait_for_selector("main h1:has-text('คู่มือแยกขยะ')")
        page.fill("[data-testid=guide-search]", "pet bottle")
        row = page.locator("[data-testid=guide-row][data-key=pet_bottle]")
        row.wait_for()
        assert row.locator("[data-testid=guide-state]").get_attribute("data-state") == "default"
        row.locator("[data-testid=guide-edit]").click()
        form = page.locator("[data-testid=guide-form][data-key=pet_bottle]")
        form.locator("textarea[name=note_th]").fill(NOTE)
        form.locator("[data-testid=guide-save]").click()
        form.wait_for(state="detached")
        state = row.locator("[data-testid=guide-state][data-state=changed]")
        state.wait_for()
        assert "หมายเหตุ" in state.inner_text()
        assert _town_guide(app)["pet_bottle"]["note_th"] == NOTE

        page.fill("[data-testid=guide-search]", "cigarette")
        row = page.locator("[data-testid=guide-row][data-key=cigarette_butts]")
        row.locator("[data-testid=guide-edit]").click()
        form = page.locator("[data-testid=guide-form][data-key=cigarette_butts]")
        form.locator("input[name=hidden]").check()
        form.locator("[data-testid=guide-save]").click()
        row.locator("[data-testid=guide-state][data-state=hidden]").wait_for()
        assert "cigarette_butts" not in _town_guide(app)
        assert "cigarette_butts" in {i["key"] for i in
                                     app.test_client().get(f"{API}/guide").get_json()["items"]}
        shoot(page, "office-guide")

        # Removed: back to the province's guide.
        row.locator("[data-testid=guide-edit]").click()
        page.click("[data-testid=guide-remove]")
        row.locator("[data-testid=guide-state][data-state=default]").wait_for()
        assert "cigarette_butts" in _town_guide(app)
    finally:
        _forget_town_changes(app)
