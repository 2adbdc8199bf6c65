"""Shared by the benchmarks: a prepared database and Khaya under gunicorn, on loopback only.

Not a benchmark itself (``make bench`` runs it too; it does nothing then).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def database_url(name: str) -> str:
    """Start the private cluster if needed, create ``name`` with PostGIS; return its URL."""
    subprocess.run(["bash", "scripts/db.sh", "ensure", name], cwd=ROOT, check=True)
    return subprocess.run(
        ["bash", "scripts/db.sh", "url", name], cwd=ROOT, check=True, capture_output=True,
        text=True,
    ).stdout.strip()


def prepare_database(url: str) -> None:
    """Migrate the database and load the Lamphun territory and demo accounts (idempotent)."""
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "khaya"}
    for command in ([str(BIN / "flask"), "db", "upgrade"], [str(BIN / "python"), "-m", "seed",
                                                            "demo"]):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} failed:\n{done.stdout}{done.stderr}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: Any = None,
            token: str | None = None, timeout: float = 30) -> tuple[int, Any]:
    """One request on a fresh connection; return (status, decoded JSON)."""
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers=headers)
        response = conn.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else None
    finally:
        conn.close()


@dataclass
class Server:
    port: int
    log: Any
    pid: int

    def log_tail(self, lines: int = 40) -> str:
        """The last lines gunicorn and the app wrote (errors and their tracebacks)."""
        return _tail(self.log, lines)

    def errors(self, limit: int = 12) -> list[str]:
        """The distinct error summaries in the log (exception lines and PostgreSQL's details)."""
        seen: dict[str, None] = {}
        for line in _tail(self.log, 100_000).splitlines():
            text = line.strip()
            summary = (not line.startswith((" ", "\t")) and "Error" in text.split(":", 1)[0])
            if summary or text.startswith(("DETAIL:", "CONTEXT:")):
                # Process ids and tuple positions differ per occurrence; the kind does not.
                seen.setdefault(re.sub(r"\d+", "N", text)[:160], None)
        return list(seen)[:limit]

    def pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        return [self.pid, *children(self.pid)]


@contextmanager
def gunicorn(url: str, *, workers: int = 2, threads: int = 2, app: str = "khaya:create_app()",
             ready_timeout_s: float = 60, code: Path | None = None) -> Iterator[Server]:
    """Serve Khaya on a free loopback port under gunicorn; stop it afterwards.

    ``code``: another checkout whose ``backend`` (and built web app) to serve instead of this
    one's, to measure a change against the code before it on the same database.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "KHAYA_SECRET_KEY": secrets.token_urlsafe(48)}
    if code is not None:
        env["PYTHONPATH"] = str(code / "backend")
        env["KHAYA_PROJECT_ROOT"] = str(code)
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
             "--bind", f"{LOOPBACK}:{port}", app],
            cwd=code or ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C reaches only us, and we stop it in order.
            start_new_session=True,
        )
        try:
            _wait_healthy(process, port, log, ready_timeout_s)
            yield Server(port, log, process.pid)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def _wait_healthy(process: subprocess.Popen, port: int, log: Any, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log)}")
        try:
            status, _ = request(port, "GET", "/api/v1/health", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn not healthy after {timeout_s:.0f} s:\n{_tail(log)}")
        time.sleep(0.2)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after it are fixed.
    return raw[raw.rindex(")") + 2:].split()


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) each live process has used so far, in seconds."""
    used = {}
    for pid in pids:
        if fields := _stat(pid):
            used[pid] = (int(fields[11]) + int(fields[12])) / _TICK
    return used


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def _tail(log: Any, lines: int = 30) -> str:
    log.flush()
    log.seek(0)
    text = "\n".join(log.read().splitlines()[-lines:])
    log.seek(0, os.SEEK_END)
    return text


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so cleanup runs as it does on Ctrl-C."""
    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def machine(pg_version: str) -> list[str]:
    """Describe the machine: cores, CPU model, Python and PostgreSQL."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"cpu:        {cores} cores (nproc), {model}",
        f"python:     {platform.python_version()} on {platform.platform()}",
        f"postgresql: {pg_version}",
    ]


def run(main: Callable[[], int]) -> None:
    """Run a benchmark's main and exit with its status; Ctrl-C exits 130 (the context managers
    have stopped gunicorn on the way out)."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted; gunicorn stopped")
        sys.exit(130)


if __name__ == "__main__":
    pass
