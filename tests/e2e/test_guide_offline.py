"""The sorting guide in Chromium at a phone's size, searched with no network: the resident signs
in online, the phone keeps the LGO's guide, and the search runs in the browser with the
server's rules (khaya.collection.guide_search), so it finds what the server finds, in the
same order, with the LGO's bank prices of the day.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.e2e._browser import RESIDENT, shoot, sign_in

pytestmark = pytest.mark.e2e

GUIDE = "/api/v1/guide"
ITEMS = "[data-testid=guide-item]"
# The server's search tests' queries, and the ones a person types in the shop or at the bin.
QUERIES = ["ขวด เพท", "ขวดเพ็ท", "PET bottle", "ขวดเพทใส", "ถ่านไฟฉาย", "ถ้านไฟฉาย", "หลอดนีออน",
           "battery", "Batteries", "กระป๋องสเปย์", "ยาหมดอายุ", "ทิ้งถ่านไฟฉายที่ไหน", "ฟลูออเรสเซน"]
YELLOW = "rgb(242, 194, 0)"  # --recyclable, the yellow bin
KEPT = """(path) => new Promise((done) => {
  const r = indexedDB.open('khaya');
  r.onsuccess = () => {
    const keys = r.result.transaction('cache').objectStore('cache').getAllKeys();
    keys.onsuccess = () => {
      r.result.close();
      done(keys.result.some((k) => k.endsWith(':' + path)));
    };
  };
  r.onerror = () => done(false);
})"""


def _keys(page) -> list[str]:
    cards = page.locator(ITEMS)
    return [cards.nth(i).get_attribute("data-key") for i in range(cards.count())]


def _search(page, query: str) -> None:
    page.fill("[data-testid=guide-search]", query)
    page.wait_for_function(
        "(q) => document.querySelector('[data-testid=guide-search]').value === q", arg=query)


def test_the_guide_searches_offline_as_the_server_does(app: Flask, context, world):
    client = app.test_client()
    lgo = world.resident_household["lgo_code"]
    path = f"guide?lgo={lgo}"
    served = client.get(GUIDE, query_string={"lgo": lgo}).get_json()
    pet = next(item for item in served["items"] if item["key"] == "pet_bottle")
    assert pet["price"], "the world's bank prices PET"

    page = context.new_page()
    sign_in(page, world.base, RESIDENT)
    # Kept at sign-in, without the guide ever opened online.
    for _ in range(80):
        if page.evaluate(KEPT, path):
            break
        page.wait_for_timeout(250)
    else:
        pytest.fail(f"the phone did not keep {path}")
    context.set_offline(True)
    try:
        page.click("[data-testid=guide-link]")
        page.wait_for_selector(ITEMS)
        assert page.locator("h1").inner_text() == "คู่มือแยกขยะ"
        search = page.locator("[data-testid=guide-search]")
        assert search.get_attribute("placeholder") == "ค้นหา เช่น ขวดพลาสติก ถ่านไฟฉาย"
        assert _keys(page) == [item["key"] for item in served["items"]]

        # Each query finds what the server's search finds, in its order.
        for query in QUERIES:
            _search(page, query)
            expected = [item["key"] for item in client.get(
                GUIDE, query_string={"lgo": lgo, "q": query}).get_json()["items"]]
            assert expected, query
            page.wait_for_function(
                "([s, first]) => document.querySelector(s)?.dataset.key === first",
                arg=[ITEMS, expected[0]])
            assert _keys(page) == expected, query

        _search(page, "ขวด เพท")
        first = page.locator(ITEMS).first
        assert first.get_attribute("data-key") == "pet_bottle"
        assert (first.get_attribute("data-stream"), first.get_attribute("data-colour")) == (
            "recyclable", "yellow")
        assert first.evaluate("(e) => getComputedStyle(e).borderLeftColor") == YELLOW
        text = first.inner_text()
        assert pet["name_th"] in text
        assert "ขยะรีไซเคิล" in text
        assert "ขายที่ธนาคารขยะ" in text
        low, high = (f"{pet['price'][end]:,.2f}" for end in ("low", "high"))
        price = low if low == high else f"{low}–{high}"
        assert f"ราคาวันนี้ {price} บาท/กก." in text
        assert pet["prepare_th"] in text
        page.locator("[data-testid=guide-wet-bin] summary").wait_for()
        shoot(page, "resident-guide", readme=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        _search(page, "ถ่านไฟฉาย")
        battery = page.locator(ITEMS).first
        assert battery.get_attribute("data-key") == "dry_battery"
        assert battery.get_attribute("data-where") == "hazardous_dropoff"
        assert battery.get_attribute("data-colour") == "orange"
        assert "จุดรับขยะอันตราย" in battery.inner_text()
        assert "ขยะอันตราย" in battery.inner_text()

        _search(page, "battery")
        assert page.locator(ITEMS).first.get_attribute("data-key") == "dry_battery"

        # English names, with the app in English, still offline.
        page.click("[data-testid=lang]")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        _search(page, "batteries")
        battery = page.locator(ITEMS).first
        assert battery.get_attribute("data-key") == "dry_battery"
        assert battery.locator("h3").inner_text() == "Dry-cell batteries (AA, AAA)"
        assert "Hazardous waste drop-off" in battery.inner_text()
        _search(page, "zzzzqqqq")
        assert page.locator(ITEMS).count() == 0
        assert "Nothing found" in page.locator("[data-testid=guide-count]").inner_text()
        page.click("[data-testid=lang]")
        page.wait_for_function("() => document.documentElement.lang === 'th'")
    finally:
        context.set_offline(False)
