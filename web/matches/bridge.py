"""Rows to the engine's values and back: the only place the web speaks `matching`."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from flask import Flask, current_app

import matching
from matching.geo import haversine_km
from web.posts.models import Need, Offer
from web.reference import Gazetteer, Taxonomy


def load_policy(path: Path | str, taxonomy: Taxonomy) -> matching.Policy:
    """Read config/matching.toml with the taxonomy's units and substitutes; fail loudly."""
    with Path(path).open("rb") as handle:
        mapping = tomllib.load(handle)
    units = {
        name: {"dimension": unit.dimension, "factor": unit.factor}
        for name, unit in taxonomy.units.items()
    }
    related = [(c.id, other) for c in taxonomy.categories.values() for other in c.related]
    return matching.Policy.from_mapping(mapping, units=units, related=related)


def init_app(app: Flask) -> None:
    """Load and validate the engine's policy at start-up."""
    taxonomy = app.extensions["komvos.taxonomy"]
    app.extensions["komvos.policy"] = load_policy(app.config["MATCHING_FILE"], taxonomy)


def policy() -> matching.Policy:
    """The engine's weights and limits for this app."""
    return current_app.extensions["komvos.policy"]  # type: ignore[no-any-return]


def _registries() -> tuple[Taxonomy, Gazetteer]:
    return current_app.extensions["komvos.taxonomy"], current_app.extensions["komvos.places"]


def coordinates(post: Offer | Need) -> tuple[float, float]:
    """Exact coordinates when given, else the place's."""
    if post.latitude is not None and post.longitude is not None:
        return post.latitude, post.longitude
    place = _registries()[1][post.place_id]
    return place.lat, place.lon


def distance_km(offer: Offer, need: Need) -> float | None:
    """How far apart the two are (None for an offer given online)."""
    if offer.remote:
        return None
    return haversine_km(*coordinates(offer), *coordinates(need))


def engine_offer(offer: Offer, reserved: int = 0) -> matching.Offer:
    """An offer as the engine sees it: what is left after confirmed matches and `reserved`."""
    taxonomy = _registries()[0]
    category = taxonomy[offer.category_id]
    lat, lon = coordinates(offer)
    left = max(offer.remaining_quantity - reserved, 0)
    return matching.Offer(
        id=str(offer.id),
        kind=offer.kind,
        category_path=category.path,
        quantity=left - left % offer.lot,
        unit=offer.unit,
        lot=offer.lot,
        text=f"{offer.title}\n{offer.description}",
        category_terms=category.terms,
        lat=lat,
        lon=lon,
        reach_km=float(offer.reach_km),
        remote=offer.remote,
        available_from=offer.available_from,
        available_until=offer.available_until,
        organisation_id=f"o{offer.organisation_id}"
        if offer.organisation_id
        else f"u{offer.donor_id}",
    )


def engine_need(need: Need, received_recently: float = 0.0, reserved: int = 0) -> matching.Need:
    """A need as the engine sees it: what still lacks after confirmed matches and `reserved`."""
    taxonomy = _registries()[0]
    category = taxonomy[need.category_id]
    lat, lon = coordinates(need)
    return matching.Need(
        id=str(need.id),
        kind=need.kind,
        category_path=category.path,
        quantity=max(need.remaining_quantity - reserved, 0),
        unit=need.unit,
        urgency=need.urgency,
        requested=need.quantity,
        text=f"{need.title}\n{need.description}",
        category_terms=category.terms,
        lat=lat,
        lon=lon,
        reach_km=float(need.reach_km) if need.reach_km else None,
        needed_by=need.needed_by,
        organisation_id=f"o{need.organisation_id}",
        received_recently=received_recently,
    )


def compatible_category_ids(category_id: str, *, as_offer: bool) -> set[str]:
    """Categories whose items can match an item of `category_id` on the other side."""
    taxonomy = _registries()[0]
    paths = [c.path for c in taxonomy.categories.values()]
    return matching.compatible_categories(
        taxonomy[category_id].path, paths, policy(), as_offer=as_offer
    )


def allowed(offer: Offer, need: Need) -> bool:
    """The donor's restrictions to sectors or areas, if any, admit this need."""
    taxonomy, places = _registries()
    if offer.restrict_sectors and taxonomy[need.category_id].sector not in offer.restrict_sectors:
        return False
    if offer.restrict_areas:
        place = places[need.place_id]
        areas = {place.id, place.municipality, place.regional_unit}
        if not areas & set(offer.restrict_areas):
            return False
    return True


def run(
    offers: Iterable[matching.Offer],
    needs: Iterable[matching.Need],
    today: date,
) -> matching.Result:
    """A full run of the engine over what is open."""
    return matching.propose(list(offers), list(needs), policy(), today)


def unit_ratio(offer_unit: str, need_unit: str) -> float:
    """Need units per offer unit."""
    ratio = policy().unit_ratio(offer_unit, need_unit)
    return 1.0 if ratio is None else ratio


BREAKDOWN_ORDER: Mapping[str, int] = {
    name: i
    for i, name in enumerate(
        ("category", "text", "distance", "urgency", "deadline", "quantity", "fairness")
    )
}
