"""The taxonomy of categories: units, attributes, and search and suggestions over it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matching.attributes import AttributeSpec, Reader
from matching.model import KINDS as KINDS  # the engine's: one list for the engine, data and web
from matching.search import STEM_MATCH, Entry, Hit, TermIndex
from matching.text import words

SECTORS: dict[str, dict[str, str]] = {
    "legal": {"el": "Νομική υποστήριξη", "en": "Legal support"},
    "health": {"el": "Υγεία", "en": "Health"},
    "social": {"el": "Κοινωνικές υπηρεσίες", "en": "Social services"},
    "housing": {"el": "Στέγαση", "en": "Housing"},
    "education": {"el": "Εκπαίδευση", "en": "Education"},
    "employment": {"el": "Απασχόληση", "en": "Employment"},
    "basic_goods": {"el": "Είδη πρώτης ανάγκης", "en": "Basic goods"},
}

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


Covered = dict[str, tuple[float, frozenset[str]]]  # TermIndex.coverage: share, words used
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
        return tuple(dict.fromkeys(
            word for name, values in category.attribute_values.items() for value in sorted(values)
            for word in self.attributes[name].spec.phrases.get(value, ())))

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
                limit: int = 3, covered: Covered | None = None) -> list[Suggestion]:
        """The categories a post is most likely about, from its title and description alone,
        best first, each with a confidence in [0, 1] (`covered`: their `coverage`, if known)."""
        if kind is not None and kind not in self._by_kind:
            return []
        allowed = self._by_kind[kind] if kind is not None else None
        ignore = self.search_ignore
        asked = {h.id: h.score for h in self._index.search(title, 50, allowed, ignore)}
        in_title = self._index.coverage(title, allowed, ignore)
        covered = self.coverage(f"{title}\n{description}") if covered is None else covered
        in_text = {e: c for e, c in covered.items() if allowed is None or e in allowed}
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
                      posted: Category | None = None, covered: Covered | None = None
                      ) -> Category | None:
        """The category a post's words clearly point to beyond its `posted` one, or None.

        A category is preferred to another only when the words that name it include, and
        go beyond, the words that name the other: "γυαλιά ηλίου" points from glasses down to
        sunglasses, "τσάντες laptop" from laptops to computer accessories, while "laundry for
        shelter bedding" posted as laundry points nowhere (it names the shelter with other
        words), and "μπουφάν" posted as jackets stays there (children's and adults' jackets are
        both named by the same word).
        """
        suggestions = self.suggest(title, description, kind, limit=8, covered=covered)
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

    def coverage(self, text: str) -> Covered:
        """How fully `text` names each category (`concepts`, `suggest` read it)."""
        return self._index.coverage(text, ignore=self.search_ignore)

    def concepts(self, text: str, covered: Covered | None = None) -> list[str]:
        """Ids of the categories that `text` names word for word (as `TermIndex.named`)."""
        found = (self.coverage(text) if covered is None else covered).items()
        return sorted(e for e, (share, _) in found if share >= STEM_MATCH - 1e-9)

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
        units = self.units
        return unit in units and other in units and units[unit].dimension == units[other].dimension


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
