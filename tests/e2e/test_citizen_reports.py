"""Citizen reports in a real browser: a resident reports open burning from the phone with no
signal, the report waits in the outbox, goes once when the signal returns, and the phone then
shows where it stands; at the desk the LGO's staff find it in their queue and close it with a
note, which the resident reads on the phone."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import (
    DESK,
    RESIDENT,
    desk_context,
    shoot,
    sign_in,
    sign_in_office,
)

pytestmark = pytest.mark.e2e

DESCRIPTION = "มีคนเผาขยะข้างทางหลังวัด ควันเยอะ"
# The browser's position (tests/e2e/conftest.py): longitude, latitude.
GPS = (99.0087, 18.5745)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (90, 140, 60)).save(out, format="JPEG")
    return out.getvalue()


def _reports_of(app: Flask, user_id: int) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.execute(text(
            "select id, type::text, status::text from reports where recorded_by_id = :u "
            "and description = :d order by id"), {"u": user_id, "d": DESCRIPTION}).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def _delete_reports(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        db.session.execute(text("delete from reports where id = any(:ids)"), {"ids": ids})
        db.session.commit()
        db.session.remove()


def test_a_resident_reports_offline_and_the_desk_closes_it(app, browser, context, world):
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    page.click("[data-testid=report-link]")
    page.wait_for_selector("[data-testid=report-form]")
    page.wait_for_selector("[data-testid=report-position]")
    page.check("input[name=type][value=open_burning]")
    page.fill("textarea[name=description]", DESCRIPTION)
    shoot(page, "report-phone")

    context.set_offline(True)
    page.click("[data-testid=send-report]")
    page.wait_for_selector("[data-testid=report-row][data-status=waiting]")
    assert _reports_of(app, world.resident_user_id) == []

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # Longer than the app's own retries (15 s, then 30 s, doubling: see src/sync.ts), so an
    # attempt that fails on a busy machine is retried within the wait.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=report-row][data-status=waiting]')"
        ".length === 0", timeout=120_000)
    stored = _reports_of(app, world.resident_user_id)
    try:
        assert [(kind, status) for _, kind, status in stored] == [("open_burning", "open")]
        report_id = stored[0][0]
        page.reload()
        page.wait_for_selector("[data-testid=report-row][data-status=open]")

        # At the desk: the town's staff find it in the queue and close it with a note.
        with desk_context(browser) as desk:
            office = desk.new_page()
            office.set_viewport_size(DESK)
            sign_in_office(office, world.base, "town.staff")
            office.goto(world.base + "/office/reports")
            row = office.locator(f"[data-testid=queue-row][data-id='{report_id}']")
            row.wait_for()
            assert DESCRIPTION in row.inner_text()
            row.click()
            office.wait_for_selector("[data-testid=report-detail]")
            shoot(office, "report-desk")
            # Assigned to the first of the LGO's staff in the list, then closed with a note and
            # a photo of the place afterwards.
            office.wait_for_selector("select[name=assigned_to] option:nth-child(2)",
                                     state="attached")
            office.select_option("select[name=assigned_to]", index=1)
            office.wait_for_function(
                "() => document.querySelector('select[name=assigned_to]').value !== ''")
            office.wait_for_selector("select[name=assigned_to]:not([disabled])")
            office.select_option("select[name=status]", "closed")
            office.fill("textarea[name=note]", "ดับไฟและเก็บกวาดแล้ว")
            office.set_input_files("[data-testid=report-detail] input[type=file]", files=[{
                "name": "after.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
            office.wait_for_selector("[data-testid=report-detail] .photo-preview img")
            office.click("[data-testid=report-save]")
            # Done reports leave the default list (not done); the filter shows them.
            office.wait_for_selector(f"[data-testid=queue-row][data-id='{report_id}']",
                                     state="detached")
            office.select_option("[data-testid=queue-status]", "closed")
            office.wait_for_selector(
                f"[data-testid=queue-row][data-id='{report_id}'][data-status=closed]")
        assert _reports_of(app, world.resident_user_id)[0][2] == "closed"
        with app.app_context():
            assigned, stages = db.session.execute(text(
                "select r.assigned_to_id, array(select stage from report_photos p "
                "where p.report_id = r.id) from reports r where r.id = :id"),
                {"id": report_id}).one()
            db.session.remove()
        assert assigned is not None
        assert stages == ["after"]

        page.goto(world.base + "/reports")
        closed = page.locator("[data-testid=report-row][data-status=closed]")
        closed.wait_for()
        assert "ดับไฟและเก็บกวาดแล้ว" in closed.inner_text()
        shoot(page, "report-phone-closed")
    finally:
        _delete_reports(app, [r[0] for r in _reports_of(app, world.resident_user_id)])


def test_anyone_reports_from_the_sign_in_page_and_follows_it(app, context, world):
    page = context.new_page()
    page.goto(world.base + "/")
    page.click("[data-testid=public-report-link]")
    page.wait_for_selector("[data-testid=public-report-form]")
    page.wait_for_selector("[data-testid=report-position]")
    page.check("input[name=type][value=missed_collection]")
    page.fill("textarea[name=description]", DESCRIPTION)
    page.fill("input[name=contact_phone]", "081-234-5678")
    page.click("[data-testid=send-public-report]")
    page.click("[data-testid=track-link]")
    page.wait_for_selector("[data-testid=tracked-report][data-status=open]")
    shoot(page, "report-public-tracked")
    with app.app_context():
        rows = db.session.execute(text(
            "select id, source::text, contact_phone, recorded_by_id from reports "
            "where description = :d and type = 'missed_collection'"),
            {"d": DESCRIPTION}).all()
        db.session.remove()
    try:
        assert [(source, phone, who) for _, source, phone, who in rows] == [
            ("web", "+66812345678", None)]
    finally:
        _delete_reports(app, [r[0] for r in rows])


def test_the_place_can_be_chosen_on_a_map(app, context, world):
    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    page.goto(world.base + "/report")
    page.wait_for_selector("[data-testid=report-position]")
    page.click("[data-testid=report-map-open]")
    page.wait_for_selector("[data-testid=report-map] .leaflet-container, "
                           "[data-testid=report-map].leaflet-container")
    # A tap away from the GPS fix at the map's centre puts the pin there.
    page.locator("[data-testid=report-map]").click(position={"x": 60, "y": 60})
    page.wait_for_selector("[data-testid=report-picked]")
    shoot(page, "report-phone-map")
    page.check("input[name=type][value=collection_point]")
    page.fill("textarea[name=description]", DESCRIPTION)
    page.click("[data-testid=send-report]")
    # Online, the outbox sends it at once; the screen may show it waiting or not at all before
    # it goes, so the test watches the database (as long as the phone's own retries take).
    rows: list = []
    for _ in range(120):
        with app.app_context():
            rows = db.session.execute(text(
                "select id, located_by::text, accuracy_m, st_x(point), st_y(point) from reports "
                "where description = :d and type = 'collection_point'"),
                {"d": DESCRIPTION}).all()
            db.session.remove()
        if rows:
            break
        page.wait_for_timeout(500)
    try:
        [(_, located_by, accuracy, lon, lat)] = rows
        assert (located_by, accuracy) == ("map", None)
        # North-west of the GPS fix (the map's centre), where the tap was.
        assert lon < GPS[0]
        assert lat > GPS[1]
    finally:
        _delete_reports(app, [r[0] for r in rows])


def test_the_lgo_admin_sets_who_may_report_and_registers_an_app(app, browser, world):
    with desk_context(browser) as desk:
        office = desk.new_page()
        office.set_viewport_size(DESK)
        sign_in_office(office, world.base, "town.admin")
        office.goto(world.base + "/office/reports")
        office.click("[data-testid=report-settings] summary")
        office.locator("input[name=public_reports]").wait_for()
        try:
            office.uncheck("input[name=public_reports]")
            office.click("[data-testid=report-settings-save]")
            office.wait_for_function(
                "() => !document.querySelector('input[name=public_reports]').checked")
            office.fill("input[name=app_name]", "แอปรายงานของเทศบาล")
            office.click("[data-testid=report-app-register]")
            key = office.locator("[data-testid=report-app-key]").inner_text()
            office.wait_for_selector("[data-testid=report-app]")
            shoot(office, "report-desk-settings")
            with app.app_context():
                public, apps = db.session.execute(text(
                    "select s.public_reports, (select count(*) from report_apps a "
                    "where a.lgo_id = s.lgo_id and a.name = 'แอปรายงานของเทศบาล') "
                    "from report_settings s join lgos l on l.id = s.lgo_id "
                    "where l.code = 'lamphun-town-municipality'")).one()
                db.session.remove()
            assert (public, apps) == (False, 1)
            assert len(key.rsplit(" ", 1)[-1]) >= 30
        finally:
            with app.app_context():
                db.session.execute(text(
                    "delete from report_apps where name = 'แอปรายงานของเทศบาล'"))
                db.session.execute(text("delete from report_settings"))
                db.session.commit()
                db.session.remove()
