"""Reminders by Web Push in a real browser: the service worker shows what the server pushes and
opening it lands on the screen it names; a resident turns reminders on in settings at a phone's
size, in Thai, and the server's message reaches the phone's subscription.

Headless Chromium has no push service (there is no internet here): the first test hands the
worker a push through DevTools, as the browser would on a message from its vendor's service;
the second replaces PushManager with one whose subscription points at a push service on loopback
(tests/pushservice.py), which checks the VAPID signature and decrypts what the server sends.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from khaya.extensions import db
from khaya.reminders.sending import send_due
from tests.e2e._browser import (
    PASSWORD,
    PHONE,
    README_SCREENSHOTS,
    RESIDENT,
    SCREENSHOTS,
    VILLAGE,
    bangkok_today,
    sign_in,
)
from tests.pushservice import PushService

pytestmark = pytest.mark.e2e

BANGKOK = ZoneInfo("Asia/Bangkok")

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({
    title: n.title, body: n.body, tag: n.tag, data: n.data, icon: n.icon, badge: n.badge,
    lang: n.lang }));
}"""

# A click on the notification, through the worker's own handler: a NotificationEvent built from
# the notification the worker shows, dispatched in the worker (DevTools has no "click" for it).
CLICK = """async (tag) => {
  const [notification] = await self.registration.getNotifications({ tag });
  self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
  return notification.title;
}"""

# A PushManager that subscribes at the test's push service, with the keys that service decrypts
# with; the subscription lives in localStorage, so a reload finds it again as a browser would.
FAKE_PUSH = """((subscription) => {
  const KEY = 'e2e-fake-push';
  const make = (stored) => ({
    endpoint: stored.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(stored.key).buffer },
    getKey: () => null,
    toJSON: () => ({ endpoint: stored.endpoint, expirationTime: null, keys: stored.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = Array.from(new Uint8Array(options.applicationServerKey));
    const stored = { ...subscription, key };
    localStorage.setItem(KEY, JSON.stringify(stored));
    return make(stored);
  };
  PushManager.prototype.getSubscription = async function () {
    const stored = JSON.parse(localStorage.getItem(KEY) || 'null');
    return stored ? make(stored) : null;
  };
})(%s);"""


def _registration_id(page, cdp, base: str) -> str:
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = dt.datetime.now() + dt.timedelta(seconds=30)
    while not any(r["scopeURL"] == f"{base}/" and not r["isDeleted"] for r in registrations):
        assert dt.datetime.now() < deadline, "no service worker registration"
        page.wait_for_timeout(100)
    return next(r["registrationId"] for r in registrations if r["scopeURL"] == f"{base}/")


def test_a_pushed_reminder_shows_and_opening_it_lands_on_its_screen(context, world):
    context.grant_permissions(["notifications"], origin=world.base)
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    cdp = context.new_cdp_session(page)
    registration_id = _registration_id(page, cdp, world.base)

    def push(payload: dict) -> None:
        # As the browser does on a message from its push service: a push event in the worker.
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": world.base, "registrationId": registration_id,
            "data": json.dumps(payload, ensure_ascii=False)})

    message = {"title": "พรุ่งนี้ธนาคารขยะรับซื้อ", "body": "ธนาคารขยะบ้านเวียงยอง",
               "url": "/passbook?reminder=bank", "topic": "buying_day_tomorrow", "lang": "th"}
    push({**message, "body": "ข้อความเก่า"})
    page.wait_for_function(f"async () => (await ({NOTIFICATIONS})()).length === 1")
    # The same topic again replaces the one still showing (its tag), never stacks a second.
    push(message)
    page.wait_for_function(
        f"async () => (await ({NOTIFICATIONS})()).map((n) => n.body).join() === "
        f"{json.dumps(message['body'], ensure_ascii=False)}")
    [shown] = page.evaluate(NOTIFICATIONS)
    assert shown["title"] == message["title"]
    assert shown["tag"] == "buying_day_tomorrow"
    assert shown["data"] == {"url": "/passbook?reminder=bank"}
    assert shown["lang"] == "th"
    assert shown["icon"] == f"{world.base}/icons/icon-192.png"
    assert shown["badge"] == f"{world.base}/icons/badge-96.png"
    assert page.url == f"{world.base}/"

    worker = next(w for w in context.service_workers if w.url == f"{world.base}/sw.js")
    assert worker.evaluate(CLICK, "buying_day_tomorrow") == message["title"]
    # The open window is taken to the message's screen: the resident's passbook.
    page.wait_for_url(f"{world.base}/passbook?reminder=bank")
    page.wait_for_selector("[data-testid=passbook]")
    assert page.evaluate(NOTIFICATIONS) == []  # opened, so closed


