"""The centre's committees: data in config/committees.toml, seats of staff in the database."""

from __future__ import annotations

from flask import Flask

from web.committees.cli import committees_group
from web.committees.registry import load_committees
from web.reference import loaded_once


def init_app(app: Flask) -> None:
    """Load and validate the committees file (a bad entry stops start-up) and add the CLI."""
    app.extensions["komvos.committees"] = loaded_once(load_committees,
                                                      app.config["COMMITTEES_FILE"])
    app.cli.add_command(committees_group)
