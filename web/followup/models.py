"""The follow-up of confirmed matches that were never received: once per match and stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.matches.models import Match
from web.models import one_of, utcnow

# remind: both sides are reminded; escalate: the centre's staff are told.
STAGES = ("remind", "escalate")


class MatchFollowup(Model):
    """A reminder or an escalation sent for a confirmed match not yet received."""

    __tablename__ = "match_followup"
    __table_args__ = (
        CheckConstraint(one_of("stage", STAGES), name="stage"),
        UniqueConstraint("match_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship()
