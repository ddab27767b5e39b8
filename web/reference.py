"""The taxonomy of categories and the gazetteer of places: loaded, validated, searched.

Both are data files in config/. A malformed or inconsistent entry stops the app at start-up
with a `DataFileError` that names the file and the entry.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from matching.text import key

KINDS = ("goods", "skill", "service")
SECTORS: dict[str, dict[str, str]] = {
    "legal": {"el": "Νομική υποστήριξη", "en": "Legal support"},
    "health": {"el": "Υγεία", "en": "Health"},
    "social": {"el": "Κοινωνικές υπηρεσίες", "en": "Social services"},
    "housing": {"el": "Στέγαση", "en": "Housing"},
    "education": {"el": "Εκπαίδευση", "en": "Education"},
    "employment": {"el": "Απασχόληση", "en": "Employment"},
    "basic_goods": {"el": "Είδη πρώτης ανάγκης", "en": "Basic goods"},
}
PLACE_KINDS = ("municipality", "neighbourhood")
_SLUG = re.compile(r"^[a-z0-9_]+$")
FUZZY_THRESHOLD = 80


class DataFileError(ValueError):
    """A taxonomy or places file is malformed; the message names the file and entry."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of quantity; units convert only within one dimension."""

    name: str
    dimension: str
    factor: float
    labels: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Category:
    """A node of the taxonomy."""

    id: str
    parent: str | None
    kind: str
    sector: str
    unit: str
    labels: Mapping[str, str]
    synonyms: tuple[str, ...]
    related: tuple[str, ...] = ()
    path: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        """The label in `language`, falling back to English."""
        return self.labels.get(language) or self.labels["en"]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every word people may use for it: labels and synonyms in both languages."""
        return (*self.labels.values(), *self.synonyms)


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: a municipality of Attica or a neighbourhood within one."""

    id: str
    kind: str
    names: Mapping[str, str]
    alt_names: tuple[str, ...]
    municipality: str
    regional_unit: str
    lat: float
    lon: float

    def name(self, language: str) -> str:
        """The name in `language`, falling back to English."""
        return self.names.get(language) or self.names["en"]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every name people may use for it."""
        return (*self.names.values(), *self.alt_names)


@dataclass(slots=True)
class _Index:
    """Spelling skeletons of every term of every entry, for accent- and script-blind search."""

    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, entry_id: str, terms: Iterable[str]) -> None:
        self.keys[entry_id] = tuple(dict.fromkeys(key(t) for t in terms if key(t)))

    def score(self, entry_id: str, query_key: str) -> float:
        best = 0.0
        for term_key in self.keys[entry_id]:
            if term_key == query_key:
                return 100.0
            words = term_key.split()
            if term_key.startswith(query_key) or any(w.startswith(query_key) for w in words):
                best = max(best, 95.0 if len(query_key) >= 3 else 85.0)
            elif len(query_key) >= 4:
                best = max(best, fuzz.ratio(query_key, term_key), _best_word(query_key, words))
        return best

    def search(self, query: str, limit: int) -> list[str]:
        query_key = key(query)
        if not query_key:
            return []
        scored = [(self.score(entry_id, query_key), entry_id) for entry_id in self.keys]
        hits = [(s, e) for s, e in scored if s >= FUZZY_THRESHOLD]
        hits.sort(key=lambda pair: (-pair[0], pair[1]))
        return [entry_id for _, entry_id in hits[:limit]]


def _best_word(query_key: str, words: list[str]) -> float:
    """Fuzzy score of a one-word query against the closest word of a longer term."""
    if " " in query_key or len(words) < 2:
        return 0.0
    return max(fuzz.ratio(query_key, word) for word in words)


class Taxonomy:
    """The categories and units, with lookup by any label or synonym in any script."""

    def __init__(self, units: Mapping[str, Unit], categories: Mapping[str, Category]):
        self.units = dict(units)
        self.categories = dict(categories)
        self._index = _Index()
        for category in self.categories.values():
            self._index.add(category.id, category.terms)

    def __getitem__(self, category_id: str) -> Category:
        return self.categories[category_id]

    def __contains__(self, category_id: object) -> bool:
        return category_id in self.categories

    def __len__(self) -> int:
        return len(self.categories)

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> list[Category]:
        """Categories whose label or synonym matches `query`, best first."""
        found = [self.categories[i] for i in self._index.search(query, limit=len(self))]
        return [c for c in found if kind is None or c.kind == kind][:limit]

    def in_sector(self, sector: str) -> list[Category]:
        """Every category of a sector."""
        return [c for c in self.categories.values() if c.sector == sector]

    def converts(self, unit: str, other: str) -> bool:
        """True when quantities in `unit` can be expressed in `other`."""
        return (
            unit in self.units
            and other in self.units
            and self.units[unit].dimension == self.units[other].dimension
        )


class Gazetteer:
    """The places of Attica, with lookup by any name in any script."""

    def __init__(
        self, places: Mapping[str, Place], regional_units: Mapping[str, Mapping[str, str]]
    ):
        self.places = dict(places)
        self.regional_units = dict(regional_units)
        self._index = _Index()
        for place in self.places.values():
            self._index.add(place.id, place.terms)

    def __getitem__(self, place_id: str) -> Place:
        return self.places[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def __len__(self) -> int:
        return len(self.places)

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose name matches `query`, best first."""
        return [self.places[i] for i in self._index.search(query, limit)]

    def municipalities(self) -> list[Place]:
        """The municipalities, by English name."""
        found = [p for p in self.places.values() if p.kind == "municipality"]
        return sorted(found, key=lambda p: p.names["en"])


