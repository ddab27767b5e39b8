"""The daily jobs on a schedule, each run once a day however many schedulers are started.

`flask --app web scheduler` runs `expire`, `match run`, `digest`, `remind`, `followup run` and
`interests send` (daily and weekly) at the times of day set in the configuration
(`schedule_<job>`, in the centre's time zone). A job is due once its time has passed today and
no run of it has succeeded today (its period is the local date), so a scheduler started late
catches up, and one started again the same day does nothing. `match run` queues a full run
for the run workers (`web.matches.run_worker`) rather than running it here.

Single flight: a scheduler takes a lock per job (`web.locks`) before running it: on PostgreSQL a
session-level advisory lock (`pg_try_advisory_lock`), held across hosts by the database; on
SQLite (one host) an exclusive `flock` on a file beside the database. Under the lock it reads the
job's last run again, runs it, and records the run (an audit event `job.ran` naming the job and
the period) before letting go. A scheduler that finds the lock taken skips the job (another one
is running it), and one that takes the lock after a run sees the record; so two schedulers
started at once run each job once per period. The record is written after the job's own
commit: a scheduler that dies in between leaves the job due, and it runs again (the jobs are
idempotent: expiry starts from what is there, a queued run is joined, digests and reminders carry a
dedupe key). A job that fails is recorded as `job.failed` and tried again after
`scheduler_retry_minutes`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from web.audit import record_event
from web.centres.services import all_centres
from web.config import ConfigError
from web.extensions import db
from web.followup.services import run_followup
from web.interests.alerts import send_alerts
from web.locks import single_flight
from web.matches.services import enqueue_run, expire_due
from web.models import AuditEvent
from web.notifications.digests import daily_digests, reminders, staff_digest

RAN = "job.ran"
FAILED = "job.failed"


def _expire() -> str:
    return f"expired {expire_due()} offers and needs"


def _match_run() -> str:
    # Queued for a run worker (`flask --app web match worker`): a full run may take minutes,
    # and one centre's run must not hold up the other jobs.
    said = []
    for scope in [c.slug for c in all_centres()] or [""]:  # each centre's run apart
        request, joined = enqueue_run(scope)
        said.append(f"{'joined' if joined else 'queued'} run request {request.id}"
                    + (f" ({scope})" if scope else ""))
    return ", ".join(said)


def _digest() -> str:
    return f"{staff_digest()} digests to staff, {daily_digests()} daily"


def _remind() -> str:
    return f"{reminders()} reminders"


def _followup() -> str:
    reminded, escalated = run_followup()
    return f"{reminded} stale matches reminded, {escalated} escalated"


def _interests() -> str:
    # Daily interests, and the weekly ones whose week has come (a weekly interest waits six
    # days between messages, so a daily run sends it once a week).
    return f"{send_alerts('daily')} daily and {send_alerts('weekly')} weekly alerts"


# The daily jobs in the order they run when several are due: the CLI command each one is, and
# the function it calls (the same as the command's).
DAILY_JOBS: dict[str, Callable[[], str]] = {
    "expire": _expire,
    "match_run": _match_run,
    "digest": _digest,
    "remind": _remind,
    "followup": _followup,
    "interests": _interests,
}


@dataclass(frozen=True, slots=True)
class Job:
    """A daily job: its name, the time of day it is due (local time) and what it does."""

    name: str
    at: time
    run: Callable[[], str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a scheduler did with a job: `ran`, `failed`, `busy` (another scheduler holds it),
    `done` (it ran already this period), `waiting` (failed lately) or `not due`."""

    job: str
    state: str
    summary: str = ""


def parse_time(value: str, name: str) -> time | None:
    """`"HH:MM"` as a time of day; `""` means the job is off."""
    if not value.strip():
        return None
    try:
        hours, minutes = (int(part) for part in value.strip().split(":"))
        return time(hours, minutes)
    except ValueError as error:
        raise ConfigError(
            f"KOMVOS_{name.upper()} must be a time of day as HH:MM (e.g. 07:30) or empty to "
            f"turn the job off, not {value!r}"
        ) from error


