"""Fault drills: what Khaya does when things break under a sync load, and whether the phones'
data converges afterwards.

    .venv/bin/python bench/faults.py all            every drill in turn (what `make drill` runs)
    .venv/bin/python bench/faults.py kill           (a) kill -9 gunicorn mid-run, restart it
    .venv/bin/python bench/faults.py pg-restart     (b) restart PostgreSQL mid-run
    .venv/bin/python bench/faults.py big-body       (c) 20 MB request bodies
    .venv/bin/python bench/faults.py slowloris      (d) 200 connections sending headers slowly
    .venv/bin/python bench/faults.py worker-kill    (e) kill -9 queue workers while they apply
    .venv/bin/python bench/faults.py two-servers    (f) two app servers behind nginx
    options: [--db khaya_drill] [--workers N] [--threads 4]

With no drill named it prints this help and exits 0: ``make bench`` runs every bench/*.py
without arguments, and restarting the shared PostgreSQL is no part of a benchmark run.

Uses the load drill's database (khaya_drill on the private cluster, migrated and seeded with the
demo, with the drill's resident and volunteer accounts) and serves Khaya as scripts/run.sh does
(gunicorn, KHAYA_WORKERS workers x 4 threads) on a free loopback port.

(a) kill: 24 phones (20 residents, 4 volunteers) sync in a loop, each keeping an outbox that it
    resends with the same client_ids until the server acknowledges the items, as the PWA does.
    After 5 s the gunicorn master and every worker get SIGKILL at once; 2 s later gunicorn starts
    again on the same port; the phones carry on, then stop making items and drain their outboxes.
(b) pg-restart: the same load; after 5 s ``pg_ctl restart -m fast`` restarts the private
    cluster (a few seconds; other users of the cluster notice). Khaya is not restarted: its pools
    (pool_pre_ping) must find fresh connections by themselves.
    Both end with the convergence check: every acknowledged item is in the database exactly once
    under the id the server answered, every item made has arrived, and nothing else is there.
(c) big-body: 20 MB bodies (with Content-Length, and once chunked) to /api/v1/sync,
    /api/v1/auth/login, /api/v1/households/import, /api/v1/photos and /api/v1/households: each
    must answer 413 within 2 s without the server reading the body; the workers stay up (same
    pids), their memory does not grow by more than 50 MB and /api/v1/health answers at once.
(d) slowloris: 200 connections send a request's headers one byte per second for 20 s while
    normal clients (a sync batch, a league table) keep asking; measures their latency and
    failures before, during and after. Run against gunicorn alone (figures only) and then
    through deploy/nginx/khaya.conf as the deployment runs it (nginx installed with apt when
    missing): PASS needs every normal request through nginx answered, p95 under 1 s.

(e) worker-kill: the same load, with two job-queue workers (``flask jobs worker --queue
    rollups``) bringing the rollups level with the syncs; every 3 s one of them gets SIGKILL and
    a new one starts. Afterwards a worker drains what is left. PASS needs the convergence check,
    no change left pending, and ``analytics reconcile`` agreeing: every acknowledged row is in
    the rollups exactly once. Prints the staleness of the figures during the run (the age of the
    oldest change not yet applied, sampled twice a second): the freshness of the dashboards.
(f) two-servers: two gunicorn servers on one database, with the same secret and the Redis
    rate-limit store scripts/run.sh gives them, behind deploy/nginx/khaya.conf with one server
    line each. A session made on one is used and ended on the other; wrong passwords for one
    account alternate between them and the 11th is refused (the per-account limit counts both
    servers' attempts); a tile's ETag is the same on both and moves on both when a collection
    point changes. Then the phones' load goes through nginx while server A is killed (SIGKILL)
    5 s in and started 2 s later. PASS needs all of that, the convergence check, sync batches
    answered by both servers, and the changes both announced applied by one queue worker.

Prints figures and PASS/FAIL per drill; exits 1 when any drill failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from _drill import (
    PASSWORD,
    RUN_SH_THREADS,
    Account,
    Gunicorn,
    Ledger,
    Nginx,
    Phone,
    Staleness,
    converge,
    drain,
    drain_queue,
    engine_for,
    ensure_accounts,
    ensure_nginx,
    http_call,
    login,
    percentile,
    queue_worker,
    rss_mb,
    run_sh_workers,
    today_in_thailand,
)
from _server import LOOPBACK, ROOT, database_url, free_port, prepare_database, run, say
from sqlalchemy import text

FLASK = Path(sys.executable).parent / "flask"

BIG = 20 * 1024 * 1024


@dataclass
class Verdict:
    name: str
    passed: bool
    lines: list[str] = field(default_factory=list)


# --- a sync load that survives faults -----------------------------------------------------------

@dataclass
class LoadLog:
    """What the phones saw: every send attempt with its time and outcome."""

    events: list[tuple[float, bool, int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ok: bool, status: int, note: str) -> None:
        with self.lock:
            self.events.append((time.monotonic(), ok, status, note))

    def first_ok_after(self, moment: float) -> float | None:
        with self.lock:
            times = [t for t, ok, _, _ in self.events if ok and t > moment]
        return min(times) if times else None

    def failures(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for _, ok, status, note in self.events:
                if not ok:
                    key = f"HTTP {status}" if status else note
                    counts[key] = counts.get(key, 0) + 1
        return counts


def phone_loop(phone: Phone, port: int, ledger: Ledger, log: LoadLog, stop: threading.Event,
               items: Callable[[random.Random], int], inspections: float) -> None:
    """Make items and sync, as a phone does: on failure keep them and retry after a pause."""
    rng = phone.rng
    while not stop.is_set():
        phone.make_items(ledger, items(rng), inspections)
        sent = phone.send(port, ledger, timeout=10)
        log.add(sent.ok, sent.status, sent.note)
        stop.wait(rng.uniform(0.05, 0.2) if sent.ok else rng.uniform(0.3, 1.0))


def sync_under_fault(url: str, accounts: list[Account], server: Gunicorn, name: str,
                     fault: Callable[[], dict[str, Any]], seconds: float = 16,
                     fault_at: float = 5) -> tuple[Ledger, LoadLog, dict[str, Any], str, int]:
    """Run the phones for ``seconds``, call ``fault`` at ``fault_at``, drain; return the ledger,
    the log, what the fault reported, the run tag and the items left in outboxes."""
    tag = uuid.uuid4().hex[:8]
    rng = random.Random(name)
    residents = [a for a in accounts if a.role == "resident"][:20]
    volunteers = [a for a in accounts if a.role == "volunteer"][:4]
    phones = [Phone(a, tag, random.Random(rng.getrandbits(64))) for a in residents + volunteers]
    for phone in phones:
        phone.sign_in(server.port)
    ledger, log, stop = Ledger(), LoadLog(), threading.Event()
    threads = []
    for phone in phones:
        resident = phone.account.role == "resident"
        threads.append(threading.Thread(target=phone_loop, daemon=True, args=(
            phone, server.port, ledger, log, stop,
            (lambda r: r.choice((1, 1, 2, 3))) if resident else (lambda r: r.randint(20, 60)),
            0.0 if resident else 0.1)))
    for thread in threads:
        thread.start()
    time.sleep(fault_at)
    report = fault()
    time.sleep(max(0.0, seconds - fault_at - report.get("took_s", 0)))
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    left = drain(phones, server.port, ledger, deadline_s=60)
    return ledger, log, report, tag, left


def convergence_lines(url: str, tag: str, ledger: Ledger, left: int,
                      log: LoadLog) -> tuple[bool, list[str]]:
    result = converge(url, tag, ledger)
    attempts = len(log.events)
    failed = sum(not ok for _, ok, _, _ in log.events)
    lines = [
        f"sync attempts {attempts}, failed {failed} "
        f"({', '.join(f'{k} x{v}' for k, v in sorted(log.failures().items())) or 'none'})",
        f"convergence: {result.summary()}; left in outboxes {left}",
    ]
    return result.complete and left == 0, lines


def drill_kill(url: str, accounts: list[Account], args: argparse.Namespace) -> Verdict:
    port = free_port()
    with Gunicorn(url, port, workers=args.workers, threads=args.threads) as server:
        server.start()
        moments: dict[str, Any] = {}

        def fault() -> dict[str, Any]:
            moments["kill"] = time.monotonic()
            killed = server.kill9()
            moments["pids"] = killed
            time.sleep(2)
            moments["restart_s"] = server.start()
            moments["up"] = time.monotonic()
            return {"took_s": moments["up"] - moments["kill"]}

        ledger, log, _, tag, left = sync_under_fault(url, accounts, server, "kill", fault)
        survivors = [p for p in moments["pids"] if os.path.exists(f"/proc/{p}")
                     and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1][:3]]
        first_ok = log.first_ok_after(moments["up"])
        errors = server.error_lines()
    converged, lines = convergence_lines(url, tag, ledger, left, log)
    recovered = first_ok is not None
    lines.insert(0, f"killed {len(moments['pids'])} processes (master + workers) with SIGKILL; "
                    f"{len(survivors)} survived; restarted 2 s later, healthy after "
                    f"{moments['restart_s']:.1f} s; first acknowledged batch "
                    + (f"{first_ok - moments['kill']:.1f} s after the kill" if recovered
                       else "never"))
    if errors:
        lines.append("server log: " + "; ".join(errors[:4]))
    return Verdict("(a) kill -9 gunicorn mid-sync", converged and recovered and not survivors,
                   lines)


def pg_ctl() -> list[str]:
    """pg_ctl for the private cluster, run as postgres when we are root (as scripts/db.sh)."""
    data = (ROOT / "var" / "pg" / "data").resolve()
    major = (data / "PG_VERSION").read_text().strip()
    command = [f"/usr/lib/postgresql/{major}/bin/pg_ctl", "-D", str(data)]
    return (["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command)


def drill_pg_restart(url: str, accounts: list[Account], args: argparse.Namespace) -> Verdict:
    if os.environ.get("DATABASE_URL"):
        return Verdict("(b) restart PostgreSQL mid-sync", True,
                       ["SKIPPED: DATABASE_URL names another server; this drill restarts only "
                        "the private cluster"])
    port = free_port()
    log_file = str((ROOT / "var" / "pg" / "server.log").resolve())
    with Gunicorn(url, port, workers=args.workers, threads=args.threads) as server:
        server.start()
        pids_before = sorted(server.pids())
        moments: dict[str, Any] = {}

        def fault() -> dict[str, Any]:
            moments["start"] = time.monotonic()
            done = subprocess.run([*pg_ctl(), "-l", log_file, "-m", "fast", "-w", "-t", "60",
                                   "restart"], capture_output=True, text=True)
            moments["up"] = time.monotonic()
            moments["rc"] = done.returncode
            moments["out"] = (done.stdout + done.stderr).strip().splitlines()[-1:]
            return {"took_s": moments["up"] - moments["start"]}

        ledger, log, _, tag, left = sync_under_fault(url, accounts, server, "pg-restart", fault)
        first_ok = log.first_ok_after(moments["up"])
        health = http_call(port, "GET", "/api/v1/health", timeout=10)[0]
        pids_after = sorted(server.pids())
        errors = server.error_lines()
    converged, lines = convergence_lines(url, tag, ledger, left, log)
    recovered = first_ok is not None and moments["rc"] == 0
    lines.insert(0, f"pg_ctl restart -m fast: exit {moments['rc']} after "
                    f"{moments['up'] - moments['start']:.1f} s {moments['out']}; first "
                    "acknowledged batch " + (f"{first_ok - moments['up']:.2f} s after the "
                                              "database was back" if first_ok else "never")
                 + f"; health {health}; gunicorn processes "
                 + ("unchanged (not restarted)" if pids_before == pids_after
                    else f"changed {pids_before} -> {pids_after}"))
    if errors:
        lines.append("server log (errors while the database was away): " + "; ".join(errors[:3]))
    return Verdict("(b) restart PostgreSQL mid-sync", converged and recovered and health == 200,
                   lines)


# --- (c) big bodies -----------------------------------------------------------------------------

def send_big(port: int, path: str, token: str | None, content_type: str,
             chunked: bool = False) -> tuple[int, float, int]:
    """Send a 20 MB body; return (status, seconds to the status line, bytes the server took)."""
    sock = socket.create_connection((LOOPBACK, port), timeout=10)
    head = [f"POST {path} HTTP/1.1", f"Host: {LOOPBACK}:{port}",
            f"Content-Type: {content_type}", "Connection: close"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {BIG}")
    sent = [0]
    stop = threading.Event()
    block = b"x" * 65536

    def pour() -> None:
        try:
            while sent[0] < BIG and not stop.is_set():
                piece = block if not chunked else b"10000\r\n" + block + b"\r\n"
                sock.sendall(piece)
                sent[0] += len(block)
            if chunked and not stop.is_set():
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection: it stopped reading, as it should

    started = time.monotonic()
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sender = threading.Thread(target=pour, daemon=True)
    sender.start()
    status = 0
    try:
        line = sock.makefile("rb").readline()
        took = time.monotonic() - started
        if line.startswith(b"HTTP/"):
            status = int(line.split()[1])
    except OSError:
        took = time.monotonic() - started
    stop.set()
    sock.close()
    sender.join(timeout=5)
    return status, took, sent[0]


def drill_big_body(url: str, accounts: list[Account], args: argparse.Namespace) -> Verdict:
    port = free_port()
    lines: list[str] = []
    warned: list[str] = []
    passed = True
    with Gunicorn(url, port, workers=args.workers, threads=args.threads) as server:
        server.start()
        staff = login(port, "town.staff", "drill-big-body")
        resident = login(port, accounts[0].login, "drill-big-body")
        pids = sorted(server.pids())
        rss_before = rss_mb(pids)
        cases = [
            ("/api/v1/sync", staff, "application/json", False),
            ("/api/v1/sync", staff, "application/json", True),
            ("/api/v1/sync", None, "application/json", False),
            ("/api/v1/auth/login", None, "application/json", False),
            ("/api/v1/households/import", staff, "text/csv", False),
            ("/api/v1/photos", resident, "multipart/form-data; boundary=x", False),
            ("/api/v1/households", staff, "application/json", False),
        ]
        for path, token, content_type, chunked in cases:
            status, took, taken = send_big(port, path, token, content_type, chunked)
            health_started = time.monotonic()
            health = http_call(port, "GET", "/api/v1/health", timeout=10)[0]
            health_s = time.monotonic() - health_started
            # Without a token the answer may be 401 before the body matters; both refuse it.
            expected = (413,) if token or path == "/api/v1/auth/login" else (401, 413)
            ok = status in expected and took < 2 and health == 200
            mark = "ok  " if ok else "FAIL"
            if chunked and status == 400 and took < 2 and health == 200:
                # Werkzeug cuts a chunked body at MAX_CONTENT_LENGTH without raising, so the
                # JSON is cut short and the answer is 400: refused, fast, but not 413.
                ok, mark = True, "WARN"
                warned.append(path)
            passed = passed and ok
            lines.append(f"{mark} {path:<26} "
                         f"{'chunked' if chunked else 'length '} "
                         f"{'token' if token else 'none '}: {status} in {took * 1000:6.0f} ms, "
                         f"{taken / 1e6:5.1f} MB written before the answer; health "
                         f"{health} in {health_s * 1000:.0f} ms")
        rss_after = rss_mb(server.pids())
        same = sorted(server.pids()) == pids
    grew = rss_after - rss_before
    lines.append(f"workers {'unchanged' if same else 'CHANGED'}; memory {rss_before:.0f} -> "
                 f"{rss_after:.0f} MB ({grew:+.0f} MB)")
    if warned:
        lines.append("WARN: a chunked body (no Content-Length) over MAX_CONTENT_LENGTH is cut "
                     "there by Werkzeug and answers 400 (invalid JSON) instead of 413; a proxy "
                     "in front (nginx client_max_body_size) answers 413")
    return Verdict("(c) 20 MB request bodies", passed and same and grew < 50, lines)


# --- (d) slowloris ------------------------------------------------------------------------------

def _slow_attack(port: int, app_port: int, accounts: list[Account], connections: int,
                 attack_s: float) -> tuple[list[str], bool]:
    """Attack ``port`` with slow header senders while two normal clients keep working; return
    the figures and whether normal clients were served throughout."""
    staff = login(app_port, "town.staff", "drill-slowloris")
    province = login(app_port, "province", "drill-slowloris")
    phone = Phone(next(a for a in accounts if a.role == "resident"), uuid.uuid4().hex[:8],
                  random.Random(7))
    phone.sign_in(port)
    ledger = Ledger()
    month = today_in_thailand().strftime("%Y-%m")
    samples: list[tuple[float, float, bool]] = []  # (when, seconds, answered)
    stop = threading.Event()

    def normal_client(n: int) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                if n % 2:
                    phone.make_items(ledger, 1)
                    ok = phone.send(port, ledger, timeout=10).ok
                else:
                    status, _ = http_call(
                        port, "GET", "/api/v1/analytics/league?level=lgo&parent=51"
                        f"&indicator=participation&period={month}", token=province,
                        timeout=10)
                    ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            samples.append((started, time.monotonic() - started, ok))
            stop.wait(0.5)

    clients = [threading.Thread(target=normal_client, args=(n,), daemon=True)
               for n in range(2)]
    for client in clients:
        client.start()
    time.sleep(5)
    attack_from = time.monotonic()
    header = (f"POST /api/v1/sync HTTP/1.1\r\nHost: {LOOPBACK}\r\n"
              f"Authorization: Bearer {staff}\r\nX-Padding: " + "a" * 4000).encode()
    socks: list[socket.socket] = []
    for _ in range(connections):
        try:
            socks.append(socket.create_connection((LOOPBACK, port), timeout=5))
        except OSError:
            break
    opened = len(socks)
    position = 0
    while time.monotonic() - attack_from < attack_s:
        for sock in list(socks):
            try:
                sock.send(header[position:position + 1])
            except OSError:
                socks.remove(sock)  # the server dropped it
        position += 1
        time.sleep(1)
    dropped = opened - len(socks)
    for sock in socks:
        sock.close()
    attack_to = time.monotonic()
    time.sleep(5)
    stop.set()
    for client in clients:
        client.join(timeout=15)
    health = http_call(port, "GET", "/api/v1/health", timeout=10)[0]

    def phase(start: float, end: float) -> tuple[int, int, float, float]:
        # A request belongs to the phase it was sent in.
        chosen = [(s, ok) for t, s, ok in samples if start <= t < end]
        answered = [s * 1000 for s, ok in chosen if ok]
        return (len(chosen), len(chosen) - len(answered), percentile(answered, 50),
                percentile(answered, 95))

    during = phase(attack_from, attack_to)
    lines = [f"{opened} slow connections opened, {dropped} dropped by the server during the "
             f"{attack_s:.0f} s attack (one header byte a second each)"]
    for label, (n, failed, p50, p95) in (("before", phase(0, attack_from)), ("during", during),
                                         ("after", phase(attack_to, float("inf")))):
        lines.append(f"normal requests {label:<6}: {n:3d} sent, {failed:3d} failed or timed out "
                     f"(10 s), p50 {p50:7.0f} ms, p95 {p95:7.0f} ms")
    lines.append(f"health after the attack: {health}")
    served = during[0] > 0 and during[1] == 0 and during[3] < 1000 and health == 200
    return lines, served


def drill_slowloris(url: str, accounts: list[Account], args: argparse.Namespace,
                    connections: int = 200, attack_s: float = 20) -> Verdict:
    """Slow senders against gunicorn alone (figures only: its threads read headers with no
    deadline), then against the deployment's nginx in front, which must keep serving."""
    port = free_port()
    lines: list[str] = []
    with Gunicorn(url, port, workers=args.workers, threads=args.threads) as server:
        server.start()
        alone, alone_served = _slow_attack(port, port, accounts, connections, attack_s)
        lines += ["gunicorn alone:", *(f"  {line}" for line in alone)]
        if not alone_served:
            lines.append("  its threaded workers read a request's headers on a worker thread "
                         "with no deadline, so slow senders hold every thread: never expose it "
                         "directly")
        binary = ensure_nginx()
        if binary is None:
            lines.append("behind nginx: not run (nginx missing and not root to install it)")
            return Verdict("(d) slowloris: 200 slow header senders", False, lines)
        proxy_port = free_port()
        with Nginx(binary, proxy_port, port):
            proxied, served = _slow_attack(proxy_port, port, accounts, connections, attack_s)
        lines += ["behind nginx (deploy/nginx/khaya.conf as shipped):",
                  *(f"  {line}" for line in proxied)]
    return Verdict("(d) slowloris: 200 slow header senders, behind the deployment's nginx",
                   served, lines)


