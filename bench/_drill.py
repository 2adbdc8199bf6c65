"""Shared by the drills (bench/load.py, bench/faults.py): drill accounts, phones with an outbox,
Khaya under gunicorn on a fixed loopback port that can be killed and restarted, the
exactly-once check against the database, and small statistics helpers.

Not a drill itself (``make bench`` runs it too; it does nothing then).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _server import BIN, LOOPBACK, ROOT, children, say
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

PASSWORD = "lamphun-demo"  # the demo password; the drill's own accounts use it too
RESIDENT_PREFIX = "drill.res."
VOLUNTEER_PREFIX = "drill.vol."
STREAMS = ("organic", "recyclable", "general", "hazardous")
HANDLING = ("wet_bin", "compost", "animal_feed")
FIVE_POINTS = ("registered", "bin_built", "food_waste_in_bin", "lid_closed", "used_correctly")


def engine_for(url: str) -> Any:
    """A small engine for the drill's own checks (no pool: nothing lingers in pg_stat_activity)."""
    return create_engine(url, poolclass=NullPool)


# --- accounts -----------------------------------------------------------------------------------

@dataclass
class Account:
    login: str
    role: str  # resident | volunteer
    lgo_id: int
    households: list[tuple[int, float | None, float | None]]  # (id, lon, lat) the phone logs for
    villages: list[str] = field(default_factory=list)  # a volunteer's village codes


def ensure_accounts(url: str, residents: int, volunteers: int) -> list[Account]:
    """Make (idempotently, by username) ``residents`` resident accounts, each linked to its own
    occupied household registered at least a week ago, and ``volunteers`` volunteers assigned to
    two villages each; return them with the households each one logs for."""
    from khaya import create_app
    from khaya.auth.models import (
        Role,
        RoleGrant,
        User,
        VolunteerAssignment,
        VolunteerProfile,
        VolunteerType,
    )
    from khaya.auth.passwords import hash_password
    from khaya.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "drill-setup"})
    with app.app_context():
        session = db.session
        week_ago = dt.date.today() - dt.timedelta(days=7)
        # Households any phone may log for: active, occupied, registered a week ago or more,
        # in a village with at least ten of them (volunteers get such villages).
        candidates = session.execute(text("""
            select h.id, h.lgo_id, h.village_id, v.code, st_x(h.point) lon, st_y(h.point) lat
            from households h join villages v on v.id = h.village_id
            where h.active and h.occupancy = 'occupied' and h.registered_on <= :week_ago
            order by md5(h.id::text)
        """), {"week_ago": week_ago}).all()
        if not candidates:
            raise RuntimeError("the database holds no households: seed it first")
        by_village: dict[str, list[Any]] = {}
        for row in candidates:
            by_village.setdefault(row.code, []).append(row)
        villages = sorted((c for c, rows in by_village.items() if len(rows) >= 10),
                          key=lambda c: (-len(by_village[c]), c))
        linked = dict(session.execute(text("""
            select u.username, g.household_id from users u join role_grants g on g.user_id = u.id
            where u.username like :prefix and g.role = 'resident'
        """), {"prefix": RESIDENT_PREFIX + "%"}).tuples().all())
        assigned: dict[str, list[str]] = {}
        for username, code in session.execute(text("""
            select u.username, v.code from users u
            join volunteer_assignments a on a.user_id = u.id
            join villages v on v.id = a.village_id
            where u.username like :prefix order by v.code
        """), {"prefix": VOLUNTEER_PREFIX + "%"}).tuples():
            assigned.setdefault(username, []).append(code)
        password_hash = None
        made = 0
        used = set(linked.values())
        free = (row for row in candidates if row.id not in used)
        households = {row.id: row for row in candidates}
        accounts: list[Account] = []
        for n in range(1, residents + 1):
            username = f"{RESIDENT_PREFIX}{n:04d}"
            if username not in linked or linked[username] not in households:
                if username in linked:
                    raise RuntimeError(f"{username}'s household is no longer usable")
                row = next(free, None)
                if row is None:
                    raise RuntimeError(f"only {n - 1} households are free for resident accounts")
                password_hash = password_hash or hash_password(PASSWORD)
                user = User(username=username, display_name=f"Drill resident {n}",
                            password_hash=password_hash, lgo_id=row.lgo_id)
                user.grants.append(RoleGrant(role=Role.resident, lgo_id=row.lgo_id,
                                             village_id=row.village_id, household_id=row.id))
                session.add(user)
                linked[username] = row.id
                made += 1
            row = households[linked[username]]
            accounts.append(Account(username, "resident", row.lgo_id, [(row.id, row.lon,
                                                                        row.lat)]))
        village_ids = dict(session.execute(text("select code, id from villages")).tuples().all())
        for n in range(1, volunteers + 1):
            username = f"{VOLUNTEER_PREFIX}{n:03d}"
            codes = assigned.get(username)
            if not codes:
                codes = sorted({villages[(2 * n - 2) % len(villages)],
                                villages[(2 * n - 1) % len(villages)]})
                lgo_id = by_village[codes[0]][0].lgo_id
                codes = [c for c in codes if by_village[c][0].lgo_id == lgo_id]
                password_hash = password_hash or hash_password(PASSWORD)
                user = User(username=username, display_name=f"Drill volunteer {n}",
                            password_hash=password_hash, lgo_id=lgo_id)
                user.grants.append(RoleGrant(role=Role.volunteer, lgo_id=lgo_id))
                user.volunteer = VolunteerProfile(
                    volunteer_type=VolunteerType.environment,
                    assignments=[VolunteerAssignment(village_id=village_ids[c]) for c in codes])
                session.add(user)
                made += 1
            rows = [r for c in codes for r in by_village.get(c, [])]
            accounts.append(Account(username, "volunteer", rows[0].lgo_id,
                                    [(r.id, r.lon, r.lat) for r in rows], list(codes)))
        session.commit()
        db.engine.dispose()
    say(f"{residents} resident and {volunteers} volunteer drill accounts ({made} made now)")
    return accounts


