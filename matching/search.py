"""Search over named entries (categories, places) by what people type.

Every word is reduced to a few forms (`text.forms`: spelling skeleton, Snowball stem, the
stem of Greeklish read as Greek). A query word meets an entry's word when they share a form,
when it is the start of the entry's word (people type a word's first letters) or when their
skeletons are a typo apart. An entry scores by the share of the query it explains, each
query word weighted by how rare its match is among entries, so `baby diapers` finds
nappies (rare `diapers` outweighs common `baby`) and the words of an entry's parent (its
*context*: a category's ancestors, a neighbourhood's municipality) count for less, as do the
words of what an entry may vary in (its *details*: the languages of language lessons, so
`μαθήματα αραβικών` finds them). Ties go to the entry whose label was asked for.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from matching.text import STOP_WORDS, forms, key, words

STEM_MATCH = 0.95  # the same stem, not the same word (Κολωνός is not Κολωνάκι, though close)
PREFIX_MATCH = 0.85  # a query word that starts an entry's word (typing in progress)
CONTEXT_MATCH = 0.6  # a word found only among the entry's parent's words
DETAIL_MATCH = 0.8  # a word that names one of the entry's details
LABEL_BONUS = 0.02  # for an entry whose label (its first terms) the query names in full
MATCH_CACHE = 50_000  # words whose matches are remembered
OWN, CONTEXT, DETAIL = 0, 1, 2
ROLE_CREDIT = {OWN: 1.0, CONTEXT: CONTEXT_MATCH, DETAIL: DETAIL_MATCH}
TYPO_CUTOFF = 80  # rapidfuzz ratio of two skeletons, from which a word counts as misspelt
MIN_SCORE = 0.34  # entries explaining less of the query are not hits
UNKNOWN_WEIGHT = 0.35  # the weight, relative to the rarest word, of a word no entry uses


@dataclass(frozen=True, slots=True)
class Hit:
    """An entry found, with its score in [0, 1] (1: every query word is explained)."""

    id: str
    score: float


@dataclass(frozen=True, slots=True)
class Entry:
    """What an index holds of one entry: its terms and its parent's terms."""

    id: str
    terms: tuple[str, ...]
    context: tuple[str, ...] = ()
    depth: int = 0
    details: tuple[str, ...] = ()
    labels: int = 0  # how many of the first terms are its labels