def drill_worker_kill(url: str, accounts: list[Account], args: argparse.Namespace) -> Verdict:
    # Start level: nothing pending from before, so the staleness measured is this run's.
    drain_queue(url, "rollups").check_returncode()
    workers = [queue_worker(url, "rollups"), queue_worker(url, "rollups")]
    killed: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.wait(3):
            victim = workers.pop(0)
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
            killed.append(victim.pid)
            workers.append(queue_worker(url, "rollups"))

    port = free_port()
    thread = threading.Thread(target=killer, daemon=True)
    try:
        with Gunicorn(url, port, workers=args.workers, threads=args.threads) as server, \
                Staleness(url) as staleness:
            server.start()
            thread.start()
            ledger, log, _, tag, left = sync_under_fault(
                url, accounts, server, "worker-kill", lambda: {}, seconds=20)
            stop.set()
            thread.join(timeout=30)
    finally:
        stop.set()
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    began = time.monotonic()
    last = drain_queue(url, "rollups", "upkeep")
    drained_s = time.monotonic() - began
    engine = engine_for(url)
    with engine.connect() as connection:
        pending = connection.execute(text("select count(*) from pending_changes")).scalar_one()
    engine.dispose()
    today = today_in_thailand()
    check = subprocess.run(
        [str(FLASK), "--app", "khaya", "analytics", "reconcile",
         "--from", f"{today.replace(day=1):%Y-%m-%d}", "--to", f"{today:%Y-%m-%d}"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)
    converged, lines = convergence_lines(url, tag, ledger, left, log)
    lines.insert(0, f"killed {len(killed)} queue workers with SIGKILL (one every 3 s, two "
                    f"running); a last worker drained the rest in {drained_s:.1f} s "
                    f"(exit {last.returncode}); changes left pending: {pending}")
    lines.append(f"staleness of the figures during the run: {staleness.summary()}")
    lines.append("analytics reconcile: " + (check.stdout.strip().splitlines() or ["?"])[-1])
    return Verdict("(e) kill -9 queue workers mid-apply",
                   converged and pending == 0 and check.returncode == 0
                   and last.returncode == 0, lines)

def _served(server: Gunicorn, request: str) -> int:
    """How many ``request`` lines (say "POST /api/v1/sync") the server's access log holds."""
    server.log.flush()
    server.log.seek(0)
    return sum(request in line for line in server.log)


def _etag(port: int, path: str) -> str | None:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag") if response.status == 200 else None
    finally:
        connection.close()


def _shared_state(url: str, ports: tuple[int, int], account: Account,
                  limited_account: Account) -> tuple[bool, list[str]]:
    """Sessions, rate limits and tile caches seen from two servers."""
    a, b = ports
    lines, ok = [], True
    token = login(a, account.login, "drill-two-servers")
    on_b = http_call(b, "GET", "/api/v1/me", token=token)[0]
    out = http_call(b, "POST", "/api/v1/auth/logout", b"{}", token=token)[0]
    after = http_call(a, "GET", "/api/v1/me", token=token)[0]
    ok &= (on_b, after) == (200, 401) and out in (200, 204)
    lines.append(f"session: signed in on A, read /me on B {on_b}, signed out on B {out}, "
                 f"the same token on A then {after} (expected 200, 401)")
    # The per-account sign-in limit (10 a minute, in Redis) counts attempts on both servers
    # together: with each process counting its own, the 11th would go through.
    right = json.dumps({"login": limited_account.login, "password": PASSWORD,
                        "device_id": "drill-two-servers"}).encode()
    statuses = [http_call((a, b)[n % 2], "POST", "/api/v1/auth/login", right)[0]
                for n in range(12)]
    ok &= statuses == [200] * 10 + [429] * 2
    lines.append(f"sign-in limit across servers: 12 sign-ins alternating A and B answered "
                 f"{' '.join(map(str, statuses))} (the 11th and 12th must be 429)")
    engine = engine_for(url)
    with engine.connect() as connection:
        lon, lat = connection.execute(text(
            "select st_x(point), st_y(point) from collection_points"
            " where id = (select min(id) from collection_points)")).one()
    # The z10 tile that holds the point the change below touches.
    x = int((lon + 180) / 360 * 1024)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 1024)
    tile = f"/api/v1/tiles/collection-points/10/{x}/{y}.mvt"
    before = (_etag(a, tile), _etag(b, tile))
    with engine.begin() as connection:
        # A change committed through any server moves the version every server's cache reads.
        connection.execute(text("update collection_points set name_th = name_th"
                                " where id = (select min(id) from collection_points)"))
    engine.dispose()
    after_change = (_etag(a, tile), _etag(b, tile))
    same = before[0] is not None and before[0] == before[1] and after_change[0] == after_change[1]
    moved = after_change[0] is not None and after_change[0] != before[0]
    ok &= same and moved
    lines.append(f"tile cache: {tile} ETag on A and B {before[0]} / {before[1]}; after a "
                 f"collection point changed: {after_change[0]} / {after_change[1]}")
    return ok, lines