# --- HTTP ---------------------------------------------------------------------------------------

def http_call(port: int, method: str, path: str, body: bytes | None = None,
              token: str | None = None, timeout: float = 30,
              content_type: str = "application/json") -> tuple[int, bytes]:
    """One request on its own connection, as a phone coming online makes it."""
    headers = {"Connection": "close"}
    if body is not None:
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def login(port: int, who: str, device_id: str) -> str:
    status, payload = http_call(port, "POST", "/api/v1/auth/login", json.dumps(
        {"login": who, "password": PASSWORD, "device_id": device_id}).encode())
    if status != 200:
        raise RuntimeError(f"login as {who} failed: {status} {payload[:200]!r}")
    return json.loads(payload)["access_token"]


# --- phones and their outbox --------------------------------------------------------------------

class Ledger:
    """Every item the phones made, and what the server answered for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.made: dict[str, str] = {}  # client_id -> kind
        self.acked: dict[str, int] = {}  # client_id -> the row id the server answered
        self.first_status: dict[str, str] = {}  # client_id -> created | duplicate (first answer)
        self.conflicts: list[str] = []  # the same item acknowledged with two different ids
        self.rejected: dict[str, Any] = {}

    def answered(self, results: list[dict[str, Any]]) -> None:
        with self.lock:
            for result in results:
                cid = result["client_id"]
                if result["status"] in ("created", "duplicate"):
                    previous = self.acked.setdefault(cid, result["id"])
                    self.first_status.setdefault(cid, result["status"])
                    if previous != result["id"]:
                        self.conflicts.append(f"{cid}: {previous} then {result['id']}")
                else:
                    self.rejected[cid] = result.get("errors")


@dataclass
class SendResult:
    ok: bool
    status: int  # HTTP status, 0 when the connection failed
    items: int
    note: str = ""


class Phone:
    """One device: a signed-in account with an outbox that keeps every item until the server
    acknowledges it (created or duplicate), replaying it with the same client_id as the PWA does."""

    def __init__(self, account: Account, tag: str, rng: random.Random) -> None:
        self.account = account
        self.device_id = f"drill-{tag}-{account.login}"
        self.rng = rng
        self.token: str | None = None
        self.outbox: list[dict[str, Any]] = []
        self.busy = threading.Lock()

    def sign_in(self, port: int) -> None:
        self.token = login(port, self.account.login, self.device_id)

    def make_items(self, ledger: Ledger, count: int, inspections: float = 0.0) -> None:
        today = today_in_thailand()
        for _ in range(count):
            household, lon, lat = self.rng.choice(self.account.households)
            # A phone's UUIDs are random (uuid4), never replayed from a seed: a rerun of a drill
            # must not send the client_ids of an earlier run.
            cid = str(uuid.uuid4())
            if self.rng.random() < inspections:
                data: dict[str, Any] = {
                    "household_id": household, "inspected_on": today.isoformat(),
                    **{p: self.rng.random() < 0.9 for p in FIVE_POINTS},
                    "sorting_ok": self.rng.random() < 0.8,
                }
                if lon is not None:
                    data["point"] = {"type": "Point", "coordinates": [
                        round(lon + self.rng.uniform(-3e-4, 3e-4), 6),
                        round(lat + self.rng.uniform(-3e-4, 3e-4), 6)]}
                    data["gps_accuracy_m"] = round(self.rng.uniform(3, 25), 1)
                item = {"kind": "inspection", "client_id": cid, "data": data}
            else:
                streams = self.rng.sample(STREAMS, self.rng.randint(1, 4))
                data = {"household_id": household, "streams": streams,
                        "log_date": (today - dt.timedelta(days=self.rng.choice(
                            (0, 0, 0, 1, 2)))).isoformat()}
                if "organic" in streams:
                    data["organic_handling"] = self.rng.choice(HANDLING)
                    data["kg_organic"] = round(self.rng.uniform(0.1, 4), 1)
                item = {"kind": "sorting_log", "client_id": cid, "data": data}
            item["device_time"] = dt.datetime.now(dt.UTC).isoformat()
            self.outbox.append(item)
            with ledger.lock:
                ledger.made[cid] = item["kind"]

    def send(self, port: int, ledger: Ledger, timeout: float = 30) -> SendResult:
        """Send the outbox (up to 500 items) once; drop what the server acknowledged."""
        batch = self.outbox[:500]
        if not batch:
            return SendResult(True, 200, 0, "empty")
        body = json.dumps({"device_id": self.device_id,
                           "device_time": dt.datetime.now(dt.UTC).isoformat(),
                           "items": batch}).encode()
        try:
            status, payload = http_call(port, "POST", "/api/v1/sync", body, self.token, timeout)
        except (OSError, http.client.HTTPException) as error:
            return SendResult(False, 0, len(batch), f"{type(error).__name__}")
        if status == 401:
            with contextlib.suppress(OSError, RuntimeError, http.client.HTTPException):
                self.sign_in(port)
            return SendResult(False, status, len(batch), "signed in again")
        if status != 200:
            return SendResult(False, status, len(batch), payload[:120].decode("utf-8", "replace"))
        results = json.loads(payload)["results"]
        ledger.answered(results)
        done = {r["client_id"] for r in results}
        self.outbox = [item for item in self.outbox if item["client_id"] not in done]
        return SendResult(True, status, len(batch))


def today_in_thailand() -> dt.date:
    """The server's calendar day (Asia/Bangkok, UTC+7 all year)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)).date()


