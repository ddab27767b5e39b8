"""The staff's view of the outbox: messages by status, and sending a failed one again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update

from web.audit import record_event
from web.centres.scope import people_in_scope
from web.extensions import db
from web.listing import contains
from web.models import User, utcnow
from web.notifications.models import STATUSES, Notification
from web.statuses import NotificationStatus

MAX_TEXT = 100


@dataclass(frozen=True, slots=True)
class MailFilters:
    """What the mail list is narrowed to."""

    status: str | None = None
    recipient: str = ""
    subject: str = ""

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set)."""
        values = {"status": self.status, "recipient": self.recipient, "subject": self.subject}
        return {k: v for k, v in values.items() if v}


def parse_mail_filters(args: Mapping[str, str]) -> MailFilters:
    """Read the mail filters from a query string; anything invalid is ignored."""
    status = args.get("status") or ""
    return MailFilters(
        status=status if status in STATUSES else None,
        recipient=(args.get("recipient") or "").strip()[:MAX_TEXT],
        subject=(args.get("subject") or "").strip()[:MAX_TEXT],
    )


def mail_query(filters: MailFilters, staff: User | None = None) -> Select[Notification]:
    """Messages to people of the centre of `staff` (default: the signed-in person) by the
    filters, newest first."""
    query = select(Notification).where(*people_in_scope(Notification.user_id, staff))
    if filters.status:
        query = query.where(Notification.status == filters.status)
    if filters.recipient:
        query = query.where(contains(Notification.email, filters.recipient))
    if filters.subject:
        query = query.where(contains(Notification.subject, filters.subject))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


def status_counts(staff: User | None = None) -> dict[str, int]:
    """How many messages (to people of the centre of `staff`) are in each status."""
    rows = db.session.execute(
        select(Notification.status, func.count())
        .where(*people_in_scope(Notification.user_id, staff)).group_by(Notification.status)
    ).all()
    return {status: int(count) for status, count in rows}


def retry_message(staff: User, notification_id: int) -> bool:
    """Put a failed message back in the queue for the worker; False if it is not failed."""
    if not staff.is_staff:
        raise PermissionError("only staff retry mail")
    retried = cast(CursorResult[Any], db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status == NotificationStatus.FAILED,
               *people_in_scope(Notification.user_id, staff))
        .values(status=NotificationStatus.PENDING, next_attempt_at=utcnow(), claimed_at=None)
        .execution_options(synchronize_session=False)
    )).rowcount
    if not retried:
        db.session.rollback()
        if db.session.scalar(select(Notification.id).where(
                Notification.id == notification_id,
                *people_in_scope(Notification.user_id, staff))) is None:
            raise LookupError(notification_id)  # missing, or another centre's
        return False
    record_event(
        "notification.retried", actor=staff, target=db.session.get(Notification, notification_id)
    )
    db.session.commit()
    return True
