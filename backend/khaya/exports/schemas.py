"""Request and response schemas of the exports API."""

from __future__ import annotations

import re

from flask import url_for
from marshmallow import Schema, ValidationError, fields, post_load, validate

from ..common.language import LANGUAGES, request_language
from .models import JobStatus

MONTH_PATTERN = r"^(\d{4})-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


class Month(fields.String):
    """A month written ``YYYY-MM`` in the Common Era (the API's dates are CE; files may be BE)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _MONTH.match(text)
        if not match or not 2000 <= int(match[1]) <= 2200:
            raise ValidationError("Write a month as YYYY-MM in the Common Era, e.g. 2024-10.")
        return text


class ExportArgsSchema(Schema):
    lgo = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "LGO code; without it, every LGO you may export"},
    )
    from_ = Month(required=True, data_key="from",
                  metadata={"description": "First month", "pattern": MONTH_PATTERN})
    to = Month(required=True,
               metadata={"description": "Last month (inclusive)", "pattern": MONTH_PATTERN})
    calendar = fields.String(
        load_default="be", validate=validate.OneOf(["be", "ce"]),
        metadata={"description": "be: months as ต.ค. 2567; ce: months as 2024-10"},
    )
    # A callable default: the caller's language, which the OpenAPI document cannot show.
    lang = fields.String(
        load_default=request_language, validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of LGO and month names, and of the header row "
                                 "when ``header`` is not given. Default: the caller's language "
                                 "(Accept-Language), else th."},
    )
    header = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of the file's one header row: th (Thai) or en "
                                 "(English). Default: ``lang``, else the caller's language "
                                 "(Accept-Language), else th."},
    )

    @post_load
    def _header_follows_lang(self, data, **kwargs):
        data.setdefault("header", data["lang"])
        return data


class JobCreateSchema(ExportArgsSchema):
    format = fields.String(required=True, validate=validate.OneOf(["csv", "xlsx"]))


class JobSchema(Schema):
    id = fields.UUID(required=True)
    status = fields.Enum(JobStatus, by_value=True, metadata={
        "description": "queued, running, done or failed"})
    format = fields.String()
    params = fields.Dict()
    error = fields.String(allow_none=True)
    filename = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime()
    download_url = fields.Function(
        lambda job: url_for("exports.download_job", job_id=job.id, _external=True)
        if job.status is JobStatus.done else None,
        metadata={"description": "Where to fetch the file once the job is done"},
    )


class DlaReturnArgsSchema(Schema):
    month = Month(required=True, metadata={"description": "The month", "pattern": MONTH_PATTERN})
    lgo = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "One LGO's return (refused unless the province accepted the "
                                 "month); without it, the consolidated return of every LGO you "
                                 "may export, with their states"},
    )
    lang = fields.String(
        load_default=request_language, validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of the XLSX's header row (the PDF is Thai)"},
    )


class EvidenceCreateSchema(Schema):
    lgo = fields.String(required=True, validate=validate.Length(min=1, max=80),
                        metadata={"description": "The LGO whose evidence to build"})
    period = fields.String(validate=validate.Length(min=1, max=20), metadata={
        "description": "The crediting period: 2024-11, FY2568; or from and to"})
    from_ = fields.Date(data_key="from", metadata={"description": "First day of a range"})
    to = fields.Date(metadata={"description": "Last day of a range"})
