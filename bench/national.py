"""Dashboards at national scale: the national office's league and choropleth of provinces, a
province's LGOs, and an LGO's village table, on the national simulation, served by gunicorn.

    .venv/bin/python bench/national.py [--db khaya_national] [--requests 60]

The database must hold the national simulation: 2,000,000 households in the eight provinces of
the upper north with 30 days of activity, made by

    DATABASE_URL=$(bash scripts/db.sh url khaya_national) .venv/bin/flask --app khaya db upgrade
    DATABASE_URL=$(bash scripts/db.sh url khaya_national) .venv/bin/python -m seed scale \\
        --provinces 50,51,52,54,55,56,57,58 --households 2000000 --days 30

Without it the script says so and exits 0, so ``make bench`` goes on to the other benchmarks.

Every request is made as ``dla`` (the national officer: aggregates of every province), one at a
time on a keep-alive connection, after a few warm-up requests; the province and LGO rotate over
all of them and the period over the months and days the data covers, so the same answer is not
asked twice in a row. Prints p50/p95/max in ms (client side, loopback) per endpoint, the
answer's size, the row counts and the machine.
Target on 2 cores: p95 under 100 ms for every endpoint. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from _server import database_url, gunicorn, machine, say, stop_on_sigterm
from analytics import Client, login, measure, print_results, timing_parser
from sqlalchemy import create_engine, text

COUNTS = ("provinces", "lgos", "villages", "households", "sorting_logs", "sorting_log_claims",
          "inspections", "household_months", "village_days", "village_months")


def parse_args() -> argparse.Namespace:
    return timing_parser(__doc__, "khaya_national").parse_args()


def main() -> int:
    args = parse_args()
    url = database_url(args.db)
    engine = create_engine(url)
    with engine.connect() as conn:
        migrated = conn.scalar(text("select to_regclass('public.sorting_logs') is not null"))
        provinces: list[str] = []
        if migrated:
            provinces = list(conn.scalars(text(
                "select p.code from provinces p where exists (select from villages v "
                "join tambons t on t.id = v.tambon_id join districts d on d.id = t.district_id "
                "where d.province_id = p.id) order by p.code")))
            counts = {t: conn.scalar(text(f"select count(*) from {t}")) for t in COUNTS}
            pg_version = conn.scalar(text("show server_version"))
            first_log, last_log = conn.execute(text(
                "select min(log_date), max(log_date) from sorting_logs")).one()
            lgos = list(conn.scalars(text(
                "select code from lgos where type <> 'PAO' order by code")))
            biggest = conn.execute(text(
                "select p.code, count(*) from lgos l join provinces p on p.id = l.province_id "
                "where l.type <> 'PAO' group by p.code order by 2 desc, 1 limit 1")).one()
    engine.dispose()
    if not migrated or len(provinces) < 2 or last_log is None:
        print(f"bench/national.py not run: {args.db} holds no national simulation. Make it "
              "with\n"
              f"  DATABASE_URL=$(bash scripts/db.sh url {args.db}) .venv/bin/flask --app khaya "
              "db upgrade\n"
              f"  DATABASE_URL=$(bash scripts/db.sh url {args.db}) .venv/bin/python -m seed scale "
              "--provinces 50,51,52,54,55,56,57,58 --households 2000000 --days 30")
        return 0
    # The months the data covers (the first may be partial), and its days.
    months, month = [], first_log.replace(day=1)
    while month <= last_log:
        months.append(f"{month.year:04d}-{month.month:02d}")
        month = (month + dt.timedelta(days=32)).replace(day=1)
    days = [(last_log - dt.timedelta(days=n)).isoformat() for n in range(28)]
    api = "/api/v1"

    def q(path: str, **query: Any) -> str:
        return f"{api}/{path}?{urlencode(query)}"

    def month_of(i: int) -> str:
        return months[i % len(months)]

    n = len(provinces)
    cases: list[tuple[str, Callable[[int], str]]] = [
        (f"league: {n} provinces, a month", lambda i: q(
            "analytics/league", level="province", indicator="participation", period=month_of(i))),
        (f"league: {n} provinces, a day", lambda i: q(
            "analytics/league", level="province", indicator="participation",
            period=days[i % len(days)])),
        (f"league: {n} provinces, 30 days", lambda i: q(
            "analytics/league", level="province", indicator="wet_bin_coverage",
            **{"from": (last_log - dt.timedelta(days=29)).isoformat(),
               "to": last_log.isoformat()})),
        (f"choropleth: {n} provinces", lambda i: q(
            "analytics/choropleth", level="province", indicator="participation",
            period=month_of(i))),
        ("league: a province's LGOs", lambda i: q(
            "analytics/league", level="lgo", parent=provinces[i % n], indicator="participation",
            period=month_of(i))),
        (f"league: {biggest[1]} LGOs of {biggest[0]}", lambda i: q(
            "analytics/league", level="lgo", parent=biggest[0], indicator="participation",
            period=month_of(i))),
        ("choropleth: a province's LGOs", lambda i: q(
            "analytics/choropleth", level="lgo", parent=provinces[i % n],
            indicator="participation", period=month_of(i))),
        (f"choropleth: {biggest[1]} LGOs of {biggest[0]}", lambda i: q(
            "analytics/choropleth", level="lgo", parent=biggest[0],
            indicator="wet_bin_coverage", period=month_of(i))),
        ("village table: one LGO, a month", lambda i: q(
            "analytics/indicators", level="village", parent=lgos[(i * 37) % len(lgos)],
            period=month_of(i))),
        ("village table: one LGO, a day", lambda i: q(
            "analytics/indicators", level="village", parent=lgos[(i * 37) % len(lgos)],
            period=days[i % len(days)])),
    ]
    results: list[tuple[str, dict[str, Any]]] = []
    with stop_on_sigterm(), gunicorn(url, workers=args.workers, threads=1) as server:
        token = login(server.port, "dla")
        for name, paths in cases:
            say(f"measuring {name}")
            results.append((name, measure(Client(server.port, token), paths, args.requests,
                                          args.warmup)))
    print()
    print("\n".join(machine(pg_version)))
    print(f"server:     gunicorn {args.workers} workers x 1 thread, PostgreSQL on this machine;"
          f" one client (dla), keep-alive, {args.requests} timed requests per endpoint")
    print("data:       " + ", ".join(f"{t}={v:,}" for t, v in counts.items()))
    print(f"provinces:  {', '.join(provinces)}; logs {first_log}..{last_log}; "
          f"months {', '.join(months)}")
    print_results(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
