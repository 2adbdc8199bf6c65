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
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=20_000)


def shoot(page, name: str) -> Path:
    """Save a screenshot of what the phone shows now (the viewport, as a person sees it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A passing toast ("saved", "ready offline") would hide what the screen itself shows.
    page.evaluate("document.querySelector('.toast-region')?.replaceChildren()")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
