"""`flask --app web emergencies list | call`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from web.clock import today
from web.emergencies import calls, services


@click.group("emergencies")
def emergencies_group() -> None:
    """Declared emergencies and the call to donors."""


@emergencies_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every emergency with its state."""
    for emergency in services.list_emergencies():
        click.echo(f"{emergency.id}: {emergency.title('en')} ({emergency.state(today())}, "
                   f"{emergency.starts_on} to {emergency.ends_on})")


@emergencies_group.command("call")
@click.option("--batch", type=click.IntRange(1, 10_000), default=None,
              help="Donors per emergency this time (default: emergency_call_batch).")
@with_appcontext
def call_command(batch: int | None) -> None:
    """Call the next batch of donors for every emergency in force (run it every few minutes
    from cron or the scheduler until it reports 0)."""
    click.echo(f"{calls.call_all(batch=batch)} donors called.")
