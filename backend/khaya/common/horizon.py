"""The retention horizon: the day before which raw sorting logs may have been deleted.

Both analytics (its rebuilds leave the years before the horizon alone) and privacy (which moves
it) read it, so it lives below both.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, cast, func, select

from ..auth.models import AuditEvent
from ..auth.scoping import unscoped
from ..extensions import db

# The audit entity of a retention run; its details carry the horizon it set.
SUMMARY_ENTITY = "retention"


def raw_logs_kept_from() -> dt.date | None:
    """Return the retention horizon: raw logs dated before it may be gone (``None``: all kept).

    Read from the append-only audit trail, so it can only move forward and a restored backup
    carries it along.
    """
    before = AuditEvent.details["raw_logs_before"].astext
    value: dt.date | None = db.session.execute(
        select(func.max(cast(before, Date)))
        .where(AuditEvent.entity == SUMMARY_ENTITY, AuditEvent.action == "delete",
               before.isnot(None)),
        execution_options=unscoped(),
    ).scalar_one()
    return value
