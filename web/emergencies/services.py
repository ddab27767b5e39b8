"""Emergencies' use cases: declare, close (writing the report), what is most needed, the
short intake for NGOs. The call to donors is in `web.emergencies.calls`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy import select

from web.audit import record_event
from web.centres.scope import emergencies_in_scope, scoped
from web.centres.services import by_slug, default_centre
from web.clock import today
from web.emergencies.models import Emergency
from web.emergencies.schemas import EmergencyInput
from web.emergencies.scope import active_emergencies, covers, covers_what, forget_active
from web.extensions import db
from web.listing import post_status_conditions
from web.matches.models import Match
from web.models import User, utcnow
from web.posts.models import Need, Offer
from web.posts.schemas import NeedInput, load_post
from web.posts.services import NEED, post
from web.statuses import MatchStatus, Role
from web.validation import InvalidFields, plain_messages

FIELDS = ("title_el", "title_en", "message_el", "message_en", "sectors", "categories", "areas",
          "starts_on", "ends_on")
URGENCY_ORDER = {"emergency": 0, "high": 1, "normal": 2, "low": 3}


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise PermissionError("only the centre's staff declare and close emergencies")


def _validated(raw: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return dict(EmergencyInput().load(dict(raw)))
    except ValidationError as error:
        raise InvalidFields(plain_messages(error.messages)) from error


def _centre_of(staff: User, slug: str | None) -> int:
    """The centre an emergency is declared for: the staff member's own; the deployment's
    admin chooses one (default: the first)."""
    if not slug:
        return staff.centre_id or default_centre().id
    centre = by_slug(slug)
    if centre is None:
        raise InvalidFields({"centre": [gettext("Choose a centre from the list.")]})
    if staff.role != Role.ADMIN and centre.id != staff.centre_id:
        raise InvalidFields({"centre": [gettext("You declare emergencies for your own centre.")]})
    return centre.id


def declare_emergency(staff: User, raw: Mapping[str, Any]) -> Emergency:
    """Staff declare an emergency; from its first day needs in scope weigh more, the public
    sees a banner and donors are called (`calls.call_donors`, the next step)."""
    _require_staff(staff)
    data = _validated(raw)
    data["starts_on"] = data.get("starts_on") or today()
    emergency = Emergency(declared_by_id=staff.id, **{name: data[name] for name in FIELDS})
    emergency.centre_id = _centre_of(staff, data.get("centre"))
    db.session.add(emergency)
    db.session.flush()
    record_event("emergency.declared", actor=staff, target=emergency,
                 sectors=emergency.sectors, categories=emergency.categories,
                 areas=emergency.areas)
    db.session.commit()
    forget_active()
    return emergency


def get_emergency(emergency_id: int, staff: User | None = None) -> Emergency:
    """An emergency by id (LookupError when there is none, or when it is another centre's
    than `staff`'s)."""
    emergency = db.session.get(Emergency, emergency_id)
    if emergency is None:
        raise LookupError(emergency_id)
    return scoped(staff, emergency) if staff is not None else emergency


def public_emergency(emergency_id: int) -> Emergency:
    """An emergency the public may see: one in force (LookupError otherwise)."""
    emergency = get_emergency(emergency_id)
    if not emergency.is_active(today()):
        raise LookupError(emergency_id)
    return emergency


def list_emergencies(staff: User | None = None) -> list[Emergency]:
    """Every emergency (of `staff`'s centre when given), newest first."""
    query = select(Emergency).order_by(Emergency.id.desc())
    if staff is not None:
        query = query.where(*emergencies_in_scope(staff))
    return list(db.session.scalars(query))


def _moment(day: date) -> datetime:
    """The start of `day` in the centre's time zone, as the naive UTC the database keeps."""
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Athens"))
    local = datetime.combine(day, time.min, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _in_scope(emergency: Emergency, post: Need | Offer, by_area: bool = True) -> bool:
    if isinstance(post, Need) and post.centre_id != emergency.centre_id:
        return False  # another centre's need
    if by_area:
        return covers(emergency, post.category_id, post.place_id)
    return covers_what(emergency, post.category_id)


def _tally(items: list[tuple[str, int]]) -> dict[str, Any]:
    quantities: dict[str, int] = defaultdict(int)
    for unit, quantity in items:
        quantities[unit] += int(quantity or 0)
    return {"count": len(items), "quantities": dict(sorted(quantities.items()))}


def summarise(emergency: Emergency, until: datetime | None = None) -> dict[str, Any]:
    """What was asked, offered, confirmed and delivered in the emergency's scope while it
    lasted: needs in scope posted, offers of its categories posted (wherever the donor is),
    matches to needs in scope confirmed and received, with quantities per unit."""
    start, end = _moment(emergency.starts_on), until or utcnow()
    needs = [n for n in db.session.scalars(select(Need).where(
        Need.created_at >= start, Need.created_at <= end)) if _in_scope(emergency, n)]
    offers = [o for o in db.session.scalars(select(Offer).where(
        Offer.created_at >= start, Offer.created_at <= end))
        if _in_scope(emergency, o, by_area=False)]
    matches = [(m, n) for m, n in db.session.execute(
        select(Match, Need).join(Need, Match.need_id == Need.id).where(
            Match.confirmed_at.is_not(None), Match.confirmed_at >= start,
            Match.confirmed_at <= end)).all() if _in_scope(emergency, n)]
    delivered = [(m, n) for m, n in matches if m.status == MatchStatus.FULFILLED and m.fulfilled_at
                 and m.fulfilled_at <= end]
    return {
        "from": start.isoformat(), "until": end.isoformat(),
        "asked": _tally([(n.unit, n.quantity) for n in needs]),
        "offered": _tally([(o.unit, o.quantity) for o in offers]),
        "confirmed": _tally([(n.unit, m.promised_quantity or m.need_quantity)
                             for m, n in matches]),
        "delivered": _tally([(n.unit, m.received_quantity or m.need_quantity)
                             for m, n in delivered]),
    }


def close_emergency(staff: User, emergency_id: int) -> Emergency:
    """Close an emergency: it stops weighing in the engine and its report is kept."""
    _require_staff(staff)
    emergency = get_emergency(emergency_id, staff)
    if emergency.closed_at is not None:
        return emergency  # closing twice changes nothing
    now = utcnow()
    emergency.summary = summarise(emergency, now)
    emergency.closed_at, emergency.closed_by_id = now, staff.id
    record_event("emergency.closed", actor=staff, target=emergency)
    db.session.commit()
    forget_active()
    return emergency


def report_of(emergency: Emergency) -> dict[str, Any]:
    """The kept report of a closed emergency, or the figures so far of an open one."""
    return emergency.summary if emergency.summary is not None else summarise(emergency)


def category_ids_in_scope(emergency: Emergency) -> list[str]:
    """Every category the emergency covers."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    return sorted(c.id for c in taxonomy.categories.values()
                  if c.sector in emergency.sectors or set(c.path) & set(emergency.categories))


def place_ids_in_scope(emergency: Emergency) -> list[str] | None:
    """Every place in the emergency's areas (None: everywhere)."""
    if not emergency.areas:
        return None
    places = current_app.extensions["komvos.places"].places.values()
    return sorted(p.id for p in places if p.municipality in emergency.areas)


def most_needed(emergency: Emergency, limit: int = 100) -> list[Need]:
    """Open, uncovered needs in the emergency's scope: most urgent, then most lacking."""
    conditions = [post_status_conditions(Need, None), Need.committed_quantity < Need.quantity,
                  Need.category_id.in_(category_ids_in_scope(emergency)),
                  Need.centre_id == emergency.centre_id]
    places = place_ids_in_scope(emergency)
    if places is not None:
        conditions.append(Need.place_id.in_(places))
    found = list(db.session.scalars(select(Need).where(*conditions).limit(2000)))
    found.sort(key=lambda n: (URGENCY_ORDER.get(n.urgency, 9), -n.remaining_quantity,
                              n.needed_by, n.id))
    return found[:limit]


def needs_by_category_and_area(needs: list[Need]) -> list[tuple[str, str, str, int, int]]:
    """(category, municipality, unit, lacking, needs) totals, most needs first."""
    places = current_app.extensions["komvos.places"].places
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for need in needs:
        place = places.get(need.place_id)
        key = (need.category_id, place.municipality if place else need.place_id, need.unit)
        totals[key][0] += need.remaining_quantity
        totals[key][1] += 1
    rows = [(c, a, u, lacking, n) for (c, a, u), (lacking, n) in totals.items()]
    return sorted(rows, key=lambda r: (-r[4], -r[3], r[0], r[1]))


def intake_need(user: User, emergency_id: int, raw: Mapping[str, Any]) -> Need:
    """An NGO's short intake during an emergency: a need with few fields, pre-scoped (urgency
    emergency, needed by the expected end unless said); refused when outside the scope."""
    emergency = public_emergency(emergency_id)
    fields = {
        "kind": raw.get("kind") or None,
        "category": raw.get("category", ""),
        "title": raw.get("title", ""),
        "description": raw.get("description", ""),
        "quantity": raw.get("quantity", ""),
        "unit": raw.get("unit") or _default_unit(raw.get("category", "")),
        "urgency": "emergency",
        "needed_by": raw.get("needed_by") or emergency.ends_on.isoformat(),
        "place": raw.get("place", ""),
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    problems: dict[str, list[str]] = {}
    if fields["category"] and fields["category"] not in category_ids_in_scope(emergency):
        problems["category"] = [gettext("Choose one of the emergency's categories.")]
    allowed = place_ids_in_scope(emergency)
    if allowed is not None and fields["place"] and fields["place"] not in allowed:
        problems["place"] = [gettext("Choose a place within the emergency's areas.")]
    if problems:
        raise InvalidFields(problems)
    return post(NEED, user, load_post(NeedInput(), fields))  # type: ignore[no-any-return]  # the NEED side posts a Need


def _default_unit(category_id: str) -> str:
    category = current_app.extensions["komvos.taxonomy"].categories.get(category_id)
    return category.unit if category else ""


def banner_emergencies() -> list[Emergency]:
    """What the public banner shows: every emergency in force."""
    return active_emergencies()