def _subscriptions(app, token: dict[str, str]) -> list[dict]:
    response = app.test_client().get("/api/v1/push/subscriptions", headers=token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_resident_turns_reminders_on_in_settings_and_the_server_reaches_the_phone(
        app, context, world):
    service = PushService()
    subscription = service.subscription
    client = app.test_client()
    login = client.post("/api/v1/auth/login", json={"login": RESIDENT, "password": PASSWORD,
                                                    "device_id": "e2e-push"})
    token = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    try:
        context.grant_permissions(["notifications"], origin=world.base)
        context.add_init_script(FAKE_PUSH % json.dumps(subscription))
        page = context.new_page()
        sign_in(page, world.base, RESIDENT)
        page.click("a[href='/settings']")
        section = page.locator("[data-testid=reminders]")
        section.locator("[data-testid=reminders-state][data-on=no]").wait_for()
        assert section.locator("h2").inner_text().strip() == "การแจ้งเตือน"
        # A resident is offered all four, each ticked until they choose otherwise.
        for topic in ("collection_tomorrow", "buying_day_tomorrow", "not_logged",
                      "report_closed"):
            assert section.locator(f"[data-testid=reminder-{topic}]").is_checked()
        section.locator("[data-testid=reminder-buying_day_tomorrow]").uncheck()
        section.locator("input[name=not_logged_days]").fill("2")
        assert "ไม่ได้บันทึกมา 2 วัน" in section.inner_text()
        section.locator("input[name=quiet_from]").fill("22:00")
        section.locator("[data-testid=reminders-save]").click()
        section.locator("[data-testid=reminders-state][data-on=yes]").wait_for()
        assert section.locator("[data-testid=reminders-outcome]").inner_text() == \
            "บันทึกการแจ้งเตือนแล้ว"
        assert section.locator("[data-testid=reminders-save]").inner_text().strip() == \
            "บันทึกการแจ้งเตือน"
        _shoot_section(page, section, "resident-reminders")

        # The server keeps what was chosen, in the app's language, for the resident's village.
        [mine] = [s for s in _subscriptions(app, token)
                  if s["endpoint_host"] == urlsplit(service.origin).netloc]
        assert mine["topics"] == ["collection_tomorrow", "not_logged", "report_closed"]
        assert mine["not_logged_days"] == 2
        assert (mine["quiet_from"], mine["quiet_until"]) == ("22:00", "07:00")
        assert mine["lang"] == "th"
        assert mine["village_code"] == VILLAGE
        # Settings opened again find this phone's reminders on.
        page.reload()
        section.locator("[data-testid=reminders-state][data-on=yes]").wait_for()
        assert not section.locator("[data-testid=reminder-buying_day_tomorrow]").is_checked()

        # The queue's sending, run here on the test database: weeks from now, at ten in the
        # morning, the household has not logged for more than two days.
        later = dt.datetime.combine(bangkok_today() + dt.timedelta(days=40), dt.time(10),
                                    tzinfo=BANGKOK)
        with app.app_context():
            counts = send_due(later)
            db.session.remove()
        assert not service.refused, service.refused
        to_phone = [m["payload"] for m in service.received
                    if m["path"] == urlsplit(subscription["endpoint"]).path]
        assert {"title": "ไม่ได้บันทึกการคัดแยกขยะมา 2 วันแล้ว",
                "body": "บันทึกวันนี้ได้เลย ใช้เวลาไม่ถึงนาที", "url": "/?reminder=log",
                "topic": "not_logged", "lang": "th"} in to_phone, (counts, to_phone)

        # Every topic off: the server forgets the subscription and the browser drops it.
        for topic in ("collection_tomorrow", "not_logged", "report_closed"):
            section.locator(f"[data-testid=reminder-{topic}]").uncheck()
        section.locator("[data-testid=reminders-save]").click()
        section.locator("[data-testid=reminders-state][data-on=no]").wait_for()
        assert section.locator("[data-testid=reminders-outcome]").inner_text() == \
            "ปิดการแจ้งเตือนในเครื่องนี้แล้ว"
        assert all(s["id"] != mine["id"] for s in _subscriptions(app, token))
        assert page.evaluate("localStorage.getItem('e2e-fake-push')") is None
    finally:
        service.close()
        with app.app_context():
            db.session.execute(text("delete from push_subscriptions where endpoint like :host"),
                               {"host": f"{service.origin}/%"})
            db.session.commit()
            db.session.remove()


def _shoot_section(page, section, name: str) -> None:
    """Save the section as the phone draws it, for the README too.

    Taller than the screen, it is taken on a screen as wide and taller: on the phone's own, the
    sticky top bar and the bottom navigation would cover part of it.
    """
    page.evaluate("document.querySelector('.toast-region')?.replaceChildren()")
    page.set_viewport_size({"width": PHONE["width"], "height": 2400})
    try:
        page.evaluate("window.scrollTo(0, 0)")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        section.screenshot(path=str(path))
    finally:
        page.set_viewport_size(PHONE)
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (README_SCREENSHOTS / f"{name}.png").write_bytes(path.read_bytes())
