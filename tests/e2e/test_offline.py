"""The offline contract in a real browser: the outbox survives reloads, replays exactly once,
shows each record's state, and the app shell loads from the service worker with no network."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from khaya.households.cards import card_code
from tests.e2e._browser import (
    RESIDENT,
    VOLUNTEER,
    bangkok_today,
    count_rows,
    household_row,
    shoot,
    sign_in,
)

pytestmark = pytest.mark.e2e

WAITING = "[data-testid=outbox-item][data-status=waiting]"
SENT = "[data-testid=outbox-item][data-status=sent]"
REJECTED = "[data-testid=outbox-item][data-status=rejected]"
FIVE_POINTS = ("registered", "bin_built", "food_waste_in_bin", "lid_closed", "used_correctly")

MARK_SENT_AS_WAITING = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('khaya'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const tx = db.transaction('outbox', 'readwrite');
  const store = tx.objectStore('outbox');
  const all = await new Promise((ok) => {
    const r = store.getAll(); r.onsuccess = () => ok(r.result);
  });
  let n = 0;
  for (const item of all) {
    if (item.status === 'sent') { item.status = 'waiting'; store.put(item); n++; }
  }
  await new Promise((ok) => { tx.oncomplete = ok; });
  db.close();
  return n;
}"""


def count(page, selector: str) -> int:
    return page.locator(selector).count()


def wait_count(page, selector: str, n: int) -> None:
    page.wait_for_function(
        "([s, n]) => document.querySelectorAll(s).length === n", arg=[selector, n]
    )


