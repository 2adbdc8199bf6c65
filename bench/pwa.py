"""Phone app: what a first visit downloads, and how soon it can be used on a slow phone network.

    .venv/bin/python bench/pwa.py [--db khaya_bench] [--runs 3]

Prints the gzipped size of the initial JS and CSS (what index.html loads; the lazily loaded map
chunk with Leaflet is listed apart), then, in Debian's Chromium under DevTools' "Slow 3G"
(2,000 ms round trip, 50 kB/s each way, via CDP Network.emulateNetworkConditions) with the CPU
slowed 4x (Emulation.setCPUThrottlingRate):

- cold: a first visit (empty profile) to the sign-in screen;
- warm: a repeat visit, the app shell answered by the service worker;
- home: a signed-in resident's repeat visit to the logging screen.

With ``--map LOGIN [--db NAME] [--code OTHER_CHECKOUT]`` it measures the LGO office map instead:
the bytes fetched and the time until the households show, for the code here or another
checkout's (``git worktree add /tmp/before <commit>`` and build its web app), e.g. on a database
made with ``python -m seed scale --lgos lamphun-town-municipality --households 50000``.

For each: first contentful paint, when the screen's main control appeared (sign-in or Save
button), and time to interactive = that moment or the end of the last long task (>50 ms) before
a 3 s quiet window, whichever is later. Medians of --runs runs. Bytes are what goes on the wire:
the Brotli (or gzip) copies made at build time, which WhiteNoise picks by Accept-Encoding.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import database_url, gunicorn, prepare_database, request, say  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "frontend" / "dist"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000,
           "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4
QUIET_MS = 3000
RESIDENT = ("081-000-0011", "lamphun-demo")

# Before any page script: collect long tasks and the moment each main control first appears.
WATCH = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
window.__seen = {};
new MutationObserver(() => {
  for (const id of ['login-submit', 'save-log']) {
    if (!window.__seen[id] && document.querySelector(`[data-testid=${id}]`)) {
      window.__seen[id] = performance.now();
    }
  }
}).observe(document, { childList: true, subtree: true });
"""

MEASURE = """(id) => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const shown = window.__seen[id] ?? null;
  const tasks = window.__longtasks.map(([start, length]) => start + length);
  const lastTask = tasks.length ? Math.max(...tasks) : 0;
  const bytes = performance.getEntriesByType('resource')
    .reduce((sum, e) => sum + (e.transferSize || 0), nav ? nav.transferSize : 0);
  return { fcp: fcp ? fcp.startTime : null, shown, tti: Math.max(shown ?? 0, lastTask),
           longTasks: tasks.length, bytes, fromWorker: !!navigator.serviceWorker.controller };
}"""


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def br(path: Path) -> int:
    """Return the size of the Brotli copy the build made, or of the file when there is none."""
    made = path.with_name(path.name + ".br")
    return (made if made.is_file() else path).stat().st_size


def row(name: str, path: Path) -> str:
    raw = path.stat().st_size / 1024
    return (f"  {name:<44} {raw:7.1f} KiB  {gz(path) / 1024:6.1f} KiB gz"
            f"  {br(path) / 1024:6.1f} KiB br")


