"""The app's life around the outbox: expired tokens, signing out with items waiting, a new
version of the app, and a phone clock that has gone back in time."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.e2e._browser import RESIDENT, count_rows, shoot, sign_in

pytestmark = pytest.mark.e2e

WAITING = "[data-testid=outbox-item][data-status=waiting]"


def wait_for_rows(page, app, household_id: int, n: int, seconds: float = 60) -> None:
    deadline = dt.datetime.now() + dt.timedelta(seconds=seconds)
    while count_rows(app, "sorting_logs", household_id) != n:
        assert dt.datetime.now() < deadline, f"expected {n} logs on the server"
        page.wait_for_timeout(200)


def log_offline(app, context, world):
    """Sign the resident in, go offline and log today: return the page and the server's count
    of the household's logs before it, with the log waiting in the outbox."""
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    before = count_rows(app, "sorting_logs", world.resident_household["id"])
    context.set_offline(True)
    page.click("[data-testid=save-log]")
    page.wait_for_selector(WAITING)
    return page, before


def test_an_expired_access_token_is_refreshed_and_the_log_still_goes(app, context, world):
    household_id = world.resident_household["id"]
    ttl = app.config["ACCESS_TOKEN_TTL"]
    app.config["ACCESS_TOKEN_TTL"] = 2
    try:
        page = context.new_page()
        sign_in(page, world.base, RESIDENT)
        before = count_rows(app, "sorting_logs", household_id)
        page.wait_for_timeout(3000)
        refreshes = []
        page.on("request", lambda r: refreshes.append(r.url) if "/auth/refresh" in r.url else None)
        page.click("[data-testid=save-log]")
        wait_for_rows(page, app, household_id, before + 1)
        assert len(refreshes) == 1
    finally:
        app.config["ACCESS_TOKEN_TTL"] = ttl


def test_signing_out_with_items_waiting_keeps_them_for_the_next_sign_in(app, context, world):
    household_id = world.resident_household["id"]
    page, before = log_offline(app, context, world)

    page.click(".topbar a[href='/settings']")
    page.click("[data-testid=logout]")
    warning = page.inner_text("[role=alertdialog]")
    assert "1 รายการ" in warning
    shoot(page, "resident-logout-warning")
    page.click("[data-testid=logout-anyway]")
    page.wait_for_selector("[data-testid=login-submit]")
    assert "1 รายการรอส่ง" in page.inner_text("main")
    assert count_rows(app, "sorting_logs", household_id) == before

    context.set_offline(False)
    page.fill("input[name=login]", RESIDENT)
    page.fill("input[name=password]", "lamphun-demo")
    page.click("[data-testid=login-submit]")
    page.wait_for_selector(".bottom-nav")
    wait_for_rows(page, app, household_id, before + 1)


def test_a_new_version_offers_update_and_keeps_the_queue(app, context, world, tmp_path):
    household_id = world.resident_household["id"]
    dist = Path(app.config["PROJECT_ROOT"]) / app.config["FRONTEND_DIST"]
    served = tmp_path / "dist"
    shutil.copytree(dist, served)
    original = app.config["FRONTEND_DIST"]
    app.config["FRONTEND_DIST"] = str(served)
    try:
        page, before = log_offline(app, context, world)
        # Hold the item back while the new version arrives: the server is "down" for sync.
        context.route("**/api/v1/sync", lambda route: route.fulfill(status=503, body="{}"))
        context.set_offline(False)

        # A new build: any byte of the worker changes, so the browser installs it and waits.
        sw = served / "sw.js"
        sw.write_text(sw.read_text(encoding="utf-8") + "\n// next version\n", encoding="utf-8")
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        page.wait_for_selector("[data-testid=update-available]")
        page.click(".bottom-nav a[href='/history']")
        page.wait_for_selector(WAITING)
        assert page.locator(WAITING).count() == 1
        shoot(page, "update-available")

        with page.expect_event("load"):
            page.click("[data-testid=update-available] ~ button")
        page.wait_for_selector(".bottom-nav")
        page.wait_for_selector(WAITING)
        assert page.locator("[data-testid=update-available]").count() == 0
        context.unroute("**/api/v1/sync")
        # Coming back online may land while the reloaded page's first (refused) replay is still
        # running: the app must replay again right after it, not wait out its back-off. So the
        # test waits on the app's own state, not on a deadline shorter than that back-off.
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_selector("[data-testid=sync-pill].ok", timeout=90_000)
        assert count_rows(app, "sorting_logs", household_id) == before + 1
    finally:
        app.config["FRONTEND_DIST"] = original


def test_background_sync_replays_the_outbox_with_no_page_open(app, context, world):
    household_id = world.resident_household["id"]
    page, before = log_offline(app, context, world)
    page.close()
    context.set_offline(False)

    # No app page is open: only the service worker can send it, when the browser fires the
    # Background Sync event it registered for (dispatched here through DevTools).
    probe = context.new_page()
    probe.goto(world.base + "/api/v1/health")
    cdp = context.new_cdp_session(probe)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = dt.datetime.now() + dt.timedelta(seconds=60)
    while not any(r["scopeURL"].startswith(world.base) for r in registrations):
        assert dt.datetime.now() < deadline, "no service worker registration"
        probe.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"].startswith(world.base))
    assert count_rows(app, "sorting_logs", household_id) == before
    cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": world.base, "registrationId": registration["registrationId"],
        "tag": "khaya-outbox", "lastChance": False})
    wait_for_rows(probe, app, household_id, before + 1)


def test_the_app_warns_when_the_phone_clock_is_behind_the_last_sync(context, world):
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    page.wait_for_selector("[data-testid=save-log]")
    assert page.locator("[data-testid=clock-warning]").count() == 0
    page.clock.set_system_time(dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    page.reload()
    page.wait_for_selector("[data-testid=clock-warning]")
    shoot(page, "clock-warning")
