"""Waste banks in a real browser, in Thai, with another LGO's bank in the database as there is
in any real province: a volunteer weighs deposits on a phone (online, and offline for a
household never opened online) and they land in the resident's passbook; LGO staff at a desk
see only their own banks, members by name and house, the next buying day and a passbook PDF."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import text

from khaya.extensions import db
from tests.e2e._browser import (
    BUSY_MACHINE_MS,
    PASSWORD,
    PHONE,
    RESIDENT,
    VILLAGE,
    VOLUNTEER,
    bangkok_today,
    delete_households,
    desk_context,
    shoot,
    sign_in,
    sign_in_office,
)
from tests.pdfs import pdf_text

pytestmark = pytest.mark.e2e

# Every row a phone keeps, to wait until the sign-in prefetch has stored the accounts.
STORED_KEYS = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('khaya'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const keys = await new Promise((ok) => {
    const r = db.transaction('cache').objectStore('cache').getAllKeys();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return keys;
}"""

# A predicate polled by wait_for_function: each poll starts a read of the keys and answers
# from the previous one (the store can only be read asynchronously).
KEPT = f"""(path) => {{
  ({STORED_KEYS})().then((keys) => {{ window.khayaTestKeys = keys; }});
  return (window.khayaTestKeys || []).some((key) => key.endsWith(':' + path));
}}"""


@dataclass
class Banks:
    town: int  # a second bank of the town, with a weekly buying day and one named member
    town_name: str
    nga: int  # Mueang Nga's: outside every town account's reach
    nga_name: str
    member_household: dict
    member_id: int


def _api(client, method: str, path: str, headers: dict, **body) -> dict:
    response = client.open(f"/api/v1/{path}", method=method, headers=headers, json=body or None)
    assert response.status_code in (200, 201), (path, response.get_json())
    return response.get_json()


def _headers(client, login: str) -> dict[str, str]:
    token = _api(client, "POST", "auth/login", {}, login=login, password=PASSWORD,
                 device_id="e2e-banks")
    return {"Authorization": f"Bearer {token['access_token']}"}


@pytest.fixture(scope="module")
def banks(app: Flask, world) -> Iterator[Banks]:
    client = app.test_client()
    town, nga = _headers(client, "town.staff"), _headers(client, "nga.staff")
    suffix = secrets.token_hex(2)
    since = (bangkok_today() - dt.timedelta(days=30)).isoformat()
    made: list[int] = []
    households: list[int] = []
    try:
        other = _api(client, "POST", "waste-banks", nga, name_th=f"ธนาคารขยะเหมืองง่า {suffix}")
        made.append(other["id"])
        _api(client, "POST", f"waste-banks/{other['id']}/prices", nga, material="pet",
             price_per_kg="7.00", valid_from=since)
        saturday = {"weekly": [{"day": 5, "opens": "08:00", "closes": "11:00"}], "dates": []}
        bank = _api(client, "POST", "waste-banks", town, name_th=f"ธนาคารขยะวัดทดสอบ {suffix}",
                    host="วัดทดสอบ", buying_schedule=saturday)
        made.append(bank["id"])
        _api(client, "POST", f"waste-banks/{bank['id']}/prices", town, material="paper",
             price_per_kg="3.00", valid_from=since)
        household = _api(client, "POST", "households", town, village_code=VILLAGE,
                         house_number=f"55/{suffix}", head_name="นายสมหมาย ทดลองดี",
                         phone="0891234567", registered_on=since,
                         point={"type": "Point", "coordinates": [world.lon, world.lat]})
        households.append(household["id"])
        member = _api(client, "POST", f"waste-banks/{bank['id']}/members", town,
                      household_id=household["id"])
        _api(client, "POST", f"waste-banks/{bank['id']}/deposits", town, member_id=member["id"],
             deposit_date=bangkok_today().isoformat(), lines=[{"material": "paper", "kg": "4"}])
        yield Banks(bank["id"], bank["name_th"], other["id"], other["name_th"], household,
                    member["id"])
    finally:
        delete_households(app, households)
        with app.app_context():
            db.session.execute(text("delete from waste_bank_prices where bank_id = any(:ids)"),
                               {"ids": made})
            db.session.execute(text("delete from waste_banks where id = any(:ids)"), {"ids": made})
            db.session.commit()
            db.session.remove()


def _deposits(app: Flask, household_id: int) -> list[tuple[str, float]]:
    with app.app_context():
        rows = db.session.execute(text(
            "select e.client_id::text, e.amount from ledger_entries e"
            " where e.household_id = :id and e.kind = 'deposit' order by e.id"),
            {"id": household_id}).all()
        db.session.remove()
    return [(str(r[0]), float(r[1])) for r in rows]


