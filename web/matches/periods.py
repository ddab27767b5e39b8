"""What the period ledger says: a recurring post's capacity left, and a match's schedule.

Reads only; `web.matches.ledger` writes. A recurring post's `quantity` is per period; what
it has left for the engine is the least it has left in any period from now to its end, so a
proposal for a recurring need can be confirmed in every period of its span.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from web.extensions import db
from web.matches.models import Match, PeriodLedger
from web.posts.models import Need, Offer
from web.recurrence import period_start, periods, span
from web.validation import InvalidInput


@dataclass(frozen=True, slots=True)
class Plan:
    """The periods a match counts in: every `per` from `first` to `last` (period starts)."""

    per: str
    first: date
    last: date

    def starts(self) -> list[date]:
        """The first day of each period."""
        return list(periods(self.first, self.last, self.per))


def side_name(post: Offer | Need) -> str:
    """The period ledger's name for the post's side."""
    return "offer" if isinstance(post, Offer) else "need"


def post_span(post: Offer | Need, day: date) -> tuple[date, date] | None:
    """The periods a recurring post still counts in from `day` on (None: none left)."""
    assert post.per is not None
    if isinstance(post, Offer):
        return span(day, post.per, post.available_from, post.available_until or day)
    return span(day, post.per, None, post.needed_by)


def committed_in(post: Offer | Need, first: date, last: date) -> dict[date, int]:
    """What confirmed matches hold of a recurring post, by period, from `first` to `last`."""
    rows = db.session.execute(
        select(PeriodLedger.period_start, PeriodLedger.committed).where(
            PeriodLedger.side == side_name(post),
            PeriodLedger.post_id == post.id,
            PeriodLedger.period_start >= first,
            PeriodLedger.period_start <= last,
        )
    )
    return {start: committed for start, committed in rows}


def left_for_engine(post: Offer | Need, day: date) -> int:
    """A recurring post's capacity: the least it has left in any period ahead."""
    found = post_span(post, day)
    if found is None or post.per is None:
        return 0
    held = committed_in(post, *found)
    return min(post.quantity - held.get(p, 0) for p in periods(*found, post.per))


def this_period(post: Offer | Need, day: date) -> tuple[date, int]:
    """The current period's start and what confirmed matches hold in it."""
    assert post.per is not None
    start = period_start(day, post.per)
    return start, committed_in(post, start, start).get(start, 0)


def plan(offer: Offer, need: Need, day: date) -> Plan | None:
    """The periods a confirmation of this pair counts in, or None when neither recurs.

    Both recurring (with the same `per`): a commitment from this period (or the offer's
    start) to the earlier of the two ends. One side recurring: its current period only."""
    if offer.per and need.per:
        if offer.per != need.per:
            raise InvalidInput("per", gettext(
                "A weekly offer and a monthly need (or the other way round) cannot be matched."))
        ends = min(offer.available_until or need.needed_by, need.needed_by)
        found = span(day, offer.per, offer.available_from, ends)
        if found is None:
            raise InvalidInput("status", gettext("No period of this commitment lies ahead."))
        return Plan(offer.per, *found)
    if offer.per:
        first = period_start(max(day, offer.available_from), offer.per)
        return Plan(offer.per, first, first)
    if need.per:
        first = period_start(day, need.per)
        return Plan(need.per, first, first)
    return None


def current_start(match: Match, day: date) -> date | None:
    """The start of the match's period that holds `day` (None when no side recurs)."""
    return period_start(day, match.per) if match.per else None


def most_held_ahead(post: Offer | Need, day: date) -> int:
    """The most confirmed matches hold of a recurring post in any period from `day` on."""
    rows = db.session.execute(
        select(PeriodLedger.committed).where(
            PeriodLedger.side == side_name(post),
            PeriodLedger.post_id == post.id,
            PeriodLedger.period_start >= period_start(day, post.per or "month"),
        )
    ).scalars()
    return max(rows.all(), default=0)
