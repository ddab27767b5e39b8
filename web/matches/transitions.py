"""What every transition of a match shares: the guarded UPDATE, the refusal, the messages.

Every transition is guarded on the current status in the UPDATE itself, so a late reject
cannot overwrite a confirmation and confirming twice counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy import CursorResult, update

from web.extensions import db
from web.matches.labels import MATCH_STATUS_LABELS
from web.matches.models import Match
from web.models import User
from web.notifications.outbox import notify, representatives
from web.validation import InvalidInput


def guarded(match_id: int, expected: Sequence[str], **values: Any) -> bool:
    """Move a match on only if it is still in one of `expected` statuses."""
    return (
        cast(CursorResult[Any], db.session.execute(
            update(Match)
            .where(Match.id == match_id, Match.status.in_(expected))
            .values(**values)
            .execution_options(synchronize_session=False)
        )).rowcount
        == 1
    )


def get_match(match_id: int) -> Match:
    """A match by id (LookupError when missing)."""
    match = db.session.get(Match, match_id)
    if match is None:
        raise LookupError(match_id)
    return match


def refuse(match: Match, message: str) -> InvalidInput:
    """Undo this attempt and say why the match could not move on."""
    db.session.rollback()
    db.session.refresh(match)
    return InvalidInput("status", message)


def status_message(match: Match) -> str:
    """Why a match cannot move on: the status it is already in."""
    return gettext(
        "This match is already %(status)s.",
        status=MATCH_STATUS_LABELS.get(match.status, match.status),
    )


def notify_sides(match: Match, event: str, recorded_by: User | None = None) -> None:
    """Write the messages to both sides into this transaction's outbox.

    Confirmations and cancellations reach both sides (with the other side's contact once
    confirmed); a fulfilment thanks the donor's side with what was received, and tells the
    NGO's other representatives (the one who recorded it knows).
    """
    db.session.flush()
    db.session.refresh(match)
    offer, need = match.offer, match.need
    sides = [("donor", representatives(offer.organisation, offer.donor))]
    ngo_side = representatives(need.organisation, need.poster)
    if recorded_by is not None:
        ngo_side = [person for person in ngo_side if person.id != recorded_by.id]
    sides.append(("ngo", ngo_side))
    for role, people in sides:
        title = offer.title if role == "donor" else need.title
        for person in people:
            notify(
                person,
                f"match_{event}",
                {
                    "match": match,
                    "offer": offer,
                    "need": need,
                    "role": role,
                    "title": title,
                    "recorded_by_name": recorded_by.full_name if recorded_by else "",
                },
                link=f"/matches#match-{match.id}",
            )
