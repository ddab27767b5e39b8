"""The queue of full runs: asking queues (duplicates join), any worker runs, each request once,
one scope's run never alongside another of the same scope, dead workers' runs taken again,
failures recorded (threads and processes; SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.helpers import flask_twice_at_once, in_threads, sign_in
from web.centres.services import CentreDetails, default_centre, save_centre
from web.extensions import db
from web.matches.full_run import run_matching
from web.matches.models import Match, MatchRun
from web.matches.run_queue import RunRequest, claim, enqueue_run, latest_request
from web.matches.run_worker import run_worker, work_once
from web.models import utcnow
from web.statuses import RunTrigger
from web.validation import InvalidInput


@pytest.fixture
def staff(make_user):
    return make_user("staff", full_name="Άννα Γεωργίου")


def add_centres() -> None:
    """The centres the tests' scopes name (a run's scope is a centre's slug)."""
    default_centre()  # athens
    for slug in ("thessaloniki", "ioannina", "lesvos"):
        save_centre(None, CentreDetails(slug=slug, name_el=slug, name_en=slug, area=["ioannina"]))
    db.session.commit()


@pytest.fixture
def centres(app):
    add_centres()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def reread(request_id: int) -> RunRequest:
    db.session.expire_all()
    request = db.session.get(RunRequest, request_id)
    assert request is not None
    return request


def plain_run(request: RunRequest) -> MatchRun:
    return run_matching(RunTrigger.FULL, request.requested_by, scope=request.scope)


def test_a_second_request_for_a_waiting_scope_joins_it(app, staff):
    first, joined = enqueue_run("", staff)
    assert (first.status, first.requested_by, joined) == ("queued", staff, False)
    again, joined = enqueue_run("")
    assert (again.id, joined) == (first.id, True)
    other, joined = enqueue_run("thessaloniki")
    assert other.id != first.id and not joined
    assert count(RunRequest) == 2
    # Once a worker has taken it, a new request waits for the next run (the running one
    # read what was open when it started).
    taken = work_once(plain_run)
    assert taken is not None and taken.id == first.id and taken.status == "done"
    later, joined = enqueue_run("")
    assert later.id != first.id and not joined
    assert latest_request("") == later


@pytest.mark.parametrize("scope", ["Athens", "athens/../x", "-x", "a" * 65, "αθήνα"])
def test_a_scope_is_a_centres_slug(app, scope):
    with pytest.raises(InvalidInput) as raised:
        enqueue_run(scope)
    assert raised.value.field == "scope"
    assert count(RunRequest) == 0


def test_two_requests_at_once_for_one_scope_make_one(app):
    outcomes = in_threads(app, [lambda: enqueue_run("athens")[0].id for _ in range(4)])
    assert len(set(outcomes)) == 1 and count(RunRequest) == 1


def test_the_worker_runs_a_request_in_the_name_of_who_asked(app, staff, make_need, make_offer):
    make_need()
    make_offer()
    db.session.execute(update(Match).values(status="superseded"))  # posting proposed it
    db.session.commit()
    request, _ = enqueue_run("", staff)
    taken = work_once()
    assert taken is not None and taken.id == request.id
    assert (taken.status, taken.attempts, taken.error) == ("done", 1, "")
    assert taken.started_at is not None and taken.finished_at is not None
    assert taken.match_run is not None and taken.match_run.started_by == staff
    assert taken.match_run.proposals == 1
    assert work_once() is None  # nothing left


@pytest.mark.parametrize("left_by_a_dead_worker", [False, True])
def test_one_worker_wins_a_request_however_many_claim_it_at_once(app, left_by_a_dead_worker):
    request, _ = enqueue_run("athens")
    if left_by_a_dead_worker:
        long_ago = utcnow() - timedelta(hours=1)
        db.session.execute(update(RunRequest).values(
            status="running", worker="gone", heartbeat_at=long_ago, attempts=1))
        db.session.commit()
    # The id read here, once: `request` expired at the commit, and reading it in the threads
    # would refresh it through this thread's session from eight threads at once.
    request_id, now = request.id, utcnow()
    won = in_threads(app, [lambda i=i: claim(request_id, f"worker {i}", now) for i in range(8)])
    assert won.count(True) == 1, won
    claimed = reread(request_id)
    assert claimed.status == "running" and claimed.worker == f"worker {won.index(True)}"
    assert claimed.attempts == 1 + left_by_a_dead_worker
    assert not claim(request_id, "late", utcnow())


