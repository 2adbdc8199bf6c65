"""Every main screen at a phone's size: Thai set in the bundled Sarabun, no serious or critical
axe-core violations, a map that works without base tiles, and a screenshot of each."""

from __future__ import annotations

import pytest

from tests.e2e._browser import (
    AXE,
    AXE_RUN,
    BUSY_MACHINE_MS,
    NO_TILES,
    PHONE,
    RESIDENT,
    VOLUNTEER,
    shoot,
    sign_in,
)

pytestmark = pytest.mark.e2e

FONT_STATE = """() => ({
  faces: [...document.fonts]
    .filter((f) => f.family.replace(/["']/g, '') === 'Sarabun' && f.status === 'loaded')
    .map((f) => f.weight),
  family: getComputedStyle(document.querySelector('h1')).fontFamily,
  files: performance.getEntriesByType('resource').map((e) => e.name)
    .filter((name) => name.includes('/assets/sarabun-')),
  lang: document.documentElement.lang,
})"""





@pytest.fixture
def audited(browser):
    """Return ``new_page()``: a page in its own phone-sized profile that lets axe-core be
    injected (the app's CSP forbids inline scripts), with the tile server unreachable."""
    contexts = []

    def new_page():
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="th-TH",
                                  timezone_id="Asia/Bangkok", bypass_csp=True,
                                  geolocation={"latitude": 18.5745, "longitude": 99.0087},
                                  permissions=["geolocation"])
        ctx.set_default_timeout(BUSY_MACHINE_MS)
        ctx.route(NO_TILES, lambda route: route.abort())
        contexts.append(ctx)
        return ctx.new_page()

    yield new_page
    for ctx in contexts:
        ctx.close()


def settle(page) -> None:
    page.wait_for_selector("main h1")
    page.wait_for_function("() => document.querySelectorAll('main .spinner').length === 0")


def audit(page, name: str, found: dict[str, list], *, readme: bool = False) -> None:
    """Run axe on the screen as it is, keep the serious and critical findings, and shoot it."""
    settle(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found[name] = page.evaluate(AXE_RUN)
    shoot(page, name, readme=readme)


def test_thai_is_set_in_sarabun_and_screens_pass_axe(audited, world):
    found: dict[str, list] = {}
    page = audited()
    page.goto(world.base + "/")
    page.wait_for_selector("[data-testid=login-submit]")
    audit(page, "login", found)

    sign_in(page, world.base, RESIDENT)
    page.wait_for_selector("[data-testid=save-log]")
    page.evaluate("document.fonts.ready")
    fonts = page.evaluate(FONT_STATE)
    assert fonts["lang"] == "th"
    assert fonts["family"].startswith("Sarabun")
    assert 400 in [int(w) for w in fonts["faces"]], fonts
    assert any("sarabun-thai-400" in name for name in fonts["files"]), fonts["files"]
    audit(page, "resident-home", found, readme=True)

    for path, name, ready in [
        ("/history", "resident-history", "main h1"),
        ("/card", "resident-qr-card", "svg.qr"),
        ("/passbook", "resident-passbook", "[data-testid=balance]"),
        ("/map", "resident-map-no-tiles", "[data-testid=points] li"),
        ("/outbox", "resident-outbox", "[data-testid=outbox-counts]"),
        ("/settings", "resident-settings", "[data-testid=logout]"),
    ]:
        page.goto(world.base + path)
        page.wait_for_selector(ready)
        audit(page, name, found)
        if path == "/map":
            # Without base tiles the app's own layers still draw: home and the three points.
            page.wait_for_selector("[data-testid=no-tiles]")
            assert page.locator("[data-testid=points] li").count() == 3
            page.wait_for_function("() => document.querySelectorAll("
                                   "'.leaflet-overlay-pane path.leaflet-interactive').length === 4")

    page.goto(world.base + "/")
    page.wait_for_selector("[data-testid=save-log]")
    page.click("[data-testid=lang]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "Log today" in page.inner_text("main h1")
    audit(page, "resident-home-en", found)
    page.click("[data-testid=lang]")
    page.wait_for_function("() => document.documentElement.lang === 'th'")

    volunteer = audited()
    sign_in(volunteer, world.base, VOLUNTEER)
    volunteer.wait_for_selector("[data-testid=household-row]")
    audit(volunteer, "volunteer-households", found)
    household = world.volunteer_household["id"]
    for path, name, ready in [
        (f"/households/{household}", "volunteer-household", "[data-testid=household]"),
        (f"/households/{household}/inspect", "volunteer-inspect-form", "[data-testid=gps]"),
        (f"/households/{household}/log", "volunteer-log-for-household", "[data-testid=save-log]"),
        (f"/households/{household}/deposit", "volunteer-deposit", "input[name=kg_pet]"),
        ("/scan", "volunteer-scan", "input[name=code]"),
    ]:
        volunteer.goto(world.base + path)
        volunteer.wait_for_selector(ready)
        audit(volunteer, name, found)

    serious = {name: v for name, v in found.items() if v}
    assert not serious, serious


SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main button, main a, main input, main select, main summary, main label.tile,'
    + ' .bottom-nav a, .topbar a, .topbar button')]
  .filter((e) => e.offsetParent !== null && e.type !== 'checkbox' && e.type !== 'radio'
    && !e.closest('.leaflet-control-attribution') && !e.classList.contains('visually-hidden'))
  .map((e) => [e.outerHTML.slice(0, 80), Math.round(e.getBoundingClientRect().height)])
  .filter(([, h]) => h < 44)"""


def test_every_screen_fits_a_360_px_phone_with_large_tap_targets(audited, world):
    for login, paths in [
        (RESIDENT, ["/", "/history", "/card", "/map", "/passbook", "/outbox", "/settings"]),
        (VOLUNTEER, ["/", f"/households/{world.volunteer_household['id']}",
                     f"/households/{world.volunteer_household['id']}/inspect",
                     f"/households/{world.volunteer_household['id']}/deposit", "/scan"]),
    ]:
        page = audited()
        sign_in(page, world.base, login)
        for path in paths:
            page.goto(world.base + path)
            settle(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (path, width)
            assert page.evaluate(SMALL_TARGETS) == [], path
        page.close()
