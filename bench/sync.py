"""Offline-sync throughput: 500-item batches of sorting logs against gunicorn, fresh and replayed.

    .venv/bin/python bench/sync.py [--batches 40] [--clients 4] [--batch-size 500] [--keep]
        [--db khaya_bench] [--as-is] [--code DIR]

Uses its own database (khaya_bench on the private cluster, migrated and seeded with the
Lamphun demo), adds households across Lamphun Town's 17 communities, serves Khaya under
gunicorn on loopback and sends the batches from concurrent keep-alive clients as town.staff.
Prints logs/s and batch latency per phase, and the CPU the app and PostgreSQL used per 1,000
logs (a figure other load on the machine hardly changes; wall-clock figures it does). Checks
that the fresh phase stored exactly one row per item and the replay none ("rows OK"), then
removes its logs (voided out of the analytics rollups first) unless --keep.
Target on a 2-core machine with the database on it: at least 10,000 logs/s fresh, p95 under
300 ms. Not a test: it prints figures and exits 1 only when a batch failed or rows are wrong.

--profile also runs one fresh and one replayed batch in process under cProfile and prints where
the time goes, with the time spent in SQL per statement. --app serves another app spec (say a
module that patches a function) to measure a candidate change before making it.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import io
import json
import pstats
import queue
import random
import resource
import secrets
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _server import (
    LOOPBACK,
    Server,
    cpu_seconds,
    database_url,
    gunicorn,
    machine,
    machine_ticks,
    prepare_database,
    request,
    run,
    say,
    stop_on_sigterm,
)
from sqlalchemy import delete, event, func, insert, or_, select, text, update
from sqlalchemy.engine import make_url

from khaya import create_app
from khaya.analytics import rollups
from khaya.analytics.changes import apply_chunk
from khaya.areas.models import Lgo, Village
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import STREAMS, SortingLog, SortingLogClaim

TOWN = "lamphun-town-municipality"
LOGIN, PASSWORD = "town.staff", "lamphun-demo"
HOUSE_PREFIX = "BENCH-"
DEVICE_ID = "bench-sync"
REGISTERED_DAYS_AGO = 400


@dataclass
class Phase:
    name: str
    batches: int = 0  # answered 200
    failed: int = 0  # answered otherwise, or the connection failed
    items: int = 0
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    app_cpu_s: float = 0.0  # gunicorn master and workers
    db_cpu_s: float = 0.0  # PostgreSQL backends serving this database
    client_cpu_s: float = 0.0  # this process: the clients
    machine_busy: float = 0.0  # share of all cores busy (anyone's work) during the phase


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=40, help="batches per phase (40)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--batch-size", type=int, default=500, help="items per batch (500)")
    parser.add_argument("--households", type=int, default=2000, help="households (2000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads (2)")
    parser.add_argument("--app", default="khaya:create_app()",
                        help="gunicorn app spec, e.g. a patched app to try a change")
    parser.add_argument("--db", default="khaya_bench", help="database name (khaya_bench)")
    parser.add_argument("--keep", action="store_true", help="leave the logs and households")
    parser.add_argument("--as-is", action="store_true",
                        help="use the database as it stands, neither migrated nor seeded with "
                        "the demo (a scale database: it holds the territory and the logins)")
    parser.add_argument("--code", type=Path,
                        help="serve another checkout's backend (the code before a change) on "
                        "the same kind of database; with --as-is for a database at its schema")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one fresh and one replayed batch in process")
    args = parser.parse_args()
    if not 1 <= args.batch_size <= 500:
        parser.error("--batch-size must be 1..500 (the server's limit)")
    if args.batches < 1 or args.clients < 1 or args.households < 1:
        parser.error("--batches, --clients and --households must be positive")
    return args


# --- data --------------------------------------------------------------------------------------

def ensure_households(app: Any, count: int) -> tuple[list[int], int]:
    """Return the ids of ``count`` bench households in the town (made if missing) and how many
    this run made."""
    with app.app_context():
        villages = db.session.execute(
            select(Village.id, Village.lgo_id,
                   func.ST_AsText(func.ST_PointOnSurface(Village.geom)).label("wkt"))
            .join(Lgo, Lgo.id == Village.lgo_id).where(Lgo.code == TOWN).order_by(Village.code)
        ).all()
        existing = dict(db.session.execute(
            select(Household.house_number, Household.id)
            .where(Household.house_number.startswith(HOUSE_PREFIX), Household.active)
        ).tuples().all())
        registered_on = local_today() - dt.timedelta(days=REGISTERED_DAYS_AGO)
        rows = []
        for n in range(count):
            number = f"{HOUSE_PREFIX}{n}"
            if number in existing:
                continue
            village = villages[n % len(villages)]
            rows.append({
                "lgo_id": village.lgo_id, "village_id": village.id, "house_number": number,
                "point": f"SRID=4326;{village.wkt}" if village.wkt else None,
                "members": 1 + n % 6, "registered_on": registered_on,
            })
        if rows:
            db.session.execute(insert(Household), rows)
        # Every run starts from households that have never logged, as the first run did.
        db.session.execute(update(Household).where(
            Household.house_number.startswith(HOUSE_PREFIX), Household.last_log_on.is_not(None)
        ).values(last_log_on=None))
        db.session.commit()
        ids = list(db.session.execute(
            select(Household.id).where(Household.house_number.in_(
                [f"{HOUSE_PREFIX}{n}" for n in range(count)]))
        ).scalars())
        db.session.remove()
    return ids, len(rows)


def count_logs(app: Any) -> int:
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(SortingLog))
        db.session.remove()
    return total


def remove_data(app: Any, households: list[int], made_households: bool) -> int:
    """Remove the bench's logs as a void would (out of the rollups first); return how many."""
    with app.app_context():
        mine = SortingLog.device_id == DEVICE_ID
        if made_households:
            mine = or_(mine, SortingLog.household_id.in_(households))
        # Whatever the bench's syncs announced goes into the rollups first, then comes out.
        while apply_chunk():
            db.session.commit()
        ids = list(db.session.scalars(select(SortingLog.id).where(mine)))
        if ids:
            db.session.execute(update(SortingLog).where(SortingLog.id.in_(ids)).values(
                voided_at=func.now(), void_reason="bench clean-up"))
            rollups.logs_voided(ids)
            # The bench sends the same client ids every run: they are given back with their
            # logs (a deleted log's id otherwise stays spent).
            gone = delete(SortingLog).where(SortingLog.id.in_(ids)).returning(
                SortingLog.client_id)
            spent = list(db.session.scalars(gone))
            # (The code before the logs were partitioned, served with --code, has no claims.)
            if db.session.scalar(text("select to_regclass('sorting_log_claims')")) is not None:
                db.session.execute(delete(SortingLogClaim).where(
                    SortingLogClaim.client_id.in_(spent)))
        if made_households:
            db.session.execute(delete(Household).where(Household.id.in_(households)))
        db.session.commit()
        db.session.remove()
    return len(ids)


