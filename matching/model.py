"""The engine's values: what goes in (Offer, Need) and what comes out (Candidate, Proposal)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from matching.errors import InputError

KINDS = ("goods", "skill", "service")
URGENCIES = ("low", "normal", "high", "emergency")


# Category paths already checked (a full run builds 200k items over a few hundred paths):
# a path equal to one of these is valid, so it is not walked again. Bounded; never emptied.
_CHECKED_PATHS: set[tuple[str, ...]] = set()
_CHECKED_AT_MOST = 1 << 14
# The one read-only empty mapping every item without attributes shares (nothing can change it).
_EMPTY: Mapping[str, frozenset[str]] = MappingProxyType({})


def _valid_path(path: object) -> bool:
    """A non-empty sequence of non-empty strings (root first)."""
    if type(path) is tuple:
        try:
            if path in _CHECKED_PATHS:
                return True
        except TypeError:  # an element that cannot be hashed is no string
            return False
    if not path or not all(isinstance(c, str) and c for c in path):  # type: ignore[attr-defined]
        return False
    if type(path) is tuple and len(_CHECKED_PATHS) < _CHECKED_AT_MOST:
        _CHECKED_PATHS.add(path)
    return True


def _check_common(item: Offer | Need) -> None:
    problem = _problem(item)
    if problem is not None:
        raise InputError(f"{type(item).__name__} {item.id!r}: {problem}")
    values = item.attributes.values()
    # Read-only, so the frozen item cannot change through its attributes.
    object.__setattr__(item, "attributes",
                       MappingProxyType(dict(item.attributes)) if values else _EMPTY)


def _problem(item: Offer | Need) -> str | None:
    """What is wrong with the fields offers and needs share, if anything."""
    if not isinstance(item.id, str) or not item.id:
        return "id must be a non-empty string"
    if item.kind not in KINDS:
        return f"kind must be one of {KINDS}, not {item.kind!r}"
    if not _valid_path(item.category_path):
        return "category_path must be a non-empty tuple of ids, root first"
    if not isinstance(item.quantity, int) or isinstance(item.quantity, bool) or item.quantity < 0:
        return "quantity must be a non-negative integer"
    if not item.unit:
        return "unit must be given"
    has_lat, has_lon = item.lat is not None, item.lon is not None
    if has_lat != has_lon:
        return "give both lat and lon, or neither"
    if item.lat is not None and item.lon is not None and not (
        -90.0 <= item.lat <= 90.0 and -180.0 <= item.lon <= 180.0
    ):
        return "coordinates out of range"
    for value in item.attributes.values():  # a loop: most items have none, or two or three
        if not isinstance(value, frozenset):
            return "attribute values must be frozensets"
    if item.text_path and not _valid_path(item.text_path):
        return "text_path must be a tuple of category ids, root first"
    return None


def _no_attributes() -> Mapping[str, frozenset[str]]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class Offer:
    """What a donor still has to give, as the engine needs it.

    Quantities are integers in the offer's own ``unit``; ``lot`` is the smallest part that can
    be handed over (1 for items given one by one, 50 for a box of 50 that cannot be opened).
    ``category_path`` runs root to leaf (the offer's own category last). ``text`` is the title
    and description. ``concepts`` are ids of the categories the text itself names (the web
    reads them with the taxonomy), so that `kouvertes` and `blankets` meet though their
    words differ. ``text_path`` is the category path the text points to when it is clear,
    else empty: a text about something the other side's category is not vetoes the pair.
    ``attributes`` holds, for each attribute of the category, the values stated (an empty
    set: not stated); two items with different values of one attribute never match.

    A ``remote`` offer can be given online (distance does not count); ``in_person`` (default:
    not remote) says it can also be given in person, within ``reach_km`` of ``lat``/``lon``.

    ``organisation_id`` names who gives (an organisation, or a person giving alone): an offer
    never meets a need of the same ``organisation_id``, so a member's surplus goes to others.
    """

    id: str
    kind: str
    category_path: tuple[str, ...]
    quantity: int
    unit: str
    lot: int = 1
    text: str = ""
    concepts: tuple[str, ...] = ()
    text_path: tuple[str, ...] = ()
    attributes: Mapping[str, frozenset[str]] = field(default_factory=_no_attributes)
    lat: float | None = None
    lon: float | None = None
    reach_km: float = 0.0
    remote: bool = False
    in_person: bool | None = None
    available_from: date | None = None
    available_until: date | None = None
    organisation_id: str | None = None

    def __post_init__(self) -> None:
        _check_common(self)
        if not isinstance(self.lot, int) or isinstance(self.lot, bool) or self.lot < 1:
            raise InputError(f"Offer {self.id!r}: lot must be a positive integer")
        if self.in_person is None:
            object.__setattr__(self, "in_person", not self.remote)
        if not (self.remote or self.in_person):
            raise InputError(f"Offer {self.id!r}: give it remotely, in person or both")
        if self.in_person and self.lat is None:
            raise InputError(f"Offer {self.id!r}: an offer given in person needs lat/lon")
        if not (self.reach_km >= 0.0 and math.isfinite(self.reach_km)):
            raise InputError(f"Offer {self.id!r}: reach_km must be a finite number >= 0")

    @property
    def category(self) -> str:
        """The offer's own category id (the leaf of its path)."""
        return self.category_path[-1]


@dataclass(frozen=True, slots=True)
class Need:
    """What an NGO still lacks, as the engine needs it.

    ``quantity`` is what is still lacking (integer, in ``unit``); ``requested`` is what was
    asked for in all (defaults to ``quantity``) and is the denominator of the share covered.
    ``reach_km`` is how far the NGO can go to collect (None: no limit of its own).
    ``received_recently`` is how much the organisation received lately, in the web's measure
    (for instance confirmed matches in the last 90 days); less scores higher on fairness.
    ``online_ok`` and ``in_person_ok`` say how the need may be met (a need that says "not
    online" is ``online_ok=False``). ``concepts``, ``text_path`` and ``attributes`` are as
    for `Offer`. ``emergency`` is 1 for a need in the scope of a declared emergency (0, the
    default, for none): its value is multiplied by 1 + the policy's ``emergency_weight``.
    """

    id: str
    kind: str
    category_path: tuple[str, ...]
    quantity: int
    unit: str
    urgency: str = "normal"
    requested: int | None = None
    text: str = ""
    concepts: tuple[str, ...] = ()
    text_path: tuple[str, ...] = ()
    attributes: Mapping[str, frozenset[str]] = field(default_factory=_no_attributes)
    lat: float | None = None
    lon: float | None = None
    reach_km: float | None = None
    needed_by: date | None = None
    organisation_id: str | None = None
    received_recently: float = 0.0
    online_ok: bool = True
    in_person_ok: bool = True
    emergency: float = 0.0

    def __post_init__(self) -> None:
        _check_common(self)
        if not (0.0 <= self.emergency <= 1.0):
            raise InputError(f"Need {self.id!r}: emergency must be between 0 and 1")
        if not (self.online_ok or self.in_person_ok):
            raise InputError(f"Need {self.id!r}: accept online, in person or both")
        if self.urgency not in URGENCIES:
            raise InputError(f"Need {self.id!r}: urgency must be one of {URGENCIES}")
        if self.requested is not None and self.requested < max(self.quantity, 1):
            raise InputError(f"Need {self.id!r}: requested must be >= quantity and >= 1")
        if self.reach_km is not None and not self.reach_km >= 0.0:
            raise InputError(f"Need {self.id!r}: reach_km must be >= 0 or None")
        if not (self.received_recently >= 0.0 and math.isfinite(self.received_recently)):
            raise InputError(f"Need {self.id!r}: received_recently must be a finite number >= 0")

    @property
    def category(self) -> str:
        """The need's own category id (the leaf of its path)."""
        return self.category_path[-1]

    @property
    def share_denominator(self) -> int:
        """The quantity a covered share is measured against."""
        return max(self.requested if self.requested is not None else self.quantity, 1)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feasible (offer, need) pair with its score and why.

    ``value_per_unit`` is the objective's weight of one unit of the offer's unit given to this
    need; ``ratio`` converts: one offer unit covers ``ratio`` units of the need's unit.
    """

    offer_id: str
    need_id: str
    score: float
    breakdown: Mapping[str, float]
    value_per_unit: float
    ratio: float
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed match: ``quantity`` in the offer's unit (a multiple of its lot).

    ``need_quantity`` is the same amount in the need's unit.
    """

    offer_id: str
    need_id: str
    quantity: int
    need_quantity: float
    score: float
    breakdown: Mapping[str, float] = field(default_factory=dict)
    value_per_unit: float = 0.0
