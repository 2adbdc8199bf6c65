"""Exports of monthly figures per LGO, for re-keying into DLA's LGO waste information system.

GET  /api/v1/exports/monthly.csv?lgo=&from=2024-10&to=2025-09&calendar=be|ce&lang=th|en
                                                       &header=th|en
GET  /api/v1/exports/monthly.xlsx?...                  same parameters
POST /api/v1/exports/jobs                              {format, lgo?, from, to, calendar, lang,
                                                       header} -> 202, Location of the job
GET  /api/v1/exports/jobs/{job_id}                     queued, running, done or failed
GET  /api/v1/exports/jobs/{job_id}/download            the file, once done
GET  /api/v1/exports/dla-return.xlsx?month=&lgo=&lang= the monthly return to DLA (accepted
GET  /api/v1/exports/dla-return.pdf?month=&lgo=        months only; see dla_return)
POST /api/v1/exports/evidence                          {lgo, period | from, to} -> 202: the
                                                       carbon-credit evidence ZIP as a job

All need ``exports.read``: LGO roles export their LGO, provincial officers any LGO of their
province, admins any LGO; another LGO answers 404. Each file has one header row, in
``header`` (default ``lang``, else the caller's Accept-Language, else Thai); participation is
a percentage with one decimal. An export of more than
``EXPORT_SYNC_MAX_ROWS`` LGO-months answers 422 ``export_too_large``: start a job instead.
A job is its creator's alone (anyone else gets 404). The files hold LGO totals, not personal
data, so they are not written to the audit log.
"""

from __future__ import annotations

import uuid

from flask import Response, current_app, g, url_for
from sqlalchemy import select

from ..analytics.services import period_of
from ..areas.models import Lgo
from ..auth import audit
from ..auth.access import current_principal, requires
from ..blueprint import Blueprint
from ..common.files import attachment
from ..extensions import db
from . import dla_return, evidence, figures, jobs, writers
from .errors import ExportTooLarge
from .schemas import (
    DlaReturnArgsSchema,
    EvidenceCreateSchema,
    ExportArgsSchema,
    JobCreateSchema,
    JobSchema,
)

blp = Blueprint(
    "exports", __name__, url_prefix="/exports",
    description="Monthly figures per LGO as CSV or XLSX, directly or as a background job",
)


def _request(args: dict) -> figures.Request:
    return figures.build_request(
        g.khaya_scope, lgo=args.get("lgo"), start=figures.parse_month(args["from_"]),
        end=figures.parse_month(args["to"]), calendar=args["calendar"], lang=args["lang"],
        header=args["header"], max_months=current_app.config.get("EXPORT_MAX_MONTHS", 60),
    )


def _direct(args: dict, fmt: str) -> Response:
    request = _request(args)
    limit = current_app.config.get("EXPORT_SYNC_MAX_ROWS", 240)
    if request.size > limit:
        raise ExportTooLarge(
            f"{request.size} LGO-months is more than {limit}: POST /api/v1/exports/jobs.",
            message_th=f"{request.size:,} อปท.-เดือน เกิน {limit:,} ให้สร้างงานส่งออก"
                       " (POST /api/v1/exports/jobs)",
        )
    data = writers.render(request, figures.rows(request), fmt)
    return attachment(data, writers.filename(request, fmt), writers.MEDIA_TYPES[fmt])


blp.file_routes("/monthly", ExportArgsSchema, requires("exports.read"), _direct,
                media_types=writers.MEDIA_TYPES, docs={
                    "csv": "Return monthly figures per LGO as CSV: UTF-8 with a BOM, one "
                           "header row in ``header``, participation in percent (0-100, one "
                           "decimal).",
                    "xlsx": "Return monthly figures per LGO as XLSX: one header row in "
                            "``header``, participation in percent (0-100, one decimal), an "
                            "About sheet.",
                })