def sizes() -> list[str]:
    html = (DIST / "index.html").read_text(encoding="utf-8")
    initial = sorted(set(re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', html)))
    rows = []
    total_raw = total_gz = 0
    for name in initial:
        path = DIST / name
        total_raw += path.stat().st_size
        total_gz += gz(path)
        rows.append(row(name, path))
    lines = ["initial JS + CSS (loaded by index.html):", *rows,
             f"  {'total':<44} {total_raw / 1024:7.1f} KiB  {total_gz / 1024:6.1f} KiB gz"]
    lazy = [p for p in sorted((DIST / "assets").iterdir())
            if p.suffix in (".js", ".css") and p.relative_to(DIST).as_posix() not in initial]
    lines.append("loaded on demand (map screen with Leaflet, QR encoder):")
    for path in lazy:
        lines.append(row(path.relative_to(DIST).as_posix(), path))
    fonts = sorted((DIST / "assets").glob("*.woff2"))
    lines.append(f"fonts: {len(fonts)} Sarabun woff2 files, "
                 f"{sum(p.stat().st_size for p in fonts) / 1024:.1f} KiB "
                 "(a Thai page fetches the Thai and Latin subsets it uses)")
    sw = DIST / "sw.js"
    precache = len(re.findall(r'"url":"', sw.read_text(encoding="utf-8")))
    lines.append(f"service worker: sw.js {sw.stat().st_size / 1024:.1f} KiB "
                 f"({gz(sw) / 1024:.1f} KiB gz), {precache} files precached")
    return lines


def throttle(context, page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def visit(page, url: str, control: str) -> dict:
    page.goto(url, wait_until="commit", timeout=180_000)
    page.wait_for_selector(f"[data-testid={control}]", timeout=180_000)
    page.wait_for_timeout(QUIET_MS)
    return page.evaluate(MEASURE, control)


def new_context(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="th-TH",
                                  timezone_id="Asia/Bangkok", service_workers="allow")
    context.add_init_script(WATCH)
    return context


def wait_for_worker(page, timeout_s: float = 180.0) -> None:
    """Wait until the service worker controls the page (polled from here: the app's CSP forbids
    the string evaluation Playwright's wait_for_function polls with)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        if time.monotonic() > deadline:
            raise TimeoutError("the service worker never took control of the page")
        page.wait_for_timeout(250)


def sign_in(page, base: str) -> None:
    page.goto(base + "/")
    page.fill("input[name=login]", RESIDENT[0])
    page.fill("input[name=password]", RESIDENT[1])
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=save-log]", timeout=60_000)


def run(browser, base: str, runs: int, can_sign_in: bool) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {"cold": [], "warm": [], "home": []}
    for i in range(runs):
        say(f"run {i + 1} of {runs}")
        context = new_context(browser)
        page = context.new_page()
        throttle(context, page)
        results["cold"].append(visit(page, base + "/", "login-submit"))
        wait_for_worker(page)
        page.close()
        page = context.new_page()
        throttle(context, page)
        results["warm"].append(visit(page, base + "/", "login-submit"))
        page.close()
        if can_sign_in:
            page = context.new_page()
            sign_in(page, base)
            page.close()
            page = context.new_page()
            throttle(context, page)
            results["home"].append(visit(page, base + "/", "save-log"))
            page.close()
        context.close()
    return results


MAP_SETTLED = """() => {
  const text = document.querySelector('[data-testid=map-count]')?.textContent ?? '';
  const m = text.match(/\\d[\\d,]*/);
  return m ? Number(m[0].replace(/,/g, '')) : null;
}"""


def map_visit(browser, base: str, login: str) -> dict:
    """Open the LGO map at a desk; return the time until the households show and the bytes.

    "Show" is when the side panel's count of households drawn has a number that then holds for
    2 s (the old map counted once every page of the register had arrived; the tile-drawn map
    counts the households of the tiles in view once they are drawn).
    """
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="th-TH",
                                  timezone_id="Asia/Bangkok")
    page = context.new_page()
    page.goto(base + "/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", RESIDENT[1])
    page.click("[data-testid=login-submit]")
    page.wait_for_selector(".office-nav", timeout=120_000)
    page.goto(base + "/office")
    page.wait_for_selector(".office-nav")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: dict[str, int] = {}
    cdp.on("Network.loadingFinished",
           lambda e: received.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    start = time.monotonic()
    page.click(".office-nav a[href='/office/map']")
    last, since, shown_at = None, time.monotonic(), None
    while time.monotonic() - start < 600:
        value = page.evaluate(MAP_SETTLED)
        now = time.monotonic()
        if value != last:
            last, since = value, now
            if value is not None:
                shown_at = now
        elif value is not None and now - since >= 2.0:
            break
        page.wait_for_timeout(100)
    result = {"seconds": (shown_at or time.monotonic()) - start, "households": last,
              "bytes": sum(received.values()), "requests": len(received)}
    context.close()
    return result


def map_main(args: argparse.Namespace) -> int:
    """The office map of an LGO: bytes and time until its households show (--map)."""
    url = database_url(args.db)
    code = Path(args.code).resolve() if args.code else None
    from playwright.sync_api import sync_playwright

    with gunicorn(url, workers=2, threads=4, code=code) as server:
        base = f"http://127.0.0.1:{server.port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs = [map_visit(browser, base, args.map) for _ in range(args.runs)]
            browser.close()
    which = f"the code in {code}" if code else "this checkout"
    print(f"office map as {args.map}, {which}, database {args.db}, 1440x900, loopback, "
          f"no throttling; {args.runs} runs:")
    for i, r in enumerate(runs, 1):
        print(f"  run {i}: households shown {r['households']}, after {r['seconds']:.2f} s, "
              f"{r['bytes'] / 1024:,.0f} KiB in {r['requests']} responses")
    print(f"  median: {statistics.median(r['seconds'] for r in runs):.2f} s, "
          f"{statistics.median(r['bytes'] for r in runs) / 1024:,.0f} KiB")
    return 0


def median(values: list) -> str:
    values = [v for v in values if v is not None]
    return f"{statistics.median(values) / 1000:6.2f} s" if values else "   n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", default="khaya_bench", help="database name (khaya_bench)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--map", metavar="LOGIN",
                        help="measure the office map of this LGO user instead (e.g. town.staff)")
    parser.add_argument("--code", help="with --map: serve another checkout's code (before/after)")
    args = parser.parse_args()
    if args.map:
        return map_main(args)

    subprocess.run(["bash", str(ROOT / "scripts" / "frontend.sh")], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure_browser.sh")], check=True)
    for line in sizes():
        print(line)

    url = database_url(args.db)
    prepare_database(url)
    from playwright.sync_api import sync_playwright

    with gunicorn(url, workers=1, threads=4) as server:
        base = f"http://127.0.0.1:{server.port}"
        status, _ = request(server.port, "POST", "/api/v1/auth/login",
                            {"login": RESIDENT[0], "password": RESIDENT[1], "device_id": "bench"})
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            results = run(browser, base, args.runs, can_sign_in=status == 200)
            version = browser.version
            browser.close()

    print(f"\ntime to interactive, Chromium {version}, Slow 3G (2 s RTT, 50 kB/s) "
          f"+ CPU {CPU_SLOWDOWN}x, median of {args.runs}:")
    print(f"  {'visit':<34} {'FCP':>8} {'control':>8} {'TTI':>8} {'bytes':>9}  long tasks")
    labels = {"cold": "first visit, sign-in screen", "warm": "repeat visit (service worker)",
              "home": "signed-in resident, log screen"}
    for key, label in labels.items():
        rows = results[key]
        if not rows:
            print(f"  {label:<34} skipped (the demo resident could not sign in)")
            continue
        size = statistics.median(r["bytes"] for r in rows) / 1024
        tasks = statistics.median(r["longTasks"] for r in rows)
        print(f"  {label:<34} {median([r['fcp'] for r in rows]):>8} "
              f"{median([r['shown'] for r in rows]):>8} {median([r['tti'] for r in rows]):>8} "
              f"{size:6.1f} KiB  {tasks:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
