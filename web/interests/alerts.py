"""Saved interests at work: find the open needs that fit them, and write the alerts to the
outbox, each need once per recipient."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.clock import today
from web.extensions import db
from web.interests.models import FREQUENCIES, Interest, InterestSent
from web.interests.services import MIN_GAP, URGENT, unsubscribe_token
from web.links import public_base_url
from web.models import User, utcnow
from web.notifications.outbox import Addressee, notify, notify_address
from web.posts.models import ACTIVE_STATUSES, OFFER_ROLES, Need
from web.posts.services import URGENCY_ORDER
from web.statuses import NotificationStatus
from web.validation import InvalidInput

# Fitting needs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedFacts:
    """What an interest looks at in a need, read once per run."""

    id: int
    organisation_id: int | None
    kind: str
    urgent: bool
    where: frozenset[str]  # its place and that place's municipality
    path: frozenset[str]  # its category and the category's ancestors


@dataclass(frozen=True, slots=True)
class Wish:
    """An interest's choices as sets, read once per run."""

    kind: str | None
    categories: frozenset[str]
    areas: frozenset[str]
    urgent_nearby: bool
    organisation_id: int | None  # the follower's own organisation's needs never count


def facts_of(need: Need) -> NeedFacts:
    """The facts of one need."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    place = places.places.get(need.place_id or "")
    category = taxonomy.categories.get(need.category_id)
    where = {need.place_id or "", place.municipality if place else ""} - {""}
    path = set(category.path if category else ()) | {need.category_id}
    return NeedFacts(need.id, need.organisation_id, need.kind, need.urgency in URGENT,
                     frozenset(where), frozenset(path))


def wish_of(interest: Interest) -> Wish:
    """The choices of one interest."""
    organisation = interest.user.organisation_id if interest.user is not None else None
    return Wish(interest.kind, frozenset(interest.categories), frozenset(interest.areas),
                interest.urgent_nearby, organisation)


def wanted(wish: Wish, need: NeedFacts) -> bool:
    """Whether a need is what a wish asks to hear about (never the follower's own)."""
    if wish.organisation_id is not None and wish.organisation_id == need.organisation_id:
        return False
    if wish.areas and not wish.areas & need.where:
        return False
    urgent = wish.urgent_nearby and need.urgent
    topical = bool(wish.kind or wish.categories) or not wish.urgent_nearby
    if wish.kind and need.kind != wish.kind:
        topical = False
    if wish.categories and not wish.categories & need.path:
        topical = False
    return urgent or topical


def fits(interest: Interest, need: Need) -> bool:
    """Whether a need is what an interest asks to hear about."""
    return wanted(wish_of(interest), facts_of(need))


def open_needs() -> list[Need]:
    """Needs still lacking something, most urgent and soonest first."""
    query = select(Need).where(
        Need.status.in_(ACTIVE_STATUSES),
        Need.needed_by >= today(),
        Need.committed_quantity < Need.quantity,
    )
    return list(db.session.scalars(query.order_by(URGENCY_ORDER, Need.needed_by, Need.id)))


def _active_interests(frequency: str | None = None) -> list[Interest]:
    query = select(Interest).where(Interest.confirmed_at.is_not(None))
    if frequency is not None:
        query = query.where(Interest.frequency == frequency)
    return [i for i in db.session.scalars(query.order_by(Interest.id)) if _reachable(i)]


def _reachable(interest: Interest) -> bool:
    """A person who turned such mail off, or left, is not written to."""
    user = interest.user
    if user is None:
        return True
    return (
        user.active
        and user.erased_at is None
        and user.role in OFFER_ROLES
        and user.mail_mode != "off"
        and "interest_alert" not in (user.mail_kinds_off or ())
    )


def interested_donors(need: Need) -> list[User]:
    """Signed-in donors whose saved interests fit `need` and who still take such mail (for a
    call in an emergency, say)."""
    facts = facts_of(need)
    found: dict[int, User] = {}
    for interest in _active_interests():
        if interest.user is not None and wanted(wish_of(interest), facts):
            found.setdefault(interest.user.id, interest.user)
    return [found[k] for k in sorted(found)]


def interested_addresses(need: Need) -> list[Addressee]:
    """Confirmed public addresses whose interests fit `need`."""
    facts = facts_of(need)
    found: dict[str, Addressee] = {}
    for interest in _active_interests():
        if interest.email is not None and wanted(wish_of(interest), facts):
            found.setdefault(interest.email, Addressee(interest.email, interest.language))
    return [found[k] for k in sorted(found)]


# Sending ------------------------------------------------------------------------------------


def send_alerts(frequency: str, now: datetime | None = None) -> int:
    """Write one message per recipient whose `frequency` interests fit needs they were never
    told of; return how many messages. Each recipient commits on its own."""
    if frequency not in FREQUENCIES:
        raise InvalidInput("frequency", "immediate | daily | weekly")
    now = now or utcnow()
    needs = [(need, facts_of(need)) for need in open_needs()]
    if not needs:
        return 0
    by_recipient: dict[str, list[Interest]] = {}
    for interest in _active_interests(frequency):
        last = interest.last_sent_at
        if last is not None and now - last < MIN_GAP[frequency]:
            continue
        by_recipient.setdefault(interest.recipient, []).append(interest)
    made = 0
    for recipient, interests in by_recipient.items():
        made += _alert(recipient, interests, needs, now)
    return made


def _already_sent(recipient: str) -> set[int]:
    query = select(InterestSent.need_id).where(InterestSent.recipient == recipient)
    return set(db.session.scalars(query))


def _alert(
    recipient: str,
    interests: list[Interest],
    needs: Iterable[tuple[Need, NeedFacts]],
    now: datetime,
) -> int:
    sent = _already_sent(recipient)
    wishes = [wish_of(i) for i in interests]
    # Only the facts are read here: each commit expires the needs, and touching all of them
    # would reload every one for every recipient.
    fresh = [
        need
        for need, facts in needs
        if facts.id not in sent and any(wanted(w, facts) for w in wishes)
    ]
    limit = int(current_app.config["KOMVOS"].get("interest_alert_max_needs", 20))
    fresh = fresh[:limit]
    if not fresh:
        return 0
    for need in fresh:
        db.session.add(InterestSent(recipient=recipient, need_id=need.id, sent_at=now))
    for interest in interests:
        interest.last_sent_at = now
    first = interests[0]
    base = public_base_url()
    context = {
        "count": len(fresh),
        "needs": fresh,
        "pledge_links": {n.id: f"{base}/offers/new?need={n.id}" for n in fresh},
        "page_links": {n.id: f"{base}/needs/{n.id}" for n in fresh},
    }
    if first.user is not None:
        context["manage_link"] = f"{base}/account/interests"
        row = notify(first.user, "interest_alert", context, link="/needs")
        # the interest's own frequency decides, not the digest
        row.status = NotificationStatus.PENDING
    else:
        email = first.email or ""
        unsubscribe = f"{base}/interests/unsubscribe/{unsubscribe_token(email)}"
        context["unsubscribe_link"] = unsubscribe
        notify_address(
            Addressee(email, first.language), "interest_alert", context, link="/needs",
            list_unsubscribe=unsubscribe,
        )
    try:
        db.session.commit()
    except IntegrityError:  # another run told them meanwhile: theirs stands
        db.session.rollback()
        return 0
    return 1
