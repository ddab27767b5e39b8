"""The call to donors during an emergency: everyone whose past offers fit its scope (the
category or sector, and an area within the offer's reach, or given online) hears once,
through the outbox, in their language, as their mail preferences allow.

Donors who saved interests are reached by the interests' alerts (web/interests); this module
reaches those who never saved any, through what they gave before.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from web.clock import today
from web.emergencies.models import Emergency, EmergencyCall
from web.emergencies.scope import active_emergencies, covers_what
from web.emergencies.services import most_needed
from web.extensions import db
from web.i18n import place_name, unit_label
from web.matches.bridge import coordinates, haversine_km
from web.models import User, utcnow
from web.notifications.outbox import notify
from web.posts.models import Offer

ITEMS_IN_CALL = 5


def _area_points(emergency: Emergency) -> list[tuple[float, float]]:
    places = current_app.extensions["komvos.places"].places
    return [(places[a].lat, places[a].lon) for a in emergency.areas or () if a in places]


def _within_reach(offer: Offer, points: list[tuple[float, float]]) -> bool:
    if offer.remote or not points:
        return True
    lat, lon = coordinates(offer)
    # A municipality is a few km across: count its centre as reached a little beyond reach.
    reach = offer.reach_km + 3.0
    return any(haversine_km(lat, lon, p_lat, p_lon) <= reach for p_lat, p_lon in points)


def donors_to_call(emergency: Emergency) -> list[User]:
    """Active people whose past offers (any status) fit the emergency, not yet called."""
    called = set(db.session.scalars(
        select(EmergencyCall.user_id).where(EmergencyCall.emergency_id == emergency.id)))
    points = _area_points(emergency)
    found: dict[int, User] = {}
    offers = db.session.scalars(select(Offer).order_by(Offer.donor_id, Offer.id))
    for offer in offers:
        if offer.donor_id in called or offer.donor_id in found:
            continue
        donor = offer.donor
        if not donor.active or donor.erased_at is not None or donor.role not in ("donor", "ngo"):
            continue
        if covers_what(emergency, offer.category_id) and _within_reach(offer, points):
            found[donor.id] = donor
    return [found[i] for i in sorted(found)]


def _items(emergency: Emergency) -> list[dict[str, object]]:
    return [{"title": n.title, "lacking": n.remaining_quantity, "unit": unit_label(n.unit),
             "area": place_name(n.place_id), "link": f"/offers/new?need={n.id}"}
            for n in most_needed(emergency, ITEMS_IN_CALL)]


def _call(emergency: Emergency, donor: User) -> bool:
    """Write one donor's call and its once-only row; False when someone else already did."""
    try:
        with db.session.begin_nested():
            db.session.add(EmergencyCall(emergency_id=emergency.id, user_id=donor.id))
            db.session.flush()
    except IntegrityError:  # another worker called this donor first
        return False
    with force_locale(donor.language):
        context = {"title": emergency.title(donor.language),
                   "message": emergency.message(donor.language),
                   "items": _items(emergency), "page": f"/emergencies/{emergency.id}"}
    notify(donor, "emergency_call", context, link=f"/emergencies/{emergency.id}",
           dedupe_key=f"emergency_call:{emergency.id}:{donor.id}")
    return True


def call_donors(emergency: Emergency, batch: int | None = None) -> int:
    """Call the next `batch` donors of an active emergency (one commit); how many were
    called. When none are left the emergency is marked called."""
    if not emergency.is_active(today()):
        return 0
    batch = batch or current_app.config["KOMVOS"]["emergency_call_batch"]
    waiting = donors_to_call(emergency)
    made = sum(1 for donor in waiting[:batch] if _call(emergency, donor))
    if len(waiting) <= batch and emergency.called_at is None:
        emergency.called_at = utcnow()
    db.session.commit()
    return made


def call_all(emergencies: Iterable[Emergency] | None = None,
             batch: int | None = None) -> int:
    """One batch for every emergency in force (the scheduler's or cron's step)."""
    return sum(call_donors(e, batch) for e in list(emergencies or active_emergencies()))
