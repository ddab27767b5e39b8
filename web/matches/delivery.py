"""After a confirmation: the NGO records what arrived, or either side calls the match off.

Each commits once, with its audit rows; after a cancellation the engine proposes the next
best use of what was freed, in a savepoint of that same transaction.
"""

from __future__ import annotations

from flask_babel import gettext

from web.audit import record_event
from web.extensions import db
from web.matches import ledger
from web.matches.models import Match
from web.matches.proposing import repropose_after_release
from web.matches.sides import can_cancel, receives
from web.matches.transitions import get_match, guarded, notify_sides, refuse, status_message
from web.models import User, utcnow
from web.posts.models import Need, Offer
from web.statuses import MatchStatus
from web.validation import InvalidInput


def cancel_match(user: User, match_id: int, reason: str) -> Match:
    """Either side or staff call off a confirmed match; its quantity is released."""
    match = get_match(match_id)
    if not can_cancel(user, match):
        raise LookupError(match_id)
    reason = reason.strip()
    if not 1 <= len(reason) <= 1000:
        raise InvalidInput("reason", gettext("Say why, in at most 1000 characters."))
    if not guarded(
        match.id,
        (MatchStatus.CONFIRMED,),
        status=MatchStatus.CANCELLED,
        reason=reason,
        cancelled_at=utcnow(),
    ):
        raise refuse(match, status_message(match))
    ledger.give_back(match, match.quantity, match.need_quantity)
    record_event(
        "match.cancelled",
        actor=user,
        target=match,
        from_status=MatchStatus.CONFIRMED,
        to_status=MatchStatus.CANCELLED,
        reason=reason,
    )
    notify_sides(match, MatchStatus.CANCELLED)
    repropose_after_release(match.offer_id, match.need_id)
    db.session.commit()
    db.session.refresh(match)
    return match


def record_receipt(user: User, match_id: int, received: int, short_reason: str = "") -> Match:
    """The NGO records what actually arrived (possibly less, perhaps saying why); the rest
    is released and the donor is told both figures."""
    match = get_match(match_id)
    if not receives(user, match):
        raise LookupError(match_id)
    if match.recurring:
        raise InvalidInput("received", gettext(
            "A recurring commitment is not received at once: the donor can pause or end it."))
    if not 1 <= received <= match.need_quantity:
        raise InvalidInput(
            "received",
            gettext("Enter what arrived, from 1 to %(n)d.", n=match.need_quantity),
        )
    offer_received = min(
        max(round(received * match.quantity / match.need_quantity), 1), match.quantity
    )
    promised = match.need_quantity
    short_reason = short_reason.strip()[:1000] if received < promised else ""
    if not guarded(
        match.id,
        (MatchStatus.CONFIRMED,),
        status=MatchStatus.FULFILLED,
        promised_quantity=promised,
        short_reason=short_reason,
        received_quantity=received,
        quantity=offer_received,
        need_quantity=received,
        fulfilled_at=utcnow(),
    ):
        raise refuse(match, status_message(match))
    ledger.give_back(match, match.quantity - offer_received, match.need_quantity - received)
    ledger.settle(Offer, match.offer_id)
    ledger.settle(Need, match.need_id)
    record_event(
        "match.fulfilled",
        actor=user,
        target=match,
        from_status=MatchStatus.CONFIRMED,
        to_status=MatchStatus.FULFILLED,
        received=received,
        promised=promised,
    )
    notify_sides(match, MatchStatus.FULFILLED, recorded_by=user)
    db.session.commit()
    db.session.refresh(match)
    return match
