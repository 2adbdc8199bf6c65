"""A month's sign-off at the desk: the town's staff submit on the report, its admin approves,
the provincial officer accepts on the sign-off screen and the league shows the month accepted.

Commits the sign-off rows of the last complete month for Lamphun Town and removes them after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, text

from khaya.areas.models import Lgo, Village
from khaya.extensions import db
from khaya.households.models import Household
from seed.accounts import TOWN
from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    bangkok_today,
    delete_households,
    desk_context,
    shoot,
    sign_in_office,
)

pytestmark = pytest.mark.e2e


def _clear(app: Flask, month: dt.date) -> None:
    with app.app_context():
        for table in ("late_items", "frozen_months", "month_approval_steps", "month_approvals",
                      "village_confirmations"):
            db.session.execute(text(f"delete from {table} where month = :month"),
                               {"month": month})
        db.session.commit()
        db.session.remove()


@pytest.fixture
def month(app: Flask, live_server: str) -> Iterator[str]:
    """The last complete month, with one occupied household in the town so that the town has
    figures (an area with nothing to count is folded away under the league)."""
    first = (bangkok_today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    _clear(app, first)
    with app.app_context():
        lgo = db.session.execute(select(Lgo).where(Lgo.code == TOWN)).scalar_one()
        village = db.session.execute(select(Village.id).where(Village.code == "51010101")
                                     ).scalar_one()
        household = Household(lgo_id=lgo.id, village_id=village, house_number="signoff-1",
                              registered_on=dt.date(2024, 1, 1), members=3)
        db.session.add(household)
        db.session.commit()
        made = household.id
        db.session.remove()
    # No queue worker runs beside the test server: export jobs are built in the request.
    inline = app.config.get("EXPORT_JOBS_INLINE")
    app.config["EXPORT_JOBS_INLINE"] = True
    try:
        yield first.strftime("%Y-%m")
    finally:
        app.config["EXPORT_JOBS_INLINE"] = inline
        _clear(app, first)
        delete_households(app, [made])


def test_the_town_submits_approves_and_the_province_accepts(browser, live_server, month):
    ctx = desk_context(browser, bypass_csp=True)
    page = ctx.new_page()
    # The town's staff submit on their report, which opens on the last complete month.
    sign_in_office(page, live_server, "town.staff")
    page.goto(live_server + "/office/report")
    panel = page.locator("[data-testid=approval-panel]")
    panel.locator("[data-testid=approval-state][data-state=open]").wait_for()
    assert panel.locator("[data-testid=approval-approve]").count() == 0  # staff do not approve
    panel.locator("[data-testid=approval-submit]").click()
    panel.locator("[data-testid=approval-state][data-state=submitted]").wait_for()
    assert "ส่งข้อมูล" in panel.locator("[data-testid=approval-steps]").inner_text()
    ctx.close()

    # Its admin approves.
    ctx = desk_context(browser, bypass_csp=True)
    admin = ctx.new_page()
    sign_in_office(admin, live_server, "town.admin")
    admin.goto(live_server + "/office/report")
    panel = admin.locator("[data-testid=approval-panel]")
    panel.locator("[data-testid=approval-approve]").click()
    panel.locator("[data-testid=approval-state][data-state=approved]").wait_for()
    steps = panel.locator("[data-testid=approval-steps] li")
    assert steps.count() == 2
    # The carbon-credit evidence of the month: a job on the queue's worker, then a download.
    with admin.expect_download(timeout=60_000) as got:
        admin.locator("[data-testid=carbon-evidence]").click()
    assert got.value.suggested_filename.startswith(f"khaya-carbon-evidence_{TOWN}_")
    shoot(admin, "office-signoff-lgo-approved")
    ctx.close()

    # The provincial officer accepts it on the sign-off screen; the league then says so.
    ctx = desk_context(browser, bypass_csp=True)
    page = ctx.new_page()
    sign_in_office(page, live_server, "province")
    page.goto(live_server + "/office/signoff")
    assert page.locator("[data-testid=approval-month]").input_value() == month
    row = page.locator(f"[data-testid=approval-table] tbody tr[data-row='{TOWN}']")
    row.locator("[data-testid=approval-state][data-state=approved]").wait_for()
    row.locator(f"[data-testid=approval-accept-{TOWN}]").click()
    row.locator("[data-testid=approval-state][data-state=accepted]").wait_for()
    assert "จังหวัดรับรองแล้ว" in row.inner_text()
    row.scroll_into_view_if_needed()
    shoot(page, "office-signoff-province", readme=True)
    # The consolidated return to DLA for the month downloads as a workbook.
    with page.expect_download() as got:
        page.locator("[data-testid=dla-return-xlsx]").click()
    assert got.value.suggested_filename == f"khaya-dla-return_province_{month}.xlsx"
    row.locator(f"[data-testid=approval-open-{TOWN}]").click()
    detail = page.locator("[data-testid=approval-detail]")
    detail.locator("[data-testid=approval-steps] li[data-action=accept]").wait_for()
    assert detail.locator("[data-testid=approval-steps] li").count() == 3
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    assert violations == [], violations
    detail.scroll_into_view_if_needed()
    shoot(page, "office-signoff-province-detail")

    page.goto(live_server + "/office/league")
    page.locator("[data-testid=period]").wait_for()
    page.locator("[data-testid=league-table]").wait_for()
    town = page.locator(f"[data-testid=league-table] tbody tr[data-row='{TOWN}']")
    town.locator("[data-testid=approval-state][data-state=accepted]").wait_for()
    assert "จังหวัดรับรองแล้ว" in town.inner_text()
    shoot(page, "office-signoff-league")
    ctx.close()
