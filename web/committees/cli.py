"""`flask --app web committees list | add-member EMAIL COMMITTEE | remove-member ...`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from web.committees import services
from web.extensions import db
from web.models import User
from web.validation import InvalidInput


@click.group("committees")
def committees_group() -> None:
    """The centre's committees and who sits on them."""


@committees_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every committee, the sectors it follows and its members."""
    for committee in services.committees().all:
        sectors = ", ".join(sorted(committee.sectors))
        click.echo(f"{committee.id}: {committee.name('en')} / {committee.name('el')} "
                   f"[{sectors}]")
        for member in services.members_of(committee.id):
            click.echo(f"  {member.email} ({member.full_name})")


def _seat(email: str, committee_id: str, add: bool) -> None:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        if user is None or not user.is_staff:
            raise InvalidInput("email", f"no staff account has the address {email}")
        changed = (services.add_member if add else services.remove_member)(
            None, user, committee_id)
    except InvalidInput as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    verb = ("now sits on" if changed else "already sat on") if add else (
        "no longer sits on" if changed else "did not sit on")
    click.echo(f"{user.email} {verb} {committee_id}.")


@committees_group.command("add-member")
@click.argument("email")
@click.argument("committee")
@with_appcontext
def add_member_command(email: str, committee: str) -> None:
    """Seat the staff member EMAIL on COMMITTEE (its id, see `committees list`)."""
    _seat(email, committee, add=True)


@committees_group.command("remove-member")
@click.argument("email")
@click.argument("committee")
@with_appcontext
def remove_member_command(email: str, committee: str) -> None:
    """Take the staff member EMAIL off COMMITTEE."""
    _seat(email, committee, add=False)
