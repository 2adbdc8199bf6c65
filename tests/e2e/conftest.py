"""Browser tests: the built PWA served by the real app in a thread, driven by Debian's Chromium.

The per-test rollback fixtures cannot reach a server thread, so these tests commit to the
session's database and delete what they made; they run after every other test so no rolled-back
test ever sees their rows.
"""

from __future__ import annotations

import datetime as dt
import secrets
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import WSGIRequestHandler, make_server

from khaya.extensions import db
from tests.e2e._browser import (
    BUSY_MACHINE_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    PHONE,
    RESIDENT,
    ROOT,
    VILLAGE,
    bangkok_today,
    delete_households,
)


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: they commit rows that rolled-back tests must never see."""
    e2e = [item for item in items if item.get_closest_marker("e2e")]
    items[:] = [item for item in items if not item.get_closest_marker("e2e")] + e2e


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    """Build the PWA (a no-op when nothing changed) and return its dist folder."""
    subprocess.run(["bash", str(ROOT / "scripts" / "frontend.sh")], check=True,
                   stdout=subprocess.DEVNULL)
    dist = ROOT / "frontend" / "dist"
    assert (dist / "sw.js").is_file(), "the build made no service worker"
    return dist


@pytest.fixture(scope="session")
def browser(built_frontend):
    """Return a headless Chromium (Debian's; installed by scripts/ensure_browser.sh if missing)."""
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure_browser.sh")], check=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class QuietHandler(WSGIRequestHandler):
    """Serve without a log line per request (pytest would print hundreds on a failure)."""

    def log_request(self, code="-", size="-"):
        pass


class ClosedFirst:
    """The app's answer read whole, and closed, before the development server writes it.

    Werkzeug's server calls the answer's ``close()`` only after checking the socket for unread
    data, and skips it when that check fails on a connection the browser has already dropped
    (Chromium cancels a stylesheet's request when a page moves on). A static file left open
    then surfaces as a ResourceWarning in whichever test runs when it is collected. gunicorn,
    which serves Khaya, always closes.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answer = self.app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()


@pytest.fixture(scope="session")
def live_server(app: Flask, built_frontend) -> Iterator[str]:
    """Serve the app (API and PWA) on a free loopback port in a thread; return its base URL."""
    server = make_server("127.0.0.1", 0, ClosedFirst(app), threaded=True,
                         request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def context(browser):
    """Return a fresh browser profile at a phone's size, with a GPS fix in Lamphun town."""
    ctx = browser.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        geolocation={"latitude": 18.5745, "longitude": 99.0087, "accuracy": 8},
        permissions=["geolocation"],
        service_workers="allow",
        accept_downloads=True,
    )
    ctx.set_default_timeout(BUSY_MACHINE_MS)
    yield ctx
    ctx.close()


@dataclass
class World:
    """What the tests made in the database, so it can all be removed afterwards."""

    base: str
    resident_household: dict
    volunteer_household: dict
    resident_user_id: int
    lon: float
    lat: float
    household_ids: list[int] = field(default_factory=list)
    point_ids: list[int] = field(default_factory=list)
    bank_ids: list[int] = field(default_factory=list)


def _token(client, login: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login",
                           json={"login": login, "password": PASSWORD, "device_id": "e2e-setup"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _village_point(app: Flask) -> tuple[float, float]:
    with app.app_context():
        row = db.session.execute(text(
            "select st_x(p), st_y(p) from (select coalesce(point, st_pointonsurface(geom)) p "
            "from villages where code = :code) v"), {"code": VILLAGE}).one()
        db.session.remove()
    return float(row[0]), float(row[1])


def _delete_everything(app: Flask, world: World) -> None:
    delete_households(app, world.household_ids)
    with app.app_context():
        if world.bank_ids:
            db.session.execute(text("delete from waste_bank_prices where bank_id = any(:ids)"),
                               {"ids": world.bank_ids})
            db.session.execute(text("delete from waste_banks where id = any(:ids)"),
                               {"ids": world.bank_ids})
        if world.point_ids:
            db.session.execute(text("delete from collection_points where id = any(:ids)"),
                               {"ids": world.point_ids})
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def world(app: Flask, live_server: str) -> Iterator[World]:
    """Register a household for the demo resident and one for the volunteer, with drop-off
    points and a waste bank near them; delete them all afterwards."""
    client = app.test_client()
    staff = _token(client, "town.staff")
    lon, lat = _village_point(app)
    suffix = secrets.token_hex(2)
    today = bangkok_today()

    def household(number: str, registered_on: dt.date, **extra) -> dict:
        body = {"village_code": VILLAGE, "house_number": number, "members": 4,
                "head_name": "นางทดสอบ ใจงาม", "wet_bin": "has_bin",
                "registered_on": registered_on.isoformat(),
                "point": {"type": "Point", "coordinates": [lon, lat]}, **extra}
        response = client.post("/api/v1/households", json=body, headers=staff)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    resident_token = _token(client, RESIDENT)
    me = client.get("/api/v1/me", headers=resident_token).get_json()
    world = World(base=live_server, resident_household={}, volunteer_household={},
                  resident_user_id=me["user"]["id"], lon=lon, lat=lat)
    try:
        # Registered five days ago: a log dated before that is one the server must refuse.
        world.resident_household = household(f"77/{suffix}", today - dt.timedelta(days=5))
        world.household_ids.append(world.resident_household["id"])
        linked = client.post(f"/api/v1/households/{world.resident_household['id']}/residents",
                             json={"user_id": world.resident_user_id}, headers=staff)
        assert linked.status_code == 200, linked.get_json()
        world.volunteer_household = household(f"88/{suffix}", today - dt.timedelta(days=60))
        world.household_ids.append(world.volunteer_household["id"])
        for i, (streams, kind) in enumerate([(["hazardous"], "hazardous_dropoff"),
                                            (["recyclable"], "recycling"),
                                            (["organic"], "compost")]):
            response = client.post("/api/v1/collection-points", headers=staff, json={
                "kind": kind, "name_th": f"จุดทดสอบ {i + 1} ({suffix})", "streams": streams,
                "village_code": VILLAGE,
                "point": {"type": "Point",
                          "coordinates": [lon + 0.002 * (i + 1), lat + 0.001 * (i - 1)]},
                "opening": {"weekly": [{"day": 5, "opens": "08:00", "closes": "12:00"}]},
            })
            assert response.status_code == 201, response.get_json()
            world.point_ids.append(response.get_json()["id"])
        bank = client.post("/api/v1/waste-banks", headers=staff, json={
            "name_th": f"ธนาคารขยะทดสอบ {suffix}", "village_code": VILLAGE})
        assert bank.status_code == 201, bank.get_json()
        bank_id = bank.get_json()["id"]
        world.bank_ids.append(bank_id)
        for material, price in (("pet", "8.50"), ("paper", "3.00"), ("aluminium", "40.00")):
            response = client.post(f"/api/v1/waste-banks/{bank_id}/prices", headers=staff, json={
                "material": material, "price_per_kg": price,
                "valid_from": (today - dt.timedelta(days=30)).isoformat()})
            assert response.status_code == 201, response.get_json()
        for hh in (world.resident_household, world.volunteer_household):
            response = client.post(f"/api/v1/waste-banks/{bank_id}/members", headers=staff,
                                   json={"household_id": hh["id"]})
            assert response.status_code == 201, response.get_json()
        yield world
    finally:
        _delete_everything(app, world)
