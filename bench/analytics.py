"""Dashboard latency on the full Lamphun year: league tables, a village table, a choropleth,
a household tile and an export, served by gunicorn.

    .venv/bin/python bench/analytics.py [--db khaya_bench_an] [--requests 60] [--code DIR]

The database must hold the scale data (``flask db upgrade`` then ``python -m seed scale
--households 185000 --days 365`` with DATABASE_URL pointing at it); without it the script says
how to make it and exits 0, so ``make bench`` goes on to the other benchmarks.

Each endpoint gets a few warm-up requests, then ``--requests`` timed ones, one at a time on a
keep-alive connection, rotating over the year's months and the LGOs so the same answer is not
asked twice in a row. Prints p50/p95/max in ms (client side, loopback) per endpoint, the row
counts and the machine.
Target on 2 cores: p95 under 100 ms for every interactive endpoint. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _server import LOOPBACK, database_url, gunicorn, machine, request, say, stop_on_sigterm
from sqlalchemy import create_engine, text

PASSWORD = "lamphun-demo"
TOWN = "lamphun-town-municipality"
TOWN_CENTRE = (99.0121, 18.5865)
COUNTS = ("households", "sorting_logs", "inspections", "ledger_entries", "ledger_lines",
          "waste_bank_members", "hazardous_collections", "household_months",
          "household_fiscal_years", "village_days", "village_months", "village_fiscal_years",
          "village_registers")


def timing_parser(doc: str, db: str) -> argparse.ArgumentParser:
    """The options of a dashboard benchmark: its database, requests, warm-ups, workers."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", default=db)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    return parser


def parse_args() -> argparse.Namespace:
    parser = timing_parser(__doc__, "khaya_bench_an")
    parser.add_argument("--code", type=Path, help="another checkout to serve (the code before "
                        "a change), on the same database")
    return parser.parse_args()


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


class Client:
    """One keep-alive connection; ``get`` returns (status, seconds, bytes)."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection(LOOPBACK, port, timeout=120)

    def get(self, path: str) -> tuple[int, float, int]:
        started = time.perf_counter()
        self.conn.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
        response = self.conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)


def login(port: int, who: str) -> str:
    status, pair = request(port, "POST", "/api/v1/auth/login",
                           {"login": who, "password": PASSWORD, "device_id": "bench-analytics"})
    if status != 200:
        raise RuntimeError(f"login as {who} failed: {status} {pair}")
    return pair["access_token"]


def measure(client: Client, paths: Callable[[int], str], n: int, warmup: int) -> dict[str, Any]:
    for i in range(warmup):
        client.get(paths(i))
    times, sizes, statuses = [], [], set()
    for i in range(n):
        status, seconds, size = client.get(paths(i))
        statuses.add(status)
        times.append(seconds * 1000)
        sizes.append(size)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, int(0.95 * n) - 1)],
            "max": times[-1], "statuses": sorted(statuses), "kb": statistics.mean(sizes) / 1024}


def print_results(results: list[tuple[str, dict[str, Any]]]) -> None:
    """Print the p50/p95/max and size of each endpoint's timed requests."""
    print()
    print(f"{'endpoint':<36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KB':>8}  status")
    for name, r in results:
        print(f"{name:<36} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['kb']:8.1f}  "
              f"{','.join(map(str, r['statuses']))}")


