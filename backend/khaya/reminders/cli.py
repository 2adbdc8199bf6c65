"""``flask --app khaya push ...``: the VAPID keys and sending by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from . import keys
from .sending import send_due

push_cli = AppGroup("push", help="Reminders by Web Push.")


@push_cli.command("ensure-keys")
def ensure_keys_command() -> None:
    """Make the server's VAPID key pair under var/vapid/ if there is none."""
    path = keys.ensure_keys()
    click.echo(f"VAPID key: {path}; public key {keys.public_key()}")


@push_cli.command("send-due")
def send_due_command() -> None:
    """Send every reminder due now (the queue does this every ten minutes)."""
    click.echo(send_due())
