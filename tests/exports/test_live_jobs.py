"""An export job through the job queue and a real worker, against a live server on the test
database.

Nothing here is rolled back: the sessions and jobs it makes are deleted at the end.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request

import openpyxl
from sqlalchemy import delete, select, text

from khaya.auth.models import AuthSession, User, utcnow
from khaya.auth.tokens import issue_access_token
from khaya.exports.models import ExportJob
from khaya.extensions import db
from khaya.jobs import worker
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


def test_a_job_is_built_by_a_worker_and_only_its_owner_sees_it(app):
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
            # The request committed the job with its row; a worker builds it.
            assert json.loads(_call(location, staff)[2])["status"] == "queued"
            worker.run(app, once=True, queues=["exports"])
            # The worker returns once nothing waits: the job is built by then.
            body = json.loads(_call(location, staff)[2])
            assert body["status"] == "done", body
            status, headers, data = _call(body["download_url"], staff)
            assert status == 200
            assert headers["Content-Type"].startswith(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            assert sheet.max_row == 1 + 6  # one header row, six months
            assert _call(location, other)[0] == 404
            assert _call(body["download_url"], other)[0] == 404
    finally:
        with app.app_context():
            if job_id:
                db.session.execute(delete(ExportJob).where(ExportJob.id == job_id))
            db.session.execute(text("delete from procrastinate_jobs"))
            db.session.execute(text("delete from procrastinate_workers"))
            if sessions:
                db.session.execute(delete(AuthSession).where(AuthSession.id.in_(sessions)))
            db.session.commit()
            db.session.remove()
