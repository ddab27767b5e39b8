"""What the pages list: the staff's review queue and each side's matches."""

from __future__ import annotations

from sqlalchemy import false, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from web.centres.scope import needs_in_scope
from web.listing import (
    MATCH_SHOWN,
    NEED_SHOWN,
    OFFER_SHOWN,
    ListFilters,
    age_conditions,
    match_conditions,
    post_status_conditions,
)
from web.matches.models import Match
from web.models import User
from web.posts.models import Need, Offer
from web.posts.services import URGENCY_ORDER, Page, paginate
from web.statuses import MatchStatus, Role

SIDE_STATUSES = (
    MatchStatus.PROPOSED, MatchStatus.CONFIRMED, MatchStatus.FULFILLED, MatchStatus.CANCELLED
)


# The queue joins each proposal's need and offer to filter them: it loads them from the same
# rows (one query a page, not three).
_QUEUE_SHOWN = (
    contains_eager(Match.offer).options(*OFFER_SHOWN),
    contains_eager(Match.need).options(*NEED_SHOWN),
    joinedload(Match.assigned_to),
)


def review_queue(
    filters: ListFilters, page: int = 1, per_page: int = 25, count_up_to: int | None = None,
    staff: User | None = None,
) -> Page:
    """Proposals waiting for `staff` (default: the signed-in person), those of their centre's
    needs, by the filters, the most valuable first unless sorted by urgency, deadline or age
    (counted up to `count_up_to` + 1, when given)."""
    query = (
        select(Match)
        .join(Need, Match.need_id == Need.id)
        .join(Offer, Match.offer_id == Offer.id)
        .where(Match.status == MatchStatus.PROPOSED)
        # Past a need's deadline or an offer's end counts as expired, stored yet or not.
        .where(post_status_conditions(Need, None), post_status_conditions(Offer, None))
        .where(*match_conditions(filters.but(status=None)))
        .where(*age_conditions(Match.created_at, filters))
        .where(*needs_in_scope(staff))
        .options(*_QUEUE_SHOWN)
    )
    order = {
        "urgency": (URGENCY_ORDER, Match.value.desc()),
        "deadline": (Need.needed_by, Match.value.desc()),
        "age": (Match.created_at,),
    }.get(filters.sort, (Match.value.desc(),))
    return paginate(query.order_by(*order, Match.id), page, per_page, count_up_to)


def matches_of(user: User, page: int = 1, per_page: int = 20) -> Page:
    """The matches of a donor's offers, or of an NGO's needs and offers, newest first."""
    query = (
        select(Match)
        .join(Offer, Match.offer_id == Offer.id)
        .join(Need, Match.need_id == Need.id)
        .where(Match.status.in_(SIDE_STATUSES))
        .options(*MATCH_SHOWN)
    )
    if user.role == Role.NGO and user.organisation_id is not None:
        query = query.where(
            or_(Need.organisation_id == user.organisation_id,
                Offer.organisation_id == user.organisation_id)
        )
    elif user.role == Role.DONOR and user.organisation_id is not None:
        query = query.where(Offer.organisation_id == user.organisation_id)
    elif user.role == Role.DONOR:
        query = query.where(Offer.donor_id == user.id)
    else:
        query = query.where(false())
    return paginate(query.order_by(Match.created_at.desc(), Match.id.desc()), page, per_page)

