"""Locks across processes and hosts for work that must never run twice at once.

On PostgreSQL a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its
own, held across hosts by the database and let go when its holder dies with its connection;
on SQLite (one host) an exclusive `flock` on a file beside the database, let go with the
process. The scheduler takes one per daily job, the run-queue worker one per centre's scope.
Advisory locks are per connection: behind PgBouncer, use session pooling or connect directly.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from web.extensions import db


@contextmanager
def single_flight(name: str) -> Iterator[bool]:
    """Hold the lock `name` while the block runs; yields False when another holder has it."""
    if db.engine.dialect.name == "postgresql":
        with _advisory_lock(name) as mine:
            yield mine
    else:
        with _file_lock(name) as mine:
            yield mine


def lock_key(name: str) -> int:
    """The advisory-lock key of `name`: a stable signed 64-bit number."""
    # The prefix is the scheduler's since its first release: hosts of two versions still
    # exclude each other during a rolling upgrade.
    digest = hashlib.sha256(f"komvos.scheduler.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _advisory_lock(name: str) -> Iterator[bool]:
    # A connection of its own: the work commits on the session's connection, which would end
    # a transaction-level lock; a session-level one lasts until unlocked or the connection
    # closes (a holder that dies lets go with its connection).
    key = lock_key(name)
    with db.engine.connect() as connection:
        mine = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()  # hold the lock, not an open transaction, while the work runs
        try:
            yield mine
        finally:
            if mine:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
                except Exception:
                    # Never hand a connection that may still hold the lock back to the pool.
                    connection.invalidate()
                    raise


def lock_path(name: str) -> Path:
    """Where the SQLite lock file of `name` lives: beside the database file."""
    database = db.engine.url.database
    if database and database != ":memory:":
        return Path(f"{database}.{name}.lock")
    return Path(current_app.instance_path) / f"scheduler.{name}.lock"


@contextmanager
def _file_lock(name: str) -> Iterator[bool]:
    # flock locks belong to the open file, so two holders exclude each other even as two
    # threads of one process; the lock goes with the process.
    path = lock_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
