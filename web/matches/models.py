"""Matches and the engine runs that proposed them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.models import User, one_of, utcnow
from web.posts.models import Need, Offer
from web.recurrence import PERS, next_period
from web.statuses import LEDGER_STATUSES, LIVE_STATUSES, MatchStatus, RunTrigger, status_type

MATCH_STATUSES = tuple(MatchStatus)
RUN_TRIGGERS = tuple(RunTrigger)
__all__ = ["LEDGER_STATUSES", "LIVE_STATUSES", "MATCH_STATUSES", "RUN_TRIGGERS", "Match",
           "MatchNote", "MatchRun", "PeriodLedger"]


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
    # The centre whose needs a full run covered (None: every centre's, or an incremental run).
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))

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
        CheckConstraint(f"per IS NULL OR {one_of('per', PERS)}", name="per"),
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
    # Where a side recurs (web/recurrence.py): the periods the match counts in, by their first
    # day, from `period_from` to `period_until`, less those starting within a pause. Both
    # sides weekly (or monthly) make it a recurring commitment over many periods; a one-off
    # match with a recurring side counts in one period. NULL: no side recurs.
    per: Mapped[str | None] = mapped_column(String(8))
    period_from: Mapped[date | None]
    period_until: Mapped[date | None]
    paused_from: Mapped[date | None]
    paused_until: Mapped[date | None]
    # The day the donor ended a recurring commitment: periods from it on were released.
    ended_on: Mapped[date | None]
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
    def recurring(self) -> bool:
        """A commitment of `quantity` every week or month over several periods."""
        return bool(self.per and self.offer.per and self.need.per)

    def counted_periods(self) -> list[date]:
        """The first days of the periods this match holds quantity in (none when no side
        recurs), as the period ledger counts them."""
        if self.per is None or self.period_from is None or self.period_until is None:
            return []
        found, start = [], self.period_from
        while start <= self.period_until:
            if not self.is_paused_in(start):
                found.append(start)
            start = next_period(start, self.per)
        return found

    def is_paused_in(self, start: date) -> bool:
        """Whether the period starting on `start` starts within the pause."""
        return (self.paused_from is not None and self.paused_until is not None
                and self.paused_from <= start <= self.paused_until)

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


class PeriodLedger(Model):
    """What confirmed matches hold of a recurring offer or need in one period.

    One row per (side, post, period start), written only by `web.matches.ledger`: inserted
    when first needed, then moved by a conditional UPDATE that keeps `committed` within the
    post's quantity per period, so concurrent confirmations cannot over-commit a period.
    """

    __tablename__ = "period_ledger"
    __table_args__ = (
        PrimaryKeyConstraint("side", "post_id", "period_start"),
        CheckConstraint("side IN ('offer', 'need')", name="side"),
        CheckConstraint("committed >= 0", name="committed"),
    )

    side: Mapped[str] = mapped_column(String(8))
    post_id: Mapped[int]
    period_start: Mapped[date]
    committed: Mapped[int] = mapped_column(default=0)
