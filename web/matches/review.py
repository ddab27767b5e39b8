"""Staff review proposals: confirm (as proposed or for less) or reject.

Each commits once, with its audit rows; after a rejection the engine proposes the next best
use of what was freed, in a savepoint of that same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext

from web.audit import record_event
from web.centres.scope import scoped
from web.clock import today
from web.extensions import db
from web.matches import ledger, periods
from web.matches.models import Match
from web.matches.proposing import repropose_after_release
from web.matches.transitions import get_match, guarded, notify_sides, refuse, status_message
from web.models import User, utcnow
from web.statuses import MatchStatus
from web.validation import InvalidInput


def confirm_match(staff: User, match_id: int, quantity: int | None = None) -> Match:
    """Staff confirm a proposal, as proposed or for less; confirming twice counts once."""
    if not staff.is_staff:
        raise PermissionError("only staff confirm matches")
    match = scoped(staff, get_match(match_id))  # another centre's: as if missing
    if match.status == MatchStatus.CONFIRMED:
        return match
    amount = match.quantity if quantity is None else quantity
    lot = match.offer.lot
    if not 1 <= amount <= match.quantity or amount % lot:
        raise InvalidInput(
            "quantity",
            gettext(
                "Confirm between %(low)d and %(high)d, in lots of %(lot)d.",
                low=lot,
                high=match.quantity,
                lot=lot,
            ),
        )
    need_amount = max(round(amount * match.need_quantity / match.quantity), 1)
    previous = match.status
    plan = periods.plan(match.offer, match.need, today())
    if not guarded(
        match.id,
        (MatchStatus.PROPOSED,),
        status=MatchStatus.CONFIRMED,
        quantity=amount,
        need_quantity=need_amount,
        decided_by_id=staff.id,
        decided_at=utcnow(),
        confirmed_at=utcnow(),
        per=plan and plan.per,
        period_from=plan and plan.first,
        period_until=plan and plan.last,
    ):
        db.session.rollback()
        db.session.refresh(match)
        if match.status == MatchStatus.CONFIRMED:  # type: ignore[comparison-overlap]  # refresh() reloaded it: someone confirmed it a moment ago
            return match
        raise refuse(match, status_message(match))
    short = ledger.hold(match, amount, need_amount, plan.starts() if plan else [])
    if short == "offer":
        raise refuse(match, gettext("The offer no longer has that much left."))
    if short == "need":
        raise refuse(match, gettext("The need no longer lacks that much."))
    record_event(
        "match.confirmed",
        actor=staff,
        target=match,
        from_status=previous,
        to_status=MatchStatus.CONFIRMED,
        quantity=amount,
    )
    notify_sides(match, MatchStatus.CONFIRMED)
    db.session.commit()
    db.session.refresh(match)
    return match


def confirm_matches(staff: User, match_ids: Iterable[int]) -> tuple[list[Match], dict[int, str]]:
    """Confirm several proposals, each on its own; say which could not be."""
    done, refused = [], {}
    for match_id in match_ids:
        try:
            done.append(confirm_match(staff, match_id))
        except (InvalidInput, LookupError) as error:
            refused[match_id] = getattr(error, "message", gettext("Not found."))
    return done, refused


def reject_match(staff: User, match_id: int, reason: str) -> Match:
    """Staff turn a proposal down; the engine then looks for the next best use."""
    if not staff.is_staff:
        raise PermissionError("only staff reject matches")
    reason = reason.strip()
    if not 1 <= len(reason) <= 1000:
        raise InvalidInput("reason", gettext("Say why, in at most 1000 characters."))
    match = scoped(staff, get_match(match_id))  # another centre's: as if missing
    if not guarded(
        match.id,
        (MatchStatus.PROPOSED,),
        status=MatchStatus.REJECTED,
        reason=reason,
        decided_by_id=staff.id,
        decided_at=utcnow(),
    ):
        raise refuse(match, status_message(match))
    record_event(
        "match.rejected",
        actor=staff,
        target=match,
        from_status=MatchStatus.PROPOSED,
        to_status=MatchStatus.REJECTED,
        reason=reason,
    )
    repropose_after_release(match.offer_id, match.need_id)
    db.session.commit()
    db.session.refresh(match)
    return match
