"""Use cases for offers and needs: post, edit, withdraw, list. Each commits once: a post
or an edit together with the engine's proposals for it (see `propose_within`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import current_app
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from web.audit import record_event
from web.clock import today
from web.committees.services import tell_of_urgent_need
from web.extensions import db
from web.matches.services import propose_within
from web.models import User
from web.notifications.outbox import notify, representatives
from web.posts.labels import STATUS_LABELS
from web.posts.models import ACTIVE_STATUSES, NEED_ROLES, OFFER_ROLES, Need, Offer
from web.posts.reading import read_post
from web.posts.schemas import NeedInput, OfferInput, PostInput
from web.validation import Conflict, InvalidFields, InvalidInput, plain_messages

T = TypeVar("T", Offer, Need)
MAX_PER_PAGE = 100
URGENCY_ORDER = case(
    {"emergency": 0, "high": 1, "normal": 2, "low": 3}, value=Need.urgency, else_=4
)
_OFFER_FIELDS = (
    "lot",
    "remote",
    "available_from",
    "available_until",
    "conditions",
    "restrict_sectors",
    "restrict_areas",
)
_NEED_FIELDS = ("urgency", "needed_by")
_COMMON_FIELDS = (
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "place",
    "latitude",
    "longitude",
    "reach_km",
)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, with what it takes to show the others."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _validated(schema: PostInput, raw: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return dict(schema.load(dict(raw)))
    except ValidationError as error:
        raise InvalidFields(plain_messages(error.messages)) from error


def _apply(post: Offer | Need, data: Mapping[str, Any]) -> None:
    _read(post, data)
    post.kind = data["kind"]
    post.category_id = data["category"]
    post.place_id = data["place"]
    for name in ("title", "description", "quantity", "unit", "latitude", "longitude", "reach_km"):
        setattr(post, name, data[name])
    fields = _OFFER_FIELDS if isinstance(post, Offer) else _NEED_FIELDS
    for name in fields:
        setattr(post, name, data[name])


def _read(post: Offer | Need, data: Mapping[str, Any]) -> None:
    """Store what the post's words say; an edit that leaves its words and category alone
    keeps the attributes it had (perhaps set by the poster)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    given = data.get("attributes")
    same_words = post.id is not None and (post.title, post.description, post.category_id) == (
        data["title"], data["description"], data["category"])
    if given is None and same_words:
        given = post.attributes
    given = {name: [v.casefold() for v in values] for name, values in (given or {}).items()}
    reading = read_post(taxonomy, taxonomy[data["category"]], data["title"],
                        data["description"], given, "offer" if isinstance(post, Offer) else "need")
    post.attributes = reading.attributes
    post.concepts = reading.concepts
    post.text_category_id = reading.text_category
    # Not stored: the answer to this request says the category was chosen for the poster.
    post.category_suggested = bool(data.get("category_suggested"))


def _current_values(post: Offer | Need) -> dict[str, Any]:
    values: dict[str, Any] = {
        "category": post.category_id,
        "place": post.place_id,
        **{n: getattr(post, n) for n in _COMMON_FIELDS if n not in ("category", "place")},
    }
    fields = _OFFER_FIELDS if isinstance(post, Offer) else _NEED_FIELDS
    values.update({n: getattr(post, n) for n in fields})
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _flush_edit() -> None:
    """Write the edit now, so a lost update is refused before anything else runs."""
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise Conflict("changed by someone else meanwhile") from error


# Offers -------------------------------------------------------------------------------------


def offers_of(user: User) -> Select[tuple[Offer]]:
    """The offers `user` may see and change: an organisation's (a company's or an NGO's)
    shared by its representatives, an individual's own."""
    if user.role not in OFFER_ROLES:
        return select(Offer).where(False)
    if user.organisation_id is not None:
        return select(Offer).where(Offer.organisation_id == user.organisation_id)
    return select(Offer).where(Offer.donor_id == user.id)


def _require_poster(user: User, roles: tuple[str, ...]) -> None:
    if user.role not in roles or not user.can_post:
        raise PermissionError("this account cannot post here")