@blp.route("/jobs", methods=["POST"])
@requires("exports.read")
@blp.arguments(JobCreateSchema)
@blp.response(202, JobSchema)
def create_job(data):
    """Queue an export job; poll the Location it answers with."""
    fmt = data.pop("format")
    job_id = jobs.create_job(current_principal().user_id, fmt, _request(data)).id
    db.session.commit()
    jobs.start(job_id)
    job = jobs.get_job(job_id, current_principal().user_id)
    location = url_for("exports.get_job", job_id=job_id)
    return job, 202, {"Location": location}


@blp.route("/jobs/<uuid:job_id>")
@requires("exports.read")
@blp.response(200, JobSchema)
def get_job(job_id: uuid.UUID):
    """Return an export job's status, and its download URL once done."""
    job = jobs.get_job(job_id, current_principal().user_id)
    db.session.commit()
    return job


@blp.route("/jobs/<uuid:job_id>/download")
@requires("exports.read")
@blp.response(200, content_type=writers.XLSX_MEDIA_TYPE)
@blp.alt_response(409, description="The job has not finished")
@blp.alt_response(410, description="The file has expired")
def download_job(job_id: uuid.UUID):
    """Return a finished export job's file."""
    job, data = jobs.job_file(job_id, current_principal().user_id)
    if job.params.get("kind") == "evidence":
        # Carbon evidence names households (by code): each download is an export of each.
        audit.record("export", "household",
                     [(h, job.params["lgo_id"]) for h in job.params.get("households", [])],
                     details={"document": "carbon_evidence", "job": str(job.id)})
        db.session.commit()
    return attachment(data, job.filename or f"export.{job.format}", job.content_type or "")


@blp.route("/evidence", methods=["POST"])
@requires("evidence.export")
@blp.arguments(EvidenceCreateSchema)
@blp.response(202, JobSchema)
def create_evidence(data):
    """Queue the carbon-credit evidence of an LGO for a crediting period (a ZIP: households by
    code with their share of tCO2e, the inspections that verified them, their photos and a
    SHA-256 manifest); poll the Location it answers with. LGO roles, for their own LGO."""
    (code,) = figures.lgos_for(g.khaya_scope, data["lgo"])
    period = period_of(data.get("period"), data.get("from_"), data.get("to"))
    request = evidence.EvidenceRequest(code, period.start, period.end)
    lgo_id = db.session.execute(select(Lgo.id).where(Lgo.code == code)).scalar_one()
    job_id = jobs.create_job(current_principal().user_id, "zip", request,
                             extra={"lgo_id": lgo_id}).id
    audit.record("export", "lgo", [(code, lgo_id)],
                 details={"document": "carbon_evidence", "start": period.start.isoformat(),
                          "end": period.end.isoformat(), "job": str(job_id)})
    db.session.commit()
    jobs.start(job_id)
    job = jobs.get_job(job_id, current_principal().user_id)
    return job, 202, {"Location": url_for("exports.get_job", job_id=job_id)}


def _dla_return(args: dict, fmt: str) -> Response:
    answer = dla_return.build(g.khaya_scope, figures.parse_month(args["month"]), args.get("lgo"))
    data = dla_return.xlsx(answer, args["lang"]) if fmt == "xlsx" else dla_return.pdf(answer)
    return attachment(data, dla_return.filename(answer, fmt), DLA_MEDIA_TYPES[fmt])


DLA_MEDIA_TYPES = {"xlsx": writers.XLSX_MEDIA_TYPE, "pdf": "application/pdf"}
blp.file_routes("/dla-return", DlaReturnArgsSchema, requires("exports.read"), _dla_return,
                media_types=DLA_MEDIA_TYPES, docs={
                    "xlsx": "Return the monthly return to DLA as XLSX: one LGO's (409 unless "
                            "the province accepted the month) or, without ``lgo``, every LGO "
                            "in reach with its sign-off state and the total of the accepted.",
                    "pdf": "Return the same monthly return to DLA as a printable Thai A4 PDF.",
                })
