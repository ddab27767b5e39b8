"""Attributes where a category varies (size, stage, language, in person or online, ...),
read from what people write.

A value is named by phrases (`size 4` is not needed for `νεογέννητα`) or, for ordered values
such as sizes, by a keyword followed by values: `size 4`, `νούμερο 3-4`, `No 38, 39 και 40`,
`μέγεθος S έως L`. A phrase right after a negation (`όχι online`, `not broken`) rules its
value out instead. Every reader is given the specs; nothing here knows the taxonomy file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matching.text import forms, strip_accents


def _folded(words: str) -> frozenset[str]:
    return frozenset(strip_accents(w) for w in words.split())


NEGATIONS = _folded("not no non never without nor δεν όχι μη μην χωρίς ούτε")
_RANGE_WORDS = _folded("- – έως to till until μέχρι ως")
_LIST_WORDS = _folded(", / & + and or και ή")
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[-–,/&+.:;!?()]")


def tokens(text: str) -> list[str]:
    """Words, numbers and list marks of `text`, casefolded without accents: `No4` is
    `no`, `4`."""
    return _TOKEN_RE.findall(strip_accents(text))


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One attribute: its values in order, the phrases that name each value, and the
    keywords after which values are listed by name (`size` 4, `νούμερο` 38)."""

    name: str
    values: tuple[str, ...]
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    strict: bool = False
    default: frozenset[str] = frozenset()
    # Values read only from offers: a need never asks for broken things, though it may
    # speak of "a broken leg".
    offers_only: frozenset[str] = frozenset()
    # Values that go without saying (Greek, for interpreting in Athens): compared only when
    # an item states nothing else.
    background: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = [v for v in (*self.phrases, *self.default, *self.offers_only,
                               *self.background) if v not in self.values]
        if unknown:
            raise ValueError(f"attribute {self.name!r}: unknown values {unknown}")


def _strong(found: frozenset[str]) -> frozenset[str]:
    """Whole words, and stems of four letters or more: "used" must not meet "useful"."""
    return frozenset(f for f in found if f.startswith("w:") or len(f) >= 6)


def _phrase_forms(phrase: str) -> tuple[frozenset[str], ...]:
    return tuple(_strong(forms(t)) for t in tokens(phrase) if t.isalnum())


@dataclass(frozen=True, slots=True)
class _Compiled:
    spec: AttributeSpec
    phrases: tuple[tuple[str, tuple[frozenset[str], ...]], ...]
    keywords: tuple[tuple[frozenset[str], ...], ...]
    tokens: Mapping[str, str]  # a value's own spelling (folded) -> value
    # By each form their first word may take: the phrases (and keywords, value None) that
    # can start at a token of that form; no other can.
    starting: Mapping[str, tuple[tuple[str | None, tuple[frozenset[str], ...]], ...]]


def _compile(spec: AttributeSpec) -> _Compiled:
    phrases = tuple(sorted(
        ((value, _phrase_forms(p)) for value, ps in spec.phrases.items() for p in ps),
        key=lambda item: -len(item[1])))
    keywords = tuple(_phrase_forms(k) for k in spec.keywords)
    tokens = {strip_accents(v): v for v in spec.values}
    phrases = tuple(p for p in phrases if p[1])
    keywords = tuple(k for k in keywords if k)
    starting: dict[str, list[tuple[str | None, tuple[frozenset[str], ...]]]] = {}
    for value, pattern in (*phrases, *((None, k) for k in keywords)):
        for form in pattern[0]:
            starting.setdefault(form, []).append((value, pattern))
    return _Compiled(spec, phrases, keywords, tokens,
                     {form: tuple(found) for form, found in starting.items()})


class Reader:
    """Reads the values of given attributes from texts."""

    def __init__(self, specs: Iterable[AttributeSpec]) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self._compiled = {name: _compile(spec) for name, spec in self.specs.items()}

    def read(self, text: str, names: Iterable[str], side: str = "offer"
             ) -> dict[str, frozenset[str]]:
        """The values of each attribute in `names` that `text` (of an offer or a need, by
        `side`) states; attributes it says nothing of are absent."""
        found_tokens = tokens(text)
        token_forms = [forms(t) if t.isalnum() else frozenset() for t in found_tokens]
        found: dict[str, frozenset[str]] = {}
        for name in names:
            compiled = self._compiled.get(name)
            if compiled is None:
                continue
            values = _read_one(compiled, found_tokens, token_forms)
            if side != "offer":
                values -= compiled.spec.offers_only
            if values:
                found[name] = values
        return found


def _matches_at(pattern: tuple[frozenset[str], ...], token_forms: list[frozenset[str]],
                start: int) -> bool:
    if start + len(pattern) > len(token_forms):
        return False
    return all(pattern[k] & token_forms[start + k] for k in range(len(pattern)))


def _read_one(compiled: _Compiled, text_tokens: list[str],
              token_forms: list[frozenset[str]]) -> frozenset[str]:
    said: set[str] = set()
    ruled_out: set[str] = set()
    for start in range(len(text_tokens)):
        # Only what can start at this token's forms is tried (met twice, once: sets).
        for form in token_forms[start]:
            for value, pattern in compiled.starting.get(form, ()):
                if not _matches_at(pattern, token_forms, start):
                    continue
                if value is None:  # a keyword: the values listed after it
                    said.update(_listed(compiled, text_tokens, start + len(pattern)))
                else:
                    (ruled_out if _negated(text_tokens, start) else said).add(value)
    said -= ruled_out
    if not said and ruled_out:
        return frozenset(v for v in compiled.spec.values if v not in ruled_out)
    return frozenset(said)


def _negated(text_tokens: list[str], start: int) -> bool:
    """A negation right before `start`: "όχι online", "not broken" (a wider window caught
    "not online. In person" as a negated "in person")."""
    return start > 0 and text_tokens[start - 1] in NEGATIONS


def _listed(compiled: _Compiled, text_tokens: list[str], start: int) -> set[str]:
    """Values listed right after a keyword: `4`, `3-4`, `38, 39 και 40`, `s εως l`."""
    order = compiled.spec.values
    found: set[str] = set()
    previous: str | None = None
    ranging = False
    position = start
    while position < len(text_tokens):
        token = text_tokens[position]
        value = compiled.tokens.get(token)
        if value is not None:
            if ranging and previous is not None:
                low, high = sorted((order.index(previous), order.index(value)))
                found.update(order[low:high + 1])
            found.add(value)
            previous, ranging = value, False
        elif token in _RANGE_WORDS and previous is not None:
            ranging = True
        elif token in _LIST_WORDS and previous is not None:
            ranging = False
        elif token in (":", ".") and previous is None:
            pass
        else:
            break
        position += 1
    return found
