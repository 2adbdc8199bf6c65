"""Load drill: Khaya under gunicorn at twice the expected Lamphun evening peak, for minutes.

    .venv/bin/python bench/load.py [--duration 180] [--factor 2] [--db khaya_drill]
                                   [--residents 300] [--volunteers 40] [--workers N]

Builds its own database on the private cluster (khaya_drill: migrations, ``python -m seed demo``,
then 300 resident and 40 volunteer accounts of its own, ``drill.res.NNNN`` / ``drill.vol.NNN``),
serves Khaya the way scripts/run.sh does (gunicorn, KHAYA_WORKERS workers x 4 threads, access
log on) on a free loopback port, signs every phone in, warms up for 10 s at the drill's rate
(not counted: caches fill, workers import lazily), then sends an open-loop mixed workload
(Poisson arrivals per kind, so a slow server sees requests pile up as it would in the field):

- sync from residents' phones: 1-3 sorting logs (today's, sometimes a day or two queued
  offline); from volunteers' phones: 20-60 items for the households of their villages, a tenth
  of them inspections. Every item carries a UUID client_id; a phone keeps an item in its outbox
  until the server acknowledges it, and resends it with the same client_id otherwise;
- dashboards as the provincial officer: league, indicators, series, choropleth;
- volunteers' household lists (one village, 100 a page; each is an audited personal-data read);
- map tiles: public layers at zoom 8-14 over the province, household points at z14-16 for LGO
  staff.

The expected peak, from the reference data (seed/data/lamphun_units.json) and these assumptions
(constants below; change them there):

    households H = 185,253 registered houses (DOPA, end of 2021), 58 LGOs, 577 villages
    sorting logs on a busy day = H x 50 % of households log          = 92,627 logs
    in the evening hour (18-19 h, after the evening meal)  x 30 %     = 27,788 logs/h = 7.72 /s
      70 % from residents' own phones, 1.4 logs a batch (1-3)         = 3.86 batches/s
      30 % through volunteers' phones, 40 items a batch (20-60)       = 0.058 batches/s
    dashboards: 58 LGOs x 3 staff + 20 provincial = 194 people, half of them at it,
      a view every 2 minutes, 4 API calls a view (league, indicators, series, choropleth)
                                                                      = 3.23 requests/s
    household lists: 577 villages x 4 volunteers = 2,308, a quarter active in the hour,
      a village list every 5 minutes                                  = 1.92 requests/s
    map tiles: 2,000 map views in the hour x 12 tiles                 = 6.67 tiles/s
      (a fifth of them household tiles for staff)

so the drill's default, twice that peak, is about 15.4 items/s in 7.8 sync batches/s,
6.5 dashboard requests/s, 3.8 household-list requests/s and 13.3 tiles/s: about 31 requests/s
in all. The dashboard peak (office hours) and the logging peak (evening) do not coincide in the
field; the drill stacks them anyway.

Prints requests/s, items/s, p50/p95/p99/max latency per kind (client side, on loopback, from the
moment the request was due, so a client-side queue would show), the error rate (target under
0.1 %), the peak number of PostgreSQL connections to the drill database (pg_stat_activity,
sampled every 0.25 s) against what the SQLAlchemy pools allow (workers x (pool_size +
max_overflow)), and the CPU the app and PostgreSQL used. Afterwards every phone drains its
outbox and the database is checked: every acknowledged item is stored exactly once under the id
the server answered, and every item made has arrived.

PASS when errors stay under 0.1 %, the exactly-once check holds, every item arrived, the peak
connections stay within the pools, the offered rate was met (95 %) and every kind's p95 stays
under 2 s. Exits 1 on FAIL. The rows it adds stay in khaya_drill (rerunning adds more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import random
import resource
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _drill import (
    RUN_SH_THREADS,
    Gunicorn,
    Ledger,
    Phone,
    Sampler,
    Staleness,
    converge,
    drain,
    drain_queue,
    engine_for,
    ensure_accounts,
    http_call,
    login,
    percentile,
    queue_worker,
    run_sh_workers,
    today_in_thailand,
)
from _server import (
    ROOT,
    cpu_seconds,
    database_url,
    free_port,
    machine,
    machine_ticks,
    prepare_database,
    run,
    say,
    stop_on_sigterm,
)
from sqlalchemy import text

# The assumptions behind the expected peak (see the docstring for the arithmetic).
LOGGING_SHARE = 0.50  # households that log on a busy day
PEAK_HOUR_SHARE = 0.30  # of a day's logs, in the evening hour
OWN_PHONE_SHARE = 0.70  # logs from residents' own phones; the rest through volunteers
RESIDENT_BATCH = (1, 2, 3), (70, 20, 10)  # items a resident's batch holds, and their weights
VOLUNTEER_BATCH = 20, 60  # items in a volunteer's batch (uniform)
VOLUNTEER_INSPECTIONS = 0.10  # share of a volunteer's items that are inspections
STAFF_PER_LGO, PROVINCIAL_USERS = 3, 20
DASHBOARD_ACTIVE, DASHBOARD_VIEW_S, CALLS_PER_VIEW = 0.5, 120, 4
VOLUNTEERS_PER_VILLAGE, VOLUNTEERS_ACTIVE, LIST_EVERY_S = 4, 0.25, 300
MAP_VIEWS_PER_HOUR, TILES_PER_VIEW, HOUSEHOLD_TILE_SHARE = 2000, 12, 0.2
# Pass marks.
MAX_ERROR_RATE = 0.001
MAX_P95_MS = 2000
# From a sync answer to the figure in /analytics/indicators, at the 95th percentile.
MAX_STALE_S = 60


def expected_peak(reference: Path) -> tuple[dict[str, float], list[str]]:
    """Requests/s per kind at the expected peak, and the arithmetic as lines to print."""
    data = json.loads(reference.read_text())
    households = data["province"]["households"]
    lgos = len(data["lgos"])
    villages = data["province"]["village_count"]
    sizes, weights = RESIDENT_BATCH
    resident_batch = sum(s * w for s, w in zip(sizes, weights, strict=True)) / sum(weights)
    volunteer_batch = sum(VOLUNTEER_BATCH) / 2
    logs_per_s = households * LOGGING_SHARE * PEAK_HOUR_SHARE / 3600
    dashboard_users = lgos * STAFF_PER_LGO + PROVINCIAL_USERS
    dashboard = dashboard_users * DASHBOARD_ACTIVE * CALLS_PER_VIEW / DASHBOARD_VIEW_S
    volunteers = villages * VOLUNTEERS_PER_VILLAGE
    lists = volunteers * VOLUNTEERS_ACTIVE / LIST_EVERY_S
    tiles = MAP_VIEWS_PER_HOUR * TILES_PER_VIEW / 3600
    rates = {
        "sync resident": logs_per_s * OWN_PHONE_SHARE / resident_batch,
        "sync volunteer": logs_per_s * (1 - OWN_PHONE_SHARE) / volunteer_batch,
        **{f"dash {name}": dashboard / 4 for name in ("league", "indicators", "series",
                                                      "choropleth")},
        "household list": lists,
        "tile public": tiles * (1 - HOUSEHOLD_TILE_SHARE),
        "tile households": tiles * HOUSEHOLD_TILE_SHARE,
    }
    lines = [
        f"households {households:,} (reference data), {lgos} LGOs, {villages} villages",
        f"logs in the evening hour: {households:,} x {LOGGING_SHARE:.0%} log that day x "
        f"{PEAK_HOUR_SHARE:.0%} in the hour = {logs_per_s * 3600:,.0f}/h = {logs_per_s:.2f}/s",
        f"  residents' phones {OWN_PHONE_SHARE:.0%}, {resident_batch:.1f} a batch = "
        f"{rates['sync resident']:.2f} batches/s; volunteers' {1 - OWN_PHONE_SHARE:.0%}, "
        f"{volunteer_batch:.0f} a batch = {rates['sync volunteer']:.3f} batches/s",
        f"dashboards: {dashboard_users} people x {DASHBOARD_ACTIVE:.0%} active x "
        f"{CALLS_PER_VIEW} calls / {DASHBOARD_VIEW_S} s = {dashboard:.2f}/s",
        f"household lists: {volunteers:,} volunteers x {VOLUNTEERS_ACTIVE:.0%} active / "
        f"{LIST_EVERY_S} s = {lists:.2f}/s",
        f"map tiles: {MAP_VIEWS_PER_HOUR:,} views/h x {TILES_PER_VIEW} tiles = {tiles:.2f}/s "
        f"({HOUSEHOLD_TILE_SHARE:.0%} household tiles)",
    ]
    return rates, lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (180)")
    parser.add_argument("--warmup", type=float, default=10,
                        help="seconds of the same load first, not counted (10)")
    parser.add_argument("--factor", type=float, default=2.0,
                        help="multiple of the expected peak (2)")
    parser.add_argument("--db", default="khaya_drill", help="database (khaya_drill)")
    parser.add_argument("--residents", type=int, default=300, help="resident phones (300)")
    parser.add_argument("--volunteers", type=int, default=40, help="volunteer phones (40)")
    parser.add_argument("--workers", type=int, default=run_sh_workers(),
                        help="gunicorn workers (KHAYA_WORKERS or 2, as scripts/run.sh)")
    parser.add_argument("--threads", type=int, default=RUN_SH_THREADS,
                        help="gunicorn threads per worker (4, as scripts/run.sh)")
    parser.add_argument("--seed", type=int, default=2569)
    args = parser.parse_args()
    if args.duration <= 0 or args.factor <= 0 or args.residents < 1 or args.volunteers < 1:
        parser.error("--duration, --factor, --residents and --volunteers must be positive")
    return args


# --- what each request kind does ----------------------------------------------------------------

@dataclass
class Outcome:
    ok: bool
    status: int
    items: int = 0
    note: str = ""


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    items: int = 0
    skipped: int = 0  # due, but no idle phone to send it (not sent, not an error)
    notes: dict[str, int] = field(default_factory=dict)
    late_ms: list[float] = field(default_factory=list)  # due -> started (client-side queue)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


class Workload:
    """The request kinds, each a function of a random generator returning an Outcome."""

    def __init__(self, port: int, phones: list[Phone], ledger: Ledger, world: dict[str, Any],
                 tokens: dict[str, str]) -> None:
        self.port, self.ledger, self.world, self.tokens = port, ledger, world, tokens
        self.residents = [p for p in phones if p.account.role == "resident"]
        self.volunteers = [p for p in phones if p.account.role == "volunteer"]

    def kinds(self) -> dict[str, Callable[[random.Random], Outcome]]:
        return {
            "sync resident": lambda r: self.sync(r, self.residents, r.choices(*RESIDENT_BATCH)[0],
                                                 0.0),
            "sync volunteer": lambda r: self.sync(r, self.volunteers,
                                                  r.randint(*VOLUNTEER_BATCH),
                                                  VOLUNTEER_INSPECTIONS),
            "dash league": self.league,
            "dash indicators": self.indicators,
            "dash series": self.series,
            "dash choropleth": self.choropleth,
            "household list": self.household_list,
            "tile public": self.public_tile,
            "tile households": self.household_tile,
        }

    def sync(self, rng: random.Random, phones: list[Phone], count: int,
             inspections: float) -> Outcome:
        for _ in range(8):
            phone = rng.choice(phones)
            if phone.busy.acquire(blocking=False):
                break
        else:
            return Outcome(True, 0, note="skipped")
        try:
            phone.make_items(self.ledger, count, inspections)
            sent = phone.send(self.port, self.ledger)
            return Outcome(sent.ok, sent.status, sent.items if sent.ok else 0, sent.note)
        finally:
            phone.busy.release()

    def get(self, path: str, who: str, expect: tuple[int, ...] = (200,)) -> Outcome:
        try:
            status, _ = http_call(self.port, "GET", path, token=self.tokens[who])
        except (OSError, http.client.HTTPException) as error:
            return Outcome(False, 0, note=type(error).__name__)
        return Outcome(status in expect, status, note="" if status in expect else f"HTTP {status}")

    def _month(self, rng: random.Random) -> str:
        return rng.choice(self.world["months"])

    def league(self, rng: random.Random) -> Outcome:
        return self.get("/api/v1/analytics/league?" + urlencode(
            {"level": "lgo", "parent": "51", "indicator": rng.choice(
                ("participation", "wet_bin_coverage")), "period": self._month(rng)}), "province")

    def indicators(self, rng: random.Random) -> Outcome:
        return self.get("/api/v1/analytics/indicators?" + urlencode(
            {"level": "village", "parent": rng.choice(self.world["lgos"]),
             "period": self._month(rng)}), "province")

    def series(self, rng: random.Random) -> Outcome:
        today = self.world["today"]
        return self.get("/api/v1/analytics/series?" + urlencode(
            {"level": "lgo", "area": rng.choice(self.world["lgos"]),
             "indicators": "participation", "granularity": "month",
             "from": f"{self.world['months'][-1]}-01", "to": today.isoformat()}), "province")

    def choropleth(self, rng: random.Random) -> Outcome:
        if rng.random() < 0.5:
            query = {"level": "lgo", "parent": "51"}
        else:
            query = {"level": "village", "parent": rng.choice(self.world["lgos"])}
        query |= {"indicator": "participation", "period": self._month(rng)}
        return self.get("/api/v1/analytics/choropleth?" + urlencode(query), "province")

    def household_list(self, rng: random.Random) -> Outcome:
        phone = rng.choice(self.volunteers)
        village = rng.choice(phone.account.villages)
        token = phone.token or ""
        self.tokens.setdefault(phone.account.login, token)
        return self.get("/api/v1/households?" + urlencode(
            {"village": village, "per_page": 100}), phone.account.login)

    def public_tile(self, rng: random.Random) -> Outcome:
        z = rng.choice((8, 9, 10, 11, 12, 13, 14))
        west, south, east, north = self.world["bbox"]
        x, y = tile_of(rng.uniform(west, east), rng.uniform(south, north), z)
        layer = rng.choice(self.world["layers"])
        return self.get(f"/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt", "province", (200, 204))

    def household_tile(self, rng: random.Random) -> Outcome:
        who, lon, lat = rng.choice(self.world["staff_points"])
        z = rng.choice((14, 15, 16))
        x, y = tile_of(lon + rng.uniform(-0.01, 0.01), lat + rng.uniform(-0.01, 0.01), z)
        return self.get(f"/api/v1/tiles/households/{z}/{x}/{y}.mvt", who, (200, 204))


def world_of(url: str) -> dict[str, Any]:
    """What the read requests ask about: months, LGOs with households, the province's box,
    the tile layers and where two LGOs' staff look at household points."""
    engine = engine_for(url)
    with engine.connect() as conn:
        bbox = conn.execute(text(
            "select st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)"
            " from (select st_extent(geom) e from provinces where code = '51') s")).one()
        lgos = list(conn.scalars(text("""
            select l.code from lgos l where l.type <> 'PAO'
            and exists (select 1 from households h where h.lgo_id = l.id) order by l.code""")))
        staff = conn.execute(text("""
            select u.username, avg(st_x(h.point)), avg(st_y(h.point))
            from users u join role_grants g on g.user_id = u.id and g.role = 'lgo_staff'
            join households h on h.lgo_id = g.lgo_id and h.point is not null
            where u.username in ('town.staff', 'nga.staff') group by u.username""")).all()
    engine.dispose()
    today = today_in_thailand()
    months, month = [], today.replace(day=1)
    for _ in range(12):
        months.append(f"{month.year:04d}-{month.month:02d}")
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return {"bbox": tuple(bbox), "lgos": lgos, "months": months, "today": today,
            "layers": ["villages", "tambons", "lgos", "districts", "collection-points"],
            "staff_points": [tuple(row) for row in staff]}


