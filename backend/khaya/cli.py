"""Command-line entry points registered on the app (``flask --app khaya ...``)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every command group."""
    from .analytics.cli import analytics_cli
    from .areas.cli import areas_cli
    from .jobs.worker import jobs_cli
    from .privacy.cli import privacy_cli
    from .reminders.cli import push_cli

    app.cli.add_command(areas_cli)
    app.cli.add_command(analytics_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(push_cli)