def drill_two_servers(url: str, accounts: list[Account], args: argparse.Namespace) -> Verdict:
    """Two app servers behind the deployment's nginx, sharing what must be shared."""
    binary = ensure_nginx()
    if binary is None:
        return Verdict("(f) two app servers behind nginx", False,
                       ["not run: nginx missing and not root to install it"])
    redis = subprocess.run(["bash", "scripts/redis.sh", "ensure"], cwd=ROOT, check=False)
    redis_url = subprocess.run(["bash", "scripts/redis.sh", "url"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.strip()
    if redis.returncode != 0:
        return Verdict("(f) two app servers behind nginx", False, ["Redis did not start"])
    drain_queue(url, "rollups").check_returncode()
    secret = uuid.uuid4().hex + uuid.uuid4().hex
    env = {"KHAYA_RATELIMIT_STORAGE_URI": redis_url}
    ports = (free_port(), free_port())
    servers = [Gunicorn(url, port, workers=max(1, args.workers // 2), threads=args.threads,
                        secret=secret, env=env) for port in ports]
    lines: list[str] = []
    with servers[0] as a, servers[1] as b:
        a.start()
        b.start()
        shared, shared_lines = _shared_state(url, ports, accounts[-2], accounts[-1])
        lines += shared_lines
        proxy = free_port()
        moments: dict[str, Any] = {}
        with Nginx(binary, proxy, list(ports)):

            def fault() -> dict[str, Any]:
                moments["kill"] = time.monotonic()
                moments["pids"] = a.kill9()
                time.sleep(2)
                a.start()
                moments["up"] = time.monotonic()
                return {"took_s": moments["up"] - moments["kill"]}

            front = SimpleNamespace(port=proxy)
            ledger, log, _, tag, left = sync_under_fault(url, accounts, front, "two-servers",
                                                          fault)
        served = (_served(a, "POST /api/v1/sync"), _served(b, "POST /api/v1/sync"))
    began = time.monotonic()
    last = drain_queue(url, "rollups")
    engine = engine_for(url)
    with engine.connect() as connection:
        pending = connection.execute(text("select count(*) from pending_changes")).scalar_one()
    engine.dispose()
    converged, load_lines = convergence_lines(url, tag, ledger, left, log)
    lines.append(f"load through nginx: 24 phones; server A killed with SIGKILL 5 s in and "
                 f"started again 2 s later; sync batches answered by A {served[0]}, by B "
                 f"{served[1]}")
    lines += load_lines
    lines.append(f"job queue: the changes both servers announced applied by one worker in "
                 f"{time.monotonic() - began:.1f} s (exit {last.returncode}); left pending "
                 f"{pending}")
    return Verdict("(f) two app servers behind nginx",
                   shared and converged and min(served) > 0 and pending == 0
                   and last.returncode == 0, lines)


# --- main ---------------------------------------------------------------------------------------

DRILLS: dict[str, Callable[[str, list[Account], argparse.Namespace], Verdict]] = {
    "kill": drill_kill,
    "pg-restart": drill_pg_restart,
    "big-body": drill_big_body,
    "slowloris": drill_slowloris,
    "worker-kill": drill_worker_kill,
    "two-servers": drill_two_servers,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("drill", nargs="?", choices=[*DRILLS, "all"])
    parser.add_argument("--db", default="khaya_drill", help="database (khaya_drill)")
    parser.add_argument("--workers", type=int, default=run_sh_workers(),
                        help="gunicorn workers (KHAYA_WORKERS or 2, as scripts/run.sh)")
    parser.add_argument("--threads", type=int, default=RUN_SH_THREADS,
                        help="gunicorn threads per worker (4, as scripts/run.sh)")
    args = parser.parse_args()
    if args.drill is None:
        print(__doc__)
        return 0
    url = database_url(args.db)
    say(f"preparing {args.db} (migrations, the Lamphun demo, drill accounts)")
    prepare_database(url)
    accounts = ensure_accounts(url, 300, 40)
    names = list(DRILLS) if args.drill == "all" else [args.drill]
    verdicts = []
    for name in names:
        say(f"drill {name}")
        try:
            verdict = DRILLS[name](url, accounts, args)
        except Exception as error:  # a drill that cannot finish has failed
            verdict = Verdict(name, False, [f"the drill broke: {type(error).__name__}: {error}"])
        verdicts.append(verdict)
        print(f"\n== {verdict.name}: {'PASS' if verdict.passed else 'FAIL'}")
        for line in verdict.lines:
            print(f"   {line}")
        sys.stdout.flush()
    print("\nfault drills: " + ", ".join(
        f"{v.name.split(')')[0]}) {'PASS' if v.passed else 'FAIL'}" for v in verdicts))
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    run(main)
