"""The run worker: takes queued full runs one at a time and runs them (`flask --app web match
worker`; start as many as you like, on as many hosts).

For each request it can take (oldest first), a worker takes the scope's lock, claims the
request (`web.matches.run_queue`), runs `run_matching` for it while a thread beats its
heartbeat, and records the outcome: done with the run's id, or failed with the error (the
request stays, visible to staff; the next request runs as usual). The run itself is one
transaction (`run_matching` commits once); the outcome is written after it, so a worker that
dies in between leaves the request running with a heartbeat that goes stale, and another
worker runs it again (a full run starts from what is there, so a second one is harmless).
Workers run different scopes side by side; one scope's run never waits for another's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from web.extensions import db
from web.locks import single_flight
from web.matches import run_queue
from web.matches.full_run import run_matching
from web.matches.models import MatchRun
from web.matches.run_queue import RunRequest
from web.models import utcnow
from web.statuses import RunTrigger

# What a worker does with a request it took: the full run of its scope, by whoever asked.
RunFunction = Callable[[RunRequest], MatchRun]


def full_run(request: RunRequest) -> MatchRun:
    """The engine's full run of the request's scope, in the name of who asked."""
    return run_matching(RunTrigger.FULL, request.requested_by, scope=request.scope)


def worker_name() -> str:
    """Who this worker is, in the request rows and the logs: host, process and thread."""
    return f"{os.uname().nodename}:{os.getpid()}:{threading.current_thread().name}"


def scope_lock(scope: str) -> str:
    """The name of the lock a scope's runs share (`web.locks`)."""
    return f"run.{scope}" if scope else "run"


def work_once(
    run: RunFunction = full_run,
    worker: str | None = None,
    now: Callable[[], datetime] = utcnow,
) -> RunRequest | None:
    """Take one request this worker may run now and run it; None when there is none."""
    worker = worker or worker_name()
    passed: list[str] = []
    while (candidate := run_queue.next_candidate(now(), passed)) is not None:
        request_id, scope = candidate
        passed.append(scope)
        with single_flight(scope_lock(scope)) as mine:
            if not mine:
                continue  # another worker runs this scope now: try the next one
            if not run_queue.claim(request_id, worker, now()):
                continue  # another worker took it between our read and our claim
            _execute(request_id, worker, run)
            db.session.expire_all()
            return db.session.get(RunRequest, request_id)
    db.session.rollback()  # end the read (and, on PostgreSQL, let go of the passed rows)
    return None


def _execute(request_id: int, worker: str, run: RunFunction) -> None:
    request = db.session.get(RunRequest, request_id)
    assert request is not None  # claimed by us a moment ago; requests are never deleted
    current_app.logger.info("run request %s (scope %r) taken by %s", request_id,
                            request.scope, worker)
    with heartbeat(current_app._get_current_object(), request_id, worker):  # type: ignore[attr-defined]  # the app behind the proxy, for the thread
        try:
            match_run = run(request)
        except Exception as error:  # any failure is recorded on the request; the worker goes on
            db.session.rollback()
            current_app.logger.exception("run request %s failed", request_id)
            run_queue.finish(request_id, worker, None, f"{type(error).__name__}: {error}")
            return
        run_queue.finish(request_id, worker, match_run.id)
    current_app.logger.info("run request %s done: run %s", request_id, match_run.id)


@contextmanager
def heartbeat(app: Flask, request_id: int, worker: str) -> Iterator[None]:
    """Beat the request's heartbeat from a thread while the block runs."""
    stop, every = threading.Event(), run_queue.heartbeat_every()

    def loop() -> None:
        with app.app_context():
            while not stop.wait(every):
                try:
                    run_queue.beat(request_id, worker)
                except SQLAlchemyError as error:  # e.g. SQLite busy with the run's writes
                    app.logger.warning("heartbeat of run request %s missed: %s",
                                       request_id, error)

    thread = threading.Thread(target=loop, name=f"komvos-heartbeat-{request_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_worker(
    stop: threading.Event,
    once: bool = False,
    poll_seconds: float | None = None,
    run: RunFunction = full_run,
) -> int:
    """Run requests as they come until `stop` is set (`once`: until none is left); return
    how many were taken. A poll that cannot reach the database is logged and tried again."""
    if poll_seconds is None:
        poll_seconds = float(current_app.config["KOMVOS"].get("run_worker_poll_seconds", 5))
    taken = 0
    while not stop.is_set():
        try:
            if work_once(run) is not None:
                taken += 1
                continue  # look for the next one at once
        except SQLAlchemyError as error:
            current_app.logger.error("run worker poll failed, trying again: %s", error)
            db.session.rollback()
        finally:
            db.session.remove()
        if once:
            break
        stop.wait(poll_seconds)
    return taken
