"""What the matches pages read besides the list: a match's timeline, what is set aside."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from web.extensions import db
from web.matches.models import Match
from web.models import AuditEvent


def timeline(match: Match) -> list[Any]:
    """The audit events of a match, oldest first."""
    query = select(AuditEvent).where(
        AuditEvent.object_type == "match", AuditEvent.object_id == match.id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.created_at, AuditEvent.id)))


def pending_per_side(matches: Iterable[Match]) -> dict[str, dict[int, int]]:
    """How much other proposals already set aside, per offer and per need (for the queue)."""
    offers: dict[int, int] = defaultdict(int)
    needs: dict[int, int] = defaultdict(int)
    for match in matches:
        offers[match.offer_id] += match.quantity
        needs[match.need_id] += match.need_quantity
    return {"offers": dict(offers), "needs": dict(needs)}
