"""Saved interests (a donor's or a confirmed public address's) and the log of needs sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.models import LANGUAGES, User, one_of, utcnow
from web.reference import KINDS

FREQUENCIES = ("immediate", "daily", "weekly")


class Interest(Model):
    """What someone wants to hear about: kind, categories, areas, anything urgent in those
    areas, and how often. Either a signed-in person's (`user_id`) or a public address's
    (`email`), which counts only once its owner confirmed it (`confirmed_at`)."""

    __tablename__ = "interest"
    __table_args__ = (
        CheckConstraint(one_of("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        CheckConstraint(f"kind IS NULL OR {one_of('kind', KINDS)}", name="kind"),
        CheckConstraint("(user_id IS NULL) <> (email IS NULL)", name="owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    language: Mapped[str] = mapped_column(String(2), default="el")
    kind: Mapped[str | None] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgent_nearby: Mapped[bool] = mapped_column(default=False)
    frequency: Mapped[str] = mapped_column(String(16), default="daily")
    confirmed_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship()

    @property
    def recipient(self) -> str:
        """Whom its alerts go to, as the sent log names them."""
        return f"user:{self.user_id}" if self.user_id is not None else f"email:{self.email}"


class InterestSent(Model):
    """A need told to a recipient: never the same need twice to the same person or address."""

    __tablename__ = "interest_sent"
    __table_args__ = (UniqueConstraint("recipient", "need_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(260))
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
