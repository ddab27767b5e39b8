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

from matching.attributes import AttributeSpec, Reader
from matching.search import Entry, Hit, TermIndex
from matching.text import key, words

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
    # Attributes where its items vary (its own, its ancestors' and its kind's), the values
    # that the category itself implies (interpreting_somali: language somali), and the units
    # it accepts besides those of the default unit's dimension.
    attributes: tuple[str, ...] = ()
    attribute_values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    units: tuple[str, ...] = ()
    # Units that mean another for this category: "10 pieces" of shoes are 10 pairs.
    counts_as: Mapping[str, str] = field(default_factory=dict)

    def label(self, language: str) -> str:
        """The label in `language`, falling back to English."""
        return self.labels.get(language) or self.labels["en"]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every word people may use for it: labels and synonyms in both languages."""
        return (*self.labels.values(), *self.synonyms)


SUGGESTION_FLOOR = 0.2  # suggestions less likely than this are not offered
CONFIDENT = 0.6  # a suggestion at least this likely ...
CONFIDENT_LEAD = 0.15  # ... and this far ahead of any unrelated one may stand on its own


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A category suggested for a post, with how likely it is, in [0, 1]."""

    category: Category
    confidence: float
    words: frozenset[str] = frozenset()  # the words of the text that name it


@dataclass(frozen=True, slots=True)
class Attribute:
    """An attribute of the taxonomy, with labels for it and for each of its values."""

    spec: AttributeSpec
    labels: Mapping[str, str]
    value_labels: Mapping[str, Mapping[str, str]]
    kinds: tuple[str, ...] = ()
    modifier: bool = False

    @property
    def name(self) -> str:
        """Its id."""
        return self.spec.name

    def label(self, language: str) -> str:
        """The attribute's name in `language`."""
        return self.labels.get(language) or self.labels["en"]

    def value_label(self, value: str, language: str) -> str:
        """A value's name in `language`."""
        labels = self.value_labels[value]
        return labels.get(language) or labels["en"]


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


