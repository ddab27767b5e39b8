"""`flask --app web import needs|offers FILE --organisation ID`: the same import as the page."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from web.staff.imports import IMPORT_KINDS, import_posts, representative
from web.validation import InvalidInput


@click.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_id", type=int, required=True, help="Its number.")
@click.option("--dry-run", is_flag=True, help="Only check the file; save nothing.")
@with_appcontext
def import_command(kind: str, file: Path, organisation_id: int, dry_run: bool) -> None:
    """Import needs or offers from a CSV or XLSX FILE for an organisation (all rows or none)."""
    try:
        poster = representative(organisation_id, kind)
    except InvalidInput as error:
        raise click.ClickException(error.message) from error
    result = import_posts(
        poster,
        kind,
        file.name,
        file.read_bytes(),
        organisation_id=organisation_id,
        save=not dry_run,
    )
    if result.problem:
        raise click.ClickException(result.problem)
    for row in result.rows:
        for name, messages in row.errors.items():
            click.echo(f"row {row.number}: {name}: {' '.join(messages)}", err=True)
    if not result.valid:
        raise click.ClickException("nothing was imported: correct the rows above")
    skipped = len(result.rows) - result.new_rows
    done = "would import" if dry_run else "imported"
    click.echo(
        f"{done} {result.new_rows if dry_run else result.imported} rows; {skipped} imported before"
    )