def test_a_volunteer_weighs_deposits_offline_and_online_and_they_reach_the_passbook(
    app, browser, context, world, banks
):
    household = world.resident_household
    before = _deposits(app, household["id"])
    page = context.new_page()
    sign_in(page, world.base, VOLUNTEER)
    # The phone keeps the accounts of the volunteer's villages from its sign-in.
    page.wait_for_function(KEPT, arg="me/memberships")
    page.wait_for_selector("[data-testid=household-row]")

    # Offline, at a house the phone never opened: the form comes from what it stored.
    context.set_offline(True)
    page.goto(f"{world.base}/households/{household['id']}")
    page.click(f"a[href='/households/{household['id']}/deposit']")
    page.wait_for_selector("input[name=kg_pet]")
    assert page.locator("input[name=kg_aluminium]").count() == 1
    page.fill("input[name=kg_pet]", "2.5")
    page.fill("input[name=kg_aluminium]", "0.5")
    shoot(page, "volunteer-deposit-offline")
    page.click(".deposit-form button[type=submit]")
    page.wait_for_selector("[data-testid=outbox-item][data-kind=deposit][data-status=waiting]")
    assert _deposits(app, household["id"]) == before
    context.set_offline(False)
    page.wait_for_selector("[data-testid=outbox-item][data-kind=deposit][data-status=sent]")
    offline = _deposits(app, household["id"])
    assert len(offline) == len(before) + 1
    assert offline[-1][1] == 2.5 * 8.5 + 0.5 * 40  # priced by the server at that day's prices

    # Online: the household's accounts in one request, the deposit sent at once.
    page.click(f"a[href='/households/{household['id']}/deposit']")
    page.wait_for_selector("[data-testid=deposit-bank]")
    page.fill("input[name=kg_paper]", "6")
    shoot(page, "volunteer-deposit")
    page.click(".deposit-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelectorAll("
        "'[data-testid=outbox-item][data-kind=deposit][data-status=sent]').length === 2")
    after = _deposits(app, household["id"])
    assert len(after) == len(before) + 2
    assert after[-1][1] == 18.0

    # The resident opens the passbook on their own phone: both deposits, the balance to match.
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="th-TH",
                              timezone_id="Asia/Bangkok", service_workers="allow")
    ctx.set_default_timeout(BUSY_MACHINE_MS)
    try:
        resident = ctx.new_page()
        sign_in(resident, world.base, RESIDENT)
        resident.click(".bottom-nav a[href='/passbook']")
        resident.wait_for_selector("[data-testid=passbook-entries]")
        book = resident.locator("[data-testid=passbook]")
        assert book.count() == 1
        assert book.locator("[data-kind=deposit]").count() == len(after)
        assert book.locator("[data-testid=balance]").inner_text() == (
            f"{sum(amount for _, amount in after):,.2f} บาท")
        assert "ขวดพลาสติกใส (PET) 2.50 กก." in book.inner_text()
        assert resident.locator(".banner-error").count() == 0
        shoot(resident, "resident-passbook-deposits")
    finally:
        ctx.close()


def test_lgo_staff_see_their_banks_members_by_name_and_the_next_buying_day(
    browser, world, banks
):
    ctx = desk_context(browser)
    try:
        page = ctx.new_page()
        sign_in_office(page, world.base, "town.staff")
        page.click(".office-nav a[href='/office/banks']")
        page.wait_for_selector("[data-testid=banks-table]")
        listed = page.inner_text("[data-testid=banks-table]")
        assert banks.town_name in listed
        assert banks.nga_name not in listed
        today = bangkok_today()
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
        row = page.locator("[data-testid=bank-row]", has_text=banks.town_name)
        assert str(saturday.year + 543) in row.locator("[data-testid=next-buying-day]").inner_text()
        shoot(page, "office-lgo-banks")

        row.locator("a").click()
        page.wait_for_selector("[data-testid=member-row]")
        member = page.locator("[data-testid=member-row]", has_text="นายสมหมาย ทดลองดี")
        assert banks.member_household["house_number"] in member.inner_text()
        assert "08x-xxx-x567" in member.inner_text()
        assert "0891234567" not in page.content()
        assert str(saturday.year + 543) in page.inner_text("[data-testid=next-buying-day]")
        page.wait_for_selector("[data-testid=ledger-table] td:has-text('ฝากขยะ')")
        shoot(page, "office-lgo-bank-members")

        with page.expect_download() as download:
            member.locator("button").click()
        pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
        words = pdf_text(pdf.stream.getvalue())
        for expected in ("นายสมหมาย ทดลองดี", "บ้านเลขที่ " + banks.member_household["house_number"],
                         "12.00 บาท"):
            assert expected in words, (expected, words)

        # Another LGO's bank by its address: said so, and no form to change it.
        page.goto(f"{world.base}/office/banks/{banks.nga}")
        page.wait_for_selector("[data-testid=bank-not-ours]")
        assert page.locator("[data-testid=prices-table], .buying-days, form").count() == 0
        shoot(page, "office-lgo-bank-not-ours")
    finally:
        ctx.close()
