"""Analytics commands: reconcile the rollups with the raw rows, rebuild them, refresh them."""

from __future__ import annotations

import datetime as dt
import sys
import time

import click
from flask.cli import AppGroup
from sqlalchemy import text

from ..extensions import db
from .facts import run
from .rebuild import Report, rebuild, reconcile
from .tasks import refresh

analytics_cli = AppGroup("analytics", help="Indicator rollups: reconcile, rebuild, refresh.")

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _unhurried() -> None:
    """Lift the requests' statement timeout: a year of rollups takes minutes to rebuild."""
    run(text("set local statement_timeout = 0"))


def _print(report: Report) -> None:
    click.echo(f"range {report.start} .. {report.end} (whole fiscal years)")
    for t in report.tables:
        state = "ok" if t.differences == 0 else f"{t.differences} differ"
        click.echo(f"  {t.table:<24} {t.rows:>10} rows  {state}")
        for sample in t.samples:
            click.echo(f"      {sample}")


@analytics_cli.command("reconcile")
@click.option("--from", "start", type=DATE, required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, required=True, help="Last day (YYYY-MM-DD).")
@click.option("--repair", is_flag=True, help="Replace the rollups of the range on a mismatch.")
def reconcile_command(start: dt.datetime, end: dt.datetime, repair: bool) -> None:
    """Rebuild the rollups of a range from the raw rows and prove they equal the live ones.

    Exits 1 when they differ, unless --repair replaced the live rows.
    """
    began = time.monotonic()
    _unhurried()
    report = reconcile(start.date(), end.date(), repair=repair)
    _print(report)
    if report.repaired:
        db.session.commit()
        click.echo("repaired: the rollups of the range were rebuilt from the raw rows")
    else:
        db.session.rollback()
    click.echo(f"{'agree' if report.ok else 'DIFFER'} ({time.monotonic() - began:.1f} s)")
    if not report.ok and not report.repaired:
        sys.exit(1)


@analytics_cli.command("rebuild")
@click.option("--from", "start", type=DATE, required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, required=True, help="Last day (YYYY-MM-DD).")
def rebuild_command(start: dt.datetime, end: dt.datetime) -> None:
    """Replace the rollups of a range with ones built from the raw rows (after a bulk load)."""
    began = time.monotonic()
    _unhurried()
    report = rebuild(start.date(), end.date())
    db.session.commit()
    click.echo(f"rebuilt {report.start} .. {report.end} in {time.monotonic() - began:.1f} s")


@analytics_cli.command("refresh")
def refresh_command() -> None:
    """Rebuild month-end register rows of villages marked stale, and add the current month.

    The job queue runs it daily (``khaya.analytics.refresh``); run it by hand after a repair.
    """
    added, stale = refresh()
    click.echo(f"register rows: {added} for new months; {stale} stale villages rebuilt")
