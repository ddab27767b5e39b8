"""The loop that closes itself (issue 16, item 5): stale matches remind, then escalate."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

followup_cli = AppGroup("followup", help="Confirmed matches that were never received.")


@followup_cli.command("run")
def run_command() -> None:
    """Remind both sides of stale matches, then tell staff of older ones (run it daily)."""
    from web.followup.services import run_followup

    reminded, escalated = run_followup()
    click.echo(f"Follow-up: {reminded} matches reminded, {escalated} escalated to staff.")


def init_app(app: Flask) -> None:
    """Mount the page, the command and the dashboard's list of stale matches."""
    from web.followup import models  # noqa: F401 - the tables belong to the metadata
    from web.followup.services import escalate_days, escalated_matches
    from web.followup.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(followup_cli)
    app.jinja_env.globals.update(stale_matches=escalated_matches, stale_days=escalate_days)
