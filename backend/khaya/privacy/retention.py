"""Retention: personal data is kept no longer than its job needs (PDPA), the figures stay.

Two settings, in days (0 keeps forever):

- ``RETENTION_PHOTOS_DAYS``: photos (of sorting logs and inspections) uploaded longer ago go,
  bytes and row; the logs and inspections they were attached to stay and keep counting.
- ``RETENTION_RAW_LOGS_DAYS``: raw sorting logs go a whole fiscal year at a time, once that
  year ended longer ago than this: everything dated before the start of the fiscal year that
  holds the day N days ago. Every figure of those years lives on in the rollups
  (``khaya.analytics``), which the dashboards read, so no figure changes. Whole fiscal years,
  because a fiscal year's distinct households are counted from all its months.

Before deleting logs the rollups of those years are rebuilt from the raw rows and compared
with the live ones (as ``flask analytics reconcile`` does); if they differ nothing is deleted,
since the raw rows are the only way to repair them. Each run that changes something records
audit events (``entity`` ``retention``, one per LGO affected for ``photos`` and
``sorting_logs``); the ``raw_logs_before`` date of the summary event is the retention horizon:
``raw_logs_kept_from`` returns the latest, and the analytics rebuilds never rebuild the years
before it from raw rows that are gone. Inspections, the register and the waste-bank ledger are
not touched (verification and the ledger are counted from them).

A second run with the same settings finds nothing more to remove.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update

from ..analytics.rebuild import reconcile
from ..auth import audit
from ..auth.scoping import unscoped
from ..common.horizon import SUMMARY_ENTITY
from ..common.time import fiscal_year, local_today, local_zone
from ..extensions import db
from ..participation.models import Inspection, Photo, SortingLog, SortingLogClaim
from ..participation.partitions import drop_before

# Rollups rebuilt from raw logs; the month-end registers come from the register, not logs.
LOG_ROLLUPS = ("household_months", "household_fiscal_years", "village_days", "village_weeks",
               "village_months", "village_fiscal_years", "village_log_gaps")


class RetentionRefused(Exception):
    """The rollups disagree with the raw rows they would outlive; nothing was deleted."""


@dataclass
class RetentionReport:
    today: dt.date
    dry_run: bool
    photos_days: int
    raw_logs_days: int
    photos_before: dt.datetime | None = None
    raw_logs_before: dt.date | None = None
    photos: int = 0
    photo_bytes: int = 0
    raw_logs: int = 0
    # LGO id -> {"photos": n, "photo_bytes": n, "sorting_logs": n}
    per_lgo: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))


def _run(statement: Any, params: dict[str, Any] | None = None) -> Any:
    # Retention is a trusted job over every LGO's rows.
    return db.session.execute(statement, params, execution_options=unscoped())


def _days(name: str) -> int:
    value = int(current_app.config.get(name) or 0)
    if value < 0:
        raise ValueError(f"{name} must be 0 (keep forever) or a number of days, not {value}")
    return value


def fiscal_year_start(day: dt.date) -> dt.date:
    """Return 1 October that opens the fiscal year holding ``day``."""
    return dt.date(fiscal_year(day) - 544, 10, 1)


def cutoffs(today: dt.date) -> tuple[dt.datetime | None, dt.date | None]:
    """Return (photos uploaded before, raw logs dated before) for ``today``; ``None``: keep."""
    photos_days = _days("RETENTION_PHOTOS_DAYS")
    logs_days = _days("RETENTION_RAW_LOGS_DAYS")
    photos_before = (dt.datetime.combine(today - dt.timedelta(days=photos_days), dt.time(),
                                         tzinfo=local_zone()) if photos_days else None)
    logs_before = fiscal_year_start(today - dt.timedelta(days=logs_days)) if logs_days else None
    return photos_before, logs_before


def apply_retention(today: dt.date | None = None, *, dry_run: bool = False) -> RetentionReport:
    """Delete the photos and raw logs past their retention; flush, never commit.

    With ``dry_run`` only count what would go. Raises ``RetentionRefused`` when the rollups of
    the years whose logs would go do not agree with those logs.
    """
    today = today or local_today()
    photos_before, logs_before = cutoffs(today)
    report = RetentionReport(today, dry_run, _days("RETENTION_PHOTOS_DAYS"),
                             _days("RETENTION_RAW_LOGS_DAYS"), photos_before, logs_before)
    if photos_before is not None:
        _photos(report, photos_before)
    if logs_before is not None:
        _raw_logs(report, logs_before)
    if not dry_run:
        _audit(report)
    db.session.flush()
    return report


def _photos(report: RetentionReport, before: dt.datetime) -> None:
    old = Photo.created_at < before
    if report.dry_run:
        rows = _run(select(Photo.lgo_id, func.count(), func.coalesce(func.sum(Photo.size), 0))
                    .where(old).group_by(Photo.lgo_id)).all()
    else:
        ids = select(Photo.id).where(old).scalar_subquery()
        # The logs and inspections stay (and keep counting); only their picture goes.
        _run(update(SortingLog).where(SortingLog.photo_id.in_(ids)).values(photo_id=None))
        _run(update(Inspection).where(Inspection.photo_id.in_(ids)).values(photo_id=None))
        gone = delete(Photo).where(old).returning(Photo.lgo_id, Photo.size).cte("gone")
        rows = _run(select(gone.c.lgo_id, func.count(), func.coalesce(func.sum(gone.c.size), 0))
                    .group_by(gone.c.lgo_id)).all()
    for lgo_id, count, size in rows:
        report.per_lgo[lgo_id].update(photos=count, photo_bytes=int(size))
        report.photos += count
        report.photo_bytes += int(size)


def _raw_logs(report: RetentionReport, before: dt.date) -> None:
    old = SortingLog.log_date < before
    first = _run(select(func.min(SortingLog.log_date)).where(old)).scalar_one()
    if first is None:
        return
    if report.dry_run:
        rows = _run(select(SortingLog.lgo_id, func.count()).where(old)
                    .group_by(SortingLog.lgo_id)).all()
    else:
        _check_rollups(first, before - dt.timedelta(days=1))
        # Whole months go as whole partitions (no row by row delete, no dead rows to vacuum);
        # what is left before the horizon (the default partition's) goes row by row.
        dropped = drop_before(db.session, before)
        gone = delete(SortingLog).where(old).returning(SortingLog.lgo_id).cte("gone")
        rows = _run(select(gone.c.lgo_id, func.count()).group_by(gone.c.lgo_id)).all()
        rows = [(lgo_id, count + dropped.pop(lgo_id, 0)) for lgo_id, count in rows] \
            + list(dropped.items())
        # Their client ids go with them; a log that old arriving later is removed with the next
        # run, as a late log of a retired year always was.
        _run(delete(SortingLogClaim).where(SortingLogClaim.log_date < before))
    for lgo_id, count in rows:
        report.per_lgo[lgo_id]["sorting_logs"] = count
        report.raw_logs += count


def _check_rollups(first: dt.date, last: dt.date) -> None:
    """Refuse unless the log rollups of first..last (whole fiscal years) equal the raw rows.

    Years before an earlier horizon are skipped by ``reconcile`` itself: their rollups already
    stand alone (a late log dated then is simply removed).
    """
    report = reconcile(first, last)
    wrong = [t for t in report.tables if t.table in LOG_ROLLUPS and t.differences]
    if wrong:
        described = ", ".join(f"{t.table}: {t.differences} rows" for t in wrong)
        raise RetentionRefused(
            f"the rollups of {report.start}..{report.end} differ from the raw rows "
            f"({described}); run `flask analytics reconcile --from {report.start} "
            f"--to {report.end} --repair` first. Nothing was deleted.")


def _audit(report: RetentionReport) -> None:
    audit.record("delete", SUMMARY_ENTITY, [(report.today.isoformat(), None)], details={
        "photos_days": report.photos_days,
        "photos_before": report.photos_before.isoformat() if report.photos_before else None,
        "photos": report.photos,
        "photo_bytes": report.photo_bytes,
        "raw_logs_days": report.raw_logs_days,
        "raw_logs_before": (report.raw_logs_before.isoformat()
                            if report.raw_logs_before else None),
        "raw_logs": report.raw_logs,
    })
    for lgo_id, counts in sorted(report.per_lgo.items()):
        if counts.get("photos"):
            audit.record("delete", "photos", [(f"retention:{report.today}", lgo_id)], details={
                "before": report.photos_before.isoformat() if report.photos_before else None,
                "count": counts["photos"], "bytes": counts.get("photo_bytes", 0)})
        if counts.get("sorting_logs"):
            audit.record("delete", "sorting_logs", [(f"retention:{report.today}", lgo_id)],
                         details={"before": (report.raw_logs_before.isoformat()
                                             if report.raw_logs_before else None),
                                  "count": counts["sorting_logs"]})