def post_offer(
    user: User,
    raw: Mapping[str, Any],
    propose: bool = True,
    commit: bool = True,
    chosen_need: Need | None = None,
) -> Offer:
    """A donor, or a member NGO with something to spare, posts an offer; the engine proposes
    for it at once (never to the organisation's own needs) unless told not to.

    With `commit=False` (an import of many rows) the caller commits them all at once.
    `chosen_need` (an open need, from its public page) ties the offer to that need: the
    engine proposes that pair first and the NGO's representatives hear that a pledge waits.
    """
    _require_poster(user, OFFER_ROLES)
    data = _validated(OfferInput(), raw)
    offer = Offer(donor=user, organisation=user.organisation)
    _apply(offer, data)
    if chosen_need is not None:
        offer.chosen_need_id = chosen_need.id
    db.session.add(offer)
    db.session.flush()
    record_event(
        "offer.posted",
        actor=user,
        target=offer,
        quantity=offer.quantity,
        chosen_need=offer.chosen_need_id,
    )
    if chosen_need is not None:
        _tell_of_pledge(chosen_need, offer)
    if not commit:
        return offer
    if propose:
        propose_within(offer_id=offer.id)
    db.session.commit()
    return offer


def _tell_of_pledge(need: Need, offer: Offer) -> None:
    for person in representatives(need.organisation, need.poster):
        notify(
            person,
            "pledge_waiting",
            {"title": need.title, "quantity": offer.quantity, "unit": offer.unit},
            link=f"/needs/ours#need-{need.id}",
        )


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


def get_offer(user: User, offer_id: int) -> Offer:
    """An offer of `user`'s; another's is as good as missing (LookupError)."""
    offer = db.session.scalar(offers_of(user).where(Offer.id == offer_id))
    if offer is None:
        raise LookupError(offer_id)
    return offer


def _check_editable(post: Offer | Need, version: int | None, data: Mapping[str, Any]) -> None:
    if not post.is_active:
        raise InvalidInput(
            "status",
            gettext(
                "This can no longer be changed: it is %(status)s.",
                status=STATUS_LABELS[post.status],
            ),
        )
    if version is not None and version != post.version:
        raise Conflict("changed by someone else meanwhile")
    if data["quantity"] < post.committed_quantity:
        raise InvalidFields({"quantity": [_matched_message(post.committed_quantity)]})


def _matched_message(committed: int) -> str:
    return gettext("Already %(n)d are matched; the quantity cannot go below that.", n=committed)


def update_offer(
    user: User, offer_id: int, changes: Mapping[str, Any], version: int | None = None
) -> Offer:
    """Change an open offer; fields not given keep their values."""
    _require_poster(user, OFFER_ROLES)
    offer = get_offer(user, offer_id)
    data = _validated(OfferInput(), {**_current_values(offer), **changes})
    _check_editable(offer, version, data)
    _apply(offer, data)
    record_event("offer.edited", actor=user, target=offer, fields=sorted(changes))
    _flush_edit()
    propose_within(offer_id=offer.id)
    db.session.commit()
    return offer


def withdraw_offer(user: User, offer_id: int) -> Offer:
    """Take an offer back; only an open or partly matched one."""
    offer = get_offer(user, offer_id)
    _withdraw(Offer, offer, user, "offer.withdrawn")
    return offer


