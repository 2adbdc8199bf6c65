"""`make run`'s processes under supervisord, for real: the web server and a queue worker on the
test database; an export job made over HTTP is built by the worker; a worker killed with
SIGKILL is started again; one shutdown stops them all.

Waits here follow the processes' own state (the loops end when the app answers or a process
exits); the long bound only keeps a broken build from hanging the suite.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, select, text

from khaya.auth.models import AuthSession, User, utcnow
from khaya.auth.tokens import issue_access_token
from khaya.config import database_url_for_tests
from khaya.exports.models import ExportJob
from khaya.extensions import db

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = ROOT / "deploy" / "supervisor" / "khaya.conf"
PATIENCE = 600  # seconds: a bound for a broken build, far beyond any loaded machine's delay


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None,
                                     method="POST" if body else "GET")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")
    except OSError:
        return 0, {}


def _until(condition, what: str, process: subprocess.Popen) -> None:
    began = time.monotonic()
    while not condition():
        assert process.poll() is None, f"supervisord exited while waiting for {what}"
        assert time.monotonic() - began < PATIENCE, f"still waiting for {what}"
        time.sleep(0.3)


@contextmanager
def supervised(redis_url: str, secret: str) -> Iterator[tuple[subprocess.Popen, str, list[str]]]:
    run_dir = Path(tempfile.mkdtemp(prefix="khaya-sv-"))
    (run_dir / "log").mkdir()
    port = _free_port()
    env = {**os.environ, "KHAYA_ROOT": str(ROOT), "KHAYA_RUN_DIR": str(run_dir),
           "HOST": "127.0.0.1", "PORT": str(port), "KHAYA_WORKERS": "1",
           "KHAYA_JOB_WORKERS": "1", "DATABASE_URL": database_url_for_tests(),
           "KHAYA_SECRET_KEY": secret,  # the tokens the test signs
           "KHAYA_RATELIMIT_STORAGE_URI": redis_url}
    ctl = [str(BIN / "supervisorctl"), "-s", f"unix://{run_dir}/supervisor.sock"]
    process = subprocess.Popen([str(BIN / "supervisord"), "-c", str(CONFIG)], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        yield process, f"http://127.0.0.1:{port}", ctl
    finally:
        subprocess.run([*ctl, "shutdown"], capture_output=True, timeout=60)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise


def _worker_pid(ctl: list[str]) -> int:
    out = subprocess.run([*ctl, "pid", "worker:worker-0"], capture_output=True, text=True)
    return int(out.stdout.strip()) if out.stdout.strip().isdigit() else 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_web_and_worker_run_together_a_killed_worker_restarts_and_all_stop(app, redis_url):
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "town.staff")).scalar_one()
        session = AuthSession(user_id=user.id, device_id="supervision-test")
        db.session.add(session)
        db.session.commit()
        token, _ = issue_access_token(user.id, session.id, utcnow())
        session_id = session.id
        db.session.remove()
    job_id = None
    pids: list[int] = []
    try:
        with supervised(redis_url, app.config["SECRET_KEY"]) as (process, base, ctl):
            _until(lambda: _get(f"{base}/api/v1/health")[1].get("queue", {}).get("workers"),
                   "the web server and a worker's heartbeat", process)
            status, body = _get(f"{base}/api/v1/exports/jobs", token,
                                {"format": "csv", "from": "2024-10", "to": "2024-12"})
            assert status == 202, body
            job_id = body["id"]
            location = f"{base}/api/v1/exports/jobs/{job_id}"
            _until(lambda: _get(location, token)[1].get("status") in ("done", "failed"),
                   "the worker to build the export", process)
            assert _get(location, token)[1]["status"] == "done"

            first = _worker_pid(ctl)
            assert first
            assert _alive(first)
            os.kill(first, signal.SIGKILL)
            _until(lambda: _worker_pid(ctl) not in (0, first), "the worker's restart", process)
            pids = [_worker_pid(ctl)]
            assert _alive(pids[0])
        # One shutdown stopped supervisord, the web server and the worker.
        assert process.returncode is not None
        assert not _alive(pids[0])
    finally:
        with app.app_context():
            if job_id:
                db.session.execute(delete(ExportJob).where(ExportJob.id == job_id))
            db.session.execute(delete(AuthSession).where(AuthSession.id == session_id))
            db.session.execute(text("delete from procrastinate_periodic_defers"))
            db.session.execute(text("delete from procrastinate_jobs"))
            db.session.execute(text("delete from procrastinate_workers"))
            db.session.commit()
            db.session.remove()


def test_docker_compose_runs_queue_workers_on_the_apis_database():
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker, api = services["worker"], services["api"]
    assert worker["command"] == ["flask", "--app", "khaya", "jobs", "worker"]
    assert worker["environment"]["DATABASE_URL"] == api["environment"]["DATABASE_URL"]
    assert worker["restart"] == "unless-stopped"
