"""What the matches pages read besides the list: a match's timeline, what is set aside."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.matches.models import Match
from web.models import AuditEvent


def timelines(matches: Iterable[Match]) -> dict[int, list[AuditEvent]]:
    """The audit events of each of `matches`, oldest first, in one query (with their actors)."""
    ids = [match.id for match in matches]
    found: dict[int, list[AuditEvent]] = {match_id: [] for match_id in ids}
    if not ids:
        return found
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == "match", AuditEvent.object_id.in_(ids))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    for event in db.session.scalars(query):
        found[event.object_id or 0].append(event)
    return found


def timeline(match: Match) -> list[AuditEvent]:
    """The audit events of one match, oldest first."""
    return timelines([match])[match.id]


def pending_per_side(matches: Iterable[Match]) -> dict[str, dict[int, int]]:
    """How much other proposals already set aside, per offer and per need (for the queue)."""
    offers: dict[int, int] = defaultdict(int)
    needs: dict[int, int] = defaultdict(int)
    for match in matches:
        offers[match.offer_id] += match.quantity
        needs[match.need_id] += match.need_quantity
    return {"offers": dict(offers), "needs": dict(needs)}
