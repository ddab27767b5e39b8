"""The scheduler: the daily jobs at their times, each once a period however many schedulers
run at once (threads and processes; PostgreSQL advisory locks, SQLite lock files)."""

from __future__ import annotations

import os
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.helpers import flask_twice_at_once, in_threads, sign_in
from web import scheduler
from web.config import ConfigError
from web.extensions import db
from web.locks import lock_key
from web.matches.models import MatchRun
from web.matches.run_queue import RunRequest
from web.matches.run_worker import work_once
from web.models import AuditEvent
from web.scheduler import Job, run_due

ATHENS = ZoneInfo("Europe/Athens")
EVENING = datetime(2026, 12, 1, 23, 30, tzinfo=ATHENS)  # every daily job is due


def runs_recorded(job: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "job.ran")
    if job is not None:
        query = query.where(AuditEvent.details["job"].as_string() == job)
    return db.session.scalar(query) or 0


def match_runs() -> int:
    return db.session.scalar(select(func.count()).select_from(MatchRun)) or 0


def run_requests() -> int:
    """Full runs the scheduler queued (a run worker makes them)."""
    return db.session.scalar(select(func.count()).select_from(RunRequest)) or 0


def test_the_schedule_comes_from_the_settings_in_time_order(app):
    jobs = scheduler.schedule()
    assert [(job.name, job.at) for job in jobs] == [
        ("expire", time(0, 5)),
        ("match_run", time(1, 0)),
        ("digest", time(7, 0)),
        ("interests", time(8, 0)),
        ("remind", time(9, 0)),
        ("followup", time(9, 30)),
    ]
    settings = {"schedule_expire": "23:00", "schedule_remind": "", "schedule_digest": "6:15",
                "schedule_followup": "", "schedule_interests": ""}
    assert [(job.name, job.at) for job in scheduler.schedule(settings)] == [
        ("digest", time(6, 15)),
        ("expire", time(23, 0)),
    ]
    with pytest.raises(ConfigError, match="KOMVOS_SCHEDULE_DIGEST"):
        scheduler.schedule({"schedule_digest": "seven"})
    with pytest.raises(ConfigError, match="KOMVOS_SCHEDULE_EXPIRE"):
        scheduler.schedule({"schedule_expire": "25:00"})


def test_two_schedulers_started_at_once_run_each_daily_job_once(app, make_user):
    outcomes = in_threads(app, [lambda: run_due(EVENING)] * 2)
    states = sorted(
        (first.job, first.state, second.state) for first, second in zip(*outcomes, strict=True)
    )
    assert [job for job, _, _ in states] == [
        "digest", "expire", "followup", "interests", "match_run", "remind"]
    for job, *pair in states:
        assert pair.count("ran") == 1, (job, pair)
        assert runs_recorded(job) == 1
    assert (run_requests(), match_runs()) == (1, 0)  # queued for a run worker
    # Later polls the same day find every job done; the next day each runs again.
    assert {o.state for o in run_due(EVENING + timedelta(minutes=20))} == {"done"}
    assert run_requests() == 1
    assert work_once() is not None and match_runs() == 1
    assert {o.state for o in run_due(EVENING + timedelta(days=1))} == {"ran"}
    assert (runs_recorded(), run_requests()) == (12, 2)


def test_a_job_running_on_another_scheduler_is_skipped_not_run_again(app):
    """The second scheduler polls while the first is still running the job: it must not run
    it too (without the lock it would: the first has not recorded its run yet)."""
    started, other_done = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_job():
        calls.append(threading.current_thread().name)
        started.set()
        assert other_done.wait(timeout=60), "the other scheduler never finished"
        return "done slowly"

    job = Job("expire", time(0, 5), slow_job)
    first: list[object] = []

    def first_scheduler():
        with app.app_context():
            try:
                first.extend(run_due(EVENING, [job]))
            finally:
                db.session.remove()

    thread = threading.Thread(target=first_scheduler, name="first")
    thread.start()
    try:
        assert started.wait(timeout=60)
        second = run_due(EVENING, [job])
    finally:
        other_done.set()
        thread.join(timeout=60)
    assert [o.state for o in second] == ["busy"]
    assert [o.state for o in first] == ["ran"]
    assert calls == ["first"]
    db.session.expire_all()
    assert runs_recorded("expire") == 1
    assert run_due(EVENING, [job])[0].state == "done"


