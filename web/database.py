"""Database wiring: SQLite pragmas, where the migrations live, and SQL of our own."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ARRAY, ColumnElement, Integer, String, any_, bindparam, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

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
        dbapi_connection.create_function("komvos_plain", 1, _plain_or_none, deterministic=True)


def reachable() -> bool:
    """Whether the database answers a trivial query now (logged when it does not)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("database unreachable: %s", error)
        return False
    return True


def plain_text(text: str) -> str:
    """`text` without accents and case (Greek too: "Κουβέρτες" -> "κουβερτεσ")."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _plain_or_none(text: str | None) -> str | None:
    return None if text is None else plain_text(text)


# Greek capitals and accented letters, and what `plain_text` makes of them.
_GREEK_FROM = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏΪΫάέήίόύώϊϋΐΰς"
_GREEK_TO = "αβγδεζηθικλμνξοπρστυφχψωαεηιουωιυαεηιουωιυιυσ"


class plain(FunctionElement[str]):
    """SQL for `plain_text(column)`, so searches ignore accents and case on every database."""

    type = String()
    inherit_cache = True
    name = "plain"


@compiles(plain)
def _plain_default(element: plain, compiler: Any, **kw: Any) -> str:
    argument = compiler.process(element.clauses, **kw)
    return f"lower(translate({argument}, '{_GREEK_FROM}', '{_GREEK_TO}'))"


@compiles(plain, "sqlite")
def _plain_sqlite(element: plain, compiler: Any, **kw: Any) -> str:
    return f"komvos_plain({compiler.process(element.clauses, **kw)})"


def among(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL `column = ANY(:ids)`, one array parameter, so the
    statement's text (and the work of sending it) stays the same however many ids."""
    values = list(ids)
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))  # type: ignore[no-any-return]  # noqa: E501 - any_ compares as a bool
    return column.in_(values)  # type: ignore[no-any-return]