def make_batch(rng: random.Random, households: list[int], size: int) -> dict[str, Any]:
    today = local_today()
    items = []
    for _ in range(size):
        streams = rng.sample(STREAMS, rng.randint(1, len(STREAMS)))
        data: dict[str, Any] = {
            "household_id": rng.choice(households),
            "log_date": (today - dt.timedelta(days=rng.randint(0, 29))).isoformat(),
            "streams": streams,
        }
        if "organic" in streams:
            data["organic_handling"] = rng.choice(["wet_bin", "compost", "animal_feed"])
            data["kg_organic"] = round(rng.uniform(0.1, 5), 1)
        items.append({"kind": "sorting_log", "client_id": str(uuid.UUID(int=rng.getrandbits(128),
                                                                         version=4)),
                      "data": data})
    return {"device_id": DEVICE_ID, "device_time": dt.datetime.now(dt.UTC).isoformat(),
            "items": items}


# --- load ---------------------------------------------------------------------------------------

def run_phase(name: str, port: int, token: str, bodies: list[bytes], clients: int,
              expect: str) -> Phase:
    """Send every body once from ``clients`` keep-alive connections; time each batch."""
    phase = Phase(name)
    work: queue.Queue[bytes] = queue.Queue()
    for body in bodies:
        work.put(body)
    lock = threading.Lock()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def client() -> None:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=120)
        try:
            while True:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    conn.request("POST", "/api/v1/sync", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as error:
                    conn.close()  # reconnects on the next request; this batch counts as failed
                    with lock:
                        phase.failed += 1
                        phase.errors.append(f"{type(error).__name__}: {error}")
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    phase.latencies_ms.append(elapsed_ms)
                    if response.status != 200:
                        phase.failed += 1
                        phase.errors.append(f"HTTP {response.status}: {payload[:200]!r}")
                        continue
                    answer = json.loads(payload)
                    phase.batches += 1
                    phase.items += len(answer["results"])
                    phase.statuses.update(r["status"] for r in answer["results"])
        finally:
            conn.close()

    threads = [threading.Thread(target=client, name=f"client-{n}") for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.wall_s = time.perf_counter() - started
    unexpected = {k: v for k, v in phase.statuses.items() if k != expect}
    if unexpected:
        phase.errors.append(f"expected every item {expect}, got {dict(phase.statuses)}")
    return phase


# --- the floor ----------------------------------------------------------------------------------

def raw_upsert_floor(app: Any, url: str, batch_size: int, clients: int) -> tuple[int, float]:
    """Insert the fresh phase's own rows again, straight into a copy of sorting_logs (its
    columns, defaults, checks and indexes; no app, no HTTP) as multi-row INSERT ... ON CONFLICT
    DO NOTHING of ``batch_size`` rows from ``clients`` connections: the most any sync could do
    on this machine. Returns (rows, logs/s)."""
    import psycopg2
    from psycopg2.extras import execute_values

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with app.app_context():
        db.session.execute(text("drop table if exists bench_floor_logs"))
        db.session.execute(text(
            "create table bench_floor_logs (like sorting_logs including defaults"
            " including constraints including indexes)"))
        columns = [c for c in db.session.execute(text(
            "select column_name from information_schema.columns"
            " where table_name = 'sorting_logs' order by ordinal_position")).scalars()]
        rows = db.session.execute(text(
            f"select {', '.join(columns)} from sorting_logs where device_id = :d"),
            {"d": DEVICE_ID}).all()
        db.session.commit()
        db.session.remove()
    chunks: queue.Queue[list] = queue.Queue()
    for start in range(0, len(rows), batch_size):
        chunks.put([tuple(r) for r in rows[start:start + batch_size]])
    statement = (f"insert into bench_floor_logs ({', '.join(columns)}) values %s"
                 " on conflict do nothing")

    def client() -> None:
        connection = psycopg2.connect(dsn)
        try:
            while True:
                try:
                    chunk = chunks.get_nowait()
                except queue.Empty:
                    return
                with connection.cursor() as cursor:
                    execute_values(cursor, statement, chunk, page_size=len(chunk))
                connection.commit()
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    with app.app_context():
        db.session.execute(text("drop table bench_floor_logs"))
        db.session.commit()
        db.session.remove()
    return len(rows), len(rows) / took if took else 0.0


@dataclass
class Snapshot:
    app: dict[int, float]
    db: dict[int, float]
    client: float
    machine: tuple[int, int]


def snapshot(server: Server, app: Any) -> Snapshot:
    with app.app_context():
        backends = list(db.session.execute(text(
            "select pid from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
        )).scalars())
        db.session.remove()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return Snapshot(cpu_seconds(server.pids()), cpu_seconds(backends),
                    usage.ru_utime + usage.ru_stime, machine_ticks())


def measured(phase: Phase, before: Snapshot, after: Snapshot) -> Phase:
    """Fill in the CPU each side used during the phase (processes born in it count whole)."""
    phase.app_cpu_s = sum(t - before.app.get(pid, 0.0) for pid, t in after.app.items())
    phase.db_cpu_s = sum(t - before.db.get(pid, 0.0) for pid, t in after.db.items())
    phase.client_cpu_s = after.client - before.client
    busy = after.machine[0] - before.machine[0]
    total = after.machine[1] - before.machine[1]
    phase.machine_busy = busy / total if total else float("nan")
    return phase


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def table(phases: list[Phase]) -> str:
    lines = [f"{'phase':<8} {'batches':>7} {'failed':>6} {'items':>7} {'wall s':>7} "
             f"{'logs/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"]
    for phase in phases:
        rate = phase.items / phase.wall_s if phase.wall_s else 0
        lines.append(
            f"{phase.name:<8} {phase.batches:>7} {phase.failed:>6} {phase.items:>7} "
            f"{phase.wall_s:>7.2f} "
            f"{rate:>8.0f} {percentile(phase.latencies_ms, 50):>7.0f} "
            f"{percentile(phase.latencies_ms, 95):>7.0f} {percentile(phase.latencies_ms, 99):>7.0f}"
        )
    lines += ["", "CPU used in each phase (seconds), per 1,000 logs (ms), and how busy the machine "
              "was (all processes, anyone's)",
              f"{'phase':<8} {'app s':>7} {'db s':>7} {'client s':>8} {'app+db ms/1k':>13} "
              f"{'machine busy':>13}"]
    for phase in phases:
        per_k = (phase.app_cpu_s + phase.db_cpu_s) / phase.items * 1e6 if phase.items else 0
        lines.append(
            f"{phase.name:<8} {phase.app_cpu_s:>7.2f} {phase.db_cpu_s:>7.2f} "
            f"{phase.client_cpu_s:>8.2f} {per_k:>13.0f} {phase.machine_busy:>12.0%}"
        )
    return "\n".join(lines)


# --- profile ------------------------------------------------------------------------------------

def profile_in_process(app: Any, households: list[int], size: int) -> None:
    """Profile one fresh and one replayed batch through app.test_client()."""
    rng = random.Random(7)
    client = app.test_client()
    login = client.post("/api/v1/auth/login", json={"login": LOGIN, "password": PASSWORD,
                                                    "device_id": DEVICE_ID})
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    sql: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    starts: dict[int, float] = {}

    def before(_conn, cursor, _statement, _params, _context, _many):
        starts[id(cursor)] = time.perf_counter()

    def after(_conn, cursor, statement, _params, _context, _many):
        key = " ".join(statement.split())[:70]
        sql[key][0] += 1
        sql[key][1] += time.perf_counter() - starts.pop(id(cursor), time.perf_counter())

    with app.app_context():
        engine = db.engine
    # One batch first, so the profile shows steady state rather than first-use set-up.
    client.post("/api/v1/sync", json=make_batch(rng, households, size), headers=headers)
    batch = make_batch(rng, households, size)
    for label in ("fresh", "replayed"):
        sql.clear()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        response = client.post("/api/v1/sync", json=batch, headers=headers)
        profiler.disable()
        total = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        assert response.status_code == 200, response.get_json()
        print(f"\n== profile: one {label} batch of {size} in process: {total * 1000:.0f} ms "
              f"(cProfile adds overhead)")
        sql_total = sum(seconds for _, seconds in sql.values())
        print(f"SQL: {sum(n for n, _ in sql.values())} statements, {sql_total * 1000:.0f} ms")
        for statement, (n, seconds) in sorted(sql.items(), key=lambda kv: -kv[1][1])[:8]:
            print(f"  {seconds * 1000:7.1f} ms  x{n:<3} {statement}")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"khaya/", 25)  # Khaya's own functions
        stats.sort_stats("tottime").print_stats(15)  # where the CPU itself goes
        print(out.getvalue())


# --- main ---------------------------------------------------------------------------------------

def main() -> int:
    args = parse_args()
    url = database_url(args.db)
    if args.as_is:
        say(f"using {args.db} as it stands")
    else:
        say(f"preparing {args.db} (migrations, Lamphun territory, demo accounts)")
        prepare_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_urlsafe(48)})
    households, made = ensure_households(app, args.households)
    say(f"{len(households)} households in Lamphun Town ({made} added)")
    with app.app_context():
        pg_version = db.session.scalar(text("show server_version"))
        db.session.remove()
    rng = random.Random(20261125)
    phases: list[Phase] = []
    ok = True
    try:
        with stop_on_sigterm(), gunicorn(url, workers=args.workers, threads=args.threads,
                                          app=args.app, code=args.code) as server:
            port = server.port
            say(f"gunicorn on {LOOPBACK}:{port} ({args.workers} workers x {args.threads} threads)")
            status, pair = request(port, "POST", "/api/v1/auth/login",
                                   {"login": LOGIN, "password": PASSWORD, "device_id": DEVICE_ID})
            if status != 200:
                raise RuntimeError(f"login failed: {status} {pair}")
            token = pair["access_token"]
            encode = json.dumps
            warmup = [encode(make_batch(rng, households, 50)).encode()
                      for _ in range(2 * args.clients)]
            fresh = [encode(make_batch(rng, households, args.batch_size)).encode()
                     for _ in range(args.batches)]
            def phase(name: str, bodies: list[bytes], expect: str) -> int:
                start = snapshot(server, app)
                result = run_phase(name, port, token, bodies, args.clients, expect)
                phases.append(measured(result, start, snapshot(server, app)))
                return count_logs(app)

            before = count_logs(app)
            after_warmup = phase("warmup", warmup, "created")
            say(f"sending {args.batches} batches of {args.batch_size} from {args.clients} clients")
            after_fresh = phase("fresh", fresh, "created")
            after_replay = phase("replay", fresh, "duplicate")
            server_errors = server.errors() if any(p.errors for p in phases) else []
        print()
        print("\n".join(machine(pg_version)))
        print(f"code:       {args.code or 'this checkout'}; database {args.db}")
        print(f"server:     gunicorn {args.workers} workers x {args.threads} threads, "
              f"database on this machine; {args.clients} clients, keep-alive")
        print(f"data:       {len(households)} households in Lamphun Town's communities, "
              f"{args.batch_size}-item batches of sorting logs as {LOGIN}")
        print()
        print(table(phases))
        for phase in phases:
            for error in sorted(set(phase.errors))[:5]:
                print(f"{phase.name}: {error}")
            ok = ok and not phase.errors
        sent_warmup = 50 * len(warmup)
        sent_fresh = args.batch_size * args.batches
        rows_ok = (after_warmup - before == sent_warmup and after_fresh - after_warmup ==
                   sent_fresh and after_replay == after_fresh)
        print(f"\nrows: +{after_warmup - before} warmup (sent {sent_warmup}), "
              f"+{after_fresh - after_warmup} fresh (sent {sent_fresh}), "
              f"+{after_replay - after_fresh} replay (sent {sent_fresh} again)")
        # Whatever happened, each new row must be an item answered "created", and no more.
        added = [after_warmup - before, after_fresh - after_warmup, after_replay - after_fresh]
        acknowledged = [phase.statuses["created"] for phase in phases]
        if rows_ok:
            print("rows OK")
        elif added == acknowledged:
            print("ROWS SHORT of the items sent: failed batches stored nothing (their items were "
                  "created on replay); every row is an item answered 'created'")
        else:
            print(f"ROWS WRONG: rows added {added} but items answered 'created' {acknowledged}")
        if server_errors:
            print("\nserver errors (kinds, numbers masked):\n  " + "\n  ".join(server_errors))
        ok = ok and rows_ok
        if rows_ok:
            fresh_phase = next(p for p in phases if p.name == "fresh")
            fresh_rate = fresh_phase.items / max(fresh_phase.wall_s, 1e-9)
            floor_rows, floor_rate = raw_upsert_floor(app, url, args.batch_size, args.clients)
            print(f"\nraw-upsert floor: the fresh phase's {floor_rows} rows inserted again "
                  f"straight into a copy of sorting_logs ({args.batch_size}-row INSERT ... ON "
                  f"CONFLICT DO NOTHING from {args.clients} connections): {floor_rate:,.0f} "
                  f"rows/s; the sync reached {fresh_rate / floor_rate:.0%} of it")
        if args.profile:
            profile_in_process(app, households, args.batch_size)
    finally:
        if not args.keep:
            started = time.perf_counter()
            removed = remove_data(app, households, made == len(households))
            say(f"removed the bench's {removed} logs"
                + (" and households" if made == len(households) else "")
                + f" in {time.perf_counter() - started:.1f} s")
        with app.app_context():
            db.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    run(main)