def main() -> int:
    args = parse_args()
    url = database_url(args.db)
    engine = create_engine(url)
    with engine.connect() as conn:
        migrated = conn.scalar(text("select to_regclass('public.sorting_logs') is not null"))
        if migrated:
            counts = {t: conn.scalar(text(f"select count(*) from {t}")) for t in COUNTS}
            pg_version = conn.scalar(text("show server_version"))
            last_log = conn.scalar(text("select max(log_date) from sorting_logs"))
            lgos = list(conn.scalars(text(
                "select code from lgos where type <> 'PAO' order by code")))
    engine.dispose()
    if not migrated or not counts["households"] or last_log is None:
        # The year of Lamphun data takes a while to generate, so `make bench` does not make it;
        # say so and let the other benchmarks run.
        print(f"bench/analytics.py not run: {args.db} holds no scale data. Make it with\n"
              f"  DATABASE_URL=$(bash scripts/db.sh url {args.db}) .venv/bin/flask --app khaya "
              "db upgrade\n"
              f"  DATABASE_URL=$(bash scripts/db.sh url {args.db}) .venv/bin/python -m seed scale "
              "--households 185000 --days 365")
        return 0
    last = last_log.replace(day=1) - dt.timedelta(days=1)  # the last complete month
    months = []
    month = last.replace(day=1)
    for _ in range(12):
        months.append(f"{month.year:04d}-{month.month:02d}")
        month = (month - dt.timedelta(days=1)).replace(day=1)
    fy = last.year + 543 + (1 if last.month >= 10 else 0)
    fiscal_years = [f"FY{fy}", f"FY{fy - 1}"] if months else []
    x, y = tile_of(*TOWN_CENTRE, 14)
    api = "/api/v1"

    def q(path: str, **query: Any) -> str:
        return f"{api}/{path}?{urlencode(query)}"

    cases: list[tuple[str, str, Callable[[int], str]]] = [
        ("league: 57 LGOs, a month", "province", lambda i: q(
            "analytics/league", level="lgo", parent="51", indicator="participation",
            period=months[i % len(months)])),
        ("league: 57 LGOs, a fiscal year", "province", lambda i: q(
            "analytics/league", level="lgo", parent="51", indicator="participation",
            period=fiscal_years[i % len(fiscal_years)])),
        ("village table: one LGO, a month", "province", lambda i: q(
            "analytics/indicators", level="village", parent=lgos[i % len(lgos)],
            period=months[i % len(months)])),
        ("choropleth: 594 villages", "province", lambda i: q(
            "analytics/choropleth", level="village", parent="51",
            indicator="wet_bin_coverage", period=months[i % len(months)])),
        ("choropleth: 57 LGOs, a fiscal year", "province", lambda i: q(
            "analytics/choropleth", level="lgo", parent="51", indicator="carbon_tco2e",
            period=fiscal_years[i % len(fiscal_years)], method="jenks")),
        ("time series: province, 12 months", "province", lambda i: q(
            "analytics/series", level="province", area="51", indicators="participation",
            granularity="month", **{"from": f"{months[-1]}-01", "to": last.isoformat()})),
        ("league: 57 LGOs, a day", "province", lambda i: q(
            "analytics/league", level="lgo", parent="51", indicator="participation",
            period=(last - dt.timedelta(days=i % 28)).isoformat())),
        ("indicators: province, 30-day range", "province", lambda i: q(
            "analytics/indicators", level="province", areas="51", **{
                "from": (last - dt.timedelta(days=29 + i % 28)).isoformat(),
                "to": (last - dt.timedelta(days=i % 28)).isoformat()})),
        ("household tile z14 (town)", "town.staff", lambda i: (
            f"{api}/tiles/households/14/{x + i % 2}/{y}.mvt")),
        ("export: monthly CSV, 57 LGOs", "province", lambda i: q(
            "exports/monthly.csv", **{"from": months[i % len(months)],
                                      "to": months[i % len(months)]})),
    ]
    results: list[tuple[str, dict[str, Any]]] = []
    with stop_on_sigterm(), gunicorn(url, workers=args.workers, threads=1,
                                     code=args.code) as server:
        tokens = {who: login(server.port, who) for who in ("province", "town.staff")}
        for name, who, paths in cases:
            say(f"measuring {name}")
            client = Client(server.port, tokens[who])
            results.append((name, measure(client, paths, args.requests, args.warmup)))
    print()
    print("\n".join(machine(pg_version)))
    print(f"code:       {args.code or 'this checkout'}")
    print(f"server:     gunicorn {args.workers} workers x 1 thread, PostgreSQL on this machine;"
          f" one client, keep-alive, {args.requests} timed requests per endpoint")
    print("data:       " + ", ".join(f"{t}={n:,}" for t, n in counts.items()))
    print(f"periods:    months {months[-1]}..{months[0]}, {', '.join(fiscal_years)}")
    print_results(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
