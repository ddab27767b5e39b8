"""Emergencies staff declare, and the calls sent to donors during one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.models import User, utcnow


class Emergency(Model):
    """A declared emergency: what and where it covers, from when to (expected) when.

    Active from `starts_on` to `ends_on` (days in the centre's time zone) unless closed
    first; closing writes `summary`, the report of what was asked, offered, confirmed and
    delivered in its scope meanwhile.
    """

    __tablename__ = "emergency"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_el: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    message_el: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Municipalities (place ids); empty: everywhere the centre works.
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # When the call to donors went out (None: not yet).
    called_at: Mapped[datetime | None]
    # The centre that declared it: its staff manage it and it covers that centre's needs.
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)

    declared_by: Mapped[User] = relationship(foreign_keys=[declared_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    def title(self, language: str) -> str:
        """The title in `language`."""
        return self.title_en if language == "en" else self.title_el

    def message(self, language: str) -> str:
        """The message in `language`."""
        return self.message_en if language == "en" else self.message_el

    def is_active(self, day: date) -> bool:
        """Declared, begun, not closed and not past its expected end on `day`."""
        return self.closed_at is None and self.starts_on <= day <= self.ends_on

    def state(self, day: date) -> str:
        """upcoming, active, ended (past its expected end, not closed) or closed."""
        if self.closed_at is not None:
            return "closed"
        if day < self.starts_on:
            return "upcoming"
        return "active" if day <= self.ends_on else "ended"


class EmergencyCall(Model):
    """One donor called for one emergency: the unique pair makes every call go out once."""

    __tablename__ = "emergency_call"
    __table_args__ = (UniqueConstraint("emergency_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    emergency_id: Mapped[int] = mapped_column(ForeignKey("emergency.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
