"""The queue of full runs: staff, the scheduler and the CLI ask; any worker runs.

A full run re-optimises a whole scope at once (a centre's, by its slug; "" is the whole
deployment) and takes from seconds to minutes, so nobody waits for it in a request: asking
writes a `RunRequest` (queued) and a worker (`flask --app web match worker`, see
`web.matches.run_worker`) takes it, runs it and records how it went. A second request for a
scope that is already waiting joins that one (a partial unique index: one queued request per
scope, on every database), so clicks and schedules never pile up duplicate runs. A request
asked for while its scope's run is in progress waits for the next run: that run starts from
what is open then.

Claiming is exclusive twice over: a worker first takes the scope's lock (`web.locks`: a
PostgreSQL advisory lock across hosts, a lock file on SQLite) and holds it for the whole run,
so two runs of one scope never overlap; the claim itself is then a conditional UPDATE
(queued, or running with a stale heartbeat, to running by this worker) whose row count says
whether it won, so no request is run by two workers. On PostgreSQL the candidates are read
with `FOR UPDATE SKIP LOCKED`, so workers pass over rows another is claiming.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, ForeignKey, Index, String, Text, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model, db
from web.matches.models import MatchRun
from web.models import User, utcnow
from web.statuses import RunRequestStatus, status_type
from web.validation import InvalidInput

QUEUED, RUNNING = RunRequestStatus.QUEUED, RunRequestStatus.RUNNING
# Queued for longer than this, a request says no worker seems to be running.
UNTAKEN = timedelta(minutes=5)
SCOPE = re.compile(r"^(|[a-z0-9][a-z0-9-]{0,62})$")


class RunRequest(Model):
    """A full run asked for: its scope, who asked and when, and how it went (`status`:
    queued, running, done, failed), by which worker, with the run it made or its error."""

    __tablename__ = "run_request"
    __table_args__ = (
        # One waiting request per scope: a second one joins it.
        Index(
            "uq_run_request_queued_scope",
            "scope",
            unique=True,
            postgresql_where=text(f"status = '{QUEUED}'"),
            sqlite_where=text(f"status = '{QUEUED}'"),
        ),
        Index("ix_run_request_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The centre's slug ("" the whole deployment): filled in when centres exist.
    scope: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[RunRequestStatus] = mapped_column(
        status_type(RunRequestStatus, "status"), default=QUEUED
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    worker: Mapped[str] = mapped_column(String(120), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    match_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"))
    error: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User | None] = relationship()
    match_run: Mapped[MatchRun | None] = relationship()

    def untaken(self, now: datetime) -> bool:
        """Whether it has waited so long that no worker seems to be running."""
        return self.status == QUEUED and now - self.requested_at > UNTAKEN


def check_scope(scope: str) -> str:
    """`scope` if it is a centre's slug or "" (the whole deployment)."""
    if not SCOPE.match(scope):
        raise InvalidInput("scope", "A centre's slug: lower-case letters, digits and dashes.")
    return scope


def enqueue_run(scope: str = "", requested_by: User | None = None) -> tuple[RunRequest, bool]:
    """Queue a full run of `scope`, or join the one already waiting; True when it joined."""
    check_scope(scope)
    waiting = queued_request(scope)
    if waiting is not None:
        return waiting, True
    request = RunRequest(scope=scope, requested_by=requested_by)
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:  # another process queued it between the read and the insert
        waiting = queued_request(scope)
        if waiting is None:  # pragma: no cover - taken by a worker in that instant
            raise
        db.session.commit()
        return waiting, True
    db.session.commit()
    return request, False


def queued_request(scope: str) -> RunRequest | None:
    """The request of `scope` waiting for a worker, if any."""
    return db.session.scalar(
        select(RunRequest).where(RunRequest.scope == scope, RunRequest.status == QUEUED)
    )


def running_request(scope: str = "") -> RunRequest | None:
    """The request of `scope` a worker is running now, if any."""
    return db.session.scalar(
        select(RunRequest)
        .where(RunRequest.scope == scope, RunRequest.status == RUNNING)
        .order_by(RunRequest.id.desc())
        .limit(1)
    )


def latest_request(scope: str = "") -> RunRequest | None:
    """The latest request of `scope`, whatever its state (what the runs page shows)."""
    return db.session.scalar(
        select(RunRequest)
        .where(RunRequest.scope == scope)
        .order_by(RunRequest.id.desc())
        .limit(1)
    )


def heartbeat_every() -> float:
    """Seconds between a running worker's heartbeats (`run_heartbeat_seconds`)."""
    return float(current_app.config["KOMVOS"].get("run_heartbeat_seconds", 10))


def stale_after() -> timedelta:
    """How old a running request's heartbeat may grow before the request counts as left
    behind by a dead worker and another worker runs it again (`run_stale_seconds`)."""
    return timedelta(seconds=float(current_app.config["KOMVOS"].get("run_stale_seconds", 60)))


def _takeable(now: datetime) -> Any:
    """Queued, or running with a stale heartbeat (its worker died)."""
    return (RunRequest.status == QUEUED) | (
        (RunRequest.status == RUNNING) & (RunRequest.heartbeat_at < now - stale_after())
    )


def next_candidate(now: datetime, passed: Collection[str] = ()) -> tuple[int, str] | None:
    """(id, scope) of the oldest request a worker may take now, in a scope not `passed`."""
    query = (
        select(RunRequest.id, RunRequest.scope)
        .where(_takeable(now), RunRequest.scope.not_in(passed))
        .order_by(RunRequest.requested_at, RunRequest.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        # One row at a time: locking every candidate would leave a worker started at the
        # same moment nothing to take.
        query = query.with_for_update(skip_locked=True)
    row = db.session.execute(query).first()
    return None if row is None else (row.id, row.scope)


def claim(request_id: int, worker: str, now: datetime) -> bool:
    """Take the request for `worker` if it is still takeable; commit; True when it won."""
    taken = cast(CursorResult[Any], db.session.execute(
        update(RunRequest)
        .where(RunRequest.id == request_id, _takeable(now))
        .values(
            status=RUNNING,
            worker=worker[:120],
            started_at=now,
            heartbeat_at=now,
            attempts=RunRequest.attempts + 1,
            error="",
        )
        .execution_options(synchronize_session=False)
    )).rowcount
    db.session.commit()
    return bool(taken)


def finish(request_id: int, worker: str, match_run_id: int | None, error: str = "") -> None:
    """Record how `worker`'s run of the request ended (done with its run, or failed)."""
    db.session.execute(
        update(RunRequest)
        .where(RunRequest.id == request_id, RunRequest.worker == worker[:120],
               RunRequest.status == RUNNING)
        .values(
            status=RunRequestStatus.FAILED if error else RunRequestStatus.DONE,
            match_run_id=match_run_id,
            error=error[:4000],
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def beat(request_id: int, worker: str) -> None:
    """The running worker is alive: move the request's heartbeat to now (own connection)."""
    with db.engine.begin() as connection:
        connection.execute(
            update(RunRequest)
            .where(RunRequest.id == request_id, RunRequest.worker == worker[:120],
                   RunRequest.status == RUNNING)
            .values(heartbeat_at=utcnow())
        )