def test_a_job_is_not_due_before_its_time_of_day(app):
    calls: list[int] = []
    job = Job("remind", time(9, 0), lambda: str(calls.append(1)))
    morning = datetime(2026, 12, 1, 8, 59, tzinfo=ATHENS)
    assert run_due(morning, [job])[0].state == "not due"
    assert calls == [] and runs_recorded() == 0
    assert run_due(morning + timedelta(minutes=1), [job])[0].state == "ran"
    assert calls == [1]


def test_a_failed_job_is_recorded_and_tried_again_after_the_retry_time(app):
    attempts: list[int] = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the SMTP relay is down")
        return "fine"

    job = Job("digest", time(7, 0), flaky)
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=ATHENS)
    failed = run_due(noon, [job])[0]
    assert (failed.state, failed.summary) == ("failed", "the SMTP relay is down")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "job.failed"))
    assert event is not None and event.details["job"] == "digest"
    assert "SMTP relay" in event.details["error"]
    assert run_due(noon + timedelta(minutes=10), [job])[0].state == "waiting"
    assert len(attempts) == 1
    assert run_due(noon + timedelta(minutes=31), [job])[0].state == "ran"
    assert len(attempts) == 2 and runs_recorded("digest") == 1


def test_the_lock_keys_are_stable_and_distinct():
    keys = {lock_key(name) for name in scheduler.DAILY_JOBS}
    assert len(keys) == len(scheduler.DAILY_JOBS)
    assert lock_key("expire") == lock_key("expire")
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_scheduler_once_runs_what_is_due_and_says_so(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    # Whatever the hour, a job is either run now or not due yet; none twice.
    lines = result.output.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "expire", "match_run", "digest", "interests", "remind", "followup"]
    ran = sum(": ran" in line for line in lines)
    assert runs_recorded() == ran
    again = runner.invoke(args=["scheduler", "--once"])
    assert again.exit_code == 0 and ": ran" not in again.output


def test_scheduler_refuses_a_bad_time_of_day_naming_the_setting(make_app):
    app = make_app(schedule_remind="9 o'clock")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code != 0
    assert "KOMVOS_SCHEDULE_REMIND" in result.output


def test_two_scheduler_processes_started_at_once_run_each_job_once(app, database_url, tmp_path):
    env = {
        **os.environ,
        "KOMVOS_ENV": "testing",
        "KOMVOS_SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "KOMVOS_DATABASE_URL": database_url,
        "KOMVOS_RATELIMIT_STORAGE_URL": "memory://",
        # Every job is due whatever the hour the test runs at.
        **{f"KOMVOS_SCHEDULE_{name.upper()}": "00:00" for name in scheduler.DAILY_JOBS},
    }
    outputs = flask_twice_at_once("scheduler", "--once", env=env)
    db.session.expire_all()
    for job in scheduler.DAILY_JOBS:
        assert runs_recorded(job) == 1, outputs
        assert sum(f"{job}: ran" in output for output in outputs) == 1, outputs
    assert run_requests() == 1


def test_staff_read_the_scheduled_runs_in_the_audit_trail(app, client, make_user):
    run_due(EVENING, [Job("expire", time(0, 5), lambda: "expired 0 offers and needs")])
    sign_in(client, make_user("staff"))
    html = client.get("/staff/audit?action=job.ran").get_data(as_text=True)
    assert "Εκτελέστηκε μια προγραμματισμένη εργασία" in html


def test_the_long_running_scheduler_polls_until_stopped(make_app):
    midnight = {f"schedule_{name}": "00:00" for name in scheduler.DAILY_JOBS}
    app = make_app(**midnight)
    stop, heard = threading.Event(), []

    def report(outcome):
        heard.append((outcome.job, outcome.state))
        stop.set()  # the poll in progress finishes; no further poll starts

    with app.app_context():
        scheduler.run_forever(stop, poll_seconds=3600, report=report)
        assert heard == [(name, "ran") for name in scheduler.DAILY_JOBS]
        assert runs_recorded() == len(scheduler.DAILY_JOBS) and run_requests() == 1
