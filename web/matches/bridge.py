"""Rows to the engine's values and back: the only place the web speaks `matching`.

Every call into the engine (a full run, one offer or one need against what is open) and every
engine type the web names (`Result`, `Proposal`, `MatchingError`) goes through this module;
tests/test_purity.py parses web/ and fails on an import of `matching` anywhere else.

The one exception is `web/reference`: the taxonomy and the gazetteer are built on the
engine's text and search pieces (`matching.text`, `matching.search`, `matching.attributes`),
so that places and categories are searched and read exactly as the engine reads posts. It
wraps them and offers its own surface (`Taxonomy.search`, `strip_accents`); nothing else in
the web reaches past it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import Row

import matching
from matching.geo import haversine_km as haversine_km  # for the web, through here
from web.clock import today
from web.emergencies.scope import active_emergencies, emergency_weight_of
from web.matches.periods import left_for_engine
from web.posts.models import Need, Offer
from web.posts.reading import effective_attributes, modes
from web.reference import Category, Gazetteer, Taxonomy

MatchingError = matching.MatchingError
Proposal = matching.Proposal
Result = matching.Result
OpenIndex = matching.OpenIndex
EngineOffer = matching.Offer
EngineNeed = matching.Need
# A post as an ORM object, or as a row of the columns the engine reads (web/matches/open_book.py:
# a full run over 200k posts reads rows, not objects). A recurring post is always an object.
OfferLike = Offer | Row[Any]
NeedLike = Need | Row[Any]
PostLike = OfferLike | NeedLike


def load_policy(path: Path | str, taxonomy: Taxonomy,
                emergency_weight: float | None = None) -> matching.Policy:
    """Read config/matching.toml with the taxonomy's units and substitutes; fail loudly.

    `emergency_weight` (komvos.toml's `emergency_weight`) is how much more a need in an
    active emergency's scope weighs."""
    with Path(path).open("rb") as handle:
        mapping = tomllib.load(handle)
    if emergency_weight is not None:
        mapping["emergency"] = {"weight": emergency_weight}
    units = {name: {"dimension": unit.dimension, "factor": unit.factor}
             for name, unit in taxonomy.units.items()}
    related = [(c.id, other) for c in taxonomy.categories.values() for other in c.related]
    strict = [name for name, a in taxonomy.attributes.items() if a.spec.strict]
    return matching.Policy.from_mapping(mapping, units=units, related=related,
                                        strict_attributes=strict)


def init_app(app: Flask) -> None:
    """Load and validate the engine's policy at start-up."""
    taxonomy = app.extensions["komvos.taxonomy"]
    app.extensions["komvos.policy"] = load_policy(
        app.config["MATCHING_FILE"], taxonomy, app.config["KOMVOS"]["emergency_weight"])


def policy() -> matching.Policy:
    """The engine's weights and limits for this app."""
    return current_app.extensions["komvos.policy"]  # type: ignore[no-any-return]


def _registries() -> tuple[Taxonomy, Gazetteer]:
    return current_app.extensions["komvos.taxonomy"], current_app.extensions["komvos.places"]


def coordinates(post: PostLike) -> tuple[float, float]:
    """Exact coordinates when given, else the place's."""
    return _Reader().coordinates(post)


def distance_km(offer: OfferLike, need: NeedLike) -> float | None:
    """How far apart the two are (None when the offer is given online to this need)."""
    accepted = modes(need.attributes or {}, remote=False)
    if "online" in modes(offer.attributes or {}, offer.remote) and (
            not accepted or "online" in accepted):
        return None
    return haversine_km(*coordinates(offer), *coordinates(need))


def engine_category(post: PostLike) -> Category:
    """The post's category as the engine sees it: the one its words point to, when they do
    (below the posted one: "glasses" that say "sunglasses"; or instead of it: "laptop bags"
    posted as laptops), else the posted one."""
    return _Reader().category(post)


class _Reader:
    """Posts to the engine's values, the registries, the day and the emergencies in force
    read once (a full run reads 200k posts); what depends only on a post's category, unit or
    stated attributes (decoded once per distinct JSON text, open_book.py) once for each."""

    def __init__(self) -> None:
        self.taxonomy, self.places = _registries()
        self._in_force: bool | None = None
        self._categories: dict[tuple[str | None, str], Category] = {}
        self._units: dict[tuple[str, str], str] = {}
        # (category, id(stated)) -> (stated, kept alive so its id is not reused; what it gives)
        self._attributes: dict[tuple[str, int], tuple[Any, dict[str, frozenset[str]]]] = {}

    def emergencies(self) -> bool:
        """Whether any emergency is in force today (else no need is in one's scope)."""
        if self._in_force is None:
            self._in_force = bool(active_emergencies(today()))
        return self._in_force

    def coordinates(self, post: PostLike) -> tuple[float, float]:
        if post.latitude is not None and post.longitude is not None:
            return post.latitude, post.longitude
        place = self.places[post.place_id]
        return place.lat, place.lon

    def category(self, post: PostLike) -> Category:
        key = (post.text_category_id, post.category_id)
        found = self._categories.get(key)
        if found is None:
            found = self._categories[key] = self.taxonomy.categories.get(
                post.text_category_id or "") or self.taxonomy[post.category_id]
        return found

    def unit(self, category: Category, unit: str) -> str:
        found = self._units.get((category.id, unit))
        if found is None:
            found = self._units[category.id, unit] = self.taxonomy.counted_unit(category, unit)
        return found

    def attributes(self, category: Category, stated: Any) -> dict[str, frozenset[str]]:
        """`effective_attributes`, shared between posts: never change it (the engine copies)."""
        key = (category.id, id(stated) if stated else 0)
        found = self._attributes.get(key)
        if found is None or (stated and found[0] is not stated):
            found = self._attributes[key] = (
                stated, effective_attributes(self.taxonomy, category, stated or {}))
        return found[1]

    def read(self, post: PostLike) -> tuple[Category, dict[str, object]]:
        """The post's category as the engine sees it, and what its words say."""
        category = self.category(post)
        return category, {
            "text": f"{post.title}\n{post.description}",
            "concepts": tuple(post.concepts or ()),
            "text_path": category.path if category.id == post.text_category_id else (),
            "attributes": self.attributes(category, post.attributes),
        }

    def capacity(self, post: PostLike) -> int:
        """What the post can still give or lacks: for a recurring one, per period, the least
        left in any period ahead (web/matches/periods.py)."""
        if post.per is None:
            return int(post.remaining_quantity)
        return left_for_engine(cast(Offer | Need, post), today())

    def offer(self, offer: OfferLike, reserved: int = 0) -> matching.Offer:
        category, words = self.read(offer)
        lat, lon = self.coordinates(offer)
        left = max(self.capacity(offer) - reserved, 0)
        given = modes(offer.attributes or {}, offer.remote)
        return matching.Offer(
            id=str(offer.id), kind=offer.kind, category_path=category.path,
            quantity=left - left % offer.lot,
            unit=self.unit(category, offer.unit), lot=offer.lot,
            lat=lat, lon=lon, reach_km=float(offer.reach_km), remote="online" in given,
            in_person=not given or "in_person" in given,
            available_from=offer.available_from, available_until=offer.available_until,
            organisation_id=f"o{offer.organisation_id}"
            if offer.organisation_id else f"u{offer.donor_id}",
            **words,  # type: ignore[arg-type]
        )

    def need(self, need: NeedLike, received_recently: float = 0.0,
             reserved: int = 0) -> matching.Need:
        category, words = self.read(need)
        lat, lon = self.coordinates(need)
        accepted = modes(need.attributes or {}, remote=False)
        return matching.Need(
            id=str(need.id), kind=need.kind, category_path=category.path,
            quantity=max(self.capacity(need) - reserved, 0),
            unit=self.unit(category, need.unit), urgency=need.urgency,
            requested=need.quantity, lat=lat, lon=lon,
            reach_km=float(need.reach_km) if need.reach_km else None,
            needed_by=need.needed_by, organisation_id=f"o{need.organisation_id}",
            received_recently=received_recently,
            online_ok=not accepted or "online" in accepted,
            in_person_ok=not accepted or "in_person" in accepted,
            emergency=emergency_weight_of(cast(Need, need)) if self.emergencies() else 0.0,
            **words,  # type: ignore[arg-type]
        )


def engine_offer(offer: OfferLike, reserved: int = 0) -> matching.Offer:
    """An offer as the engine sees it: what is left after confirmed matches and `reserved`."""
    return _Reader().offer(offer, reserved)


def engine_need(need: NeedLike, received_recently: float = 0.0,
                reserved: int = 0) -> matching.Need:
    """A need as the engine sees it: what still lacks after confirmed matches and `reserved`."""
    return _Reader().need(need, received_recently, reserved)


def engine_offers(offers: Iterable[OfferLike],
                  reserved: Mapping[int, int] | None = None) -> list[matching.Offer]:
    """Many offers as the engine sees them, less what `reserved` sets aside of each (by id),
    read with one reader."""
    reader, reserved = _Reader(), reserved or {}
    return [reader.offer(offer, reserved.get(offer.id, 0)) for offer in offers]


def engine_needs(needs: Iterable[NeedLike], received_recently: Mapping[int, float],
                 reserved: Mapping[int, int] | None = None) -> list[matching.Need]:
    """Many needs as the engine sees them, with what each organisation received lately,
    less what `reserved` sets aside of each (by id), read with one reader."""
    reader, reserved = _Reader(), reserved or {}
    return [reader.need(need, received_recently.get(need.organisation_id, 0.0),
                        reserved.get(need.id, 0)) for need in needs]


def compatible_category_ids(category_id: str, *, as_offer: bool) -> set[str]:
    """Categories whose items can match an item of `category_id` on the other side."""
    taxonomy = _registries()[0]
    paths = [c.path for c in taxonomy.categories.values()]
    return matching.compatible_categories(
        taxonomy[category_id].path, paths, policy(), as_offer=as_offer
    )


def allowed(offer: OfferLike, need: NeedLike) -> bool:
    """The donor's restrictions to sectors or areas, if any, admit this need, and both
    count in the same periods when both recur."""
    taxonomy, places = _registries()
    if offer.per and need.per and offer.per != need.per:
        return False  # a weekly offer and a monthly need count in different periods
    if offer.restrict_sectors and taxonomy[need.category_id].sector not in offer.restrict_sectors:
        return False
    if offer.restrict_areas:
        place = places[need.place_id]
        areas = {place.id, place.municipality, place.regional_unit}
        if not areas & set(offer.restrict_areas):
            return False
    return True


def run(offers: Iterable[matching.Offer], needs: Iterable[matching.Need],
        today: date) -> matching.Result:
    """A full run of the engine over what is open, in `match_workers` processes."""
    workers = current_app.config["KOMVOS"]["match_workers"]
    return matching.propose(list(offers), list(needs), policy(), today, workers=workers)


def propose_for_offer(offer: matching.Offer, needs: Iterable[matching.Need],
                      today: date) -> matching.Result:
    """One offer against the open needs given."""
    return matching.propose_for_offer(offer, list(needs), policy(), today)


def propose_for_need(need: matching.Need, offers: Iterable[matching.Offer],
                     today: date) -> matching.Result:
    """The open offers given against one need."""
    return matching.propose_for_need(need, list(offers), policy(), today)


def open_index(items: Iterable[matching.Offer] | Iterable[matching.Need]) -> Any:
    """An index of open offers (or needs) for many single proposals (`near`)."""
    return matching.OpenIndex(items)


def near(index: Any, item: matching.Offer | matching.Need, today: date | None) -> Sequence[Any]:
    """The indexed items that could pair with `item` (a superset of its candidates); with
    `today`, a remote offer gets only each group's nearest open needs (see matching/index.py)."""
    return index.near(item, policy(), today)  # type: ignore[no-any-return]


def without(result: matching.Result, proposals: Iterable[matching.Proposal]) -> matching.Result:
    """`result` carrying only `proposals` (a subset of its own)."""
    return matching.Result(result.candidates, tuple(proposals), result.objective, result.status)


def unit_ratio(offer_unit: str, need_unit: str) -> float:
    """Need units per offer unit."""
    ratio = policy().unit_ratio(offer_unit, need_unit)
    return 1.0 if ratio is None else ratio


BREAKDOWN_ORDER: Mapping[str, int] = {name: i for i, name in enumerate((
    "category", "text", "attributes", "distance", "urgency", "deadline", "quantity", "fairness"))}
