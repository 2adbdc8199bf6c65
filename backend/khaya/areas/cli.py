"""Territory commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .importer import LEVELS, BoundaryImportError, ImportReport, import_boundaries
from .onboard import LoadReport, ProvinceLoadError, load_province, read_rows

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


@areas_cli.command("load-province")
@click.argument("code")
@click.option("--lgos", "lgos_path", type=click.Path(exists=True, dir_okay=False),
              help="The province's LGOs: CSV or GeoPackage.")
@click.option("--villages", "villages_path", type=click.Path(exists=True, dir_okay=False),
              help="The province's villages and communities: CSV or GeoPackage.")
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@click.option("--update-names", is_flag=True,
              help="Give existing areas the package's names where they differ.")
def load_province_command(code: str, lgos_path: str | None, villages_path: str | None,
                          dry_run: bool, update_names: bool) -> None:
    """Load province CODE (DOPA, e.g. 50): districts and tambons from geothai, LGOs and
    villages from the office's files. A conflict refuses the load and changes nothing.

    Boundaries come afterwards: `flask --app khaya areas import-boundaries`.
    """
    try:
        report = load_province(
            db.session, code,
            lgos=read_rows(lgos_path, "lgos") if lgos_path else None,
            villages=read_rows(villages_path, "villages") if villages_path else None,
            dry_run=dry_run, update_names=update_names)
    except ProvinceLoadError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc.message}", err=True)
        raise SystemExit(1) from None
    if report.ok and not dry_run:
        db.session.commit()
    else:
        db.session.rollback()
    click.echo(format_load_report(report))
    if not report.ok:
        raise SystemExit(1)


MISSING_LABELS = {
    "tambon_without_villages": "tambons without villages",
    "tambon_without_lgo": "tambons no LGO serves",
    "no_pao": "the province's PAO",
    "lgo_without_villages": "LGOs without villages",
}


def format_load_report(report: LoadReport) -> str:
    """Return a province load's report as lines for a terminal."""
    if report.conflicts:
        heading = "Refused, nothing changed"
    else:
        heading = "Dry run, nothing changed" if report.dry_run else "Loaded"
    lines = [f"{heading}: province {report.province} {report.name_en} ({report.name_th}), "
             f"geothai data {report.data_version}."]
    for outcome in ("created", "updated", "unchanged"):
        counts = getattr(report, outcome)
        if counts:
            parts = ", ".join(f"{len(codes)} {level}" for level, codes in counts.items())
            lines.append(f"  {outcome}: {parts}")
    kept = "updated" if report.update_names else "kept"
    for differ in report.names_differ[:SHOWN_CODES]:
        lines.append(f"  name differs ({kept}): {differ['code']} {differ['name_en']!r}, "
                     f"package {differ['package_name_en']!r}")
    for problem in report.conflicts[:SHOWN_CODES * 2]:
        lines.append(f"  conflict in {problem.file}: {problem.message}")
    if len(report.conflicts) > SHOWN_CODES * 2:
        lines.append(f"  ... {len(report.conflicts) - SHOWN_CODES * 2} more conflict(s)")
    gaps: dict[str, list[str]] = {}
    for problem in report.missing:
        gaps.setdefault(problem.kind, []).append(problem.code)
    for kind, codes in gaps.items():
        lines.append(_line(f"missing: {MISSING_LABELS.get(kind, kind)}", codes))
    return "\n".join(lines)