def drain(phones: list[Phone], port: int, ledger: Ledger, deadline_s: float = 60) -> int:
    """Send every outbox until it is empty or the deadline passes; return the items left."""
    until = time.monotonic() + deadline_s
    while time.monotonic() < until:
        waiting = [p for p in phones if p.outbox]
        if not waiting:
            return 0
        for phone in waiting:
            phone.send(port, ledger)
        if any(p.outbox for p in phones):
            time.sleep(0.5)
    return sum(len(p.outbox) for p in phones)


# --- the exactly-once check ---------------------------------------------------------------------

@dataclass
class Convergence:
    made: int
    acked: int
    stored: int
    missing_acked: list[str]
    wrong_id: list[str]
    twice: list[str]
    not_arrived: int
    strangers: int  # rows with this run's device ids that no phone made
    conflicts: list[str]
    rejected: int
    replay_acks: int  # items whose first answer was "duplicate": committed, answer lost

    @property
    def ok(self) -> bool:
        return not (self.missing_acked or self.wrong_id or self.twice or self.strangers
                    or self.conflicts or self.rejected)

    @property
    def complete(self) -> bool:
        return self.ok and self.not_arrived == 0

    def summary(self) -> str:
        return (f"made {self.made}, acknowledged {self.acked}, rows {self.stored}; "
                f"acknowledged but missing {len(self.missing_acked)}, stored twice "
                f"{len(self.twice)}, id differs {len(self.wrong_id)}, two ids for one item "
                f"{len(self.conflicts)}, not arrived {self.not_arrived}, unknown rows "
                f"{self.strangers}, rejected {self.rejected}; first answer 'duplicate' "
                f"(committed, answer lost) {self.replay_acks}")


