"""Personal-data commands: apply the retention settings (run it daily or monthly, by cron)."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup
from sqlalchemy import select, text

from ..areas.models import Lgo
from ..extensions import db
from .retention import RetentionRefused, apply_retention

privacy_cli = AppGroup("privacy", help="Personal data: retention of photos and raw logs.")


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@privacy_cli.command("apply-retention")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def apply_retention_command(dry_run: bool) -> None:
    """Delete photos and raw sorting logs older than the retention settings allow.

    RETENTION_PHOTOS_DAYS and RETENTION_RAW_LOGS_DAYS (KHAYA_* variables; 0 keeps forever).
    Raw logs go whole fiscal years at a time and only when the rollups of those years agree
    with them, so no figure changes. Exits 1 (removing nothing) when they do not.
    """
    began = time.monotonic()
    # A year of logs of a whole province takes longer than a request may.
    db.session.execute(text("set local statement_timeout = 0"))
    try:
        report = apply_retention(dry_run=dry_run)
    except RetentionRefused as refused:
        db.session.rollback()
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    verb = "would be removed" if dry_run else "removed"
    if report.photos_before is None:
        click.echo("photos: kept forever (RETENTION_PHOTOS_DAYS = 0)")
    else:
        click.echo(f"photos uploaded before {report.photos_before:%Y-%m-%d %H:%M %Z} "
                   f"({report.photos_days} days): {report.photos} {verb} "
                   f"({_size(report.photo_bytes)})")
    if report.raw_logs_before is None:
        click.echo("raw sorting logs: kept forever (RETENTION_RAW_LOGS_DAYS = 0)")
    else:
        click.echo(f"raw sorting logs dated before {report.raw_logs_before} (fiscal years "
                   f"ended over {report.raw_logs_days} days ago): {report.raw_logs} {verb}")
    if report.per_lgo:
        codes = dict(db.session.execute(
            select(Lgo.id, Lgo.code).where(Lgo.id.in_(sorted(report.per_lgo)))).tuples().all())
        for lgo_id, counts in sorted(report.per_lgo.items(), key=lambda kv: codes.get(kv[0], "")):
            click.echo(f"  {codes.get(lgo_id, lgo_id)}: {counts.get('photos', 0)} photos, "
                       f"{counts.get('sorting_logs', 0)} sorting logs")
    if dry_run:
        db.session.rollback()
        click.echo("dry run: nothing changed")
    else:
        db.session.commit()
        click.echo(f"done in {time.monotonic() - began:.1f} s (audit event written)")
