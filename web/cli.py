"""Command-line entry points: thin click wrappers over service functions."""

from __future__ import annotations

import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from web import database, scheduler
from web.auth.services import create_staff
from web.centres.services import by_slug
from web.config import ConfigError
from web.demo import DEMO_PASSWORD, database_is_empty, seed_demo
from web.matches import run_worker as run_queue_worker
from web.matches.services import enqueue_run, expire_due, run_matching
from web.notifications.delivery import run_worker
from web.notifications.digests import daily_digests, reminders, staff_digest
from web.staff.cli import import_command
from web.statuses import RunTrigger
from web.validation import InvalidInput


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI."""
    app.cli.add_command(create_staff_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(match_group)
    app.cli.add_command(expire_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(digest_command)
    app.cli.add_command(remind_command)
    app.cli.add_command(import_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(health_command)


@click.command("create-staff")
@click.argument("email")
@click.option("--name", "full_name", default="", help="Full name (defaults to the email's name).")
@click.option("--admin", is_flag=True, help="Make the deployment admin, not staff.")
@click.option("--centre", "centre_slug", default="", help="Its centre (slug).")
@click.password_option(help="The password; asked for when not given.")
@with_appcontext
def create_staff_command(email: str, full_name: str, admin: bool, centre_slug: str,
                         password: str) -> None:
    """Make a centre staff account for EMAIL."""
    centre = by_slug(centre_slug) if centre_slug else None
    if centre_slug and centre is None:
        raise click.ClickException(f"centre: no centre {centre_slug!r}")
    try:
        user = create_staff(email, full_name or email.split("@")[0], password, admin=admin,
                            centre=centre)
    except InvalidInput as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {user.role} account {user.email}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has accounts.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill the database with the fictional demo organisations and people."""
    if if_empty and not database_is_empty():
        click.echo("The database already has data; no demo data added.")
        return
    summary = seed_demo()
    click.echo(f"Demo data: {summary}.")
    click.echo(f"Every demo account's password is: {DEMO_PASSWORD}")
    for role, email in summary.logins:
        click.echo(f"  {role:<14} {email}")


@click.group("match")
def match_group() -> None:
    """The matching engine."""


@match_group.command("run")
@click.option("--now", "inline", is_flag=True,
              help="Run here and wait for it, instead of queueing it for a worker.")
@click.option("--centre", "scope", default="",
              help="Only this centre's needs (its slug); every centre's by default.")
@with_appcontext
def match_run_command(inline: bool, scope: str) -> None:
    """Re-optimise every open offer and need (confirmed matches stay as they are): queued for
    a run worker (`flask --app web match worker`), or here with --now."""
    if scope and by_slug(scope) is None:
        raise click.UsageError(f"No centre {scope!r}.")
    if not inline:
        request, joined = enqueue_run(scope)
        click.echo(
            f"{'Joined the waiting' if joined else 'Queued'} run request {request.id}: a run "
            "worker (flask --app web match worker) runs it."
        )
        return
    run = run_matching(RunTrigger.FULL, scope=scope)
    click.echo(
        f"Run {run.id}: {run.offers} offers, {run.needs} needs, {run.candidates} candidates, "
        f"{run.proposals} proposals ({run.superseded} replaced), objective {run.objective:.4f}, "
        f"{run.duration_ms:.0f} ms, {run.solver_status}."
    )


@match_group.command("worker")
@click.option("--once", is_flag=True, help="Run what is queued now, then exit.")
@with_appcontext
def match_worker_command(once: bool) -> None:
    """Run the queued full runs, one at a time; start as many workers as you like, on any
    hosts: each request runs once, and one centre's run never waits for another's."""
    stop = threading.Event()
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(f"Run worker {run_queue_worker.worker_name()} waiting for requests.")
    taken = run_queue_worker.run_worker(stop, once=once)
    click.echo(f"Ran {taken} requests.")


@click.command("expire")
@with_appcontext
def expire_command() -> None:
    """Expire offers past their end and needs past their deadline (run it daily)."""
    click.echo(f"Expired {expire_due()} offers and needs.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Send the outbox's mail, retrying temporary failures with back-off."""
    sent = run_worker(once=once)
    click.echo(f"Sent {sent} messages.")


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Write the staff's digest of waiting proposals and people's daily digests (daily)."""
    click.echo(f"Digests: {staff_digest()} to staff, {daily_digests()} daily.")


@click.command("remind")
@with_appcontext
def remind_command() -> None:
    """Remind posters of needs nearing their deadline and offers ending unmatched (daily)."""
    click.echo(f"Reminders: {reminders()}.")


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run the jobs due now, then exit (for cron and tests).")
@with_appcontext
def scheduler_command(once: bool) -> None:
    """Run the daily jobs (expire, match run, digest, remind) at their times of day; each runs
    once a day however many schedulers run, on however many hosts."""
    try:
        jobs = scheduler.schedule()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error

    def report(outcome: scheduler.Outcome) -> None:
        summary = f" ({outcome.summary})" if outcome.summary else ""
        click.echo(f"{outcome.job}: {outcome.state}{summary}")

    if once:
        for outcome in scheduler.run_due(jobs=jobs):
            report(outcome)
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    times = ", ".join(f"{job.name} {job.at:%H:%M}" for job in jobs)
    click.echo(f"Scheduler {scheduler.pid_note()}: {times or 'no jobs on'}.")
    scheduler.run_forever(stop, report=report)
    click.echo("Scheduler stopped.")


@click.command("health")
@with_appcontext
def health_command() -> None:
    """Exit 0 when the database answers and the reference data is loaded (container health
    checks of the worker and the scheduler); else name the part that failed and exit 1."""
    failed = [
        part
        for part, ok in (
            ("database", database.reachable()),
            ("reference data", bool(current_app.extensions.get("komvos.taxonomy"))),
        )
        if not ok
    ]
    if failed:
        raise click.ClickException(f"unavailable: {', '.join(failed)}")
    click.echo("ok")