def query_words(text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The words of `text` that can say what it is about (no stop words, numbers or
    words in `ignore`), in order, without repeats."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word in STOP_WORDS or word in ignore or word.isdigit() or len(word) < 2:
            continue
        seen.setdefault(word, None)
    return list(seen)


class TermIndex:
    """Entries indexed by the forms of their words; see the module docstring."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: dict[str, Entry] = {}
        self._vocabulary: list[str] = []  # distinct words of every entry
        word_ids: dict[str, int] = {}
        self._own: dict[str, list[frozenset[int]]] = {}  # entry -> word ids of each term
        self._context: dict[str, frozenset[int]] = {}
        self._details: dict[str, frozenset[int]] = {}
        self._labels: dict[str, list[frozenset[int]]] = {}
        postings: dict[int, set[str]] = defaultdict(set)
        for entry in entries:
            self.entries[entry.id] = entry
            terms = []
            for term in entry.terms:
                ids = frozenset(self._word_id(w, word_ids) for w in query_words(term))
                if ids:
                    terms.append(ids)
                    for word_id in ids:
                        postings[word_id].add(entry.id)
            self._own[entry.id] = terms
            self._context[entry.id] = frozenset(
                self._word_id(w, word_ids) for t in entry.context for w in query_words(t))
            self._details[entry.id] = frozenset(
                self._word_id(w, word_ids) for t in entry.details for w in query_words(t))
            self._labels[entry.id] = [
                frozenset(word_ids[w] for w in query_words(t) if w in word_ids)
                for t in entry.terms[:entry.labels]]
        total = max(len(self.entries), 1)
        self._idf = [math.log(1.0 + total / max(len(postings.get(i, ())), 1))
                     for i in range(len(self._vocabulary))]
        self._unknown = UNKNOWN_WEIGHT * max(self._idf, default=1.0)
        # Each term's weight (its words' rarity), summed once, not at every coverage
        self._term_weights = {entry_id: [sum(self._idf[i] for i in term) for term in terms]
                              for entry_id, terms in self._own.items()}
        # Which of an entry's terms hold each of its words (their places in `_own`): a text
        # covers only the terms that hold one of its words.
        self._terms_with: dict[str, dict[int, tuple[int, ...]]] = {}
        for entry_id, terms in self._own.items():
            holding: dict[int, list[int]] = defaultdict(list)
            for place, term_words in enumerate(terms):
                for held in term_words:
                    holding[held].append(place)
            self._terms_with[entry_id] = {w: tuple(p) for w, p in holding.items()}
        self._by_form: dict[str, list[int]] = defaultdict(list)
        for word_id, word in enumerate(self._vocabulary):
            for form in forms(word):
                self._by_form[form].append(word_id)
        self._skeletons = [key(w) for w in self._vocabulary]
        self._sorted = sorted((s, i) for i, s in enumerate(self._skeletons))
        self._long_skeletons = {i: s for i, s in enumerate(self._skeletons) if len(s) >= 4}
        self._matched: dict[str, dict[int, float]] = {}
        # Which entries use each word, and how: as their own, in their context, as a detail.
        self._postings: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for entry_id in self.entries:
            own = frozenset().union(*self._own[entry_id])
            roles = {**{w: DETAIL for w in self._details[entry_id]},
                     **{w: CONTEXT for w in self._context[entry_id]}, **{w: OWN for w in own}}
            for word_id in sorted(roles):
                self._postings[word_id].append((entry_id, roles[word_id]))

    def _word_id(self, word: str, ids: dict[str, int]) -> int:
        if word not in ids:
            ids[word] = len(self._vocabulary)
            self._vocabulary.append(word)
        return ids[word]

    def matches(self, word: str) -> dict[int, float]:
        """Vocabulary words that `word` meets, with how well (1 same, less for a stem, a
        prefix or a typo). Remembered: the same words come back in every post."""
        found = self._matched.get(word)
        if found is None:
            if len(self._matched) >= MATCH_CACHE:
                self._matched.clear()
            found = self._matched[word] = self._match(word)
        return found

    def forget(self) -> None:
        """Drop the remembered matches (a benchmark's cold search)."""
        self._matched.clear()

    def _match(self, word: str) -> dict[int, float]:
        found: dict[int, float] = {}
        for form in forms(word):
            value = 1.0 if form.startswith("w:") else STEM_MATCH
            for word_id in self._by_form.get(form, ()):
                found[word_id] = max(found.get(word_id, 0.0), value)
        skeleton = key(word)
        known = bool(found)
        if len(skeleton) >= 3:
            start = bisect_left(self._sorted, (skeleton, -1))
            for other, word_id in self._sorted[start:]:
                if not other.startswith(skeleton):
                    break
                found.setdefault(word_id, PREFIX_MATCH)
        if len(skeleton) >= 4 and not known:
            # A word no entry has as it is: perhaps misspelt. Short words tolerate less: one
            # letter of four is a different word.
            cutoff = TYPO_CUTOFF if len(skeleton) >= 8 else 83 if len(skeleton) >= 6 else 88
            for _, score, word_id in process.extract(
                    skeleton, self._long_skeletons, scorer=fuzz.ratio, score_cutoff=cutoff,
                    limit=None):
                value = 0.5 + 0.35 * (score - cutoff) / (100 - cutoff)
                found[word_id] = max(found.get(word_id, 0.0), value)
        return found

    def scores(self, query: Sequence[str], allowed: Mapping[str, object] | None = None
               ) -> dict[str, float]:
        """Each entry's share of `query` (a list of words) explained, for entries that
        explain any of it (only ids in `allowed`, when given)."""
        per_word = []
        for word in query:
            found = self.matches(word)
            per_word.append((found, max((self._idf[i] for i in found), default=self._unknown)))
        total = sum(weight for _, weight in per_word)
        if not per_word or total <= 0.0:
            return {}
        explained: dict[str, float] = defaultdict(float)
        used: dict[str, set[int]] = defaultdict(set)
        for found, weight in per_word:
            best: dict[str, float] = {}
            own_best: dict[str, float] = {}
            for word_id, value in found.items():
                for entry_id, role in self._postings.get(word_id, ()):
                    credit = value * ROLE_CREDIT[role]
                    if credit > best.get(entry_id, 0.0):
                        best[entry_id] = credit
                    if role == OWN and value > own_best.get(entry_id, 0.0):
                        own_best[entry_id] = value
            for entry_id, credit in best.items():
                explained[entry_id] += weight * credit
            for word_id, value in found.items():
                for entry_id, role in self._postings.get(word_id, ()):
                    if role == OWN and value >= own_best[entry_id]:
                        used[entry_id].add(word_id)
        result = {}
        for entry_id, share in explained.items():
            if allowed is not None and entry_id not in allowed:
                continue
            terms, words = self._own[entry_id], used.get(entry_id, set())
            # A term all of whose words were asked for beats one only partly asked for.
            complete = max((len(t & words) / len(t) for t in terms), default=0.0)
            label = any(t and t <= words for t in self._labels[entry_id])
            result[entry_id] = (share / total) * (0.85 + 0.15 * complete) + (
                LABEL_BONUS if label else 0.0)
        return result

    def _entries_of(self, word_id: int) -> Iterable[str]:
        return dict.fromkeys(e for e, _ in self._postings.get(word_id, ()))

    def search(self, text: str, limit: int = 10, allowed: Mapping[str, object] | None = None,
               ignore: frozenset[str] = frozenset()) -> list[Hit]:
        """The entries that best explain `text`, best first (ties: shallower, then id)."""
        query = query_words(text, ignore)
        scored = self.scores(query, allowed)
        hits = [Hit(e, round(min(s, 1.0), 6)) for e, s in scored.items() if s >= MIN_SCORE]
        hits.sort(key=lambda h: (-round(scored[h.id], 6), self.entries[h.id].depth, h.id))
        return hits[:limit]

    def named(self, text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
        """Entries one of whose terms `text` contains word for word (in any form)."""
        return sorted(e for e, (share, _) in self.coverage(text, ignore=ignore).items()
                      if share >= STEM_MATCH - 1e-9)

    def coverage(self, text: str, allowed: Mapping[str, object] | None = None,
                 ignore: frozenset[str] = frozenset()
                 ) -> dict[str, tuple[float, frozenset[str]]]:
        """For each entry, the best share of one of its terms that `text` contains
        (weighted by rarity): how fully a long text names the entry; with the words of
        `text` that this term used."""
        present: dict[int, float] = {}
        said: dict[int, set[str]] = defaultdict(set)
        for word in query_words(text, ignore):
            for word_id, value in self.matches(word).items():
                if value >= STEM_MATCH or value >= PREFIX_MATCH and len(key(word)) >= 5:
                    present[word_id] = max(present.get(word_id, 0.0), value)
                    said[word_id].add(word)
        result: dict[str, tuple[float, frozenset[str]]] = {}
        for word_id in present:
            for entry_id in self._entries_of(word_id):
                if entry_id in result or (allowed is not None and entry_id not in allowed):
                    continue
                best: tuple[float, frozenset[str]] = (0.0, frozenset())
                terms, weights = self._own[entry_id], self._term_weights[entry_id]
                holding = self._terms_with[entry_id]
                # The others' share is 0, which never beats the best: summed in their order
                # (the same sums as over every term), only the terms holding a present word.
                for place in sorted({p for i in holding.keys() & present.keys()
                                     for p in holding[i]}):
                    term, weight = terms[place], weights[place]
                    got = sum(self._idf[i] * present.get(i, 0.0) for i in term)
                    share = got / weight if weight else 0.0
                    if share > best[0]:
                        best = (share, frozenset(w for i in term for w in said.get(i, ())))
                result[entry_id] = best
        return result
