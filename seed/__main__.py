"""Seed commands, run from the repository root: ``python -m seed territory``."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from khaya import create_app
from khaya.common.time import local_today
from khaya.extensions import db

from .accounts import load_accounts, logins_table
from .collection import load_collection_demo
from .demo import load_demo_households
from .reports_demo import load_reports_demo
from .scale import add_command as add_scale_command
from .scale import demo_rollups
from .territory import load_territory
from .wastebank_demo import load_waste_bank_demo


def territory(args: argparse.Namespace) -> int:
    """Load the Lamphun territory with approximate boundaries, commit and print the counts."""
    app = create_app()
    with app.app_context():
        reference = args.reference or (
            Path(app.config["PROJECT_ROOT"]) / app.config["REFERENCE_DATA"]
        )
        counts = load_territory(db.session, reference)
        db.session.commit()
    print("territory: " + " ".join(f"{table}={count}" for table, count in counts.items()))
    return 0


def demo(args: argparse.Namespace) -> int:
    """Load everything the demo shows (idempotent): territory, accounts, then households."""
    args.reference = None
    territory(args)
    app = create_app()
    with app.app_context():
        created = load_accounts(db.session)
        db.session.commit()
        print(f"accounts: {created} created")
        started = time.monotonic()
        counts = load_demo_households(db.session, today=local_today())
        counts.update(load_collection_demo(db.session, local_today()))
        counts.update(load_waste_bank_demo(db.session, local_today()))
        counts.update(load_reports_demo(db.session, local_today()))
        demo_rollups(db.session, local_today())
        db.session.commit()
        elapsed = time.monotonic() - started
    print(
        "demo: " + " ".join(f"{name}={count}" for name, count in counts.items())
        + f" created in {elapsed:.1f} s"
    )
    return 0


def logins(_args: argparse.Namespace) -> int:
    """Print the demo logins."""
    print(logins_table())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run one seed command."""
    parser = argparse.ArgumentParser(prog="python -m seed", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    territory_parser = commands.add_parser(
        "territory", help="upsert province, districts, tambons, LGOs and villages (idempotent)"
    )
    territory_parser.add_argument(
        "--reference", type=Path, default=None,
        help="reference data file (default: the app's REFERENCE_DATA setting)",
    )
    territory_parser.set_defaults(handler=territory)
    commands.add_parser("demo", help="load the whole demo (idempotent)").set_defaults(handler=demo)
    commands.add_parser("logins", help="print the demo logins").set_defaults(handler=logins)
    add_scale_command(commands)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
