"""Helpers and settings the browser tests share."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import text

from khaya.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "lamphun-demo"
RESIDENT = "081-000-0011"
VOLUNTEER = "081-000-0001"
VILLAGE = "51010101"
PHONE = {"width": 360, "height": 740}
# How long a browser step may wait for the page by default. A quiet machine needs well under a
# second; with two test runs sharing 2 cores a screen once took more than 15 s to show its
# button, so the waits allow a minute (a step that never comes still fails).
BUSY_MACHINE_MS = 60_000
DESK = {"width": 1440, "height": 900}
# The base-map tile server, unreachable in tests (as offline): the app's own layers must do.
NO_TILES = "https://*.tile.openstreetmap.org/**"
# Written on every run, so kept out of git (var/ is ignored); KHAYA_SCREENSHOTS moves them.
SCREENSHOTS = Path(os.environ.get("KHAYA_SCREENSHOTS", ROOT / "var" / "screenshots"))
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
# Serious and critical axe-core findings on the page as it is now.
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}"""


def bangkok_today() -> dt.date:
    """Return the Thai calendar day, the one the server calls "today"."""
    return dt.datetime.now(ZoneInfo("Asia/Bangkok")).date()


def count_rows(app: Flask, table: str, household_id: int) -> int:
    """Count a household's rows in a participation table, straight from the database."""
    with app.app_context():
        n = db.session.execute(text(f"select count(*) from {table} where household_id = :id"),
                               {"id": household_id}).scalar_one()
        db.session.remove()
    return int(n)


def household_row(app: Flask, household_id: int) -> dict:
    with app.app_context():
        row = db.session.execute(text("select * from households where id = :id"),
                                 {"id": household_id}).mappings().one()
        db.session.remove()
    return dict(row)


def sign_in(page, base: str, login: str) -> None:
    """Open the app, sign in, and wait until the service worker controls the page."""
    page.goto(base + "/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector(".bottom-nav")
    # The worker takes control once it has precached the app: on a busy 2-core machine (two
    # test runs at once) that took longer than 20 s, so the wait allows far more than a quiet
    # machine needs (a second or two) and still fails a worker that never takes control.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=120_000)


# The README's pictures: the tests that take them write them here on every run, so they show
# the screens as they are (commit them when they change).
README_SCREENSHOTS = ROOT / "docs" / "screenshots"


def shoot(page, name: str, *, readme: bool = False) -> Path:
    """Save a screenshot of what the phone shows now (the viewport, as a person sees it).

    ``readme`` also writes it to docs/screenshots/, where the README shows it.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A passing toast ("saved", "ready offline") would hide what the screen itself shows.
    page.evaluate("document.querySelector('.toast-region')?.replaceChildren()")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if readme:
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (README_SCREENSHOTS / f"{name}.png").write_bytes(path.read_bytes())
    return path


def desk_context(browser, **options):
    """Return a fresh browser profile at an office PC's size, in Thai and Thailand's time."""
    ctx = browser.new_context(viewport=DESK, device_scale_factor=1, locale="th-TH",
                              timezone_id="Asia/Bangkok", accept_downloads=True, **options)
    ctx.set_default_timeout(BUSY_MACHINE_MS)
    return ctx


def sign_in_office(page, base: str, login: str) -> None:
    """Sign in at a desk: office users land in the office, not the field screens."""
    page.goto(base + "/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_selector(".office-nav")


def delete_households(app: Flask, ids: list[int]) -> None:
    """Delete households and every row that points at them (the audit trail stays)."""
    if not ids:
        return
    with app.app_context():
        # The ledger refuses DELETE by design; the tests' own entries go with its triggers off
        # inside this one transaction (ALTER TABLE locks the table, so no other session ever
        # sees it unguarded). Entries before members: they point at them.
        entries = "select id from ledger_entries where household_id = any(:ids)"
        for table, where in (("ledger_lines", f"entry_id in ({entries})"),
                             ("ledger_entries", "household_id = any(:ids)")):
            db.session.execute(text(f"alter table {table} disable trigger user"))
            db.session.execute(text(f"delete from {table} where {where}"), {"ids": ids})
            db.session.execute(text(f"alter table {table} enable trigger user"))
        # Every table that points at a household, as the schema says today.
        referencing = db.session.execute(text("""
            select conrelid::regclass::text, a.attname
            from pg_constraint c join pg_attribute a
              on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
            where c.contype = 'f' and c.confrelid = 'households'::regclass
        """)).all()
        # Photos last: logs and inspections of the household point at them.
        for table, column in sorted(referencing, key=lambda row: row[0] == "photos"):
            if table == "role_grants":
                db.session.execute(text(f"update role_grants set {column} = null "
                                        f"where {column} = any(:ids)"), {"ids": ids})
            elif table != "audit_events":
                db.session.execute(text(f"delete from {table} where {column} = any(:ids)"),
                                   {"ids": ids})
        db.session.execute(text("delete from households where id = any(:ids)"), {"ids": ids})
        db.session.commit()
        db.session.remove()
