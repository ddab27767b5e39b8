"""The quantity ledger: conditional updates that never over-allocate, on any database.

Only confirmed and fulfilled matches consume quantity: a match's `quantity` (offer's unit) and
`need_quantity` (need's unit) are what it holds. `take` adds to a post's `committed_quantity`
only if the total stays within its quantity, checked in the UPDATE itself, so two concurrent
confirmations cannot both pass (SELECT ... FOR UPDATE would be a no-op on SQLite; these
statements are safe on SQLite and PostgreSQL alike). `release` gives quantity back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, and_, case, func, select, update

from web.extensions import db
from web.matches.models import LEDGER_STATUSES, Match
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.statuses import MatchStatus, PostStatus

Post = type[Offer] | type[Need]
_COUNTED = (PostStatus.OPEN, PostStatus.PARTLY_MATCHED, PostStatus.MATCHED)


def take(model: Post, post_id: int, amount: int) -> bool:
    """Commit `amount` of an open post; False (and nothing changed) if it does not fit."""
    new_total = model.committed_quantity + amount
    changed = cast(CursorResult[Any], db.session.execute(
        update(model)
        .where(model.id == post_id, model.status.in_(ACTIVE_STATUSES), new_total <= model.quantity)
        .values(
            committed_quantity=new_total,
            # The branches are plain SQL literals (they are not bound through the column's type).
            status=case(
                (new_total >= model.quantity, PostStatus.MATCHED.value),
                else_=PostStatus.PARTLY_MATCHED.value,
            ),
            version=model.version + 1,
        )
        .execution_options(synchronize_session=False)
    )).rowcount
    return changed == 1


def release(model: Post, post_id: int, amount: int) -> None:
    """Give `amount` back; an open, partly or fully matched post reopens accordingly."""
    if amount <= 0:
        return
    new_total = model.committed_quantity - amount
    db.session.execute(
        update(model)
        .where(model.id == post_id, model.committed_quantity >= amount)
        .values(
            committed_quantity=new_total,
            status=case(
                (model.status.not_in(_COUNTED), model.status),
                (new_total <= 0, PostStatus.OPEN.value),
                else_=PostStatus.PARTLY_MATCHED.value,
            ),
            version=model.version + 1,
        )
        .execution_options(synchronize_session=False)
    )


def settle(model: Post, post_id: int) -> None:
    """A post whose fulfilled matches cover its whole quantity becomes fulfilled."""
    side, held = (
        (Match.offer_id, Match.quantity) if model is Offer else (Match.need_id, Match.need_quantity)
    )
    received = (
        select(func.coalesce(func.sum(held), 0))
        .where(side == post_id, Match.status == MatchStatus.FULFILLED)
        .scalar_subquery()
    )
    db.session.execute(
        update(model)
        .where(model.id == post_id, model.status.in_(_COUNTED), received >= model.quantity)
        .values(status=PostStatus.FULFILLED, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class Violation:
    """A post whose ledger does not add up."""

    kind: str  # "offer" or "need"
    post_id: int
    quantity: int
    matched: int  # the sum of its confirmed and fulfilled matches
    committed: int  # its running counter


def violations() -> list[Violation]:
    """Posts whose confirmed and fulfilled matches exceed their quantity, or disagree with
    their running counter. Empty when the ledger is sound (tests and the staff health page)."""
    found = []
    for kind, model, held, side in (
        ("offer", Offer, Match.quantity, Match.offer_id),
        ("need", Need, Match.need_quantity, Match.need_id),
    ):
        matched = func.coalesce(
            func.sum(case((Match.status.in_(LEDGER_STATUSES), held), else_=0)), 0
        )
        rows = db.session.execute(
            select(model.id, model.quantity, model.committed_quantity, matched)
            .outerjoin(Match, and_(side == model.id))
            .group_by(model.id, model.quantity, model.committed_quantity)
            .having((matched > model.quantity) | (matched != model.committed_quantity))
            .order_by(model.id)
        ).all()
        found += [Violation(kind, r[0], r[1], int(r[3]), r[2]) for r in rows]
    return found
