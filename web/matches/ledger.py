"""The quantity ledger: conditional updates that never over-allocate, on any database.

Only confirmed and fulfilled matches consume quantity: a match's `quantity` (offer's unit) and
`need_quantity` (need's unit) are what it holds. `take` adds to a post's `committed_quantity`
only if the total stays within its quantity, checked in the UPDATE itself, so two concurrent
confirmations cannot both pass (SELECT ... FOR UPDATE would be a no-op on SQLite; these
statements are safe on SQLite and PostgreSQL alike). `release` gives quantity back.

A recurring side (a weekly or monthly offer or need, web/recurrence.py) is counted per
period instead, in `PeriodLedger`: `take_period` inserts the period's row if it is missing
(INSERT ... ON CONFLICT DO NOTHING, race-safe on both databases), then adds to it with the
same kind of conditional UPDATE, checked against the post's quantity per period. A match
holds its quantities with `hold` (every period of its span, all or nothing: the caller
rolls back on a refusal) and gives them back with `give_back`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from web.extensions import db
from web.matches.models import LEDGER_STATUSES, Match, PeriodLedger
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
        .where(model.id == post_id, model.status.in_(_COUNTED), received >= model.quantity,
               model.per.is_(None))  # a recurring post renews: never fulfilled by a sum
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
    period: date | None = None  # the period, for a recurring post


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
            .where(model.per.is_(None))  # recurring posts are counted per period, below
            .group_by(model.id, model.quantity, model.committed_quantity)
            .having((matched > model.quantity) | (matched != model.committed_quantity))
            .order_by(model.id)
        ).all()
        found += [Violation(kind, r[0], r[1], int(r[3]), r[2]) for r in rows]
    return found + period_violations()


def _model(side: str) -> Post:
    return Offer if side == "offer" else Need


def take_period(side: str, post_id: int, start: date, amount: int) -> bool:
    """Commit `amount` of an active recurring post in the period starting on `start`;
    False (and nothing changed) if the period has not that much left."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(PeriodLedger)
        .values(side=side, post_id=post_id, period_start=start, committed=0)
        .on_conflict_do_nothing()
    )
    model = _model(side)
    quantity = (
        select(model.quantity)
        .where(model.id == post_id, model.status.in_(ACTIVE_STATUSES))
        .scalar_subquery()
    )
    changed = cast(CursorResult[Any], db.session.execute(
        update(PeriodLedger)
        .where(
            PeriodLedger.side == side,
            PeriodLedger.post_id == post_id,
            PeriodLedger.period_start == start,
            PeriodLedger.committed + amount <= quantity,
        )
        .values(committed=PeriodLedger.committed + amount)
        .execution_options(synchronize_session=False)
    )).rowcount
    return changed == 1


def release_period(side: str, post_id: int, start: date, amount: int) -> None:
    """Give `amount` back in one period of a recurring post."""
    if amount <= 0:
        return
    db.session.execute(
        update(PeriodLedger)
        .where(
            PeriodLedger.side == side,
            PeriodLedger.post_id == post_id,
            PeriodLedger.period_start == start,
            PeriodLedger.committed >= amount,
        )
        .values(committed=PeriodLedger.committed - amount)
        .execution_options(synchronize_session=False)
    )


def _sides(match: Match, offer_amount: int, need_amount: int) -> list[tuple[str, int, bool, int]]:
    """(side, post id, whether it recurs, amount), the offer first: every transaction takes
    rows in the same order, so two confirmations never wait for each other in a cycle."""
    return [
        ("offer", match.offer_id, match.offer.per is not None, offer_amount),
        ("need", match.need_id, match.need.per is not None, need_amount),
    ]


def hold(match: Match, offer_amount: int, need_amount: int, starts: list[date]) -> str | None:
    """Take a match's quantities from both sides (in each period of `starts` on a recurring
    side); the side that has not enough left (the caller then rolls back), or None."""
    for side, post_id, recurs, amount in _sides(match, offer_amount, need_amount):
        if recurs:
            if not all(take_period(side, post_id, p, amount) for p in starts):
                return side
        elif not take(_model(side), post_id, amount):
            return side
    return None


def give_back(
    match: Match, offer_amount: int, need_amount: int, starts: Iterable[date] | None = None
) -> None:
    """Release a match's quantities: on a recurring side in the periods `starts` (all it
    holds when not given), on a one-off side from the post's counter."""
    chosen = match.counted_periods() if starts is None else list(starts)
    for side, post_id, recurs, amount in _sides(match, offer_amount, need_amount):
        if recurs:
            for start in chosen:
                release_period(side, post_id, start, amount)
        else:
            release(_model(side), post_id, amount)


def period_violations() -> list[Violation]:
    """Periods of recurring posts whose row disagrees with the sum of the confirmed and
    fulfilled matches counted in them, or holds more than the post's quantity."""
    expected: dict[tuple[str, int, date], int] = defaultdict(int)
    rows = db.session.execute(
        select(Match, Offer.per, Need.per)
        .join(Offer, Offer.id == Match.offer_id)
        .join(Need, Need.id == Match.need_id)
        .where(Match.status.in_(LEDGER_STATUSES), Match.per.is_not(None))
    ).all()
    for match, offer_per, need_per in rows:
        for start in match.counted_periods():
            if offer_per:
                expected[("offer", match.offer_id, start)] += match.quantity
            if need_per:
                expected[("need", match.need_id, start)] += match.need_quantity
    stored = {
        (r.side, r.post_id, r.period_start): r.committed
        for r in db.session.scalars(select(PeriodLedger))
    }
    quantities = {
        side: dict(db.session.execute(select(model.id, model.quantity)
                                      .where(model.per.is_not(None))).all())
        for side, model in (("offer", Offer), ("need", Need))
    }
    found = []
    for key in sorted(set(expected) | set(stored)):
        side, post_id, start = key
        matched, committed = expected.get(key, 0), stored.get(key, 0)
        quantity = quantities[side].get(post_id, 0)
        if matched != committed or matched > quantity:
            found.append(Violation(side, post_id, quantity, matched, committed, start))
    return found
