"""The matching-quality evaluation set (tests/data/quality.toml): read, default, validate.

The file's own header documents every field. This module only turns it into values and
fails loudly, naming the entry, when an item or a pair is malformed, so a typo in the set
never silently turns into a "missed pair".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "quality.toml"
KINDS = ("goods", "skill", "service")
URGENCIES = ("low", "normal", "high", "emergency")
STYLES = ("el", "el_plain", "el_caps", "greeklish", "en", "en_caps", "mixed")
TRAP_KINDS = (
    "false_friend",
    "language",
    "size",
    "stage",
    "product",
    "condition",
    "mode",
    "paid_vs_volunteer",
    "parent_child",
    "reach",
    "late",
    "expired",
)
EXPECTS = ("match", "trap")
_OFFSET = re.compile(r"^[+-]\d{1,4}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DEFAULTS: dict[str, dict[str, Any]] = {
    "offer": {
        "reach_km": None,  # not sent: the API's default applies
        "remote": False,
        "lot": 1,
        "available_from": "+0",
        "available_until": "",
        "posted": "",
        "donor": "",
        "donor_kind": "individual",
    },
    "need": {
        "reach_km": None,
        "urgency": "normal",
        "needed_by": "+30",
        "posted": "",
        "ngo": "",
    },
}


class QualitySetError(ValueError):
    """The evaluation set is malformed; the message names the entry."""


@dataclass(frozen=True, slots=True)
class Item:
    """An offer or a need as a person would post it, with what a good system makes of it."""

    side: str  # "offer" or "need"
    id: str
    kind: str
    typed: str
    title: str
    description: str
    quantity: int
    unit: str
    place: str
    expected_category: tuple[str, ...]
    expected_place: str
    style: str
    filler: bool
    typo: bool
    poster: str  # organisation or person posting it
    poster_kind: str  # individual | company | ngo
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def query(self) -> str:
        """What goes into the category picker: the typed words, else the title."""
        return self.typed or self.title

    def day(self, name: str, run_day: date) -> date | None:
        """A date field (an offset in days from the run's day), or None when blank."""
        value = self.extra.get(name, "")
        return run_day + timedelta(days=int(value)) if value else None

    def posted_day(self, run_day: date) -> date:
        """The day it was posted: given, or the earliest day its own dates allow (<= run day)."""
        posted = self.day("posted", run_day)
        if posted is not None:
            return posted
        start = self.day("available_from", run_day) if self.side == "offer" else None
        return min(run_day, start) if start else run_day


@dataclass(frozen=True, slots=True)
class Pair:
    """An offer and a need that a good matcher proposes ("match") or must not ("trap")."""

    offer: str
    need: str
    expect: str
    trap: str
    why: str


@dataclass(frozen=True, slots=True)
class QualitySet:
    """Every item and pair of the file."""

    offers: tuple[Item, ...]
    needs: tuple[Item, ...]
    pairs: tuple[Pair, ...]
    proposed_categories: tuple[str, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        """Offers then needs."""
        return self.offers + self.needs

    def item(self, item_id: str) -> Item:
        """An item by id."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def load_quality_set(
    path: Path | str = DATA_FILE,
    category_ids: set[str] | None = None,
    place_ids: set[str] | None = None,
    unit_names: set[str] | None = None,
) -> QualitySet:
    """Read and check the set; ids of the taxonomy and places are checked when given."""
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    proposed = tuple(sorted(data.get("proposed_categories", [])))
    known_categories = None if category_ids is None else category_ids | set(proposed)
    offers = tuple(
        _item("offer", raw, known_categories, place_ids, unit_names)
        for raw in data.get("offer", [])
    )
    needs = tuple(
        _item("need", raw, known_categories, place_ids, unit_names) for raw in data.get("need", [])
    )
    ids = [i.id for i in offers + needs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise QualitySetError(f"ids used twice: {', '.join(duplicates)}")
    pairs = tuple(
        _pair(raw, {o.id: o for o in offers}, {n.id: n for n in needs})
        for raw in data.get("pair", [])
    )
    seen = [(p.offer, p.need) for p in pairs]
    twice = sorted({f"{o}/{n}" for o, n in seen if seen.count((o, n)) > 1})
    if twice:
        raise QualitySetError(f"pairs listed twice: {', '.join(twice)}")
    return QualitySet(offers, needs, pairs, proposed)


def _item(
    side: str,
    raw: dict[str, Any],
    categories: set[str] | None,
    places: set[str] | None,
    units: set[str] | None,
) -> Item:
    name = f"{side} {raw.get('id', '?')!r}"

    def fail(message: str) -> QualitySetError:
        return QualitySetError(f"quality set: {name}: {message}")

    unknown = (
        set(raw)
        - set(_DEFAULTS[side])
        - {
            "id",
            "kind",
            "typed",
            "title",
            "description",
            "quantity",
            "unit",
            "place",
            "expected_category",
            "expected_place",
            "style",
            "filler",
            "typo",
        }
    )
    if unknown:
        raise fail(f"unknown fields {sorted(unknown)}")
    for required in (
        "id",
        "kind",
        "title",
        "quantity",
        "unit",
        "place",
        "expected_place",
        "style",
        "expected_category",
    ):
        if required not in raw:
            raise fail(f"'{required}' is missing")
    if not _SLUG.match(raw["id"]):
        raise fail("'id' must be a slug")
    if raw["kind"] not in KINDS:
        raise fail(f"kind {raw['kind']!r}")
    if raw["style"] not in STYLES:
        raise fail(f"style {raw['style']!r}; expected one of {', '.join(STYLES)}")
    expected = tuple(raw["expected_category"])
    filler = bool(raw.get("filler", False))
    if not expected and not filler:
        raise fail("only fillers may leave expected_category empty")
    if categories is not None and set(expected) - categories:
        raise fail(
            f"expected_category {sorted(set(expected) - categories)} is neither in the "
            "taxonomy nor in proposed_categories"
        )
    if places is not None and raw["expected_place"] not in places:
        raise fail(f"expected_place {raw['expected_place']!r} is not in places.toml")
    if units is not None and raw["unit"] not in units:
        raise fail(f"unit {raw['unit']!r} is not a unit of the taxonomy")
    if not isinstance(raw["quantity"], int) or raw["quantity"] < 1:
        raise fail("quantity must be a whole number from 1")
    extra = {**_DEFAULTS[side], **{k: raw[k] for k in _DEFAULTS[side] if k in raw}}
    for key in ("available_from", "available_until", "needed_by", "posted"):
        value = extra.get(key, "")
        if value and not _OFFSET.match(value):
            raise fail(f"{key} must be an offset like '+30' or '-10', not {value!r}")
    if side == "need" and extra["urgency"] not in URGENCIES:
        raise fail(f"urgency {extra['urgency']!r}")
    if side == "offer" and raw["quantity"] % extra["lot"]:
        raise fail("quantity must be a whole number of lots")
    poster = extra.pop("donor", "") if side == "offer" else extra.pop("ngo", "")
    poster_kind = extra.pop("donor_kind", "ngo") if side == "offer" else "ngo"
    if poster_kind not in ("individual", "company", "ngo"):
        raise fail(f"donor_kind {poster_kind!r}")
    return Item(
        side=side,
        id=raw["id"],
        kind=raw["kind"],
        typed=raw.get("typed", ""),
        title=raw["title"],
        description=raw.get("description", ""),
        quantity=raw["quantity"],
        unit=raw["unit"],
        place=raw["place"],
        expected_category=expected,
        expected_place=raw["expected_place"],
        style=raw["style"],
        filler=filler,
        typo=bool(raw.get("typo", False)),
        poster=poster or raw["id"],
        poster_kind=poster_kind,
        extra=extra,
    )


def _pair(raw: dict[str, Any], offers: dict[str, Item], needs: dict[str, Item]) -> Pair:
    name = f"pair {raw.get('offer')!r} / {raw.get('need')!r}"
    if raw.get("offer") not in offers:
        raise QualitySetError(f"quality set: {name}: no such offer")
    if raw.get("need") not in needs:
        raise QualitySetError(f"quality set: {name}: no such need")
    expect, trap = raw.get("expect"), raw.get("trap", "")
    if expect not in EXPECTS:
        raise QualitySetError(f"quality set: {name}: expect must be match or trap")
    if (expect == "trap") != bool(trap) or (trap and trap not in TRAP_KINDS):
        raise QualitySetError(f"quality set: {name}: a trap names one of {TRAP_KINDS}")
    if not raw.get("why"):
        raise QualitySetError(f"quality set: {name}: say why")
    return Pair(raw["offer"], raw["need"], expect, trap, raw["why"])


def obstacles(
    data: QualitySet,
    pair: Pair,
    taxonomy: Any,
    gazetteer: Any,
    run_day: date,
    default_reach_km: float,
) -> set[str]:
    """What stops a pair whatever the categories: kind, unit, reach, late, expired.

    A naive matcher sees no other obstacle; an expected pair must have none, and a trap only
    the one it is named after (reach, late, expired) or none."""
    from matching.geo import haversine_km

    offer, need = data.item(pair.offer), data.item(pair.need)
    found = set()
    if offer.kind != need.kind:
        found.add("kind")
    if not taxonomy.converts(offer.unit, need.unit):
        found.add("unit")
    here, there = gazetteer[offer.expected_place], gazetteer[need.expected_place]
    distance = haversine_km(here.lat, here.lon, there.lat, there.lon)
    reaches = [
        default_reach_km if i.extra["reach_km"] is None else i.extra["reach_km"]
        for i in (offer, need)
    ]
    if not offer.extra["remote"] and distance > min(reaches):
        found.add("reach")
    deadline = need.day("needed_by", run_day)
    if deadline is not None and (offer.day("available_from", run_day) or run_day) > deadline:
        found.add("late")
    until = offer.day("available_until", run_day)
    if until is not None and until < run_day:
        found.add("expired")
    return found


def expected_pairs_fit_together(data: QualitySet, unit_factors: dict[str, float]) -> bool:
    """True when one allocation gives every expected pair at least one unit without taking
    more than any offer has or any need lacks (so no expected pair must lose to another)."""
    import numpy as np
    from scipy.optimize import linprog

    pairs = [p for p in data.pairs if p.expect == "match"]
    items = sorted({p.offer for p in pairs} | {p.need for p in pairs})
    row = {item_id: i for i, item_id in enumerate(items)}
    usage = np.zeros((len(items), len(pairs)))
    for column, pair in enumerate(pairs):
        offer, need = data.item(pair.offer), data.item(pair.need)
        usage[row[pair.offer], column] = 1.0
        usage[row[pair.need], column] = unit_factors[offer.unit] / unit_factors[need.unit]
    capacity = np.array([data.item(i).quantity for i in items], dtype=float)
    result = linprog(
        np.zeros(len(pairs)),
        A_ub=usage,
        b_ub=capacity,
        bounds=[(1, None)] * len(pairs),
        method="highs",
    )
    return bool(result.status == 0)
