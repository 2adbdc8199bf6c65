"""The register at month ends, with its history: what recounting it costs.

    .venv/bin/python bench/registers.py [--months 12] [--repeat 5] [--database NAME]

Uses its own database (khaya_bench on the private cluster, migrated and seeded with the
Lamphun demo: about 6,500 households with their spans in ``household_states``). Times, in one
transaction that is rolled back, how the figures get the register: every village's month-end
rows for ``--months`` months (``analytics refresh``, the worker after a register edit), every
village's steps over their whole history (the same), the live register of every village today
(a village marked stale), and the register of a day mid-month read from the steps (a day or a
custom range). Prints the median and the fastest of ``--repeat`` runs, and the rows of the history
table. Run it with PYTHONPATH pointing at another checkout's backend to time that code on the
same database. Not a test: it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from _server import database_url, machine, prepare_database, say
from sqlalchemy import text

from khaya import create_app
from khaya.analytics import registers
from khaya.analytics.periods import month_starts, next_month
from khaya.common.time import local_today
from khaya.extensions import db


def timed(work, repeat: int) -> tuple[float, float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
        db.session.rollback()
    return statistics.median(seconds) * 1000, min(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-prepare", action="store_true",
                        help="use the database as it is (to time another checkout's code on it)")
    parser.add_argument("--database", default="khaya_bench",
                        help="another database on the private cluster, such as one made by "
                             "python -m seed scale (used as it is)")
    args = parser.parse_args()
    url = database_url(args.database)
    if not args.no_prepare and args.database == "khaya_bench":
        say("preparing khaya_bench (migrations, Lamphun demo)")
        prepare_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        today = local_today()
        last = today.replace(day=1)
        first = last
        for _ in range(args.months - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        months = list(month_starts(first, last))
        households = db.session.execute(text("select count(*) from households")).scalar_one()
        spans = db.session.execute(text(
            "select count(*) from household_states")).scalar_one() if db.session.execute(
            text("select to_regclass('household_states')")).scalar_one() else 0
        version = db.session.execute(text("show server_version")).scalar_one()
        villages = [v for (v,) in db.session.execute(text(
            "select distinct village_id from households order by 1"))]
        base_day = next_month(months[-2]) - dt.timedelta(days=1)
        print("\n".join(machine(version)))
        print(f"data:       {households:,} households, {len(villages)} villages, "
              f"{spans:,} register spans; {len(months)} month ends ({first:%Y-%m} to "
              f"{last:%Y-%m})")
        print(f"code:       {registers.__file__}")
        for name, work in (
            (f"month-end rows, {len(months)} months, all villages",
             lambda: registers.rebuild(None, first, last)),
            ("live register today, all villages", lambda: registers.at(today, None)),
            ("steps, all villages, whole history", lambda: registers.rebuild_steps(None)),
            ("a day mid-month from the steps, all villages",
             lambda: registers.on(base_day - dt.timedelta(days=14), villages)),
        ):
            median, fastest = timed(work, args.repeat)
            print(f"{name:<48} median {median:8.1f} ms   fastest {fastest:8.1f} ms")


if __name__ == "__main__":
    main()