def converge(url: str, tag: str, ledger: Ledger) -> Convergence:
    """Compare the database with the ledger: every acknowledged item is stored exactly once
    under the id the server answered, every item made has arrived, nothing else is there."""
    engine = engine_for(url)
    pattern = f"drill-{tag}-%"
    with ledger.lock:
        ids = list(ledger.made)
    with engine.connect() as conn:
        # The phones' items wherever they are, and whatever else carries this run's device ids.
        rows = conn.execute(text("""
            select client_id::text, id from sorting_logs
            where client_id = any(cast(:ids as uuid[])) or device_id like :p
            union all
            select client_id::text, id from inspections
            where client_id = any(cast(:ids as uuid[])) or device_id like :p
        """), {"p": pattern, "ids": ids}).all()
    engine.dispose()
    stored: dict[str, list[int]] = {}
    for cid, row_id in rows:
        stored.setdefault(cid, []).append(row_id)
    with ledger.lock:
        acked = dict(ledger.acked)
        made = dict(ledger.made)
        replays = sum(1 for s in ledger.first_status.values() if s == "duplicate")
        return Convergence(
            made=len(made), acked=len(acked), stored=len(rows),
            missing_acked=[c for c in acked if c not in stored],
            wrong_id=[c for c, i in acked.items() if c in stored and stored[c] != [i]],
            twice=[c for c, ids in stored.items() if len(ids) > 1],
            not_arrived=sum(1 for c in made if c not in stored and c not in ledger.rejected),
            strangers=sum(1 for c in stored if c not in made),
            conflicts=list(ledger.conflicts), rejected=len(ledger.rejected),
            replay_acks=replays,
        )


# --- gunicorn on a fixed port -------------------------------------------------------------------

def run_sh_workers() -> int:
    """The worker count scripts/run.sh starts (KHAYA_WORKERS, default 2)."""
    return int(os.environ.get("KHAYA_WORKERS", "2"))


RUN_SH_THREADS = 4  # scripts/run.sh: --threads 4


class Gunicorn:
    """Khaya under gunicorn as scripts/run.sh starts it, on a loopback port that stays the same
    across restarts. Its own process group, so a kill -9 takes the master and every worker."""

    def __init__(self, url: str, port: int, *, workers: int, threads: int,
                 extra_args: list[str] | None = None, secret: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.url, self.port, self.workers, self.threads = url, port, workers, threads
        self.extra_args = extra_args or []
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in __exit__)
        # Servers behind one proxy share the secret (and the rest of their settings), as a
        # deployment's servers do.
        self.secret = secret or uuid.uuid4().hex + uuid.uuid4().hex
        self.env = env or {}
        self.starts = 0

    def start(self, timeout_s: float = 60) -> float:
        """Start and wait until /api/v1/health answers 200; return the seconds it took."""
        env = {**os.environ, "DATABASE_URL": self.url, "KHAYA_SECRET_KEY": self.secret,
               # Every drill phone shares one loopback address; in the field they come from
               # thousands. The per-account limit stays as configured.
               "KHAYA_LOGIN_RATE_LIMIT_PER_IP": "100000 per minute", **self.env}
        started = time.monotonic()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"{LOOPBACK}:{self.port}",
             "--workers", str(self.workers), "--threads", str(self.threads),
             "--access-logfile", "-", *self.extra_args, "khaya:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n"
                                   f"{self.tail()}")
            try:
                if http_call(self.port, "GET", "/api/v1/health", timeout=5)[0] == 200:
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() - started > timeout_s:
                raise RuntimeError(f"gunicorn not healthy after {timeout_s:.0f} s:\n{self.tail()}")
            time.sleep(0.1)

    def pids(self) -> list[int]:
        if not self.process or self.process.poll() is not None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def kill9(self) -> list[int]:
        """SIGKILL the master and its workers at once (their process group); return their pids."""
        assert self.process is not None
        pids = self.pids()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        return pids

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        self.log.seek(0)
        text_ = "\n".join(self.log.read().splitlines()[-lines:])
        self.log.seek(0, os.SEEK_END)
        return text_

    def error_lines(self, limit: int = 8) -> list[str]:
        """Distinct exception summaries gunicorn and the app logged."""
        self.log.flush()
        self.log.seek(0)
        seen: dict[str, None] = {}
        for line in self.log.read().splitlines():
            head = line.split(":", 1)[0]
            if not line.startswith((" ", "\t")) and ("Error" in head or "Exception" in head):
                seen.setdefault(line.strip()[:160], None)
        self.log.seek(0, os.SEEK_END)
        return list(seen)[:limit]

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stop()
        self.log.close()