def test_resident_logs_twice_offline_and_the_server_gets_exactly_two(app, context, world):
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    household_id = world.resident_household["id"]
    before = count_rows(app, "sorting_logs", household_id)
    page.wait_for_selector("[data-testid=save-log]")

    context.set_offline(True)
    page.click("[data-testid=save-log]")
    wait_count(page, WAITING, 1)
    page.click("label.stream-hazardous")
    page.click("[data-testid=save-log]")
    wait_count(page, WAITING, 2)

    # The unsent queue as a file: a sync batch anyone can replay later.
    page.click("[data-testid=sync-pill]")
    page.wait_for_selector("[data-testid=export]")
    with page.expect_download() as download:
        page.click("[data-testid=export]")
    batch = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [item["kind"] for item in batch["items"]] == ["sorting_log", "sorting_log"]
    assert "hazardous" in batch["items"][1]["data"]["streams"]

    # Offline reload: the shell comes from the service worker and the queue is still there.
    page.reload()
    page.wait_for_selector(".bottom-nav")
    wait_count(page, WAITING, 2)
    assert "2" in page.inner_text("[data-testid=sync-pill]")
    assert count_rows(app, "sorting_logs", household_id) == before
    shoot(page, "resident-outbox-offline")

    context.set_offline(False)
    wait_count(page, SENT, 2)
    assert count(page, WAITING) == 0
    assert count_rows(app, "sorting_logs", household_id) == before + 2
    with app.app_context():
        from sqlalchemy import text

        from khaya.extensions import db

        stored = {str(row[0]) for row in db.session.execute(
            text("select client_id from sorting_logs where household_id = :id"),
            {"id": household_id})}
        db.session.remove()
    assert {item["client_id"] for item in batch["items"]} <= stored

    # Replaying the same queue (an answer lost on the way back) adds nothing.
    assert page.evaluate(MARK_SENT_AS_WAITING) == 2
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_count(page, SENT, 2)
    assert count_rows(app, "sorting_logs", household_id) == before + 2

    # So does the exported file, sent straight to the API.
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={
        "login": RESIDENT, "password": "lamphun-demo", "device_id": "e2e-replay"}).get_json()
    answer = client.post("/api/v1/sync", json=batch,
                         headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 200
    assert answer.get_json()["counts"] == {"duplicate": 2}
    assert count_rows(app, "sorting_logs", household_id) == before + 2


def test_a_second_log_of_the_day_asks_add_or_correct_and_a_correction_replaces_the_first(
        app, context, world):
    """Offline, as on a field day: the first log and its correction go in one batch; the
    server keeps one log of the day, and each row says what became of it."""
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    household_id = world.resident_household["id"]
    before = count_rows(app, "sorting_logs", household_id)
    page.wait_for_selector("[data-testid=save-log]")
    context.set_offline(True)
    try:
        page.click("[data-testid=save-log]")
        wait_count(page, WAITING, 1)
        first = page.get_attribute(WAITING, "data-client-id")
        # Logged already today: the screen says so and offers add (chosen) or correct.
        banner = page.locator("[data-testid=already-logged]")
        banner.wait_for()
        assert "วันนี้บันทึกไปแล้ว" in banner.inner_text()
        assert page.is_checked("[data-testid=log-add]")
        page.click("label:has([data-testid=log-correct])")
        page.wait_for_selector("form.log-form[data-correcting=true]")
        assert "บันทึกการแก้ไข" in page.inner_text("[data-testid=save-log]")
        # The form starts from the log being corrected (whatever it said); the correction
        # turns the hazardous stream the other way. By keyboard: the screen may still move (an
        # "offline" note arriving above the form) and a tap aimed by position could land beside.
        had = page.is_checked("label.stream-hazardous input")
        page.focus("label.stream-hazardous input")
        page.keyboard.press("Space")
        page.wait_for_selector("label.stream-hazardous" + (":not(.on)" if had else ".on"))
        shoot(page, "resident-log-correct")
        page.click("[data-testid=save-log]")
        wait_count(page, WAITING, 2)
        # The first row reads as corrected at once, before anything is sent.
        page.wait_for_selector(f"[data-client-id='{first}'][data-corrected=true]")
    finally:
        context.set_offline(False)
    wait_count(page, SENT, 2)
    assert count_rows(app, "sorting_logs", household_id) == before + 2
    with app.app_context():
        from sqlalchemy import text

        from khaya.extensions import db

        rows = db.session.execute(text(
            "select client_id::text, voided_at is not null as voided, void_reason, streams "
            "from sorting_logs where household_id = :id order by id desc limit 2"),
            {"id": household_id}).all()
        db.session.remove()
    # One batch: the server inserts in client id order, so find each by its id.
    (oldest,) = [r for r in rows if r.client_id == first]
    (newest,) = [r for r in rows if r.client_id != first]
    assert oldest.voided
    assert oldest.void_reason == f"Corrected: replaced by log {newest.client_id}."
    assert not newest.voided
    assert ("hazardous" in newest.streams) is not had
    assert ("hazardous" in oldest.streams) is had
    # Every row carries a pill: the first "แก้ไขแล้ว", the correction "ส่งแล้ว".
    rows_shown = page.locator("[data-testid=outbox-item]")
    assert rows_shown.count() == 2
    for row in rows_shown.all():
        assert row.locator(".pill").count() == 1
    assert page.locator(f"[data-client-id='{first}'] [data-status=corrected]").count() == 1
    assert page.locator(f"[data-client-id='{newest.client_id}'] .pill-sent").count() == 1
    rows_shown.last.scroll_into_view_if_needed()
    shoot(page, "resident-log-corrected")


def test_volunteer_opens_by_typed_code_inspects_offline_and_household_is_verified(
    app, context, world
):
    household = world.volunteer_household
    context.set_geolocation({"latitude": world.lat, "longitude": world.lon, "accuracy": 6})
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    page.wait_for_selector("[data-testid=household-row]")
    page.click(".bottom-nav a[href='/scan']")
    page.fill("input[name=code]", household["qr_token"])
    page.click(".typed-code button[type=submit]")
    page.wait_for_selector("[data-testid=household]")
    assert page.inner_text("[data-testid=house-number]") == household["house_number"]
    assert page.get_attribute("[data-testid=verified-state]", "data-verified") == "no"

    context.set_offline(True)
    page.click(f"a[href='/households/{household['id']}/inspect']")
    for point in FIVE_POINTS:
        page.click(f"fieldset[data-point={point}] label:has(input[value=yes])")
    page.wait_for_selector("[data-testid=gps].gps-ok")
    shoot(page, "volunteer-inspection")
    page.click("[data-testid=save-inspection]")
    # The result screen: at the house, so nothing to review.
    page.wait_for_selector("[data-testid=inspection-outcome][data-status=waiting][data-flag=none]")
    page.click("[data-testid=outcome-back]")
    page.wait_for_selector("[data-testid=outbox-item][data-kind=inspection][data-status=waiting]")
    assert count_rows(app, "inspections", household["id"]) == 0

    context.set_offline(False)
    page.wait_for_selector("[data-testid=outbox-item][data-kind=inspection][data-status=sent]")
    page.wait_for_selector("[data-testid=verified-state][data-verified=yes]")
    shoot(page, "volunteer-household-verified")
    row = household_row(app, household["id"])
    assert row["verified_on"] == bangkok_today()
    assert count_rows(app, "inspections", household["id"]) == 1

    # The household list works offline from what the phone stored on its online visit.
    context.set_offline(True)
    page.click(".bottom-nav a[href='/']")
    page.wait_for_selector("[data-testid=household-row]")
    assert household["house_number"] in page.inner_text("[data-testid=households]")
    context.set_offline(False)

    # A QR card's link opens the household for a volunteer whose villages hold it.
    page.goto(world.base + "/h/" + household["qr_token"])
    page.wait_for_selector("[data-testid=household]")
    assert page.url.endswith(f"/households/{household['id']}")


def test_a_card_never_scanned_on_this_phone_opens_offline_from_the_stored_register(
    context, world
):
    household = world.resident_household
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    # The register the phone stores on its online visit carries each card's token.
    page.wait_for_selector("[data-testid=household-row]")
    context.set_offline(True)
    page.goto(world.base + "/h/" + household["qr_token"])
    page.wait_for_selector("[data-testid=household]")
    assert page.url.endswith(f"/households/{household['id']}")
    assert page.inner_text("[data-testid=house-number]") == household["house_number"]
    # A token the register does not hold still says that the phone must go online.
    page.goto(world.base + "/h/" + "x" * 16)
    page.wait_for_selector(".banner-warn")
    context.set_offline(False)


def test_the_code_printed_under_the_qr_opens_the_household_typed_online_and_offline(
    context, world
):
    household = world.resident_household
    code = card_code(household["qr_token"])
    assert code is not None
    # As a person copies it from the card: lower case, spaces, an O for a 0.
    typed = code.lower().replace("-", " ").replace("0", "o")
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    page.wait_for_selector("[data-testid=household-row]")
    for offline in (False, True):
        context.set_offline(offline)
        page.goto(world.base + "/scan")
        page.fill("input[name=code]", typed)
        page.click(".typed-code button[type=submit]")
        page.wait_for_selector("[data-testid=household]")
        assert page.url.endswith(f"/households/{household['id']}")
        assert page.inner_text("[data-testid=house-number]") == household["house_number"]
    context.set_offline(False)


def test_a_log_the_server_refuses_shows_needs_fixing_with_the_reason(app, context, world):
    household = world.resident_household
    registered = dt.date.fromisoformat(household["registered_on"])
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    before = count_rows(app, "sorting_logs", household["id"])

    page.click("details.more summary")
    page.click("label:has(input[name=day][value=other])")
    page.fill("input[name=log_date]", (registered - dt.timedelta(days=3)).isoformat())
    page.click("[data-testid=save-log]")
    page.wait_for_selector(REJECTED)
    reason = page.inner_text(f"{REJECTED} [data-testid=reasons]")
    assert "ก่อนวันที่ครัวเรือนลงทะเบียน" in reason
    assert str(registered.year + 543) in reason
    assert count_rows(app, "sorting_logs", household["id"]) == before

    page.click("[data-testid=sync-pill]")
    page.wait_for_selector(REJECTED)
    assert "ต้องแก้ไข" in page.inner_text(f"{REJECTED} .pill")
    shoot(page, "resident-needs-fixing")

    # Fixing it (the date) sends the same record again, and this time it is taken.
    page.click(f"{REJECTED} button:has-text('แก้ไขแล้วส่งใหม่')")
    page.click("label:has(input[name=day][value=today])")
    page.click("[data-testid=save-log]")
    page.wait_for_selector(".bottom-nav")
    wait_count(page, REJECTED, 0)
    deadline = dt.datetime.now() + dt.timedelta(seconds=60)
    while count_rows(app, "sorting_logs", household["id"]) != before + 1:
        assert dt.datetime.now() < deadline, "the fixed log never reached the server"
        page.wait_for_timeout(200)
