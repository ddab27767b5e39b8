"""What the pages list: the staff's review queue and each side's matches."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from web.listing import ListFilters, age_conditions, match_conditions
from web.matches.models import Match
from web.models import User
from web.posts.models import Need, Offer
from web.posts.services import URGENCY_ORDER, Page, paginate
from web.statuses import MatchStatus, Role

SIDE_STATUSES = (
    MatchStatus.PROPOSED, MatchStatus.CONFIRMED, MatchStatus.FULFILLED, MatchStatus.CANCELLED
)
# Both sides of every match on a page, and who is behind each, in a few queries a page
# rather than a few a match.
WITH_SIDES = (
    selectinload(Match.offer).selectinload(Offer.donor),
    selectinload(Match.offer).selectinload(Offer.organisation),
    selectinload(Match.need).selectinload(Need.poster),
    selectinload(Match.need).selectinload(Need.organisation),
)


def review_queue(filters: ListFilters, page: int = 1, per_page: int = 25) -> Page[Match]:
    """Proposals waiting for staff, by the filters, the most valuable first unless sorted
    by urgency, deadline or age."""
    query = (
        select(Match)
        .join(Need, Match.need_id == Need.id)
        .join(Offer, Match.offer_id == Offer.id)
        .where(Match.status == MatchStatus.PROPOSED)
        .where(*match_conditions(filters.but(status=None)))
        .where(*age_conditions(Match.created_at, filters))
        .options(*WITH_SIDES)
    )
    order = {
        "urgency": (URGENCY_ORDER, Match.value.desc()),
        "deadline": (Need.needed_by, Match.value.desc()),
        "age": (Match.created_at,),
    }.get(filters.sort, (Match.value.desc(),))
    return paginate(query.order_by(*order, Match.id), page, per_page)


def matches_of(user: User, page: int = 1, per_page: int = 20) -> Page[Match]:
    """The matches of a donor's offers, or of an NGO's needs and offers, newest first."""
    query = (
        select(Match)
        .join(Offer, Match.offer_id == Offer.id)
        .join(Need, Match.need_id == Need.id)
        .where(Match.status.in_(SIDE_STATUSES))
        .options(*WITH_SIDES)
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
        query = query.where(False)
    return paginate(query.order_by(Match.created_at.desc(), Match.id.desc()), page, per_page)
