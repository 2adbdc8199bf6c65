"""Khaya beside a peer server, tipg (a FastAPI OGC API - Features and Tiles server), on the same
database, machine and load client: vector tiles and OGC items, in alternating rounds.

    .venv/bin/python bench/peer.py [--rounds 3] [--seconds 10] [--connections 8] [--threads 2]
                                   [--only households,villages,items] [--db khaya_bench_peer]

Why: a figure on its own ("400 tiles/s") says little on a shared 2-core machine; the same
requests to a general-purpose server reading the same tables say whether Khaya's own layer
(scoping, audit, indicators, the tile cache) costs much beyond the PostGIS work both do.

The database must hold the scale data (migrated, then ``python -m seed scale --households 185000
--days 90``); without it the script prints the commands that make it and exits 0. tipg 1.6.1 is
installed with uvicorn into its own virtual environment, var/bench-tipg (made when missing).

Servers, both on loopback, started by the script and stopped afterwards: Khaya as
scripts/run.sh serves it (gunicorn, 2 workers x 4 threads), once as configured and once more with
``KHAYA_MAPS_TILE_CACHE_ENTRIES=0`` (the in-process tile cache, which also keeps OGC pages, then
keeps nothing, so every tile and page is rendered: the cold-cache figure; the indicator
snapshots and the areas' boxes stay warm); tipg under uvicorn with 2
worker processes, exposing only public.households and public.villages (TIPG_DB_SCHEMAS,
TIPG_DB_TABLES, no functions). The load client is wrk with a Lua script that walks the list of
paths (each thread from its own place in it), the same threads and connections for every
server; without wrk (and not root to install it) a Python keep-alive client stands in, and the
output says so.

Workloads:

1. household points, z14 tiles covering Lamphun Town's villages (their extent). Khaya:
   /api/v1/tiles/households as town.staff (LGO staff; only the town's active households, no
   names or phones, one audit event per tile). tipg: its tile of public.households filtered to
   the same LGO and active households, with the same household columns (``properties=``).
2. village polygons, z10-12 tiles covering every village of the province. Khaya:
   /api/v1/tiles/villages (with its indicators), warm and cold; tipg: public.villages with its
   own village columns.
3. OGC items: 100 villages a page in 0.2-degree boxes inside Lamphun that hold at least 100
   villages (the busiest boxes, rotated). Khaya: /ogc/collections/villages/items; tipg:
   /collections/public.villages/items (geometry column ``geom``).

Each workload gets one untimed pass over its paths per server (caches, buffers, lazy imports),
then ``--rounds`` rounds of ``--seconds`` seconds per server, in turn (Khaya, tipg, Khaya,
tipg, ...), so that whatever else the machine does falls on both. Per round: requests/s, p50
and p99 latency (client side), KB a response, errors, the CPU the server processes and the
database's backends used per request, and how busy the whole machine was. Then the median of
the per-round ratios Khaya/tipg: above 1 for requests/s means Khaya served more; below 1 for
latency and CPU means Khaya needed less. Prints the machine and the load average before and
after. Not a test: it prints figures, and exits 1 only if a server answered an error.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _server import (
    LOOPBACK,
    ROOT,
    children,
    cpu_seconds,
    free_port,
    gunicorn,
    machine,
    machine_ticks,
    request,
    run,
    say,
    stop_on_sigterm,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

TOWN = "lamphun-town-municipality"
LOGIN, PASSWORD = "town.staff", "lamphun-demo"
TIPG_VERSION = "1.6.1"
TIPG_VENV = ROOT / "var" / "bench-tipg"
KHAYA_THREADS = 4  # as deploy/supervisor/khaya.conf (scripts/run.sh)
# The household columns a Khaya household tile carries (tipg cannot add the village's code).
HOUSEHOLD_PROPERTIES = ("id", "lgo_id", "village_id", "wet_bin", "verified_on", "last_log_on",
                        "last_inspected_on", "occupancy")
VILLAGE_PROPERTIES = ("id", "code", "name_th", "name_en", "moo", "kind", "boundary_source")
BOX = 0.2  # degrees, workload 3
PAGE = 100
WORKLOADS = ("households", "villages", "items")

# Walks the paths file (args[1]); setup() numbers the threads so each starts elsewhere in the
# list; done() prints one line of JSON the script reads back. Latencies are microseconds.
WALK_LUA = """\
local count = 0
function setup(thread)
  thread:set("number", count)
  count = count + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  local threads = tonumber(args[2]) or 1
  i = math.floor(#paths * (number or 0) / threads)
end

function request()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'PEER {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="khaya_bench_peer", help="database (khaya_bench_peer)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per server (3)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per round (10)")
    parser.add_argument("--threads", type=int, default=2, help="load client threads (2)")
    parser.add_argument("--connections", type=int, default=8,
                        help="keep-alive connections, all servers (8)")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn workers and uvicorn workers (2)")
    parser.add_argument("--only", default=",".join(WORKLOADS),
                        help="comma-separated workloads: households,villages,items (all)")
    parser.add_argument("--python-client", action="store_true",
                        help="use the Python keep-alive client even if wrk is there")
    args = parser.parse_args()
    args.only = [w.strip() for w in args.only.split(",") if w.strip()]
    if unknown := set(args.only) - set(WORKLOADS):
        parser.error(f"unknown workloads {sorted(unknown)}; choose from {', '.join(WORKLOADS)}")
    if args.rounds < 2 or args.seconds <= 0 or args.threads < 1 or args.workers < 1:
        parser.error("--rounds must be at least 2; --seconds, --threads, --workers positive")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads")
    return args


# --- tools ----------------------------------------------------------------------------------------

def ensure_wrk() -> str | None:
    """Return wrk's path, installing it with apt when missing (as root); None if impossible."""
    if found := shutil.which("wrk"):
        return found
    if os.geteuid() != 0:
        return None
    say("installing wrk with apt")
    subprocess.run(["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", "wrk"],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk")


def ensure_tipg() -> Path:
    """Return the uvicorn of var/bench-tipg, making the venv with tipg when missing."""
    uvicorn = TIPG_VENV / "bin" / "uvicorn"
    check = [str(TIPG_VENV / "bin" / "python"), "-c",
             f"import tipg, uvicorn; assert tipg.__version__ == {TIPG_VERSION!r}"]
    if uvicorn.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return uvicorn
    say(f"installing tipg {TIPG_VERSION} and uvicorn into {TIPG_VENV.relative_to(ROOT)}")
    if not (TIPG_VENV / "bin" / "python").exists():
        subprocess.run(["python3", "-m", "venv", str(TIPG_VENV)], check=True)
    done = subprocess.run([str(TIPG_VENV / "bin" / "pip"), "install", "-q",
                           f"tipg=={TIPG_VERSION}", "uvicorn"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip install tipg failed:\n{done.stdout}{done.stderr}")
    return uvicorn


def tool_versions() -> dict[str, str]:
    code = ("import importlib.metadata as m; print(' '.join(m.version(p) for p in "
            "('tipg', 'uvicorn', 'fastapi', 'asyncpg')))")
    out = subprocess.run([str(TIPG_VENV / "bin" / "python"), "-c", code], capture_output=True,
                         text=True).stdout.split()
    return dict(zip(("tipg", "uvicorn", "fastapi", "asyncpg"), out, strict=False))


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- servers ----------------------------------------------------------------------------------

@dataclass
class Target:
    """A server under load: its name, port, the processes that are it, and its headers."""

    name: str
    port: int
    pids: Any  # () -> list[int]
    login: bool = False  # household tiles need town.staff's token


def start_khaya(stack: ExitStack, url: str, workers: int, **env: str) -> Any:
    """Serve Khaya under gunicorn with extra ``KHAYA_*`` settings in its environment."""
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        return stack.enter_context(gunicorn(url, workers=workers, threads=KHAYA_THREADS))
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def tipg_server(uvicorn: Path, url: str, workers: int) -> Iterator[Target]:
    """Serve tipg under uvicorn on a free loopback port, on the same database; stop it after."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": libpq_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.households", "public.villages"]',
        "TIPG_DB_FUNCTIONS": "[]",
        "TIPG_NAME": "tipg (bench/peer.py)",
    }
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [str(uvicorn), "tipg.main:app", "--host", LOOPBACK, "--port", str(port),
             "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
            cwd=TIPG_VENV, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"tipg exited with {process.returncode}:\n{log.read()}")
                with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
                    status, body = fetch(port, "/collections?f=json")
                    ids = {c["id"] for c in json.loads(body).get("collections", [])}
                    if status == 200 and {"public.households", "public.villages"} <= ids:
                        break
                if time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"tipg not ready after 90 s:\n{log.read()[-3000:]}")
                time.sleep(0.3)
            yield Target("tipg", port, lambda: [process.pid, *all_children(process.pid)])
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def all_children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (uvicorn's workers are children of a spawn helper too)."""
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def fetch(port: int, path: str, token: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


_signed_in: dict[int, tuple[str, float]] = {}


def login(port: int) -> str:
    """An access token of town.staff on the server at ``port``: signs in again when the last
    token is ten minutes old (they last 15; each server has its own secret)."""
    token, at = _signed_in.get(port, ("", 0.0))
    if time.monotonic() - at < 600:
        return token
    status, pair = request(port, "POST", "/api/v1/auth/login",
                           {"login": LOGIN, "password": PASSWORD, "device_id": "bench-peer"})
    if status != 200:
        raise RuntimeError(f"login as {LOGIN} failed: {status} {pair}")
    _signed_in[port] = (pair["access_token"], time.monotonic())
    return pair["access_token"]


# --- what to ask --------------------------------------------------------------------------------

def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_over(extent: tuple[float, float, float, float], zooms: range) -> list[tuple[int, ...]]:
    """The z/x/y of every tile of ``zooms`` that meets the lon/lat box ``extent``."""
    west, south, east, north = extent
    found = []
    for z in zooms:
        x0, y0 = tile_of(west, north, z)  # y grows southwards
        x1, y1 = tile_of(east, south, z)
        found += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return found


@dataclass
class Data:
    pg_version: str
    counts: dict[str, int]
    town_id: int
    town_households: int
    town_extent: tuple[float, float, float, float]
    province_extent: tuple[float, float, float, float]
    boxes: list[tuple[float, float, float, float, int]]  # west, south, east, north, villages


def read_data(url: str) -> Data | None:
    """What the workloads are made of; None when the database holds no scale data."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if not conn.scalar(text("select to_regclass('public.households') is not null")):
                return None
            counts = {t: conn.scalar(text(f"select count(*) from {t}"))
                      for t in ("households", "villages", "sorting_logs")}
            if counts["households"] < 1000:
                return None
            town_id = conn.scalar(text("select id from lgos where code = :c"), {"c": TOWN})
            town_households = conn.scalar(text(
                "select count(*) from households where lgo_id = :l and active"), {"l": town_id})

            def extent(where: str) -> tuple[float, float, float, float]:
                row = conn.execute(text(
                    "select st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e) from (select"
                    f" st_extent(coalesce(v.geom, v.point)) e from villages v {where}) s"),
                    {"l": town_id}).one()
                return tuple(float(v) for v in row)  # type: ignore[return-value]

            town = extent("where v.lgo_id = :l")
            province = extent("where v.geom is not null")
            # The 0.2-degree boxes (on a 0.02-degree grid) that meet the most villages.
            boxes = conn.execute(text("""
                with grid as (
                    select round(x::numeric, 2)::float8 x, round(y::numeric, 2)::float8 y
                    from generate_series(:w, :e - :box, 0.02) x,
                         generate_series(:s, :n - :box, 0.02) y
                )
                select x, y, x + :box, y + :box, (
                    select count(*) from villages v
                    where st_intersects(v.geom, st_makeenvelope(x, y, x + :box, y + :box, 4326))
                ) n
                from grid order by n desc, x, y limit 8
            """), {"w": province[0], "s": province[1], "e": province[2], "n": province[3],
                   "box": BOX}).all()
            pg_version = conn.scalar(text("show server_version"))
    finally:
        engine.dispose()
    wanted = [tuple(b) for b in boxes if b[4] >= PAGE] or [tuple(b) for b in boxes[:4]]
    return Data(pg_version, counts, town_id, town_households, town, province,
                wanted)  # type: ignore[arg-type]


@dataclass
class Workload:
    key: str
    title: str
    paths: dict[str, list[str]]  # target name -> paths
    note: str = ""


def workloads(data: Data, only: list[str]) -> list[Workload]:
    found = []
    if "households" in only:
        tiles = tiles_over(data.town_extent, range(14, 15))
        query = (f"?properties={','.join(HOUSEHOLD_PROPERTIES)}&lgo_id={data.town_id}"
                 "&active=true")
        found.append(Workload(
            "households", f"1. household tiles z14 over Lamphun Town ({len(tiles)} tiles, "
            f"{data.town_households:,} active households in the town)",
            {"khaya": [f"/api/v1/tiles/households/{z}/{x}/{y}.mvt" for z, x, y in tiles],
             "tipg": [f"/collections/public.households/tiles/WebMercatorQuad/{z}/{x}/{y}{query}"
                      for z, x, y in tiles]}))
    if "villages" in only:
        tiles = tiles_over(data.province_extent, range(10, 13))
        per_zoom = ", ".join(f"z{z}: {sum(1 for t in tiles if t[0] == z)}" for z in (10, 11, 12))
        query = f"?properties={','.join(VILLAGE_PROPERTIES)}&geom-column=geom"
        found.append(Workload(
            "villages", f"2. village tiles z10-12 over the province ({len(tiles)} tiles: "
            f"{per_zoom})",
            {"khaya": [f"/api/v1/tiles/villages/{z}/{x}/{y}.mvt" for z, x, y in tiles],
             "tipg": [f"/collections/public.villages/tiles/WebMercatorQuad/{z}/{x}/{y}{query}"
                      for z, x, y in tiles]}))
    if "items" in only:
        boxes = [",".join(f"{v:.2f}" for v in box[:4]) for box in data.boxes]
        sizes = ", ".join(str(box[4]) for box in data.boxes)
        found.append(Workload(
            "items", f"3. OGC items, {PAGE} villages a page in {len(boxes)} {BOX}-degree boxes "
            f"(villages in each box: {sizes})",
            {"khaya": [f"/ogc/collections/villages/items?bbox={b}&limit={PAGE}" for b in boxes],
             "tipg": [f"/collections/public.villages/items?bbox={b}&limit={PAGE}"
                      f"&geom-column=geom&f=geojson" for b in boxes]}))
    return found


# --- load ----------------------------------------------------------------------------------------

@dataclass
class Round:
    workload: str
    target: str
    number: int
    requests: int = 0
    seconds: float = 0.0
    bytes: int = 0
    errors: int = 0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    app_ms_per_request: float = float("nan")  # CPU of the server's processes
    db_ms_per_request: float = float("nan")  # CPU of the database's backends
    machine_busy: float = float("nan")
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Client:
    """wrk with the walking Lua script, or the Python stand-in; same settings for every server."""

    def __init__(self, wrk: str | None, threads: int, connections: int, workdir: Path) -> None:
        self.wrk, self.threads, self.connections = wrk, threads, connections
        self.workdir = workdir
        self.script = workdir / "walk.lua"
        self.script.write_text(WALK_LUA)

    def describe(self) -> str:
        if self.wrk:
            version = subprocess.run([self.wrk, "-v"], capture_output=True, text=True)
            words = (version.stdout + version.stderr).split()
            name = " ".join(words[:2]) if words else "wrk"
            return (f"{name}, {self.threads} threads, {self.connections} keep-alive connections,"
                    " a Lua script walking the paths")
        return (f"Python http.client (wrk not available), {self.connections} keep-alive "
                "connections in threads, walking the paths")

    def run(self, port: int, paths: list[str], seconds: float, token: str | None,
            into: Round) -> None:
        if self.wrk:
            self._wrk(port, paths, seconds, token, into)
        else:
            self._python(port, paths, seconds, token, into)

    def _wrk(self, port: int, paths: list[str], seconds: float, token: str | None,
             into: Round) -> None:
        listing = self.workdir / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        command = [self.wrk or "wrk", "-t", str(self.threads), "-c", str(self.connections),
                   "-d", f"{seconds:g}s", "--timeout", "60s", "-s", str(self.script)]
        if token:
            command += ["-H", f"Authorization: Bearer {token}"]
        command += [f"http://{LOOPBACK}:{port}", "--", str(listing), str(self.threads)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith("PEER ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no figures (exit {done.returncode}):\n"
                               f"{done.stdout}{done.stderr}")
        figures = json.loads(line[5:])
        into.requests = figures["requests"]
        into.seconds = figures["duration_us"] / 1e6
        into.bytes = figures["bytes"]
        into.p50_ms = figures["p50_us"] / 1000
        into.p99_ms = figures["p99_us"] / 1000
        into.max_ms = figures["max_us"] / 1000
        kinds = {k: figures[k] for k in ("connect", "read", "write", "status", "timeout")
                 if figures[k]}
        into.error_kinds = kinds
        into.errors = sum(kinds.values())

    def _python(self, port: int, paths: list[str], seconds: float, token: str | None,
                into: Round) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        latencies: list[float] = []
        kinds: dict[str, int] = {}
        total = [0]
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def client(start: int) -> None:
            mine: list[float] = []
            size = 0
            conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
            i = start
            try:
                while time.perf_counter() < deadline:
                    path = paths[i % len(paths)]
                    i += 1
                    began = time.perf_counter()
                    try:
                        conn.request("GET", path, headers=headers)
                        response = conn.getresponse()
                        body = response.read()
                    except (OSError, http.client.HTTPException) as error:
                        conn.close()
                        with lock:
                            kinds[type(error).__name__] = kinds.get(type(error).__name__, 0) + 1
                        continue
                    mine.append(time.perf_counter() - began)
                    size += len(body)
                    if response.status >= 400:
                        with lock:
                            kinds["status"] = kinds.get("status", 0) + 1
            finally:
                conn.close()
                with lock:
                    latencies.extend(mine)
                    total[0] += size

        started = time.perf_counter()
        workers = [threading.Thread(target=client, args=(n * len(paths) // self.connections,))
                   for n in range(self.connections)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        into.seconds = time.perf_counter() - started
        into.requests = len(latencies)
        into.bytes = total[0]
        if latencies:
            ordered = sorted(latencies)
            into.p50_ms = ordered[len(ordered) // 2] * 1000
            into.p99_ms = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000
            into.max_ms = ordered[-1] * 1000
        into.error_kinds = kinds
        into.errors = sum(kinds.values())


class CpuMeter:
    """CPU the server's processes and the database's backends used between two readings."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)

    def read(self, target: Target) -> tuple[dict[int, float], dict[int, float], tuple[int, int]]:
        with self.engine.connect() as conn:
            backends = list(conn.scalars(text(
                "select pid from pg_stat_activity"
                " where datname = current_database() and pid <> pg_backend_pid()")))
        return cpu_seconds(target.pids()), cpu_seconds(backends), machine_ticks()

    @staticmethod
    def used(before: Any, after: Any) -> tuple[float, float, float]:
        """(CPU seconds of the server, of the backends, share of the machine busy) between
        readings; a process born in between counts whole."""
        app = sum(t - before[0].get(pid, 0.0) for pid, t in after[0].items())
        backends = sum(t - before[1].get(pid, 0.0) for pid, t in after[1].items())
        busy = after[2][0] - before[2][0]
        total = after[2][1] - before[2][1]
        return app, backends, busy / total if total else float("nan")

    def close(self) -> None:
        self.engine.dispose()


# --- checks before measuring ------------------------------------------------------------------

def describe_tile(body: bytes) -> str:
    """Features and property names of an MVT (when mapbox-vector-tile is installed)."""
    try:
        import mapbox_vector_tile
    except ImportError:
        return f"{len(body)} B"
    layers = mapbox_vector_tile.decode(body) if body else {}
    parts = []
    for layer in layers.values():
        keys = sorted({k for f in layer["features"] for k in f["properties"]})
        parts.append(f"{len(layer['features'])} features, keys {','.join(keys)}")
    return f"{len(body):,} B" + (f": {'; '.join(parts)}" if parts else ", no features")


def preflight(work: Workload, targets: dict[str, Target], tokens: dict[str, str]) -> list[str]:
    """One request per server to say what each answers (and fail early on errors)."""
    lines = []
    for name, target in targets.items():
        path = work.paths[target.name][len(work.paths[target.name]) // 2]
        status, body = fetch(target.port, path, tokens.get(name))
        if status != 200:
            raise RuntimeError(f"{name} answered {status} to {path}: {body[:300]!r}")
        if work.key == "items":
            page = json.loads(body)
            what = (f"{len(body):,} B, numberMatched {page.get('numberMatched')}, numberReturned"
                    f" {page.get('numberReturned')}, properties "
                    f"{','.join(sorted(page['features'][0]['properties']))}")
        else:
            what = describe_tile(body)
        lines.append(f"  {name:<22} {what}")
    if work.key == "households":
        # What tipg answers when asked for the table's tile without choosing the columns.
        path = work.paths["tipg"][len(work.paths["tipg"]) // 2].split("?")[0]
        tipg = next(t for t in targets.values() if t.name == "tipg")
        status, body = fetch(tipg.port, path)
        lines.append(f"  {'tipg, no properties=':<22} {describe_tile(body)}")
    return lines


def warm(work: Workload, targets: dict[str, Target], tokens: dict[str, str]) -> None:
    for name, target in targets.items():
        conn = http.client.HTTPConnection(LOOPBACK, target.port, timeout=120)
        headers = {"Authorization": f"Bearer {tokens[name]}"} if name in tokens else {}
        try:
            for path in work.paths[target.name]:
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
        finally:
            conn.close()


# --- output ------------------------------------------------------------------------------------

def round_line(r: Round) -> str:
    kb = r.bytes / r.requests / 1024 if r.requests else float("nan")
    errors = ",".join(f"{k}={v}" for k, v in r.error_kinds.items()) or "0"
    return (f"  {r.number:>5}  {r.target:<22} {r.rate:9.1f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} "
            f"{kb:8.1f} {r.app_ms_per_request:6.2f} {r.db_ms_per_request:6.2f} "
            f"{r.machine_busy:6.0%}  {errors}")


HEADER = (f"  {'round':>5}  {'server':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'KB/resp':>8} {'app ms':>6} {'db ms':>6} {'busy':>6}  errors")


def ratios(rounds: list[Round], khaya: str, peer: str = "tipg") -> str:
    """Median over rounds of Khaya's figure over tipg's, for each figure."""
    mine = {r.number: r for r in rounds if r.target == khaya}
    theirs = {r.number: r for r in rounds if r.target == peer}
    pairs = [(mine[n], theirs[n]) for n in sorted(mine) if n in theirs]

    def median(get: Any) -> str:
        values = [get(a) / get(b) for a, b in pairs if get(b)]
        return f"{statistics.median(values):.2f}" if values else "n/a"

    return (f"  {khaya}/tipg (median of {len(pairs)} rounds): req/s x{median(lambda r: r.rate)}, "
            f"p50 x{median(lambda r: r.p50_ms)}, p99 x{median(lambda r: r.p99_ms)}, "
            f"CPU/req x{median(lambda r: r.app_ms_per_request + r.db_ms_per_request)}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min)"


# --- main ---------------------------------------------------------------------------------------

def main() -> int:
    args = parse_args()
    db_ok = subprocess.run(["bash", "scripts/db.sh", "ensure", args.db], cwd=ROOT,
                           capture_output=True, text=True).returncode == 0
    url = subprocess.run(["bash", "scripts/db.sh", "url", args.db], cwd=ROOT, capture_output=True,
                         text=True).stdout.strip()
    data = read_data(url) if db_ok and url else None
    if data is None:
        # The scale data takes minutes to generate, so this script does not make it: say how.
        print(f"bench/peer.py not run: {args.db} holds no scale data. Make it with\n"
              f"  bash scripts/db.sh ensure {args.db}\n"
              f"  DATABASE_URL=$(bash scripts/db.sh url {args.db}) PYTHONPATH=backend:. "
              ".venv/bin/flask --app khaya db upgrade\n"
              f"  DATABASE_URL=$(bash scripts/db.sh url {args.db}) PYTHONPATH=backend:. "
              ".venv/bin/python -m seed scale --households 185000 --days 90")
        return 0
    wrk = None if args.python_client else ensure_wrk()
    uvicorn = ensure_tipg()
    versions = tool_versions()
    plan = workloads(data, args.only)
    load_before = load_average()
    results: dict[str, list[Round]] = {}
    checks: dict[str, list[str]] = {}
    meter = CpuMeter(url)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="khaya-peer-") as workdir:
        stack.enter_context(stop_on_sigterm())
        client = Client(wrk, args.threads, args.connections, Path(workdir))
        warm_khaya = start_khaya(stack, url, args.workers)
        cold_khaya = start_khaya(stack, url, args.workers, KHAYA_MAPS_TILE_CACHE_ENTRIES="0")
        tipg = stack.enter_context(tipg_server(uvicorn, url, args.workers))
        servers = {
            "khaya": Target("khaya", warm_khaya.port, warm_khaya.pids, login=True),
            "khaya, no tile cache": Target("khaya", cold_khaya.port, cold_khaya.pids, login=True),
            "tipg": tipg,
        }
        say(f"khaya on :{warm_khaya.port} (and :{cold_khaya.port} with no tile cache), "
            f"tipg on :{tipg.port}; {client.describe()}")
        for work in plan:
            names = ["khaya", "khaya, no tile cache", "tipg"]
            targets = {name: servers[name] for name in names}
            needs_token = work.key == "households"
            tokens = {n: login(t.port) for n, t in targets.items() if t.login and needs_token}
            checks[work.key] = preflight(work, targets, tokens)
            say(f"{work.title}: one untimed pass per server")
            warm(work, targets, tokens)
            rounds: list[Round] = []
            for number in range(1, args.rounds + 1):
                for name, target in targets.items():
                    token = (login(target.port) if target.login and needs_token else None)
                    result = Round(work.key, name, number)
                    before = meter.read(target)
                    client.run(target.port, work.paths[target.name], args.seconds, token, result)
                    app, backends, busy = CpuMeter.used(before, meter.read(target))
                    if result.requests:
                        result.app_ms_per_request = app * 1000 / result.requests
                        result.db_ms_per_request = backends * 1000 / result.requests
                    result.machine_busy = busy
                    rounds.append(result)
                    say(f"{work.key} round {number} {name}: {result.rate:.1f} req/s, "
                        f"p50 {result.p50_ms:.1f} ms, errors {result.errors}")
            results[work.key] = rounds
    meter.close()
    load_after = load_average()

    print()
    print("\n".join(machine(data.pg_version)))
    print(f"load:       before {load_before}; after {load_after}")
    print(f"data:       {args.db}: " + ", ".join(f"{t}={n:,}" for t, n in data.counts.items()))
    print(f"khaya:      gunicorn {args.workers} workers x {KHAYA_THREADS} threads (as "
          "scripts/run.sh), twice: as configured, and with KHAYA_MAPS_TILE_CACHE_ENTRIES=0 "
          "(every tile rendered)")
    print(f"tipg:       tipg {versions.get('tipg', '?')} (fastapi {versions.get('fastapi', '?')}, "
          f"asyncpg {versions.get('asyncpg', '?')}) under uvicorn {versions.get('uvicorn', '?')}"
          f" with {args.workers} worker processes (plain uvicorn: no uvloop/httptools), "
          "schema public, tables households and villages")
    print(f"client:     {client.describe()}; {args.rounds} rounds of {args.seconds:g} s per "
          "server, in turn; all on this machine and loopback")
    if not wrk:
        print("            NOTE: wrk could not be installed; the Python client is slower than "
              "wrk and shares the machine's cores with the servers")
    print("columns:    req/s; client-side latency; KB a response; CPU ms a request of the "
          "server's processes (app) and of the database's backends (db); share of the machine "
          "busy (anyone's work)")
    ok = True
    for work in plan:
        rounds = results[work.key]
        print()
        print(work.title)
        print("  one request each (features and property names):")
        print("\n".join(checks[work.key]))
        print(HEADER)
        for r in rounds:
            print(round_line(r))
            ok = ok and not r.errors
        for name in dict.fromkeys(r.target for r in rounds):
            if name != "tipg":
                print(ratios(rounds, name))
    return 0 if ok else 1


if __name__ == "__main__":
    run(main)
