"""The outbox: one row per message, for the inbox and for the mail worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.models import User, utcnow
from web.statuses import NotificationStatus, status_type

STATUSES = tuple(NotificationStatus)


class Notification(Model):
    """A message to one person: shown in their inbox, and mailed by the worker.

    `status` is the mail's: pending (due at `next_attempt_at`), sending (claimed by a
    worker), sent, failed (permanently, or out of retry budget), digest (waits for the
    person's daily digest) or skipped (they turned such mail off; the inbox still has it).
    """

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_due", "status", "next_attempt_at"),
        Index("ix_notification_inbox", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a public address that is no account (a confirmed subscription to alerts).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(40))
    essential: Mapped[bool] = mapped_column(default=True)
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200), default="")
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # One reminder per subject and person: the same key is never written twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[NotificationStatus] = mapped_column(
        status_type(NotificationStatus, "status"), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    read_at: Mapped[datetime | None]
    # The one-click unsubscribe address of a message to a public address (List-Unsubscribe);
    # messages to accounts use the account's own.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
