"""The mail worker: claims due messages, sends them with Flask-Mail, retries with back-off.

Temporary failures (connection refused or dropped, 4xx replies) are retried with
exponential back-off and jitter until the retry budget (48 hours by default) is spent;
permanent ones (5xx replies, a refused address) fail at once. A message counts as sent once
the server accepted its DATA: an error while saying QUIT afterwards sends nothing again.
Several workers may run: on PostgreSQL they claim rows with FOR UPDATE SKIP LOCKED, and on
any database the claim itself is a conditional UPDATE, so no row is sent by two workers.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import CursorResult, select, update

from web.extensions import db
from web.models import utcnow
from web.notifications.models import Notification
from web.notifications.transport import (
    ConsoleTransport,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    mail,
    message_for,
)
from web.statuses import NotificationStatus

CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off with jitter, within a time budget."""

    base_s: float = 30.0
    cap_s: float = 3600.0
    budget: timedelta = timedelta(hours=48)

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds to wait after the `attempts`-th failure: half fixed, half random."""
        ceiling: float = min(self.cap_s, self.base_s * 2 ** max(attempts - 1, 0))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def next_attempt(
        self, created: datetime, attempts: int, now: datetime, rng: random.Random
    ) -> datetime | None:
        """When to try next, or None when the budget is spent."""
        when = now + timedelta(seconds=self.delay(attempts, rng))
        return None if when - created > self.budget else when


def init_app(app: Flask) -> None:
    """Bind Flask-Mail."""
    mail.init_app(app)


def backoff_policy() -> Backoff:
    """The app's back-off settings."""
    config = current_app.config
    return Backoff(
        base_s=float(config["MAIL_RETRY_BASE_SECONDS"]),
        cap_s=float(config["MAIL_RETRY_CAP_SECONDS"]),
        budget=timedelta(hours=float(config["MAIL_RETRY_BUDGET_HOURS"])),
    )


def _claim(batch: int, now: datetime) -> list[int]:
    """Take up to `batch` due messages for this worker and commit the claim."""
    due = (
        select(Notification.id)
        .where(
            (
                (Notification.status == NotificationStatus.PENDING)
                & (Notification.next_attempt_at <= now)
            )
            | (
                (Notification.status == NotificationStatus.SENDING)
                & (Notification.claimed_at < now - CLAIM_TIMEOUT)
            )
        )
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(batch)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = []
    for row_id in list(db.session.scalars(due)):
        # The conditional UPDATE is the claim on every database (SKIP LOCKED only spares
        # PostgreSQL workers from waiting on each other's rows).
        taken = cast(CursorResult[Any], db.session.execute(
            update(Notification)
            .where(
                Notification.id == row_id,
                Notification.status.in_((NotificationStatus.PENDING, NotificationStatus.SENDING)),
                (Notification.status == NotificationStatus.PENDING)
                | (Notification.claimed_at < now - CLAIM_TIMEOUT),
            )
            .values(status=NotificationStatus.SENDING, claimed_at=now)
            .execution_options(synchronize_session=False)
        )).rowcount
        if taken:
            claimed.append(row_id)
    db.session.commit()
    return claimed


def deliver_due(
    now: Callable[[], datetime] = utcnow,
    batch: int = 50,
    rng: random.Random | None = None,
    transport: Transport | None = None,
) -> int:
    """Send what is due; return how many were sent."""
    rng = rng or random.Random()
    if transport is None:
        transport = ConsoleTransport() if not current_app.config["MAIL_SERVER"] else Transport()
    policy = backoff_policy()
    sent = 0
    try:
        for row_id in _claim(batch, now()):
            row = db.session.get(Notification, row_id)
            if row is None:  # pragma: no cover - deleted meanwhile
                continue
            sent += _deliver_one(row, transport, policy, now, rng)
            db.session.commit()
    finally:
        transport.close()
    return sent


def _deliver_one(
    row: Notification,
    transport: Transport,
    policy: Backoff,
    now: Callable[[], datetime],
    rng: random.Random,
) -> int:
    row.attempts += 1
    try:
        transport.send(message_for(row))
    except PermanentFailure as error:
        row.status, row.last_error = NotificationStatus.FAILED, str(error)[:2000]
        return 0
    except TemporaryFailure as error:
        row.last_error = str(error)[:2000]
        when = policy.next_attempt(row.created_at, row.attempts, now(), rng)
        if when is None:
            row.status = NotificationStatus.FAILED
            row.last_error = f"gave up after {policy.budget}: {row.last_error}"[:2000]
        else:
            row.status, row.next_attempt_at = NotificationStatus.PENDING, when
        return 0
    row.status, row.sent_at, row.last_error = NotificationStatus.SENT, now(), ""
    return 1


def run_worker(
    stop: threading.Event | None = None,
    once: bool = False,
    poll_s: float = 2.0,
    on_idle: Callable[[], Any] | None = None,
) -> int:
    """Drain the outbox (`once`) or keep draining until `stop` is set."""
    total = 0
    while True:
        sent = deliver_due()
        total += sent
        if once and not _due_left():
            return total
        if stop is not None and stop.is_set():
            return total
        if on_idle is not None:
            on_idle()
        if not sent:
            if once:
                return total
            (stop.wait(poll_s) if stop is not None else time.sleep(poll_s))


def _due_left() -> bool:
    return (
        db.session.scalar(
            select(Notification.id)
            .where(
                Notification.status == NotificationStatus.PENDING,
                Notification.next_attempt_at <= utcnow(),
            )
            .limit(1)
        )
        is not None
    )
