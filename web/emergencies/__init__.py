"""Emergency mode: declared by staff, raising needs in scope in the engine, a public banner
and page, a short intake for NGOs, a call to donors, and a report when it closes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the `emergencies` commands."""
    from web.emergencies.cli import emergencies_group

    app.cli.add_command(emergencies_group)