def schedule(settings: dict[str, Any] | None = None) -> list[Job]:
    """The daily jobs that are on, earliest first, from the settings (`schedule_<job>`)."""
    settings = current_app.config["KOMVOS"] if settings is None else settings
    jobs = []
    for name, work in DAILY_JOBS.items():
        key = f"schedule_{name}"
        at = parse_time(str(settings.get(key, "")), key)
        if at is not None:
            jobs.append(Job(name, at, work))
    return sorted(jobs, key=lambda job: job.at)


def local_now() -> datetime:
    """Now in the centre's time zone (the scheduler's clock; tests pass their own `now`)."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))


def run_due(now: datetime | None = None, jobs: Sequence[Job] | None = None) -> list[Outcome]:
    """Run every job that is due at `now` (local time) and not yet run this period."""
    now = local_now() if now is None else now
    jobs = schedule() if jobs is None else jobs
    return [run_if_due(job, now) for job in jobs]


def run_if_due(job: Job, now: datetime) -> Outcome:
    """Run `job` if it is due at `now` and no other scheduler runs or ran it this period."""
    period = now.date().isoformat()
    if now.time() < job.at:
        return Outcome(job.name, "not due")
    if _last(RAN, job.name, period) is not None:  # the cheap answer on most polls
        return Outcome(job.name, "done")
    with single_flight(job.name) as mine:
        if not mine:
            return Outcome(job.name, "busy")
        db.session.rollback()  # read what the other schedulers committed, afresh
        if _last(RAN, job.name, period) is not None:
            return Outcome(job.name, "done")
        failed = _last(FAILED, job.name, period)
        if failed is not None and now < _retry_at(failed):
            return Outcome(job.name, "waiting")
        try:
            summary = job.run()
        except Exception as error:  # any failure of a job is recorded; the scheduler goes on
            db.session.rollback()
            current_app.logger.exception("scheduled job %s failed", job.name)
            record_event(
                FAILED,
                job=job.name,
                period=period,
                at=now.isoformat(),
                by=pid_note(),
                error=f"{type(error).__name__}: {error}"[:500],
            )
            db.session.commit()
            return Outcome(job.name, "failed", str(error))
        record_event(
            RAN, job=job.name, period=period, at=now.isoformat(), by=pid_note(), summary=summary
        )
        db.session.commit()
        current_app.logger.info("scheduled job %s ran: %s", job.name, summary)
        return Outcome(job.name, "ran", summary)


def _last(action: str, job: str, period: str) -> AuditEvent | None:
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.action == action,
            AuditEvent.details["job"].as_string() == job,
            AuditEvent.details["period"].as_string() == period,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _retry_at(failed: AuditEvent) -> datetime:
    minutes = float(current_app.config["KOMVOS"].get("scheduler_retry_minutes", 30))
    return datetime.fromisoformat(failed.details["at"]) + timedelta(minutes=minutes)


def run_forever(
    stop: threading.Event,
    poll_seconds: float | None = None,
    report: Callable[[Outcome], None] | None = None,
) -> None:
    """Poll for due jobs until `stop` is set (a job in progress finishes first); `report`
    hears of every job that ran or failed. A poll that cannot reach the database is logged
    and the next one tries again."""
    if poll_seconds is None:
        poll_seconds = float(current_app.config["KOMVOS"].get("scheduler_poll_seconds", 60))
    jobs = schedule()  # a bad time of day stops the scheduler at start, naming the setting
    while not stop.is_set():
        try:
            for outcome in run_due(jobs=jobs):
                if report is not None and outcome.state in ("ran", "failed"):
                    report(outcome)
        except SQLAlchemyError as error:
            current_app.logger.error("scheduler poll failed, trying again: %s", error)
        finally:
            db.session.remove()
        stop.wait(poll_seconds)


def pid_note() -> str:
    """Who this scheduler is in the logs: host and process."""
    return f"{os.uname().nodename}:{os.getpid()}"
