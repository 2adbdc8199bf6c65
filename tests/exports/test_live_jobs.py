"""An export job through the real thread pool, against a live server on the test database.

Nothing here is rolled back: the sessions and jobs it makes are deleted at the end.
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request

import openpyxl
from sqlalchemy import delete, select

from khaya.auth.models import AuthSession, User, utcnow
from khaya.auth.tokens import issue_access_token
from khaya.exports import jobs
from khaya.exports.models import ExportJob
from khaya.extensions import db
from tests.maps._support import live_server


def _token(login: str) -> tuple[str, object]:
    user = db.session.execute(select(User).where(User.username == login)).scalar_one()
    session = AuthSession(user_id=user.id, device_id="live-export-test")
    db.session.add(session)
    db.session.commit()
    token, _ = issue_access_token(user.id, session.id, utcnow())
    return token, session.id


def _call(url: str, token: str, body: dict | None = None) -> tuple[int, dict, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_a_job_runs_in_the_pool_and_only_its_owner_sees_it(app):
    app.config["EXPORT_JOBS_INLINE"] = False
    sessions = []
    job_id = None
    try:
        with app.app_context():
            staff, staff_session = _token("town.staff")
            other, other_session = _token("town.admin")
            sessions = [staff_session, other_session]
            db.session.remove()
        with live_server(app) as base:
            status, headers, raw = _call(f"{base}/api/v1/exports/jobs", staff,
                                         {"format": "xlsx", "from": "2024-10", "to": "2025-03"})
            assert status == 202, raw
            job_id = json.loads(raw)["id"]
            location = base + headers["Location"]
            deadline = time.monotonic() + 60
            while True:
                status, _, raw = _call(location, staff)
                body = json.loads(raw)
                if body["status"] in ("done", "failed") or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert body["status"] == "done", body
            status, headers, data = _call(body["download_url"], staff)
            assert status == 200
            assert headers["Content-Type"].startswith(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            assert sheet.max_row == 2 + 6
            assert _call(location, other)[0] == 404
            assert _call(body["download_url"], other)[0] == 404
        jobs.wait()
    finally:
        with app.app_context():
            if job_id:
                db.session.execute(delete(ExportJob).where(ExportJob.id == job_id))
            if sessions:
                db.session.execute(delete(AuthSession).where(AuthSession.id.in_(sessions)))
            db.session.commit()
            db.session.remove()
