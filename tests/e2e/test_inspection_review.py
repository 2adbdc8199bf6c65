"""A pass recorded 7 km from the house: the volunteer is told it waits (360 x 740, Thai), and
LGO staff accept it in the review queue (1440 x 900, Thai), after which the household is verified.

Each test registers its own household in town community 1 (removed with the others the
``world`` fixture made), so no other browser test sees its inspections.
"""

from __future__ import annotations

import io
import secrets
import uuid

import pytest
from flask import Flask
from PIL import Image, ImageDraw
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    PASSWORD,
    VILLAGE,
    VOLUNTEER,
    bangkok_today,
    desk_context,
    household_row,
    shoot,
    sign_in,
    sign_in_office,
)

pytestmark = pytest.mark.e2e

FIVE_POINTS = ("registered", "bin_built", "food_waste_in_bin", "lid_closed", "used_correctly")
# About 7 km north of the house: one-sixteenth of a degree of latitude.
NORTH = 0.063
# The app retries a failed sync with a growing back-off; going online replays at once, but a
# loaded machine may be slow to answer, so the tests wait on the item's state, generously.
SYNCED = 90_000


def _token(app: Flask, login: str) -> dict[str, str]:
    response = app.test_client().post("/api/v1/auth/login", json={
        "login": login, "password": PASSWORD, "device_id": "e2e-review"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _rows(app: Flask, sql: str, **params) -> list[dict]:
    with app.app_context():
        rows = [dict(r) for r in db.session.execute(text(sql), params).mappings()]
        db.session.remove()
    return rows


@pytest.fixture
def new_household(app, world):
    """Return ``new_household(wet_bin) -> dict``: a household at the village point."""
    def make(wet_bin: str) -> dict:
        response = app.test_client().post("/api/v1/households", headers=_token(app, "town.staff"),
                                          json={
            "village_code": VILLAGE, "house_number": f"55/{secrets.token_hex(2)}", "members": 5,
            "head_name": "นายตรวจสอบ ห่างไกล", "wet_bin": wet_bin, "registered_on": "2025-01-10",
            "point": {"type": "Point", "coordinates": [world.lon, world.lat]}})
        assert response.status_code == 201, response.get_json()
        household = response.get_json()
        world.household_ids.append(household["id"])
        return household
    return make


def test_the_volunteer_sees_a_far_pass_wait_for_the_office_even_when_sent_later(
    app, context, world, new_household
):
    household = new_household("has_bin")
    context.set_geolocation({"latitude": world.lat + NORTH, "longitude": world.lon,
                             "accuracy": 9})
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    page.goto(f"{world.base}/households/{household['id']}")
    page.wait_for_selector("[data-testid=verified-state][data-verified=no]")

    context.set_offline(True)
    page.click(f"a[href='/households/{household['id']}/inspect']")
    for point in FIVE_POINTS:
        page.click(f"fieldset[data-point={point}] label:has(input[value=yes])")
    # The register's arrangement is the likely answer.
    assert page.is_checked("[data-testid=arrangement] input[value=has_bin]")
    page.wait_for_selector("[data-testid=gps].gps-ok")
    warning = page.wait_for_selector("[data-testid=gps-warning][data-flag=far]")
    assert "ยังไม่นับ" in warning.inner_text()
    warning.scroll_into_view_if_needed()
    shoot(page, "volunteer-inspection-far")
    page.click("[data-testid=save-inspection]")

    outcome = "[data-testid=inspection-outcome]"
    page.wait_for_selector(f"{outcome}[data-status=waiting][data-source=phone][data-flag=far]")
    assert "กม." in page.inner_text("[data-testid=outcome-flag]")
    shoot(page, "volunteer-inspection-far-offline")

    context.set_offline(False)
    page.wait_for_selector(
        f"{outcome}[data-status=sent][data-source=server][data-flag=far][data-counted=false]",
        timeout=SYNCED)
    assert "ผลผ่านยังไม่นับ" in page.inner_text(outcome)
    assert page.inner_text("[data-testid=outcome-verdict]") == "รอเจ้าหน้าที่ตรวจสอบ"
    shoot(page, "volunteer-inspection-far-sent")

    (stored,) = _rows(app, "select location_flag, passed, counted, review, wet_bin "
                           "from inspections where household_id = :id", id=household["id"])
    assert stored == {"location_flag": "far", "passed": True, "counted": False, "review": None,
                      "wet_bin": "has_bin"}
    assert household_row(app, household["id"])["verified_on"] is None

    page.click("[data-testid=outcome-back]")
    page.wait_for_selector("[data-testid=verified-state][data-verified=no]")
    page.wait_for_selector("[data-testid=flag][data-flag=far][data-review=pending]")
    page.wait_for_selector("[data-testid=verified-waits]")
    shoot(page, "volunteer-household-far-waits")


def _photo() -> bytes:
    image = Image.new("RGB", (320, 240), (222, 231, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((110, 90, 210, 200), fill=(58, 110, 52))  # a bin in a yard
    draw.ellipse((100, 70, 220, 110), fill=(40, 80, 38))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _far_pass(app: Flask, world, household: dict) -> int:
    """Record, as the volunteer's phone would, a pass 7 km from the house with a photo."""
    client = app.test_client()
    volunteer = _token(app, VOLUNTEER)
    photo_id = str(uuid.uuid4())
    uploaded = client.post("/api/v1/photos", headers=volunteer, data={
        "id": photo_id, "household_id": str(household["id"]),
        "file": (io.BytesIO(_photo()), "bin.png")}, content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    answer = client.post("/api/v1/sync", headers=volunteer, json={
        "device_id": "e2e-review", "items": [{
            "kind": "inspection", "client_id": str(uuid.uuid4()), "data": {
                "household_id": household["id"], "inspected_on": bangkok_today().isoformat(),
                **dict.fromkeys(FIVE_POINTS, True), "wet_bin": "has_bin",
                "photo_id": photo_id, "gps_accuracy_m": 12.0,
                "point": {"type": "Point", "coordinates": [world.lon, world.lat + NORTH]}}}]})
    assert answer.status_code == 200
    (result,) = answer.get_json()["results"]
    assert result["notice"]["review"] == "pending", result
    return result["id"]


def test_lgo_staff_accept_a_far_pass_in_the_queue_and_the_household_is_verified(
    app, browser, world, new_household
):
    household = new_household("none")
    inspection = _far_pass(app, world, household)
    desk = desk_context(browser, bypass_csp=True)
    page = desk.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_office(page, world.base, "town.staff")

    # The household's own page shows the flag and that nothing counts yet.
    page.goto(f"{world.base}/office/households/{household['id']}")
    page.wait_for_selector("[data-testid=household-inspection][data-flag=far][data-review=pending]")
    assert page.inner_text("[data-testid=office-verified]") == "–"
    shoot(page, "office-household-inspection-flagged")

    page.click(".office-nav a[href='/office/inspections']")
    row = f"[data-testid=review-row][data-row='{inspection}']"
    page.wait_for_selector(f"{row} img")
    text_ = page.inner_text(row)
    assert household["house_number"] in text_
    assert "ห่างจากบ้าน 7.0 กม." in text_
    assert "±12 ม." in text_
    volunteer = _rows(app, "select display_name from users where phone = '+66810000001'")[0]
    assert volunteer["display_name"] in text_
    page.wait_for_function("() => document.querySelectorAll('main .spinner').length === 0")
    shoot(page, "office-inspection-review")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []

    # A decision needs a reason.
    page.click(f"{row} [data-testid=review-accept]")
    page.wait_for_selector(f"{row} [role=alert]")
    page.fill(f"{row} [data-testid=review-reason]", "พิกัดบ้านในทะเบียนไม่ถูกต้อง")
    page.click(f"{row} [data-testid=review-accept]")
    page.wait_for_selector(row, state="detached")

    checked = household_row(app, household["id"])
    assert checked["verified_on"] == bangkok_today()
    assert checked["wet_bin"] == "has_bin"
    (event,) = _rows(app, "select actor_role, details from audit_events where entity = "
                          "'household' and entity_id = :id and details ? 'review'",
                     id=str(household["id"]))
    assert event["actor_role"] == "lgo_staff"
    assert event["details"]["reason"] == "พิกัดบ้านในทะเบียนไม่ถูกต้อง"

    page.click("[data-testid=review-states] button[data-state=accepted]")
    page.wait_for_selector(f"{row} [data-testid=review-decided][data-review=accepted]")
    page.goto(f"{world.base}/office/households/{household['id']}")
    page.wait_for_selector("[data-testid=household-inspection][data-review=accepted]")
    assert page.inner_text("[data-testid=office-verified]") != "–"
    shoot(page, "office-household-inspection-accepted")
    assert errors == []
    desk.close()
