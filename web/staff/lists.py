"""The rows behind the staff's lists, their exports and the dashboard's links.

Each query takes the filters and whose rows may be seen: staff see their centre's
(web/centres/scope.py; offers are national), an NGO its own needs and their matches, a donor
its own offers and their matches.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select

from web.centres.scope import needs_in_scope, organisations_in_scope
from web.listing import (
    ListFilters,
    age_conditions,
    contains,
    match_conditions,
    post_conditions,
    post_status_conditions,
    week_conditions,
)
from web.matches.models import Match
from web.models import ORGANISATION_STATUSES, Organisation, User
from web.posts.models import Need, Offer
from web.posts.services import URGENCY_ORDER
from web.statuses import LEDGER_STATUSES, MatchStatus, OrganisationKind, Role

LIST_KINDS = ("needs", "offers", "matches", "organisations")
# What an NGO's and a donor's representatives may export of their own.
OWN_KINDS = {Role.NGO: ("needs", "matches"), Role.DONOR: ("offers", "matches")}
# The match statuses the staff's list of matches shows (proposals have the review queue).
LISTED_MATCH_STATUSES = (
    MatchStatus.CONFIRMED, MatchStatus.FULFILLED, MatchStatus.CANCELLED, MatchStatus.REJECTED
)
# What each side sees of its own matches (proposals wait for staff first).
_OWN_MATCH_STATUSES = (MatchStatus.CONFIRMED, MatchStatus.FULFILLED, MatchStatus.CANCELLED)


def _offers_of(user: User) -> Any:
    if user.organisation_id is not None:
        return Offer.organisation_id == user.organisation_id
    return Offer.donor_id == user.id


def may_list(user: User, kind: str) -> bool:
    """Whether `user` may list or export rows of `kind`."""
    if user.is_staff:
        return kind in LIST_KINDS
    return kind in OWN_KINDS.get(user.role, ())


def needs_query(filters: ListFilters, user: User) -> Select[Need]:
    """Needs by the filters (open ones unless a status is chosen), most urgent first."""
    query = select(Need).where(*post_conditions(Need, filters))
    if user.is_staff or filters.status:  # people's own lists show every status by default
        query = query.where(post_status_conditions(Need, filters.status))
    query = query.where(*age_conditions(Need.created_at, filters))
    if user.is_staff:
        query = query.where(*needs_in_scope(user))
    else:
        query = query.where(
            Need.organisation_id == user.organisation_id if user.role == Role.NGO else false()
        )
    if filters.sort == "age":
        return query.order_by(Need.created_at, Need.id)
    if filters.sort == "deadline":
        return query.order_by(Need.needed_by, Need.id)
    return query.order_by(URGENCY_ORDER, Need.needed_by, Need.id)


def offers_query(filters: ListFilters, user: User) -> Select[Offer]:
    """Offers by the filters (open ones unless a status is chosen), newest first."""
    query = select(Offer).where(*post_conditions(Offer, filters))
    if user.is_staff or filters.status:
        query = query.where(post_status_conditions(Offer, filters.status))
    query = query.where(*age_conditions(Offer.created_at, filters))
    if not user.is_staff:
        query = query.where(_offers_of(user) if user.role == Role.DONOR else false())
    if filters.sort == "age":
        return query.order_by(Offer.created_at, Offer.id)
    return query.order_by(Offer.created_at.desc(), Offer.id.desc())


def _match_stamp(status: str | None) -> Any:
    return {
        MatchStatus.CONFIRMED: Match.confirmed_at,
        MatchStatus.FULFILLED: Match.fulfilled_at,
        MatchStatus.CANCELLED: Match.cancelled_at,
        MatchStatus.REJECTED: Match.decided_at,
    }.get(status or "", Match.created_at)  # type: ignore[call-overload]  # a str key: MatchStatus is a StrEnum


def matches_query(filters: ListFilters, user: User) -> Select[Match]:
    """Matches by the filters (decided ones; `status` narrows), newest first."""
    stamp = _match_stamp(filters.status)
    query = (
        select(Match)
        .join(Need, Match.need_id == Need.id)
        .join(Offer, Match.offer_id == Offer.id)
        .where(*match_conditions(filters))
        .where(*age_conditions(stamp, filters), *week_conditions(Match.fulfilled_at, filters))
    )
    if filters.status is None:
        statuses = LISTED_MATCH_STATUSES if user.is_staff else LEDGER_STATUSES
        query = query.where(Match.status.in_(statuses))
    if user.is_staff:
        query = query.where(*needs_in_scope(user))  # a match is its need's centre's
    else:
        if user.role == Role.NGO:
            query = query.where(Need.organisation_id == user.organisation_id)
        elif user.role == Role.DONOR:
            query = query.where(_offers_of(user))
        else:
            query = query.where(false())
        query = query.where(Match.status.in_(_OWN_MATCH_STATUSES))
    if filters.sort == "age":
        return query.order_by(stamp, Match.id)
    return query.order_by(stamp.desc(), Match.id.desc())


def organisations_query(filters: ListFilters, user: User) -> Select[Organisation]:
    """Member organisations and donor companies (never the centre), by name."""
    query = select(Organisation).where(Organisation.kind != OrganisationKind.CENTRE)
    if filters.status in ORGANISATION_STATUSES:
        query = query.where(Organisation.status == filters.status)
    if filters.q:
        query = query.where(contains(Organisation.name, filters.q))
    if filters.sector:
        query = query.where(Organisation.sector == filters.sector)
    query = query.where(*organisations_in_scope(user)) if user.is_staff else query.where(false())
    return query.order_by(Organisation.name, Organisation.id)


QUERIES = {
    "needs": needs_query,
    "offers": offers_query,
    "matches": matches_query,
    "organisations": organisations_query,
}


def list_query(kind: str, filters: ListFilters, user: User) -> Select[Any]:
    """The query of one kind of list."""
    return QUERIES[kind](filters, user)