# --- the open-loop driver -----------------------------------------------------------------------

def drive(kinds: dict[str, Callable[[random.Random], Outcome]], rates: dict[str, float],
          duration_s: float, seed: int) -> tuple[dict[str, Stats], float]:
    """Fire each kind at its rate (Poisson arrivals) for the duration; return stats and the
    seconds the run took (until the last answer)."""
    stats = {name: Stats() for name in kinds}
    lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=256, thread_name_prefix="client")
    start = time.monotonic()
    stop_at = start + duration_s

    def run(name: str, due: float, rng: random.Random) -> None:
        began = time.monotonic()
        try:
            outcome = kinds[name](rng)
        except Exception as error:  # a drill bug or a garbled answer counts as an error
            outcome = Outcome(False, 0, note=f"{type(error).__name__}: {error}"[:80])
        done = time.monotonic()
        with lock:
            s = stats[name]
            if outcome.note == "skipped":
                s.skipped += 1
                return
            s.latencies_ms.append((done - due) * 1000)
            s.late_ms.append((began - due) * 1000)
            if outcome.ok:
                s.ok += 1
                s.items += outcome.items
            else:
                s.errors += 1
            if outcome.note:
                s.notes[outcome.note] = s.notes.get(outcome.note, 0) + 1

    def schedule(name: str, rate: float, kind_seed: int) -> None:
        rng = random.Random(kind_seed)
        due = start + rng.expovariate(rate)
        while due < stop_at:
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run, name, due, random.Random(rng.getrandbits(64)))
            due += rng.expovariate(rate)

    schedulers = [threading.Thread(target=schedule, args=(name, rates[name], seed + n),
                                   name=f"schedule-{name}", daemon=True)
                  for n, name in enumerate(kinds)]
    for thread in schedulers:
        thread.start()
    for thread in schedulers:
        thread.join()
    pool.shutdown(wait=True)
    return stats, time.monotonic() - start