class Taxonomy:
    """The categories and units, with lookup by any label or synonym in any script."""

    def __init__(self, units: Mapping[str, Unit], categories: Mapping[str, Category],
                 attributes: Mapping[str, Attribute] | None = None):
        self.units = dict(units)
        self.categories = dict(categories)
        self.attributes = dict(attributes or {})
        self.reader = Reader(a.spec for a in self.attributes.values())
        self.search_ignore = _modifier_words(self.attributes.values())
        self._by_kind = {
            kind: {c.id: c for c in self.categories.values() if c.kind == kind} for kind in KINDS
        }
        self._index = TermIndex(
            Entry(c.id, (*c.terms, *self._value_terms(c)), self._ancestor_terms(c),
                  len(c.path) - 1, self._detail_terms(c), labels=len(c.labels))
            for c in self.categories.values()
        )

    def _value_terms(self, category: Category) -> tuple[str, ...]:
        """The words of the values a category fixes: Russian interpreting is found by
        every word for Russian."""
        return tuple(
            dict.fromkeys(
                word
                for name, values in category.attribute_values.items()
                for value in sorted(values)
                for word in self.attributes[name].spec.phrases.get(value, ())
            )
        )

    def _detail_terms(self, category: Category) -> tuple[str, ...]:
        """The words of the values a category's items may take, for attributes it does not
        fix and that name what is given (not how: modifiers are left out)."""
        return tuple(
            word
            for name in category.attributes
            if name not in category.attribute_values and not self.attributes[name].modifier
            for phrases in self.attributes[name].spec.phrases.values()
            for word in phrases
        )

    def _ancestor_terms(self, category: Category) -> tuple[str, ...]:
        return tuple(t for a in category.path[:-1] for t in self.categories[a].terms)

    def __getitem__(self, category_id: str) -> Category:
        return self.categories[category_id]

    def __contains__(self, category_id: object) -> bool:
        return category_id in self.categories

    def __len__(self) -> int:
        return len(self.categories)

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> list[Category]:
        """Categories that best explain `query` (several words, any script, inflected,
        misspelt), best first; only of `kind` when given."""
        return [self.categories[h.id] for h in self.hits(query, limit, kind)]

    def hits(self, query: str, limit: int = 10, kind: str | None = None) -> list[Hit]:
        """`search` with each category's score."""
        if kind is not None and kind not in self._by_kind:
            return []
        allowed = self._by_kind[kind] if kind is not None else None
        return self._index.search(query, limit, allowed, self.search_ignore)

    def suggest(self, title: str, description: str = "", kind: str | None = None,
                limit: int = 3) -> list[Suggestion]:
        """The categories a post is most likely about, from its title and description alone,
        best first, each with a confidence in [0, 1]."""
        if kind is not None and kind not in self._by_kind:
            return []
        allowed = self._by_kind[kind] if kind is not None else None
        ignore = self.search_ignore
        asked = {h.id: h.score for h in self._index.search(title, 50, allowed, ignore)}
        in_title = self._index.coverage(title, allowed, ignore)
        in_text = self._index.coverage(f"{title}\n{description}", allowed, ignore)
        nothing = (0.0, frozenset[str]())
        scores: dict[str, float] = {}
        for category_id in {*asked, *in_title, *in_text}:
            scores[category_id] = (0.5 * asked.get(category_id, 0.0)
                                   + 0.3 * in_title.get(category_id, nothing)[0]
                                   + 0.2 * in_text.get(category_id, nothing)[0])
        ranked = sorted(scores.items(), key=lambda item: (
            -round(item[1], 6), len(self.categories[item[0]].path), item[0]))
        # The words that name each: the title's when it names it, else the description's.
        return [Suggestion(self.categories[c], round(score, 3),
                           (in_title.get(c) or in_text.get(c, nothing))[1])
                for c, score in ranked[:limit] if score >= SUGGESTION_FLOOR]

    def confident(self, suggestions: list[Suggestion]) -> Category | None:
        """The first suggestion, when it is clear enough to stand without the poster: high
        enough, and ahead of any other that is not its own ancestor or descendant."""
        if not suggestions or suggestions[0].confidence < CONFIDENT:
            return None
        best = suggestions[0].category
        for other in suggestions[1:]:
            related = best.id in other.category.path or other.category.id in best.path
            if not related and other.confidence > suggestions[0].confidence - CONFIDENT_LEAD:
                return None
        return best

    def text_category(self, title: str, description: str = "", kind: str | None = None,
                      posted: Category | None = None) -> Category | None:
        """The category a post's words clearly point to beyond its `posted` one, or None.

        A category is preferred to another only when the words that name it include, and
        go beyond, the words that name the other: "γυαλιά ηλίου" points from glasses down to
        sunglasses, "τσάντες laptop" from laptops to computer accessories, while "laundry for
        shelter bedding" posted as laundry points nowhere (it names the shelter with other
        words), and "μπουφάν" posted as jackets stays there (children's and adults' jackets are
        both named by the same word).
        """
        suggestions = self.suggest(title, description, kind, limit=8)
        best = self.confident(suggestions)
        if best is None:
            return None
        if posted is None or posted.id in best.path:
            return self._deepest_below(best, suggestions)
        if best.id in posted.path or self._related(best, posted):
            return None
        by_id = {s.category.id: s for s in suggestions}
        named_posted = by_id[posted.id].words if posted.id in by_id else frozenset()
        if named_posted and named_posted < by_id[best.id].words:
            return best
        return None

    def _deepest_below(self, best: Category, suggestions: list[Suggestion]) -> Category:
        """The deepest suggestion under `best` that is likely, leads its siblings and is
        named by more words than its parent."""
        by_id = {s.category.id: s for s in suggestions}
        chosen = best
        while True:
            below = [s for s in suggestions if s.category.parent == chosen.id]
            if not below or below[0].confidence < CONFIDENT or (
                    len(below) > 1 and below[1].confidence > below[0].confidence - CONFIDENT_LEAD):
                return chosen
            parent_words = by_id[chosen.id].words if chosen.id in by_id else frozenset()
            if not parent_words < below[0].words:
                return chosen
            chosen = below[0].category

    def _related(self, one: Category, other: Category) -> bool:
        return other.id in one.related or one.id in other.related

    def concepts(self, text: str) -> list[str]:
        """Ids of the categories that `text` names word for word."""
        return self._index.named(text, self.search_ignore)

    def in_sector(self, sector: str) -> list[Category]:
        """Every category of a sector."""
        return [c for c in self.categories.values() if c.sector == sector]

    def accepts_unit(self, category: Category, unit: str) -> bool:
        """True when an item of `category` may be counted in `unit` (its default unit's, its
        own listed units' and its ancestors' listed units' dimensions)."""
        listed = [u for c in category.path for u in self.categories[c].units]
        return any(self.converts(unit, allowed) for allowed in (category.unit, *listed))

    def accepted_units(self, category: Category) -> list[str]:
        """The units an item of `category` may be counted in, the default first."""
        return [u for u in self.units if self.accepts_unit(category, u)]

    def counted_unit(self, category: Category, unit: str) -> str:
        """The unit a quantity in `unit` of `category` is counted in ("pieces" of shoes
        are pairs), for comparing it with others."""
        for node in reversed(category.path):
            meant = self.categories[node].counts_as.get(unit)
            if meant is not None:
                return meant
        return unit

    def read_attributes(self, category: Category, text: str, side: str = "offer"
                        ) -> dict[str, frozenset[str]]:
        """The values of `category`'s attributes that the `text` of an offer or a need
        (`side`) states."""
        return self.reader.read(text, category.attributes, side)

    def converts(self, unit: str, other: str) -> bool:
        """True when quantities in `unit` can be expressed in `other`."""
        return (
            unit in self.units
            and other in self.units
            and self.units[unit].dimension == self.units[other].dimension
        )