def _withdraw(model: type[Offer] | type[Need], post: Offer | Need, user: User, action: str) -> None:
    # Guarded on the status, so a concurrent change of state cannot be overwritten.
    changed = db.session.execute(
        update(model)
        .where(model.id == post.id, model.status.in_(ACTIVE_STATUSES))
        .values(status="withdrawn", version=model.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        db.session.refresh(post)
        raise InvalidInput(
            "status",
            gettext(
                "This can no longer be changed: it is %(status)s.",
                status=STATUS_LABELS[post.status],
            ),
        )
    record_event(action, actor=user, target=post)
    _withdraw_proposals(model, post.id)
    db.session.commit()
    db.session.refresh(post)


def list_offers(
    user: User, filters: Mapping[str, Any], page: int = 1, per_page: int = 20
) -> Page[Offer]:
    """The user's offers, newest first, filtered and paged."""
    query = _filtered(offers_of(user), Offer, filters)
    return paginate(query.order_by(Offer.created_at.desc(), Offer.id.desc()), page, per_page)


# Needs --------------------------------------------------------------------------------------


def needs_of(user: User) -> Select[tuple[Need]]:
    """The needs of `user`'s organisation (every representative shares them)."""
    if user.role == "ngo" and user.organisation_id is not None:
        return select(Need).where(Need.organisation_id == user.organisation_id)
    return select(Need).where(False)


def post_need(
    user: User, raw: Mapping[str, Any], propose: bool = True, commit: bool = True
) -> Need:
    """An NGO representative posts a need; the engine proposes for it unless told not to.

    With `commit=False` (an import of many rows) the caller commits them all at once."""
    _require_poster(user, NEED_ROLES)
    data = _validated(NeedInput(), raw)
    need = Need(organisation=user.organisation, poster=user)
    _apply(need, data)
    db.session.add(need)
    db.session.flush()
    record_event("need.posted", actor=user, target=need, quantity=need.quantity)
    if not commit:
        return need
    tell_of_urgent_need(need)
    if propose:
        propose_within(need_id=need.id)
    db.session.commit()
    return need


def get_need(user: User, need_id: int) -> Need:
    """A need of `user`'s organisation; another's is as good as missing (LookupError)."""
    need = db.session.scalar(needs_of(user).where(Need.id == need_id))
    if need is None:
        raise LookupError(need_id)
    return need


def update_need(
    user: User, need_id: int, changes: Mapping[str, Any], version: int | None = None
) -> Need:
    """Change an open need; fields not given keep their values."""
    _require_poster(user, NEED_ROLES)
    need = get_need(user, need_id)
    data = _validated(NeedInput(), {**_current_values(need), **changes})
    _check_editable(need, version, data)
    _apply(need, data)
    record_event("need.edited", actor=user, target=need, fields=sorted(changes))
    _flush_edit()
    propose_within(need_id=need.id)
    db.session.commit()
    return need


def close_need(user: User, need_id: int) -> Need:
    """Close a need the organisation no longer has."""
    need = get_need(user, need_id)
    _withdraw(Need, need, user, "need.closed")
    return need


def list_needs(
    user: User, filters: Mapping[str, Any], page: int = 1, per_page: int = 20
) -> Page[Need]:
    """The organisation's needs, most urgent and soonest first."""
    query = _filtered(needs_of(user), Need, filters)
    return paginate(_by_urgency(query), page, per_page)


def open_needs(filters: Mapping[str, Any], page: int = 1, per_page: int = 20) -> Page[Need]:
    """Open needs for the public page: most urgent and soonest first."""
    query = _filtered(select(Need).where(Need.status.in_(ACTIVE_STATUSES)), Need, filters)
    return paginate(_by_urgency(query), page, per_page)


def _by_urgency(query: Select[tuple[Need]]) -> Select[tuple[Need]]:
    return query.order_by(URGENCY_ORDER, Need.needed_by, Need.id)


# Shared -------------------------------------------------------------------------------------


def _withdraw_proposals(model: type[Offer] | type[Need], post_id: int) -> None:
    """Proposals of a withdrawn post lapse (confirmed matches stay until cancelled)."""
    from web.matches.models import Match

    side = Match.offer_id if model is Offer else Match.need_id
    db.session.execute(
        update(Match)
        .where(side == post_id, Match.status == "proposed")
        .values(status="superseded")
        .execution_options(synchronize_session=False)
    )


def _filtered(
    query: Select[Any], model: type[Offer] | type[Need], filters: Mapping[str, Any]
) -> Select[Any]:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    if filters.get("status"):
        query = query.where(model.status == filters["status"])
    if filters.get("kind"):
        query = query.where(model.kind == filters["kind"])
    if filters.get("sector"):
        ids = [c.id for c in taxonomy.in_sector(filters["sector"])]
        query = query.where(model.category_id.in_(ids))
    if filters.get("category"):
        wanted = filters["category"]
        ids = [c.id for c in taxonomy.categories.values() if wanted in c.path]
        query = query.where(model.category_id.in_(ids))
    if filters.get("place"):
        wanted = filters["place"]
        ids = [p.id for p in places.places.values() if wanted in (p.id, p.municipality)]
        query = query.where(model.place_id.in_(ids))
    if filters.get("urgency") and model is Need:
        query = query.where(Need.urgency == filters["urgency"])
    return query


def paginate(query: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run `query` for one page, with the total count."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total or 0, page=page, per_page=per_page)


def lapse_posts(model: type[Offer] | type[Need], post_ids: list[int]) -> None:
    """Withdraw these posts if still active, and their waiting proposals, inside the
    caller's transaction (an account being erased); confirmed matches stay."""
    if not post_ids:
        return
    db.session.execute(
        update(model)
        .where(model.id.in_(post_ids), model.status.in_(ACTIVE_STATUSES))
        .values(status="withdrawn", version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    for post_id in post_ids:
        _withdraw_proposals(model, post_id)
