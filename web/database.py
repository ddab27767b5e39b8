"""Database wiring: SQLite pragmas and where the migrations live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from web.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def init_app(app: Flask) -> None:
    """Turn on SQLite's foreign keys and give writers a busy timeout."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        if not event.contains(Engine, "connect", _sqlite_pragmas):
            event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def reachable() -> bool:
    """Whether the database answers a trivial query now (logged when it does not)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("database unreachable: %s", error)
        return False
    return True
