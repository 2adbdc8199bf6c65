"""Sign-in timing: a wrong password for a real login against an unknown login, under gunicorn.

    .venv/bin/python bench/login_timing.py [--db khaya_bench_login] [--requests 200]

Both must take the same time, or the time alone tells which logins exist. The script serves
Khaya on loopback (one worker, so the two kinds share one process), alternates the two kinds
of request and prints p50/p95 in ms for each and the difference of the medians. The throttle's
rows are deleted between requests so every request does the full password check. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import time

from _server import LOOPBACK, database_url, gunicorn, machine, prepare_database, say
from sqlalchemy import create_engine, text

KNOWN = ("town.staff", "town.admin", "nga.staff", "nga.admin", "province", "0810000011")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="khaya_bench_login")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    url = database_url(args.db)
    say("preparing the database (migrations, demo)")
    prepare_database(url)
    engine = create_engine(url)
    # The rate limits would answer 429 long before the sample is complete.
    os.environ["KHAYA_LOGIN_RATE_LIMIT_PER_IP"] = "1000000 per minute"
    os.environ["KHAYA_LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "1000000 per minute"
    timings: dict[str, list[float]] = {"known login, wrong password": [], "unknown login": []}
    with gunicorn(url, workers=1, threads=2) as server:
        connection = http.client.HTTPConnection(LOOPBACK, server.port, timeout=30)
        for i in range(args.requests * 2 + 10):
            known = i % 2 == 0
            login = KNOWN[(i // 2) % len(KNOWN)] if known else f"nobody.{secrets.token_hex(4)}"
            body = json.dumps({"login": login, "password": "not-the-password-" + str(i)})
            with engine.begin() as db:
                db.execute(text("delete from login_throttles"))
            started = time.perf_counter()
            connection.request("POST", "/api/v1/auth/login", body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status not in (401, 429):
                raise SystemExit(f"unexpected {response.status} for {login}")
            if i >= 10 and response.status == 401:  # the first ones warm the worker up
                timings["known login, wrong password" if known else "unknown login"].append(
                    elapsed)
    with engine.connect() as db:
        pg_version = db.execute(text("show server_version")).scalar_one()
    for line in machine(pg_version):
        print(f"# {line}")
    print(f"# load average {os.getloadavg()[0]:.1f}")
    medians = {}
    for kind, values in timings.items():
        values.sort()
        medians[kind] = statistics.median(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{kind:30} n={len(values):4}  p50 {medians[kind]:6.1f} ms  p95 {p95:6.1f} ms")
    known_ms, unknown_ms = medians.values()
    print(f"difference of the medians: {known_ms - unknown_ms:+.1f} ms")


if __name__ == "__main__":
    main()
