"""Posting and editing offers and needs. Each use case commits once: a post or an edit
together with the engine's proposals for it (see `propose_within`, `propose_for_new`).

The values come clean: the edge (a form, the API, an imported file) loaded them with the
side's schema. An edit checks once more the rules that tie fields together, over the stored
post with its changes, since only here are both known."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from web.audit import record_event
from web.centres.services import centre_for_need
from web.clock import today
from web.committees.services import tell_of_urgent_need
from web.extensions import db
from web.matches import periods
from web.matches.services import propose_for_new, propose_within
from web.models import User
from web.notifications.outbox import notify, representatives
from web.posts.labels import PER_WORDS, STATUS_LABELS
from web.posts.models import Need, Offer
from web.posts.queries import get_post
from web.posts.reading import read_post
from web.posts.schemas import check_post
from web.posts.sides import COLUMNS, OFFER, Side
from web.validation import Conflict, InvalidFields, InvalidInput


def require_poster(side: Side, user: User) -> None:
    """PermissionError unless `user` may post on `side` now (role, and approval)."""
    if not side.admits(user) or not user.can_post:
        raise PermissionError("this account cannot post here")


def post(
    side: Side,
    user: User,
    data: Mapping[str, Any],
    propose: bool = True,
    commit: bool = True,
    chosen_need: Need | None = None,
) -> Any:
    """Post an offer (a donor's, or a member NGO's with something to spare) or a need (an
    NGO representative's); the engine proposes for it at once (an offer never to the
    organisation's own needs) unless told not to.

    With `commit=False` (an import of many rows) the caller commits them all at once.
    `chosen_need` (an open need, from its public page) ties an offer to that need: the
    engine proposes that pair first and the NGO's representatives hear that a pledge waits.
    """
    require_poster(side, user)
    if side is OFFER:
        item: Offer | Need = Offer(donor=user, organisation=user.organisation)
    else:
        item = Need(organisation=user.organisation, poster=user)
    _apply(side, item, data)
    if isinstance(item, Need):
        item.centre_id = centre_for_need(user.organisation, item.place_id).id
    if chosen_need is not None and isinstance(item, Offer):
        item.chosen_need_id = chosen_need.id
    db.session.add(item)
    db.session.flush()
    extra = {"chosen_need": item.chosen_need_id} if isinstance(item, Offer) else {}
    record_event(f"{side.name}.posted", actor=user, target=item, quantity=item.quantity, **extra)
    if chosen_need is not None and isinstance(item, Offer):
        _tell_of_pledge(chosen_need, item)
    if not commit:
        return item
    if isinstance(item, Need):
        tell_of_urgent_need(item)
    if propose:
        propose_for_new(item)
    db.session.commit()
    return item


def update_post(
    side: Side, user: User, post_id: int, changes: Mapping[str, Any], version: int | None = None
) -> Any:
    """Change an open post; fields not given keep their values."""
    require_poster(side, user)
    item = get_post(side, user, post_id)
    data = {**side.values_of(item), **changes}
    check_post(side.schema(), data)
    _check_editable(item, version, data)
    _apply(side, item, data)
    record_event(f"{side.name}.edited", actor=user, target=item, fields=sorted(changes))
    _flush_edit()
    propose_within(**{f"{side.name}_id": item.id})
    db.session.commit()
    return item


def _apply(side: Side, item: Offer | Need, data: Mapping[str, Any]) -> None:
    _read(side, item, data)
    item.kind = data["kind"]
    for name in side.fields:
        setattr(item, COLUMNS.get(name, name), data[name])


def _read(side: Side, item: Offer | Need, data: Mapping[str, Any]) -> None:
    """Store what the post's words say; an edit that leaves its words and category alone
    keeps the attributes it had (perhaps set by the poster)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    given = data.get("attributes")
    same_words = item.id is not None and (item.title, item.description, item.category_id) == (
        data["title"], data["description"], data["category"])
    if given is None and same_words:
        given = item.attributes
    given = {name: [v.casefold() for v in values] for name, values in (given or {}).items()}
    reading = read_post(taxonomy, taxonomy[data["category"]], data["title"],
                        data["description"], given, side.name)
    item.attributes = reading.attributes
    item.concepts = reading.concepts
    item.text_category_id = reading.text_category
    # Not stored: the answer to this request says the category was chosen for the poster.
    item.category_suggested = bool(data.get("category_suggested"))


def _tell_of_pledge(need: Need, offer: Offer) -> None:
    for person in representatives(need.organisation, need.poster):
        notify(
            person,
            "pledge_waiting",
            {"title": need.title, "quantity": offer.quantity, "unit": offer.unit},
            link=f"/needs/ours#need-{need.id}",
        )


def _check_editable(item: Offer | Need, version: int | None, data: Mapping[str, Any]) -> None:
    if not item.is_active:
        raise no_longer_changeable(item)
    if version is not None and version != item.version:
        raise Conflict("changed by someone else meanwhile")
    if data["quantity"] < item.committed_quantity:
        raise InvalidFields({"quantity": [_matched_message(item.committed_quantity)]})
    if item.per is not None:
        held = periods.most_held_ahead(item, today())
        if data.get("per") != item.per and held:
            raise InvalidFields({"per": [gettext(
                "Confirmed matches count on this every %(per)s; it cannot change.",
                per=PER_WORDS[item.per])]})
        if data["quantity"] < held:
            raise InvalidFields({"quantity": [_matched_message(held)]})


def no_longer_changeable(item: Offer | Need) -> InvalidInput:
    """The error for a post whose status no longer allows a change."""
    status = STATUS_LABELS[item.status]
    return InvalidInput(
        "status", gettext("This can no longer be changed: it is %(status)s.", status=status)
    )


def _matched_message(committed: int) -> str:
    return gettext("Already %(n)d are matched; the quantity cannot go below that.", n=committed)


def _flush_edit() -> None:
    """Write the edit now, so a lost update is refused before anything else runs."""
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise Conflict("changed by someone else meanwhile") from error
