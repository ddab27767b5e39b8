"""Matches and the engine runs that proposed them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.models import User, utcnow
from web.posts.models import Need, Offer
from web.statuses import LEDGER_STATUSES, LIVE_STATUSES, MatchStatus, RunTrigger, status_type

MATCH_STATUSES = tuple(MatchStatus)
RUN_TRIGGERS = tuple(RunTrigger)
__all__ = ["LEDGER_STATUSES", "LIVE_STATUSES", "MATCH_STATUSES", "RUN_TRIGGERS", "Match",
           "MatchNote", "MatchRun"]


class MatchRun(Model):
    """One run of the engine: what triggered it, how big it was, what it found."""

    __tablename__ = "match_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[RunTrigger] = mapped_column(status_type(RunTrigger, "trigger"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    duration_ms: Mapped[float] = mapped_column(default=0.0)
    offers: Mapped[int] = mapped_column(default=0)
    needs: Mapped[int] = mapped_column(default=0)
    candidates: Mapped[int] = mapped_column(default=0)
    proposals: Mapped[int] = mapped_column(default=0)
    superseded: Mapped[int] = mapped_column(default=0)
    objective: Mapped[float] = mapped_column(default=0.0)
    solver_status: Mapped[str] = mapped_column(String(200), default="")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    started_by: Mapped[User | None] = relationship()


class Match(Model):
    """A proposed, confirmed or fulfilled transfer of `quantity` from an offer to a need.

    `quantity` is in the offer's unit, `need_quantity` the same amount in the need's unit.
    """

    __tablename__ = "match"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("need_quantity > 0", name="need_quantity"),
        # At most one open proposal per pair (a pair may also hold earlier confirmed matches).
        Index(
            "uq_match_proposed_pair",
            "offer_id",
            "need_id",
            unique=True,
            postgresql_where=text(f"status = '{MatchStatus.PROPOSED}'"),
            sqlite_where=text(f"status = '{MatchStatus.PROPOSED}'"),
        ),
        Index("ix_match_status_value", "status", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), index=True)
    quantity: Mapped[int]
    need_quantity: Mapped[int]
    proposed_quantity: Mapped[int]
    received_quantity: Mapped[int | None]
    # What was confirmed, in the need's unit, as it stood when the receipt was recorded.
    promised_quantity: Mapped[int | None]
    score: Mapped[float] = mapped_column(default=0.0)
    value: Mapped[float] = mapped_column(default=0.0)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    distance_km: Mapped[float | None]
    status: Mapped[MatchStatus] = mapped_column(
        status_type(MatchStatus, "status"), default=MatchStatus.PROPOSED
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Why less arrived than was promised, as the NGO told it (optional).
    short_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    fulfilled_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The colleague who looks after it (staff hand proposals and matches to one another).
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    offer: Mapped[Offer] = relationship()
    need: Mapped[Need] = relationship()
    run: Mapped[MatchRun | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    notes: Mapped[list[MatchNote]] = relationship(
        back_populates="match", order_by="MatchNote.created_at, MatchNote.id"
    )

    @property
    def short_quantity(self) -> int:
        """How much of what was promised did not arrive (need's unit); 0 when all did."""
        if self.received_quantity is None or self.promised_quantity is None:
            return 0
        return max(self.promised_quantity - self.received_quantity, 0)

    @property
    def contacts_visible(self) -> bool:
        """The two sides see each other's contact only once staff confirmed the match."""
        return self.status in LEDGER_STATUSES or self.confirmed_at is not None


class MatchNote(Model):
    """A staff member's note on a proposal or a match, for the colleagues who look at it next."""

    __tablename__ = "match_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()