@pytest.mark.parametrize("round_", range(3))
def test_two_workers_started_at_once_take_two_scopes_and_never_the_same_one(centres, app, round_):
    """Each worker's run waits for the other's to start: the two runs are under way at the
    same time (different scopes in parallel), and each took a request of its own."""
    athens, _ = enqueue_run("athens")
    thessaloniki, _ = enqueue_run("thessaloniki")
    both_running = threading.Barrier(2)
    ran: list[tuple[int, str]] = []

    def overlapping_run(request: RunRequest) -> MatchRun:
        ran.append((request.id, request.scope))
        both_running.wait(timeout=30)  # breaks (and fails the test) if the other never runs
        return plain_run(request)

    taken = in_threads(app, [lambda: work_once(overlapping_run).id for _ in range(2)])
    assert sorted(taken) == sorted({athens.id, thessaloniki.id}), ran
    assert sorted(scope for _, scope in ran) == ["athens", "thessaloniki"]
    for request_id in taken:
        assert (reread(request_id).status, reread(request_id).attempts) == ("done", 1)
    assert count(MatchRun) == 2


def test_a_running_scope_is_never_run_twice_at_once_even_when_its_heartbeat_is_late(centres, app):
    """A live worker whose heartbeat is late (a slow database, a paused host) still holds its
    scope's lock: another worker takes neither its request nor the next one of that scope."""
    running, _ = enqueue_run("athens")
    started, finish = threading.Event(), threading.Event()
    first: list[object] = []

    def slow_run(request: RunRequest) -> MatchRun:
        with db.engine.begin() as connection:  # the heartbeat an hour old, as if it stopped
            connection.execute(
                update(RunRequest)
                .where(RunRequest.id == request.id)
                .values(heartbeat_at=utcnow() - timedelta(hours=1))
            )
        started.set()
        assert finish.wait(timeout=60), "the test never let the run finish"
        return plain_run(request)

    def first_worker():
        with app.app_context():
            try:
                first.append(work_once(slow_run, worker="first").id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert started.wait(timeout=60)
        waiting, _ = enqueue_run("athens")
        assert waiting.id != running.id
        second = work_once(plain_run, worker="second")
    finally:
        finish.set()
        thread.join(timeout=60)
    assert second is None
    assert first == [running.id]
    assert (reread(running.id).status, reread(running.id).worker) == ("done", "first")
    assert reread(running.id).attempts == 1
    assert reread(waiting.id).status == "queued"
    assert work_once(plain_run).id == waiting.id  # its turn once the first run is over


def test_a_request_left_running_by_a_dead_worker_is_taken_again(centres, app):
    long_ago = utcnow() - timedelta(minutes=10)
    dead = RunRequest(scope="athens", status="running", worker="gone:1:MainThread",
                      started_at=long_ago, heartbeat_at=long_ago, attempts=1,
                      requested_at=long_ago)
    alive = RunRequest(scope="ioannina", status="running", worker="busy:2:MainThread",
                       started_at=utcnow(), heartbeat_at=utcnow(), attempts=1)
    db.session.add_all([dead, alive])
    db.session.commit()
    taken = work_once(plain_run, worker="rescuer")
    assert taken is not None and taken.id == dead.id
    assert (taken.status, taken.worker, taken.attempts) == ("done", "rescuer", 2)
    assert taken.match_run_id is not None
    assert work_once(plain_run) is None  # a fresh heartbeat: its worker is alive
    assert reread(alive.id).status == "running"


def test_a_failing_run_is_recorded_and_the_next_request_still_runs(centres, app, staff):
    failing = enqueue_run("athens", staff)[0].id
    fine = enqueue_run("thessaloniki", staff)[0].id

    def run(request: RunRequest) -> MatchRun:
        if request.scope == "athens":
            db.session.add(MatchRun(trigger=RunTrigger.FULL))  # half done, then it breaks
            db.session.flush()
            raise RuntimeError("the solver ran out of memory")
        return plain_run(request)

    assert run_worker(threading.Event(), once=True, run=run) == 2
    failed = reread(failing)
    assert failed.status == "failed" and failed.finished_at is not None
    assert failed.error == "RuntimeError: the solver ran out of memory"
    assert failed.match_run_id is None
    assert reread(fine).status == "done"
    assert count(MatchRun) == 1  # the failed run's own work was rolled back whole
    # The failure stays on record; a new request for the scope is queued and runs.
    again, joined = enqueue_run("athens")
    assert again.id != failed.id and not joined
    assert work_once(plain_run).status == "done"


def test_the_staff_action_queues_and_answers_without_running_the_engine(
    app, client, staff, make_need, make_offer
):
    make_need()
    make_offer()
    runs_before = count(MatchRun)
    sign_in(client, staff)
    response = client.post("/staff/matches/run", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Μπήκε στην ουρά: ο μηχανισμός θα τρέξει μέσα σε ένα λεπτό" in page
    assert 'data-status="queued"' in page and "Ζητήθηκε από Άννα Γεωργίου." in page
    assert count(MatchRun) == runs_before  # nothing ran in the request
    again = client.post("/staff/matches/run", follow_redirects=True).get_data(as_text=True)
    assert "ήδη στην ουρά" in again and count(RunRequest) == 1
    request = db.session.scalar(select(RunRequest))
    assert request is not None and request.requested_by == staff
    work_once()
    page = client.get("/staff/runs").get_data(as_text=True)
    assert 'data-status="done"' in page
    assert f'href="#run-{reread(request.id).match_run_id}"' in page
    assert "Ο/Η Άννα Γεωργίου βελτιστοποίησε ξανά όλα τα ανοιχτά." in page


def test_the_runs_page_says_when_no_worker_takes_a_request_and_when_one_failed(
    app, client, staff
):
    enqueue_run("athens")
    db.session.execute(update(RunRequest).values(requested_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    sign_in(client, staff)
    client.post("/language", data={"language": "en"})
    page = client.get("/staff/runs").get_data(as_text=True)
    assert "No worker has taken it yet" in page and "flask --app web match worker" in page
    assert "Asked for automatically" in page
    def broken(_request: RunRequest) -> MatchRun:
        raise ValueError("a bad weight")

    work_once(broken)
    page = client.get("/staff/runs").get_data(as_text=True)
    assert 'data-status="failed"' in page and "ValueError: a bad weight" in page
    assert "Ask for a new run" in page
    # Behind a run under way, a request waiting long says so rather than blame the workers.
    db.session.add(RunRequest(scope="athens", status="running", worker="busy", started_at=utcnow(),
                              heartbeat_at=utcnow(), requested_at=utcnow()))
    db.session.commit()
    enqueue_run("athens")
    db.session.execute(update(RunRequest).where(RunRequest.status == "queued")
                       .values(requested_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    page = client.get("/staff/runs").get_data(as_text=True)
    assert 'data-status="queued"' in page and "No worker" not in page
    assert "It starts when the run under way since" in page


def test_the_command_queues_and_runs_here_with_now(app, make_need, make_offer):
    make_need()
    make_offer()
    runner = app.test_cli_runner()
    queued = runner.invoke(args=["match", "run"])
    assert queued.exit_code == 0 and "Queued run request" in queued.output
    joined = runner.invoke(args=["match", "run"])
    assert "Joined the waiting run request" in joined.output
    runs = count(MatchRun)
    inline = runner.invoke(args=["match", "run", "--now"])
    assert inline.exit_code == 0 and inline.output.startswith("Run ")
    assert count(MatchRun) == runs + 1
    worker = runner.invoke(args=["match", "worker", "--once"])
    assert worker.exit_code == 0 and "Ran 1 requests." in worker.output
    db.session.expire_all()
    assert db.session.scalar(select(RunRequest.status)) == "done"


def test_the_heartbeat_beats_while_a_run_is_under_way(make_app):
    app = make_app(run_heartbeat_seconds=0.01)
    with app.app_context():
        add_centres()
        request, _ = enqueue_run("athens")
        seen: list[object] = []

        def watched_run(running: RunRequest) -> MatchRun:
            first = running.heartbeat_at
            for _ in range(10_000):  # wait for the state, not for a time
                with db.engine.connect() as connection:
                    beat = connection.scalar(
                        select(RunRequest.heartbeat_at).where(RunRequest.id == running.id))
                if beat != first:
                    seen.append(beat)
                    break
                threading.Event().wait(0.01)
            return plain_run(running)

        work_once(watched_run)
        assert seen, "no heartbeat while the run was under way"
        assert reread(request.id).status == "done"
        db.session.remove()


def test_two_worker_processes_started_at_once_run_each_request_once(centres, app, database_url):
    ids = [enqueue_run(scope)[0].id for scope in ("athens", "thessaloniki", "lesvos")]
    env = {
        **os.environ,
        "KOMVOS_ENV": "testing",
        "KOMVOS_SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "KOMVOS_DATABASE_URL": database_url,
        "KOMVOS_RATELIMIT_STORAGE_URL": "memory://",
    }
    outputs = flask_twice_at_once("match", "worker", "--once", env=env)
    taken = sum(int(output.rsplit("Ran ", 1)[1].split()[0]) for output in outputs)
    assert taken == 3, outputs
    for request_id in ids:
        request = reread(request_id)
        assert (request.status, request.attempts) == ("done", 1), outputs
    assert count(MatchRun) == 3
