"""What the pages list: the staff's review queue and each side's matches."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from web.centres.scope import needs_in_scope
from web.database import among
from web.extensions import db
from web.listing import (
    MATCH_SHOWN,
    ListFilters,
    age_conditions,
    match_conditions,
    post_status_conditions,
)
from web.matches.models import Match
from web.models import Organisation, User
from web.posts.models import Need, Offer
from web.posts.services import URGENCY_ORDER, Page, paginate
from web.statuses import MatchStatus, Role

SIDE_STATUSES = (
    MatchStatus.PROPOSED, MatchStatus.CONFIRMED, MatchStatus.FULFILLED, MatchStatus.CANCELLED
)


# The queue joins each proposal's need and offer to filter them: it loads them from the same
# rows. Their people and organisations come in small queries of their own: five more tables
# in that join cost PostgreSQL ~15 ms of planning a request (a custom plan every time), the
# small queries well under 1 ms together.
_QUEUE_SHOWN = (
    contains_eager(Match.offer).options(
        selectinload(Offer.organisation), selectinload(Offer.donor)),
    contains_eager(Match.need).options(
        selectinload(Need.organisation), selectinload(Need.poster)),
    selectinload(Match.assigned_to),
)
_OfferOrganisation, _NeedOrganisation = aliased(Organisation), aliased(Organisation)
_Donor, _Assignee = aliased(User), aliased(User)


def _name_of(model: Any, column: Any, key: Any) -> Any:
    """A column of the row `key` points to, as a scalar subquery of the select list (no join:
    joins are what the planner pays for)."""
    return select(column).where(model.id == key).scalar_subquery()


# What a card of the queue shows that is not under its offer's and need's versions: each a
# column of the queue's rows, so that the rows are the cards' cache keys (web.matches.cards).
QUEUE_ROW = (
    Match.id, Match.quantity, Match.score, Match.distance_km, Match.breakdown,
    Match.assigned_to_id,
    Offer.id.label("offer_id"), Offer.version.label("offer_version"),
    Need.id.label("need_id"), Need.version.label("need_version"),
    Need.organisation_id.label("need_organisation_id"),
    Need.category_id.label("need_category_id"), Need.place_id.label("need_place_id"),
    Need.centre_id.label("need_centre_id"),
    # With the ids, what tells a row from another that once had its id (a database emptied,
    # SQLite reusing the highest id of a deleted row).
    Match.created_at, Offer.created_at.label("offer_created_at"),
    Need.created_at.label("need_created_at"),
    _name_of(_OfferOrganisation, _OfferOrganisation.name, Offer.organisation_id)
    .label("offer_organisation"),
    _name_of(_OfferOrganisation, _OfferOrganisation.name_en, Offer.organisation_id)
    .label("offer_organisation_en"),
    _name_of(_OfferOrganisation, _OfferOrganisation.kind, Offer.organisation_id)
    .label("offer_organisation_kind"),
    _name_of(_Donor, _Donor.full_name, Offer.donor_id).label("donor_name"),
    _name_of(_NeedOrganisation, _NeedOrganisation.name, Need.organisation_id)
    .label("need_organisation"),
    _name_of(_NeedOrganisation, _NeedOrganisation.name_en, Need.organisation_id)
    .label("need_organisation_en"),
    _name_of(_Assignee, _Assignee.full_name, Match.assigned_to_id).label("assignee_name"),
)


def _queue(
    columns: Iterable[Any], filters: ListFilters, staff: User | None
) -> Select[Any]:
    """The proposals waiting for `staff`, by the filters, in the queue's order."""
    query = (
        select(*columns)
        .select_from(Match)
        .join(Need, Match.need_id == Need.id)
        .join(Offer, Match.offer_id == Offer.id)
        .where(Match.status == MatchStatus.PROPOSED)
        # Past a need's deadline or an offer's end counts as expired, stored yet or not.
        .where(post_status_conditions(Need, None), post_status_conditions(Offer, None))
        .where(*match_conditions(filters.but(status=None)))
        .where(*age_conditions(Match.created_at, filters))
        .where(*needs_in_scope(staff))
    )
    order = {
        "urgency": (URGENCY_ORDER, Match.value.desc()),
        "deadline": (Need.needed_by, Match.value.desc()),
        "age": (Match.created_at,),
    }.get(filters.sort, (Match.value.desc(),))
    return query.order_by(*order, Match.id)


def review_queue(
    filters: ListFilters, page: int = 1, per_page: int = 25, count_up_to: int | None = None,
    staff: User | None = None,
) -> Page:
    """Proposals waiting for `staff` (default: the signed-in person), those of their centre's
    needs, by the filters, the most valuable first unless sorted by urgency, deadline or age
    (counted up to `count_up_to` + 1, when given)."""
    query = _queue((Match,), filters, staff).options(*_QUEUE_SHOWN)
    return paginate(query, page, per_page, count_up_to)


def review_queue_rows(
    filters: ListFilters, page: int, per_page: int, count_up_to: int | None = None,
    staff: User | None = None,
) -> Page:
    """The same page as `review_queue`, as rows of `QUEUE_ROW` (no objects loaded)."""
    return paginate(_queue(QUEUE_ROW, filters, staff), page, per_page, count_up_to, rows=True)


def queue_matches(ids: Collection[int]) -> dict[int, Match]:
    """The proposals of `ids` with what their cards show, by id."""
    if not ids:
        return {}
    query = (
        select(Match).join(Need, Match.need_id == Need.id).join(Offer, Match.offer_id == Offer.id)
        .where(among(Match.id, ids)).options(*_QUEUE_SHOWN)
    )
    return {match.id: match for match in db.session.scalars(query)}


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

