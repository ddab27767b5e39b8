"""Reading offers and needs: whose they are, one of them, lists with filters and pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, and_, case, false, not_, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.base import ExecutableOption

from web.clock import today
from web.extensions import db
from web.listing import NEED_SHOWN, OFFER_SHOWN, ListFilters, post_conditions
from web.models import User
from web.pagination import Page, paginate
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.posts.sides import NEED, Side
from web.statuses import PostStatus

URGENCY_ORDER = case(
    {"emergency": 0, "high": 1, "normal": 2, "low": 3}, value=Need.urgency, else_=4
)
# The filters of a list of posts that the staff lists share (web/listing.py).
_SHARED_FILTERS = ("sector", "category", "place", "urgency")


def posts_of(side: Side, user: User) -> Select[Any]:
    """The posts on `side` that `user` may see and change: an organisation's, shared by its
    representatives; an individual donor's own offers."""
    model = side.model
    if not side.admits(user):
        return select(model).where(false())
    if user.organisation_id is not None:
        return select(model).where(model.organisation_id == user.organisation_id)
    if side.poster_column is not None:
        return select(model).where(getattr(model, side.poster_column) == user.id)
    return select(model).where(false())


def get_post(side: Side, user: User, post_id: int) -> Any:
    """A post of `user`'s on `side`; another's is as good as missing (LookupError)."""
    post = db.session.scalar(posts_of(side, user).where(side.model.id == post_id))
    if post is None:
        raise LookupError(post_id)
    return post


def open_need(need_id: int) -> Need:
    """An open need, as anyone may see it on its public page (LookupError otherwise)."""
    need = db.session.get(Need, need_id)
    if need is None or not need.is_active or need.needed_by < today():
        raise LookupError(need_id)  # past its deadline counts as expired, stored or not
    return need


def open_offer(offer_id: int) -> Offer:
    """An open offer, as member organisations and staff may see it (LookupError otherwise)."""
    offer = db.session.get(Offer, offer_id)
    ended = (
        offer is not None and offer.available_until is not None and offer.available_until < today()
    )
    if offer is None or not offer.is_active or ended:
        raise LookupError(offer_id)
    return offer


def list_posts(
    side: Side, user: User, filters: Mapping[str, Any], page: int = 1, per_page: int = 20,
    shown: Sequence[ExecutableOption] | None = None,
) -> Page:
    """The user's posts on `side`, filtered and paged: offers newest first, needs most
    urgent and soonest first. `shown`: the loader options of what the caller writes of each
    (by default what the pages show: the organisation and the poster loaded with it)."""
    if shown is None:
        shown = NEED_SHOWN if side is NEED else OFFER_SHOWN
    query = _filtered(posts_of(side, user), side, filters).options(*shown)
    if side is NEED:
        return paginate(_by_urgency(query), page, per_page)
    return paginate(query.order_by(Offer.created_at.desc(), Offer.id.desc()), page, per_page)


def open_needs(filters: Mapping[str, Any], page: int = 1, per_page: int = 20) -> Page:
    """Open needs for the public page: most urgent and soonest first; one past its deadline
    counts as expired whether or not the scheduled job has stored it yet."""
    query = select(Need).where(Need.status.in_(ACTIVE_STATUSES), Need.needed_by >= today())
    query = _filtered(query, NEED, filters).options(joinedload(Need.organisation))
    return paginate(_by_urgency(query), page, per_page)


def _by_urgency(query: Select[Any]) -> Select[Any]:
    return query.order_by(URGENCY_ORDER, Need.needed_by, Need.id)


def status_as_of_today(model: type[Offer] | type[Need], status: str) -> Any:
    """Posts whose status as of today (`current_status`) is `status`: one still open or partly
    matched past its deadline (a need) or end (an offer) counts as expired, as it reads, before
    the scheduled `flask expire` stores it."""
    if model is Need:
        past = Need.needed_by < today()
    else:
        past = and_(Offer.available_until.is_not(None), Offer.available_until < today())
    active = model.status.in_(ACTIVE_STATUSES)
    if status == PostStatus.EXPIRED:
        return or_(model.status == PostStatus.EXPIRED, and_(active, past))
    if status in ACTIVE_STATUSES:
        return and_(model.status == status, not_(past))
    return model.status == status


def _filtered(query: Select[Any], side: Side, filters: Mapping[str, Any]) -> Select[Any]:
    model = side.model
    if filters.get("status"):
        query = query.where(status_as_of_today(model, filters["status"]))
    if filters.get("kind"):
        query = query.where(model.kind == filters["kind"])
    shared = ListFilters(**{name: filters.get(name) or None for name in _SHARED_FILTERS})  # type: ignore[arg-type]  # the shared filters are str | None
    return query.where(*post_conditions(model, shared))
