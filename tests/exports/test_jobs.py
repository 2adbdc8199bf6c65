"""Export jobs: lifecycle, ownership, not-ready and expired files, failures, limits."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import openpyxl
from sqlalchemy import select

from khaya.auth.models import User
from khaya.exports import figures
from khaya.exports.models import ExportJob, JobStatus
from khaya.extensions import db

JOBS = "/api/v1/exports/jobs"
BODY = {"format": "xlsx", "from": "2024-10", "to": "2024-12"}


def test_a_job_is_queued_run_and_downloaded(client, auth):
    headers = auth("town.staff")
    response = client.post(JOBS, json=BODY, headers=headers)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert response.headers["Location"] == f"{JOBS}/{job['id']}"
    assert job["params"]["lgo_codes"] == ["lamphun-town-municipality"]
    status = client.get(response.headers["Location"], headers=headers).get_json()
    assert status["status"] == "done"
    assert status["size"] > 0
    assert status["download_url"].endswith(f"{JOBS}/{job['id']}/download")
    download = client.get(f"{JOBS}/{job['id']}/download", headers=headers)
    assert download.status_code == 200
    assert "attachment;" in download.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    assert book.active["A1"].value == "รหัส อปท."
    assert book.active["D2"].value == "ต.ค. 2567"


def test_a_csv_job_in_english(client, auth):
    headers = auth("province")
    body = {**BODY, "format": "csv", "lang": "en", "calendar": "ce",
            "lgo": "mueang-nga-subdistrict-municipality"}
    job = client.post(JOBS, json=body, headers=headers).get_json()
    download = client.get(f"{JOBS}/{job['id']}/download", headers=headers)
    assert download.data.decode("utf-8").startswith("\ufeffLGO code,")


def test_a_job_keeps_the_header_language_it_was_asked_for(app, client, auth):
    headers = {**auth("town.staff"), "Accept-Language": "en-US,en;q=0.9"}
    job = client.post(JOBS, json={**BODY, "header": "th"}, headers=headers).get_json()
    assert (job["params"]["header"], job["params"]["lang"]) == ("th", "en")
    download = client.get(f"{JOBS}/{job['id']}/download", headers=headers)
    rows = list(openpyxl.load_workbook(io.BytesIO(download.data)).active.iter_rows(
        values_only=True))
    assert rows[0][:4] == ("รหัส อปท.", "ชื่อ อปท.", "ปีงบประมาณ", "เดือน")
    assert rows[1][1:4] == ("Lamphun Town Municipality", 2568, "Oct 2567")
    assert len(rows) == 1 + 3
    # A job queued before files had a ``header`` wrote its header in ``lang``.
    params = {k: v for k, v in job["params"].items() if k != "header"}
    assert figures.Request.from_params(params).header == "en"


def test_another_callers_job_is_404(client, auth):
    job = client.post(JOBS, json=BODY, headers=auth("town.staff")).get_json()
    for who in ("town.admin", "province", "admin"):
        assert client.get(f"{JOBS}/{job['id']}", headers=auth(who)).status_code == 404
        assert client.get(f"{JOBS}/{job['id']}/download", headers=auth(who)).status_code == 404
    assert client.get(f"{JOBS}/{uuid.uuid4()}", headers=auth("town.staff")).status_code == 404


def test_a_job_for_another_lgo_is_refused_up_front(client, auth):
    body = {**BODY, "lgo": "mueang-nga-subdistrict-municipality"}
    response = client.post(JOBS, json=body, headers=auth("town.staff"))
    assert response.status_code == 404


def _job(app, login: str, **fields) -> uuid.UUID:
    with app.app_context():
        user_id = db.session.execute(select(User.id).where(User.username == login)).scalar_one()
        request = figures.Request(("lamphun-town-municipality",), dt.date(2024, 10, 1),
                                  dt.date(2024, 10, 1))
        job = ExportJob(user_id=user_id, format="csv", params=request.as_params(),
                        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), **fields)
        db.session.add(job)
        db.session.commit()
        made = job.id
        db.session.remove()
    return made


def test_downloading_an_unfinished_job_is_409(app, client, auth):
    job_id = _job(app, "town.staff", status=JobStatus.queued,
                  created_at=dt.datetime.now(dt.UTC))
    response = client.get(f"{JOBS}/{job_id}/download", headers=auth("town.staff"))
    assert response.status_code == 409
    assert response.get_json()["code"] == "export_job_not_ready"
    status = client.get(f"{JOBS}/{job_id}", headers=auth("town.staff")).get_json()
    assert status["status"] == "queued"
    assert status["download_url"] is None


def test_a_job_stuck_past_the_timeout_reports_failed(app, client, auth):
    job_id = _job(app, "town.staff", status=JobStatus.running,
                  created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    status = client.get(f"{JOBS}/{job_id}", headers=auth("town.staff")).get_json()
    assert status["status"] == "failed"
    assert "interrupted" in status["error"]


def test_an_expired_file_is_410(app, client, auth):
    job_id = _job(app, "town.staff", status=JobStatus.done, data=b"x", size=1,
                  filename="x.csv", content_type="text/csv")
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        job.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.commit()
        db.session.remove()
    response = client.get(f"{JOBS}/{job_id}/download", headers=auth("town.staff"))
    assert response.status_code == 410
    # Creating the next job deletes expired ones.
    client.post(JOBS, json=BODY, headers=auth("town.staff"))
    with app.app_context():
        assert db.session.get(ExportJob, job_id) is None
        db.session.remove()


def test_a_failing_build_marks_the_job_failed(client, auth, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("analytics is down")

    monkeypatch.setattr(figures, "rows", broken)
    job = client.post(JOBS, json=BODY, headers=auth("town.staff")).get_json()
    assert job["status"] == "failed"
    assert "analytics" not in job["error"], "internal errors stay in the log"


def test_too_many_active_jobs_answer_429(app, client, auth):
    for _ in range(3):
        _job(app, "town.staff", status=JobStatus.queued, created_at=dt.datetime.now(dt.UTC))
    response = client.post(JOBS, json=BODY, headers=auth("town.staff"))
    assert response.status_code == 429
    assert response.get_json()["code"] == "too_many_export_jobs"


def test_jobs_need_exports_read(client, auth):
    assert client.post(JOBS, json=BODY).status_code == 401
    assert client.post(JOBS, json=BODY, headers=auth("0810000001")).status_code == 403
    response = client.post(JOBS, json={**BODY, "format": "pdf"}, headers=auth("town.staff"))
    assert response.status_code == 422