def _modifier_words(attributes: Iterable[Attribute]) -> frozenset[str]:
    """Words that say how rather than what: keywords before values ("size", "νούμερο") and
    one-word names of modifier values ("online", "broken"); category search skips them."""
    found: set[str] = set()
    for attribute in attributes:
        found.update(w for k in attribute.spec.keywords for w in words(k))
        if attribute.modifier:
            for phrases in attribute.spec.phrases.values():
                found.update(w for p in phrases if len(words(p)) == 1 for w in words(p))
    return frozenset(found)


class Gazetteer:
    """The places of Attica, with lookup by any name in any script."""

    def __init__(
        self, places: Mapping[str, Place], regional_units: Mapping[str, Mapping[str, str]]
    ):
        self.places = dict(places)
        self.regional_units = dict(regional_units)
        self._index = TermIndex(
            Entry(p.id, p.terms, self._context(p), 0 if p.kind == "municipality" else 1)
            for p in self.places.values()
        )

    def _context(self, place: Place) -> tuple[str, ...]:
        """The names of what a place lies in: its municipality and regional unit."""
        municipality = self.places.get(place.municipality)
        names = tuple(municipality.terms) if municipality and municipality is not place else ()
        return names + tuple(self.regional_units.get(place.regional_unit, {}).values())

    def __getitem__(self, place_id: str) -> Place:
        return self.places[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def __len__(self) -> int:
        return len(self.places)

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose name matches `query` (a neighbourhood with its municipality, any
        script, misspelt), best first."""
        return [self.places[h.id] for h in self._index.search(query, limit)]

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
    attributes = _load_attributes(path.name, data.get("attributes", {}))
    return Taxonomy(units, _link_categories(path.name, categories, attributes), attributes)


def _load_attributes(file_name: str, raw: Any) -> dict[str, Attribute]:
    if not isinstance(raw, dict):
        raise DataFileError(f"{file_name}: [attributes] must be a table")
    attributes = {}
    for name, entry in raw.items():
        check = _Checker(file_name, f"attribute '{name}'", entry)
        values = entry.get("value")
        if not isinstance(values, list) or not values:
            raise check.fail("needs [[attributes.NAME.value]] entries")
        ids, phrases, labels, offers_only = [], {}, {}, set()
        for number, value in enumerate(values, start=1):
            value_check = _Checker(file_name, f"attribute '{name}' value #{number}", value)
            value_id = value_check.text("id").casefold()
            ids.append(value_id)
            if value.get("offers_only", False) is True:
                offers_only.add(value_id)
            phrases[value_id] = value_check.words("words")
            labels[value_id] = {"el": value_check.text("label_el"),
                                "en": value_check.text("label_en")}
        kinds = check.words("kinds")
        if any(kind not in KINDS for kind in kinds):
            raise check.fail(f"'kinds' must name kinds among {', '.join(KINDS)}")
        keywords = check.words("keywords")
        try:
            spec = AttributeSpec(
                name=name, values=tuple(ids), phrases=phrases, keywords=keywords,
                strict=bool(entry.get("strict", False)),
                default=frozenset(v.casefold() for v in check.words("default")),
                offers_only=frozenset(offers_only),
                background=frozenset(v.casefold() for v in check.words("background")))
        except ValueError as error:
            raise check.fail(str(error)) from error
        if len(set(ids)) != len(ids):
            raise check.fail("lists a value twice")
        attributes[name] = Attribute(
            spec, {"el": check.text("label_el"), "en": check.text("label_en")}, labels, kinds,
            modifier=bool(entry.get("modifier", False)))
    return attributes


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
        attributes=check.words("attributes"),
        attribute_values=_fixed_values(check, entry.get("attribute_values", {})),
        units=_accepted_units(check, units),
        counts_as=_counts_as(check, entry.get("counts_as", {}), units),
    )


def _counts_as(check: _Checker, raw: Any, units: Mapping[str, Unit]) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
            isinstance(v, str) and v in units and k in units for k, v in raw.items()):
        raise check.fail("'counts_as' must map units of [units] to units of [units]")
    return dict(raw)


def _fixed_values(check: _Checker, raw: Any) -> dict[str, frozenset[str]]:
    if not isinstance(raw, dict):
        raise check.fail("'attribute_values' must be a table of attribute = [values]")
    fixed = {}
    for name, values in raw.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise check.fail(f"attribute_values.{name} must be a value or a list of values")
        fixed[name] = frozenset(v.casefold() for v in values)
    return fixed


def _accepted_units(check: _Checker, units: Mapping[str, Unit]) -> tuple[str, ...]:
    accepted = check.words("units")
    for unit in accepted:
        if unit not in units:
            raise check.fail(f"unit '{unit}' is not defined in [units]")
    return accepted


def _link_categories(file_name: str, categories: dict[str, Category],
                     attributes: Mapping[str, Attribute]) -> dict[str, Category]:
    """Check parents, related ids and attributes, reject cycles, and give every category
    its path and the attributes it inherits."""
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
        full_path = tuple(reversed(path))
        linked[category.id] = Category(
            **{f: getattr(category, f) for f in Category.__slots__
               if f not in ("path", "attributes", "attribute_values")},
            path=full_path,
            **_inherited(prefix, [categories[c] for c in full_path], attributes),
        )
    return linked


def _inherited(prefix: str, lineage: list[Category], attributes: Mapping[str, Attribute]
               ) -> dict[str, Any]:
    """A category's attributes and implied values: its kind's, its ancestors', its own."""
    names = [a.name for a in attributes.values() if lineage[-1].kind in a.kinds]
    fixed: dict[str, frozenset[str]] = {}
    for node in lineage:
        names.extend(node.attributes)
        fixed.update(node.attribute_values)
    for name in [*names, *fixed]:
        if name not in attributes:
            raise DataFileError(f"{prefix}: attribute '{name}' is not defined in [attributes]")
    for name, values in fixed.items():
        unknown = sorted(values - set(attributes[name].spec.values))
        if unknown:
            raise DataFileError(f"{prefix}: attribute '{name}' has no value {unknown[0]!r}")
    return {"attributes": tuple(dict.fromkeys([*names, *fixed])), "attribute_values": fixed}


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
