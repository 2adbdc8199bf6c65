"""Rate limits hold across gunicorn workers: the counters live in Redis, not in each process.

With ``memory://`` each worker counted on its own, so "30 a minute" was 60 with two workers
(and more with more servers). These tests run Khaya under gunicorn with two workers, as
``make run`` does, against the session's Redis and test database.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from khaya.config import database_url_for_tests

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
# An hour rather than a minute: the same limit, but the count cannot roll over into a new
# window while a slow machine sends the requests.
LIMIT = 30
LIMIT_TEXT = f"{LIMIT} per hour"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(storage_uri: str, access_log: Path) -> Iterator[int]:
    """Serve Khaya with two workers on a free loopback port; yield the port."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url_for_tests(),
           "KHAYA_SECRET_KEY": secrets.token_urlsafe(48),
           "KHAYA_RATELIMIT_STORAGE_URI": storage_uri,
           "KHAYA_LOGIN_RATE_LIMIT_PER_IP": LIMIT_TEXT}
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--threads", "1", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s",
             "khaya:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            # The app's own readiness, not a deadline: every worker may take its time to boot
            # on a loaded machine; the loop ends when gunicorn answers or exits.
            while _status(port, "GET", "/api/v1/health") != 200:
                if process.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"gunicorn exited:\n{log.read()[-3000:]}")
                time.sleep(0.2)
            yield port
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def _status(port: int, method: str, path: str, body: dict | None = None) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=json.dumps(body) if body else None,
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def _refresh(port: int) -> int | None:
    # The refresh endpoint carries the per-address limit and answers a bad token with 401
    # without hashing a password: cheap requests, so the workers overlap.
    return _status(port, "POST", "/api/v1/auth/refresh",
                   {"refresh_token": secrets.token_urlsafe(16), "device_id": "rate"})


def _send_until_both_workers_answered(port: int, access_log: Path) -> tuple[Counter, set[str]]:
    statuses: Counter = Counter()
    pids: set[str] = set()
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(40):  # at most 40 waves; it takes one or two
            statuses.update(pool.map(lambda _i: _refresh(port), range(12)))
            pids = {line.split()[0] for line in access_log.read_text().splitlines()
                    if line.split()[1] in ("401", "429")}
            if len(pids) == 2 and statuses.total() > 2 * LIMIT:
                break
    return statuses, pids


def test_thirty_an_hour_means_thirty_across_two_workers(app, redis_url, tmp_path):
    # ``app``: the session's database is migrated before gunicorn uses it.
    access_log = tmp_path / "access.log"
    # A database of its own on the session's Redis: counters of no other test.
    storage = redis_url.rsplit("/", 1)[0] + "/1"
    with gunicorn(storage, access_log) as port:
        statuses, pids = _send_until_both_workers_answered(port, access_log)
    assert len(pids) == 2, "both workers must have answered for the test to mean anything"
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[401] == LIMIT, statuses


def test_with_redis_down_sign_in_still_answers(app, tmp_path):
    """Redis unreachable: each process counts in memory until it is back; nobody gets a 5xx."""
    dead = f"redis://127.0.0.1:{_free_port()}/0"
    with gunicorn(dead, tmp_path / "access.log") as port:
        assert _status(port, "POST", "/api/v1/auth/login",
                       {"login": "nobody.here", "password": "not-the-password"}) == 401
        statuses = Counter(_refresh(port) for _ in range(LIMIT + 5))
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[401] >= LIMIT


def test_compose_runs_redis_for_the_api():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    redis, api = compose["services"]["redis"], compose["services"]["api"]
    assert redis["image"].startswith("redis:")
    assert "healthcheck" in redis
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert api["environment"]["KHAYA_RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"


def test_make_run_starts_a_private_redis_and_make_stop_stops_it():
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert "scripts/redis.sh ensure" in run
    assert "KHAYA_RATELIMIT_STORAGE_URI=$(bash scripts/redis.sh url)" in run
    assert "scripts/redis.sh stop" in (ROOT / "Makefile").read_text()