class ConnectionSampler(Sampler):
    """Samples pg_stat_activity for one database: the most connections (and active ones) seen."""

    def __init__(self, url: str, interval_s: float = 0.25) -> None:
        super().__init__(url, interval_s)
        self.peak_total = self.peak_active = 0
        self.samples = 0

    def sample(self, connection: Any) -> None:
        total, active = connection.execute(text(
            "select count(*), count(*) filter (where state <> 'idle')"
            " from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
            " and backend_type = 'client backend'")).one()
        self.peak_total = max(self.peak_total, total)
        self.peak_active = max(self.peak_active, active)
        self.samples += 1

    def backend_pids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.scalars(text(
                "select pid from pg_stat_activity where datname = current_database()"
                " and pid <> pg_backend_pid()")))


def pool_settings(url: str) -> dict[str, Any]:
    from khaya import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "drill"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    return {"pool_size": options.get("pool_size", 5), "max_overflow": options.get(
        "max_overflow", 10), "pre_ping": options.get("pool_pre_ping", False)}


# --- main ---------------------------------------------------------------------------------------

def main() -> int:
    args = parse_args()
    peak, arithmetic = expected_peak(ROOT / "seed" / "data" / "lamphun_units.json")
    rates = {name: rate * args.factor for name, rate in peak.items()}
    url = database_url(args.db)
    say(f"preparing {args.db} (migrations, the Lamphun demo)")
    prepare_database(url)
    accounts = ensure_accounts(url, args.residents, args.volunteers)
    world = world_of(url)
    pool = pool_settings(url)
    tag = uuid.uuid4().hex[:8]
    rng = random.Random(args.seed)
    phones = [Phone(a, tag, random.Random(rng.getrandbits(64))) for a in accounts]
    ledger = Ledger()
    engine = engine_for(url)
    with engine.connect() as conn:
        pg_version = conn.scalar(text("show server_version"))
        max_connections = int(conn.scalar(text("show max_connections")))
    engine.dispose()
    port = free_port()
    # The job queue as `make run` runs it beside gunicorn: one worker on every queue.
    drain_queue(url, "rollups").check_returncode()
    worker = queue_worker(url)
    with stop_on_sigterm(), Gunicorn(url, port, workers=args.workers,
                                      threads=args.threads) as server:
        say(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers x {args.threads} threads; "
            f"signing in {len(phones)} phones")
        server.start()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as signing:
            list(signing.map(lambda p: p.sign_in(port), phones))
        say(f"signed in in {time.monotonic() - started:.1f} s")
        tokens = {who: login(port, who, f"drill-{tag}-{who}")
                  for who in ("province", "town.staff", "nga.staff")}
        for phone in phones:
            tokens[phone.account.login] = phone.token or ""
        workload = Workload(port, phones, ledger, world, tokens)
        say(f"{args.duration:.0f} s at {args.factor:g}x the expected peak: "
            f"{sum(rates.values()):.1f} requests/s")
        if args.warmup > 0:
            say(f"warming up for {args.warmup:.0f} s (not counted)")
            drive(workload.kinds(), rates, args.warmup, args.seed + 1000)
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        with ConnectionSampler(url) as sampler, Staleness(url) as staleness:
            app_before = cpu_seconds(server.pids())
            db_before = cpu_seconds(sampler.backend_pids())
            ticks_before = machine_ticks()
            stats, wall = drive(workload.kinds(), rates, args.duration, args.seed)
            ticks_after = machine_ticks()
            app_after = cpu_seconds(server.pids())
            db_after = cpu_seconds(sampler.backend_pids())
        usage_after = resource.getrusage(resource.RUSAGE_SELF)
        say("draining the outboxes")
        left = drain(phones, port, ledger)
        server_errors = server.error_lines()
    worker.terminate()
    worker.wait(timeout=120)
    result = converge(url, tag, ledger)
    caught_up = drain_queue(url, "rollups")

    app_cpu = sum(t - app_before.get(p, 0.0) for p, t in app_after.items())
    db_cpu = sum(t - db_before.get(p, 0.0) for p, t in db_after.items())
    client_cpu = (usage_after.ru_utime + usage_after.ru_stime
                  - usage_before.ru_utime - usage_before.ru_stime)
    busy = ticks_after[0] - ticks_before[0]
    total_ticks = ticks_after[1] - ticks_before[1]
    cap = args.workers * (pool["pool_size"] + pool["max_overflow"])
    per_worker_users = args.threads

    print()
    print("\n".join(machine(pg_version)))
    print(f"server:     gunicorn {args.workers} workers x {args.threads} threads (as "
          f"scripts/run.sh), PostgreSQL {pg_version} on this machine, clients on this machine")
    print(f"machine:    {busy / total_ticks:.0%} of all cores busy during the run (anyone's "
          f"work; the machine is shared)" if total_ticks else "machine:    unknown load")
    print(f"phones:     {sum(a.role == 'resident' for a in accounts)} residents, "
          f"{sum(a.role == 'volunteer' for a in accounts)} volunteers (run tag {tag})")
    print()
    print("expected Lamphun peak:")
    print("  " + "\n  ".join(arithmetic))
    print(f"drill: {args.factor:g}x that for {args.duration:.0f} s, "
          f"{sum(rates.values()):.1f} requests/s offered")
    print()
    header = (f"{'kind':<16} {'target/s':>8} {'req/s':>6} {'items/s':>7} {'ok':>6} {'err':>4} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    print(header)
    total_ok = total_err = 0
    met = True
    slow = []
    for name, s in stats.items():
        sent = s.ok + s.errors
        total_ok += s.ok
        total_err += s.errors
        if (sent + s.skipped) and sent < 0.95 * (sent + s.skipped):
            met = False
        p95 = percentile(s.latencies_ms, 95)
        if p95 > MAX_P95_MS:
            slow.append(name)
        items = f"{s.items / wall:7.1f}" if name.startswith("sync") else f"{'':>7}"
        print(f"{name:<16} {rates[name]:8.2f} {sent / wall:6.2f} {items} {s.ok:6d} "
              f"{s.errors:4d} {percentile(s.latencies_ms, 50):7.0f} {p95:7.0f} "
              f"{percentile(s.latencies_ms, 99):7.0f} "
              f"{max(s.latencies_ms, default=float('nan')):7.0f}")
    requests = total_ok + total_err
    error_rate = total_err / requests if requests else 1.0
    sync_items = sum(stats[n].items for n in ("sync resident", "sync volunteer"))
    print(f"{'all':<16} {sum(rates.values()):8.2f} {requests / wall:6.2f} "
          f"{sync_items / wall:7.1f} {total_ok:6d} {total_err:4d}")
    late = [v for s in stats.values() for v in s.late_ms]
    print(f"\nclient-side queue (due -> sent): p99 {percentile(late, 99):.1f} ms; skipped "
          f"(phone still busy): {sum(s.skipped for s in stats.values())}")
    for name, s in stats.items():
        for note, n in sorted(s.notes.items(), key=lambda kv: -kv[1])[:4]:
            print(f"  {name}: {note} x{n}")
    print(f"errors: {total_err} of {requests} requests = {error_rate:.3%} "
          f"(target < {MAX_ERROR_RATE:.1%})")
    print(f"CPU during the run: app {app_cpu:.1f} s, PostgreSQL {db_cpu:.1f} s, "
          f"drill clients {client_cpu:.1f} s over {wall:.0f} s "
          f"({(app_cpu + db_cpu) / wall:.2f} cores for Khaya, "
          f"{(app_cpu + db_cpu) / requests * 1000 if requests else 0:.1f} ms CPU a request)")
    print(f"database connections to {args.db}: peak {sampler.peak_total} open, "
          f"{sampler.peak_active} busy ({sampler.samples} samples); pools allow {cap} "
          f"({args.workers} workers x (pool_size {pool['pool_size']} + max_overflow "
          f"{pool['max_overflow']})); a worker uses at most {per_worker_users} at once "
          f"(its {args.threads} threads); "
          f"max_connections {max_connections}; pool_pre_ping {pool['pre_ping']}")
    print(f"exactly-once: {result.summary()}; outbox items left after draining: {left}")
    stale_p95 = percentile(staleness.samples, 95) if staleness.samples else float("inf")
    print(f"freshness of the figures (age of the oldest change not yet in the rollups, sampled "
          f"twice a second, one queue worker): {staleness.summary()}")
    if server_errors:
        print("server errors:\n  " + "\n  ".join(server_errors))

    checks = {
        f"error rate {error_rate:.3%} < {MAX_ERROR_RATE:.1%}": error_rate < MAX_ERROR_RATE,
        "every acknowledged item stored exactly once": result.ok,
        "every item arrived": result.complete and left == 0,
        f"peak connections {sampler.peak_total} <= pools {cap}": sampler.peak_total <= cap,
        "offered rate met (95 %)": met,
        f"figures fresh: staleness p95 {stale_p95:.1f} s < {MAX_STALE_S} s":
            stale_p95 < MAX_STALE_S and caught_up.returncode == 0,
        f"p95 under {MAX_P95_MS} ms for every kind"
        + (f" (not: {', '.join(slow)})" if slow else ""): not slow,
    }
    print()
    for check, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {check}")
    verdict = all(checks.values())
    print(f"\nload drill: {'PASS' if verdict else 'FAIL'}")
    return 0 if verdict else 1


if __name__ == "__main__":
    run(main)
