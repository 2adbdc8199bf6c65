"""Territory commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .importer import LEVELS, BoundaryImportError, ImportReport, import_boundaries

areas_cli = AppGroup("areas", help="Territory commands: boundaries of provinces down to villages.")

# Long code lists drown the counts; the full lists are in ImportReport.as_dict().
SHOWN_CODES = 10


@areas_cli.command("import-boundaries")
@click.argument("path", type=click.Path(exists=True, dir_okay=True))
@click.option("--level", required=True, type=click.Choice(list(LEVELS)), help="Areas in the file.")
@click.option("--code-field", default="code", show_default=True, help="Field with the DOPA code.")
@click.option("--layer", default=None, help="Layer to read when the file has several.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; change nothing.")
def import_boundaries_command(
    path: str, level: str, code_field: str, layer: str | None, dry_run: bool
) -> None:
    """Replace the boundaries of LEVEL with those in PATH (GeoJSON, GeoPackage, Shapefile).

    Features are matched to areas by DOPA code. The file must be in EPSG:4326; one bad
    feature rejects the whole file and nothing changes.
    """
    try:
        report = import_boundaries(
            db.session, path, level, code_field=code_field, layer=layer, dry_run=dry_run
        )
    except BoundaryImportError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc.message}", err=True)
        for problem in exc.errors.get("features", []):
            click.echo(
                f"  feature {problem['index']} ({problem['code'] or 'no code'}): "
                f"{problem['message']}",
                err=True,
            )
        raise SystemExit(1) from None
    if not dry_run:
        db.session.commit()
    click.echo(format_report(report))


def format_report(report: ImportReport) -> str:
    """Return the report as lines for a terminal."""
    heading = "Dry run, nothing changed" if report.dry_run else "Imported"
    lines = [
        f"{heading}: {report.level} from {report.file} (layer {report.layer}), "
        f"{report.features} feature(s).",
        _line("matched", report.matched),
        _line("unmatched (no area has the code)", report.unmatched),
        _line(
            "duplicates (left unchanged)",
            [
                f"{code} (features {', '.join(map(str, idx))})"
                for code, idx in report.duplicates.items()
            ],
        ),
        _line("missing (areas not in the file, unchanged)", report.missing),
    ]
    if report.level == "villages":
        lines.append(_line("LGOs recomputed from their villages", report.lgos_recomputed))
    return "\n".join(lines)


def _line(label: str, codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN_CODES])
    more = f", ... {len(codes) - SHOWN_CODES} more" if len(codes) > SHOWN_CODES else ""
    return f"  {label}: {len(codes)}" + (f" ({shown}{more})" if codes else "")