_LOADED: dict[tuple[Any, str, int], Any] = {}


def loaded_once(loader: Any, path: Path | str) -> Any:
    """`loader(path)`, read again only when the file changes (apps in one process share it;
    the loaded values are never modified)."""
    if not Path(path).is_file():
        return loader(path)  # it says which file is missing
    stat = Path(path).stat()
    cache_key = (loader, str(path), stat.st_mtime_ns)
    if cache_key not in _LOADED:
        _LOADED[cache_key] = loader(path)
    return _LOADED[cache_key]


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise DataFileError(f"{path.name}: file not found at {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path.name}: not valid TOML: {error}") from error


class _Checker:
    """Collects the reads of one entry and names it in every error."""

    def __init__(self, file_name: str, what: str, entry: Any):
        if not isinstance(entry, dict):
            raise DataFileError(f"{file_name}: {what} is not a table")
        self.prefix = f"{file_name}: {what}"
        self.entry = entry

    def fail(self, message: str) -> DataFileError:
        return DataFileError(f"{self.prefix}: {message}")

    def text(self, name: str, optional: bool = False) -> str:
        value = self.entry.get(name)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{name}' must be a non-empty string")
        return value.strip()

    def slug(self, name: str, optional: bool = False) -> str:
        value = self.text(name, optional)
        if value and not _SLUG.match(value):
            raise self.fail(f"'{name}' must be lower-case letters, digits and _, not {value!r}")
        return value

    def choice(self, name: str, allowed: Iterable[str]) -> str:
        value = self.text(name)
        if value not in allowed:
            raise self.fail(f"'{name}' is {value!r}; expected one of {', '.join(allowed)}")
        return value

    def words(self, name: str) -> tuple[str, ...]:
        value = self.entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"'{name}' must be a list of non-empty strings")
        if len({key(v) for v in value}) != len(value):
            raise self.fail(f"'{name}' lists the same word twice")
        return tuple(v.strip() for v in value)

    def number(self, name: str, low: float, high: float) -> float:
        value = self.entry.get(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(f"'{name}' must be a number")
        if not low <= value <= high:
            raise self.fail(f"'{name}' is {value}, outside {low}..{high}")
        return float(value)


def load_taxonomy(path: Path | str) -> Taxonomy:
    """Read and validate the taxonomy file; raise `DataFileError` naming a bad entry."""
    path = Path(path)
    data = _load(path)
    units = _load_units(path.name, data.get("units"))
    raw = data.get("category")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(f"{path.name}: no [[category]] entries")
    categories: dict[str, Category] = {}
    for number, entry in enumerate(raw, start=1):
        category = _read_category(path.name, number, entry, units)
        if category.id in categories:
            raise DataFileError(f"{path.name}: category '{category.id}' is defined twice")
        categories[category.id] = category
    return Taxonomy(units, _link_categories(path.name, categories))


def _load_units(file_name: str, raw: Any) -> dict[str, Unit]:
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(f"{file_name}: no [units] table")
    units = {}
    for name, entry in raw.items():
        check = _Checker(file_name, f"unit '{name}'", entry)
        units[name] = Unit(
            name=name,
            dimension=check.slug("dimension"),
            factor=check.number("factor", 1e-9, 1e9),
            labels={"el": check.text("label_el"), "en": check.text("label_en")},
        )
    return units


def _read_category(file_name: str, number: int, entry: Any, units: Mapping[str, Unit]) -> Category:
    name = entry.get("id") if isinstance(entry, dict) else None
    check = _Checker(file_name, f"category '{name}'" if name else f"category #{number}", entry)
    unit = check.text("unit")
    if unit not in units:
        raise check.fail(f"unit '{unit}' is not defined in [units]")
    synonyms = check.words("synonyms_el") + check.words("synonyms_en")
    return Category(
        id=check.slug("id"),
        parent=check.slug("parent", optional=True) or None,
        kind=check.choice("kind", KINDS),
        sector=check.choice("sector", SECTORS),
        unit=unit,
        labels={"el": check.text("label_el"), "en": check.text("label_en")},
        synonyms=synonyms,
        related=check.words("related"),
    )


def _link_categories(file_name: str, categories: dict[str, Category]) -> dict[str, Category]:
    """Check parents and related ids, reject cycles, and give every category its path."""
    linked = {}
    for category in categories.values():
        prefix = f"{file_name}: category '{category.id}'"
        for other in category.related:
            if other not in categories:
                raise DataFileError(f"{prefix}: related category '{other}' does not exist")
        path = [category.id]
        node = category
        while node.parent is not None:
            if node.parent not in categories:
                raise DataFileError(f"{prefix}: parent '{node.parent}' does not exist")
            parent = categories[node.parent]
            if parent.kind != node.kind:
                raise DataFileError(f"{file_name}: category '{node.id}': kind differs from parent")
            if parent.id in path:
                raise DataFileError(f"{prefix}: its parents form a cycle")
            path.append(parent.id)
            node = parent
        linked[category.id] = Category(
            **{f: getattr(category, f) for f in Category.__slots__ if f != "path"},
            path=tuple(reversed(path)),
        )
    return linked


def load_gazetteer(path: Path | str) -> Gazetteer:
    """Read and validate the places file; raise `DataFileError` naming a bad entry."""
    path = Path(path)
    data = _load(path)
    regional_units = _load_regional_units(path.name, data.get("regional_units"))
    raw = data.get("place")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(f"{path.name}: no [[place]] entries")
    places: dict[str, Place] = {}
    for number, entry in enumerate(raw, start=1):
        place = _read_place(path.name, number, entry, regional_units)
        if place.id in places:
            raise DataFileError(f"{path.name}: place '{place.id}' is defined twice")
        places[place.id] = place
    for place in places.values():
        municipality = places.get(place.municipality)
        if municipality is None or municipality.kind != "municipality":
            raise DataFileError(
                f"{path.name}: place '{place.id}': municipality '{place.municipality}' "
                "is not a municipality in this file"
            )
    return Gazetteer(places, regional_units)


def _load_regional_units(file_name: str, raw: Any) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(f"{file_name}: no [regional_units] table")
    units = {}
    for name, entry in raw.items():
        check = _Checker(file_name, f"regional unit '{name}'", entry)
        units[name] = {"el": check.text("name_el"), "en": check.text("name_en")}
    return units


def _read_place(
    file_name: str, number: int, entry: Any, regional_units: Mapping[str, Any]
) -> Place:
    name = entry.get("id") if isinstance(entry, dict) else None
    check = _Checker(file_name, f"place '{name}'" if name else f"place #{number}", entry)
    return Place(
        id=check.slug("id"),
        kind=check.choice("kind", PLACE_KINDS),
        names={"el": check.text("name_el"), "en": check.text("name_en")},
        alt_names=check.words("alt_names"),
        municipality=check.slug("municipality"),
        regional_unit=check.choice("regional_unit", regional_units),
        lat=check.number("lat", 34.0, 42.0),
        lon=check.number("lon", 19.0, 30.0),
    )
