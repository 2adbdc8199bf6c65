"""One item the server fails on never stops a phone's queue, and one it refuses can be sent again.

The server is stood in for by Playwright's routing on /api/v1/sync, which reads each batch: it
answers 503 (the database away) to everything at first, then 500 to any batch holding one item
from the middle of the queue and passes the rest to the real server. The phone keeps everything
waiting through the 503s, then finds the item behind the 500s, moves it to "needs fixing" with a
reason in Thai, and every other item lands on the server exactly once.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from tests.e2e._browser import RESIDENT, bangkok_today, count_rows, shoot, sign_in

pytestmark = pytest.mark.e2e

WAITING = "[data-testid=outbox-item][data-status=waiting]"
SENT = "[data-testid=outbox-item][data-status=sent]"
REJECTED = "[data-testid=outbox-item][data-status=rejected]"
TRIED = f"{WAITING} .row-note"
ITEMS = 5
# Long enough for a loaded machine; the replay under test starts at once, it has no back-off.
WAIT_MS = 60_000

QUEUE_IN_ORDER = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('khaya'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const all = await new Promise((ok) => {
    const r = db.transaction('outbox').objectStore('outbox').getAll();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return all.filter((i) => i.status === 'waiting').sort((a, b) => a.seq - b.seq)
    .map((i) => i.client_id);
}"""

ENVELOPE_500 = json.dumps({"code": "internal_error", "status": 500, "errors": {},
                           "message": "Something went wrong on the server."})
ENVELOPE_503 = json.dumps({"code": "database_unavailable", "status": 503, "errors": {},
                           "message": "The database is not answering just now."})


def wait_count(page, selector: str, n: int) -> None:
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length === n",
                           arg=[selector, n], timeout=WAIT_MS)


class StandIn:
    """What the routed /api/v1/sync answers, and what it saw."""

    def __init__(self) -> None:
        self.mode = "unavailable"
        self.poisoned: str | None = None
        self.batches: list[list[str]] = []
        self.answers: dict[str, list[str]] = defaultdict(list)

    def __call__(self, route) -> None:
        body = json.loads(route.request.post_data or "{}")
        ids = [item["client_id"] for item in body.get("items", [])]
        self.batches.append(ids)
        if self.mode == "unavailable":
            route.fulfill(status=503, content_type="application/json", body=ENVELOPE_503,
                          headers={"Retry-After": "5"})
            return
        if self.poisoned in ids:
            route.fulfill(status=500, content_type="application/json", body=ENVELOPE_500)
            return
        response = route.fetch()
        for result in response.json()["results"]:
            self.answers[result["client_id"]].append(result["status"])
        route.fulfill(response=response)


def test_a_poisoned_item_moves_to_needs_fixing_and_the_rest_land_once(app, context, world):
    household_id = world.resident_household["id"]
    stand_in = StandIn()
    context.route("**/api/v1/sync", stand_in)
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    before = count_rows(app, "sorting_logs", household_id)
    page.wait_for_selector("[data-testid=save-log]")

    # The database is away: every save is tried at once and answered 503; all of them wait.
    for n in range(ITEMS):
        page.click("[data-testid=save-log]")
        wait_count(page, WAITING, n + 1)
    wait_count(page, TRIED, ITEMS)
    assert page.locator(REJECTED).count() == 0
    assert stand_in.batches
    assert all(stand_in.batches)
    assert count_rows(app, "sorting_logs", household_id) == before

    # The server is back, but fails on any batch holding the middle item.
    queue = page.evaluate(QUEUE_IN_ORDER)
    assert len(queue) == ITEMS
    stand_in.poisoned = queue[ITEMS // 2]
    stand_in.mode = "poisoned"
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_count(page, SENT, ITEMS - 1)
    wait_count(page, REJECTED, 1)
    assert page.locator(WAITING).count() == 0

    rejected = page.locator(REJECTED)
    assert rejected.get_attribute("data-client-id") == stand_in.poisoned
    reason = rejected.locator("[data-testid=reasons]").inner_text()
    assert "เซิร์ฟเวอร์ขัดข้องเมื่อบันทึกรายการนี้" in reason
    assert "ต้องแก้ไข" in rejected.locator(".pill").inner_text()

    others = [cid for cid in queue if cid != stand_in.poisoned]
    assert {cid: stand_in.answers[cid] for cid in others} == {cid: ["created"] for cid in others}
    assert stand_in.poisoned not in stand_in.answers
    assert count_rows(app, "sorting_logs", household_id) == before + ITEMS - 1
    # Only batches with the poisoned item failed, and it was tried alone before being set aside.
    assert [stand_in.poisoned] in stand_in.batches

    page.click("[data-testid=sync-pill]")
    page.wait_for_selector(REJECTED)
    shoot(page, "outbox-poisoned-item")
    context.unroute("**/api/v1/sync")


def test_an_item_whose_client_id_was_used_for_other_content_is_sent_again_under_a_new_one(
    app, context, world
):
    """The server keeps the record it has under that id and refuses the phone's other one; the
    phone says so in Thai, and "send again" sends it under a new id, so both are kept."""
    household_id = world.resident_household["id"]
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    before = count_rows(app, "sorting_logs", household_id)
    page.wait_for_selector("[data-testid=save-log]")
    context.set_offline(True)
    page.click("[data-testid=save-log]")
    wait_count(page, WAITING, 1)
    (client_id,) = page.evaluate(QUEUE_IN_ORDER)

    # Another record reaches the server first under the same client id.
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={
        "login": RESIDENT, "password": "lamphun-demo", "device_id": "e2e-other"}).get_json()
    other = client.post("/api/v1/sync", headers={
        "Authorization": f"Bearer {token['access_token']}"}, json={
        "device_id": "e2e-other", "items": [{"kind": "sorting_log", "client_id": client_id,
                                             "data": {"household_id": household_id,
                                                      "log_date": bangkok_today().isoformat(),
                                                      "streams": ["general"]}}]})
    assert other.get_json()["results"][0]["status"] == "created"

    context.set_offline(False)
    wait_count(page, REJECTED, 1)
    reason = page.locator(f"{REJECTED} [data-testid=reasons]").inner_text()
    assert "ถูกใช้กับรายการอื่นไปแล้ว" in reason
    page.locator(REJECTED).scroll_into_view_if_needed()
    shoot(page, "outbox-client-id-reused")
    page.click(f"{REJECTED} button.button-quiet")  # ส่งใหม่: send again
    wait_count(page, SENT, 1)
    assert page.locator(SENT).get_attribute("data-client-id") != client_id
    assert count_rows(app, "sorting_logs", household_id) == before + 2