def ensure_nginx() -> str | None:
    """Return nginx's path, installing it with apt when missing (as root); None if impossible."""
    for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    if os.geteuid() != 0:
        return None
    say("installing nginx with apt (the reverse proxy the deployment puts in front)")
    subprocess.run(["bash", "-c", f". {ROOT}/scripts/apt.sh && apt_update_once && "
                    "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light"],
                   check=False, stdout=subprocess.DEVNULL)
    return next((c for c in ("/usr/sbin/nginx", "/usr/bin/nginx") if os.access(c, os.X_OK)), None)


class Nginx:
    """deploy/nginx/khaya.conf as shipped, listening on ``port`` in front of the app on
    ``upstream`` (one port, or several app servers): only the addresses the file marks are
    changed."""

    def __init__(self, binary: str, port: int, upstream: int | list[int]) -> None:
        self.binary, self.port = binary, port
        self.dir = tempfile.TemporaryDirectory(prefix="khaya-nginx-")  # noqa: SIM115
        site = (ROOT / "deploy" / "nginx" / "khaya.conf").read_text()
        ports = [upstream] if isinstance(upstream, int) else upstream
        site = site.replace("server 127.0.0.1:8000;", " ".join(
            f"server {LOOPBACK}:{p};" for p in ports))
        site = site.replace("listen 80;", f"listen {LOOPBACK}:{port};")
        root = self.dir.name
        (Path(root) / "khaya.conf").write_text(site)
        # Run as whoever starts the drill; nginx drops to "nobody" only when started as root.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (Path(root) / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {root}/body;\n"
            f"  proxy_temp_path {root}/proxy;\n  include {root}/khaya.conf;\n}}\n")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Nginx:
        conf = f"{self.dir.name}/nginx.conf"
        self.process = subprocess.Popen(
            [self.binary, "-c", conf, "-p", self.dir.name, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_call(self.port, "GET", "/api/v1/health", timeout=5)[0] == 200:
                    return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("nginx did not start in front of the app")

    def __exit__(self, *_exc: Any) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.dir.cleanup()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); /proc tells it apart.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together, in MB."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


# --- statistics ---------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (nan for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


if __name__ == "__main__":
    pass


# --- the job queue ------------------------------------------------------------------------------

def queue_worker(url: str, *queues: str) -> subprocess.Popen:
    """A job-queue worker (``flask jobs worker``) on the drill's database, in its own process
    group so a SIGKILL to the group takes it whole."""
    options = [arg for name in queues for arg in ("--queue", name)]
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "khaya", "jobs", "worker", *options], cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)


def drain_queue(url: str, *queues: str) -> subprocess.CompletedProcess:
    """Work the queue until nothing waits (``flask jobs worker --once``)."""
    options = [arg for name in queues for arg in ("--queue", name)]
    return subprocess.run(
        [str(BIN / "flask"), "--app", "khaya", "jobs", "worker", "--once", *options], cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)


class Sampler:
    """A thread that reads the database every ``interval_s`` while the ``with`` block runs;
    subclasses say what it reads (``sample``, on one connection of its own)."""

    def __init__(self, url: str, interval_s: float) -> None:
        self.engine = engine_for(url)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__,
                                        daemon=True)

    def sample(self, connection: Any) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        with self.engine.connect() as connection:
            while not self._stop.wait(self.interval_s):
                self.sample(connection)
                connection.rollback()

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.engine.dispose()


class Staleness(Sampler):
    """Samples, twice a second, the age of the oldest change the rollups have not taken in:
    how far behind the dashboards are at that moment (0 when level)."""

    def __init__(self, url: str) -> None:
        super().__init__(url, 0.5)
        self.samples: list[float] = []

    def sample(self, connection: Any) -> None:
        age = connection.execute(text(
            "select coalesce(extract(epoch from now() - min(created_at)), 0)"
            " from pending_changes")).scalar_one()
        self.samples.append(float(age))

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        return (f"p50 {percentile(self.samples, 50):.1f} s, p95 "
                f"{percentile(self.samples, 95):.1f} s, max {max(self.samples):.1f} s "
                f"({len(self.samples)} samples)")
