"""What the pages list: the staff's review queue and each side's matches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from web.matches.models import Match
from web.models import User
from web.posts.models import Need, Offer
from web.posts.services import Page, paginate

SIDE_STATUSES = ("proposed", "confirmed", "fulfilled", "cancelled")


def review_queue(filters: Mapping[str, Any], page: int = 1, per_page: int = 25) -> Page[Match]:
    """Proposals waiting for staff, the most valuable first, filtered by the need's side."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    query = (
        select(Match)
        .join(Need, Match.need_id == Need.id)
        .join(Offer, Match.offer_id == Offer.id)
        .where(Match.status == "proposed")
    )
    if filters.get("sector"):
        query = query.where(
            Need.category_id.in_([c.id for c in taxonomy.in_sector(filters["sector"])])
        )
    if filters.get("category"):
        wanted = filters["category"]
        ids = [c.id for c in taxonomy.categories.values() if wanted in c.path]
        query = query.where(or_(Need.category_id.in_(ids), Offer.category_id.in_(ids)))
    if filters.get("place"):
        wanted = filters["place"]
        ids = [p.id for p in places.places.values() if wanted in (p.id, p.municipality)]
        query = query.where(or_(Need.place_id.in_(ids), Offer.place_id.in_(ids)))
    if filters.get("urgency"):
        query = query.where(Need.urgency == filters["urgency"])
    if filters.get("organisation"):
        organisation = filters["organisation"]
        query = query.where(
            or_(Need.organisation_id == organisation, Offer.organisation_id == organisation)
        )
    return paginate(query.order_by(Match.value.desc(), Match.id), page, per_page)


def matches_of(user: User, page: int = 1, per_page: int = 20) -> Page[Match]:
    """The matches of a donor's offers, or of an NGO's needs and offers, newest first."""
    query = (
        select(Match)
        .join(Offer, Match.offer_id == Offer.id)
        .join(Need, Match.need_id == Need.id)
        .where(Match.status.in_(SIDE_STATUSES))
    )
    if user.role == "ngo" and user.organisation_id is not None:
        query = query.where(
            or_(Need.organisation_id == user.organisation_id,
                Offer.organisation_id == user.organisation_id)
        )
    elif user.role == "donor" and user.organisation_id is not None:
        query = query.where(Offer.organisation_id == user.organisation_id)
    elif user.role == "donor":
        query = query.where(Offer.donor_id == user.id)
    else:
        query = query.where(False)
    return paginate(query.order_by(Match.created_at.desc(), Match.id.desc()), page, per_page)
