"""Which emergencies are active and which needs and offers fall in their scope.

`active_emergencies()` and `emergency_scope_matches(need)` are the functions other features
call (the engine's bridge, committees, saved interests). The active list is read once per
database transaction, so a full run over 100k needs asks the database once, and whatever
commits next (a declaration, a closing, another process's) is seen by the next transaction.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from web.clock import today
from web.emergencies.models import Emergency
from web.extensions import db
from web.posts.models import Need, Offer

_CACHE = "komvos_active_emergencies"


def _scoped(day: date) -> tuple[tuple[Emergency, frozenset[str], frozenset[str] | None], ...]:
    """The emergencies in force on `day`, each with the category ids and place ids it covers
    (None: every place); read once per transaction."""
    session = db.session()
    cached = session.info.get(_CACHE)
    transaction = session.get_transaction()
    if cached is not None and transaction is not None and cached[0] is transaction \
            and cached[1] == day:
        return cached[2]  # type: ignore[no-any-return]
    found = db.session.scalars(
        select(Emergency)
        .where(Emergency.closed_at.is_(None), Emergency.starts_on <= day,
               Emergency.ends_on >= day)
        .order_by(Emergency.starts_on, Emergency.id))
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"].places.values()
    scoped = tuple(
        (e, frozenset(c.id for c in taxonomy.categories.values() if covers_what(e, c.id)),
         frozenset(p.id for p in places if covers_area(e, p.id)) if e.areas else None)
        for e in found)
    session.info[_CACHE] = (session.get_transaction(), day, scoped)
    return scoped


def active_emergencies(day: date | None = None) -> list[Emergency]:
    """Emergencies in force on `day` (default today), oldest first."""
    return [e for e, _categories, _places in _scoped(day or today())]


def forget_active() -> None:
    """Read the active emergencies afresh next time (after a declaration or a closing)."""
    db.session().info.pop(_CACHE, None)


def covers_what(emergency: Emergency, category_id: str) -> bool:
    """Whether the emergency covers items of `category_id` (by sector or category)."""
    category = current_app.extensions["komvos.taxonomy"].categories.get(category_id)
    if category is None:
        return False
    return (category.sector in (emergency.sectors or ())
            or bool(set(category.path) & set(emergency.categories or ())))


def covers_area(emergency: Emergency, place_id: str) -> bool:
    """Whether `place_id` lies in the emergency's areas (all places when it names none)."""
    if not emergency.areas:
        return True
    place = current_app.extensions["komvos.places"].places.get(place_id)
    return place is not None and bool({place.id, place.municipality} & set(emergency.areas))


def covers(emergency: Emergency, category_id: str, place_id: str) -> bool:
    """Whether an item of `category_id` at `place_id` falls in the emergency's scope."""
    return covers_what(emergency, category_id) and covers_area(emergency, place_id)


def emergency_scope_matches(need: Need | Offer, day: date | None = None) -> list[Emergency]:
    """The active emergencies whose scope covers this need (or offer), oldest first."""
    return [e for e, categories, places in _scoped(day or today())
            if need.category_id in categories and (places is None or need.place_id in places)
            # A need counts in its own centre's emergencies; an offer is national.
            and (not isinstance(need, Need) or need.centre_id == e.centre_id)]


def emergency_factor() -> float:
    """How many times as much a need in an emergency weighs (what the pages say)."""
    return 1.0 + float(current_app.extensions["komvos.policy"].emergency_weight)


def emergency_weight_of(need: Need) -> float:
    """The engine's `Need.emergency` for this need: 1 inside an active emergency, else 0."""
    return 1.0 if emergency_scope_matches(need) else 0.0
