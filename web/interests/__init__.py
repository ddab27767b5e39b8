"""Saved interests and the alerts they bring (issue 16, item 3)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

interests_cli = AppGroup("interests", help="Saved interests and their alerts.")


@interests_cli.command("send")
@click.option(
    "--frequency",
    type=click.Choice(["immediate", "daily", "weekly"]),
    required=True,
    help="Which interests to serve: run immediate every few minutes, daily and weekly once.",
)
def send_command(frequency: str) -> None:
    """Write the alerts of FREQUENCY interests to the outbox (the worker mails them)."""
    from web.interests.alerts import send_alerts

    click.echo(f"Interest alerts ({frequency}): {send_alerts(frequency)} messages.")


def init_app(app: Flask) -> None:
    """Mount the pages and the command."""
    from web.interests import models  # noqa: F401 - the tables belong to the metadata
    from web.interests.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(interests_cli)
