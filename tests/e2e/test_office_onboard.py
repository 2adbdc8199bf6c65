"""Onboarding a province at a desk, as a system admin: a dry run of Nan with the office's CSV
files reports what it would make and what is missing; files with a conflict are refused with
the rows named. Neither writes anything (the shared e2e database keeps one province)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from khaya.extensions import db
from tests.areas.test_load_province import (
    LGO_FIELDS,
    VILLAGE_FIELDS,
    nan_lgos,
    nan_villages,
    write_csv,
)
from tests.e2e._browser import desk_context, shoot, sign_in_office

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser) -> Iterator[Any]:
    ctx = desk_context(browser)
    yield ctx
    ctx.close()


def provinces(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(text("select count(*) from provinces"))
        db.session.remove()
    return count


def test_the_admin_checks_a_province_and_is_told_what_conflicts(app, live_server, desk,
                                                                 tmp_path):
    before = provinces(app)
    lgos = write_csv(tmp_path / "lgos.csv", LGO_FIELDS, nan_lgos())
    villages = write_csv(tmp_path / "villages.csv", VILLAGE_FIELDS, nan_villages())
    page = desk.new_page()
    sign_in_office(page, live_server, "admin")
    page.click(".office-nav a[href='/office/provinces/load']")
    page.wait_for_selector("main h1:has-text('เพิ่มจังหวัดเข้าระบบ')")
    page.fill("[data-testid=ob-code]", "55")
    # The file fields speak Thai, not the browser's language.
    assert page.inner_text("[data-testid=ob-lgos-name]") == "ยังไม่ได้เลือกไฟล์"
    assert "เลือกไฟล์" in page.inner_text("label.file-picker")
    page.set_input_files("[data-testid=ob-lgos]", str(lgos))
    assert page.inner_text("[data-testid=ob-lgos-name]") == "lgos.csv"
    page.set_input_files("[data-testid=ob-villages]", str(villages))
    assert page.is_checked("[data-testid=ob-dry]")  # a check first, by default
    page.click("[data-testid=ob-run]")
    report = page.wait_for_selector("[data-testid=ob-report]")
    assert "ผลการตรวจจังหวัดน่าน (55) ยังไม่ได้บันทึก" in report.inner_text()
    row = page.locator("[data-testid=ob-counts] tr[data-level=villages]")
    assert row.locator("td").first.inner_text() == "3"
    assert page.locator("[data-testid=ob-counts] tr[data-level=lgos] td").first.inner_text() == "3"
    assert "ตำบลที่ยังไม่มีหมู่บ้าน" in page.inner_text("[data-testid=ob-missing]")
    shoot(page, "office-onboard-dry-run")

    bad = write_csv(tmp_path / "bad.csv", VILLAGE_FIELDS, [
        *nan_villages(), {"code": "51010201", "name_th": "บ้านลำพูน", "name_en": "Lamphun"}])
    page.set_input_files("[data-testid=ob-villages]", str(bad))
    page.uncheck("[data-testid=ob-dry]")
    page.click("[data-testid=ob-run]")
    page.wait_for_selector("[data-testid=ob-conflicts]")
    conflicts = page.inner_text("[data-testid=ob-conflicts]")
    assert "หมู่บ้าน 51010201 อยู่ในตำบล 510102" in conflicts
    assert "ไม่ได้นำเข้าจังหวัดน่าน" in page.inner_text("[data-testid=ob-report]")
    shoot(page, "office-onboard-refused")
    assert provinces(app) == before


def test_the_national_office_has_no_onboarding(live_server, desk):
    page = desk.new_page()
    sign_in_office(page, live_server, "dla")
    page.wait_for_selector(".office-nav a[href='/office/league']")
    assert page.locator(".office-nav a[href='/office/provinces/load']").count() == 0
    assert page.locator(".office-nav a[href='/office/signoff']").count() == 0
