"""Text folding: case, accents and script, so Greek, Greeklish and English meet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from anyascii import anyascii
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

# Modern Greeklish, as people type it (ELOT 743 with the common digraphs).
_GREEK_DIGRAPHS = {
    "ου": "ou",
    "αυ": "av",
    "ευ": "ev",
    "γγ": "ng",
    "γκ": "gk",
    "μπ": "mp",
    "ντ": "nt",
}
_GREEK_LETTERS = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
         "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"],
        strict=True,
    )
)
_DIGRAPH_RE = re.compile("|".join(_GREEK_DIGRAPHS))
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")

# Spelling variants that Greeklish writers mix freely, reduced to one skeleton.
_KEY_RULES = [
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: "kolonnos" -> "kolonos"
    (re.compile(r"ou"), "u"),
    (re.compile(r"mp"), "b"),
    (re.compile(r"nt"), "d"),
    (re.compile(r"gk|ng"), "g"),
    (re.compile(r"\bh"), "x"),  # "Halandri" for Χαλάνδρι; word-initial η is rare
    (re.compile(r"ch|kh"), "x"),
    (re.compile(r"ks"), "x"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ei|oi|yi|y"), "i"),
    (re.compile(r"ai"), "e"),
    (re.compile(r"w"), "o"),
    (re.compile(r"b"), "v"),
]


def strip_accents(text: str) -> str:
    """Return `text` casefolded with combining marks removed (final sigma folds too)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _greek_to_latin(text: str) -> str:
    text = _DIGRAPH_RE.sub(lambda m: _GREEK_DIGRAPHS[m.group()], text)
    return "".join(_GREEK_LETTERS.get(c, c) for c in text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold `text` to lower-case ASCII words: accents dropped, Greek written as Greeklish."""
    latin = anyascii(_greek_to_latin(strip_accents(text))).lower()
    return " ".join(_NON_WORD_RE.sub(" ", latin).split())


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Reduce `text` to a spelling skeleton, so `kipseli`, `Κυψέλη` and `kypseli` agree."""
    skeleton = fold(text)
    for pattern, replacement in _KEY_RULES:
        skeleton = pattern.sub(replacement, skeleton)
    return skeleton


@lru_cache(maxsize=4096)
def _term_words(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word for term in terms for word in fold(term).split())


def document(text: str, terms: tuple[str, ...] = ()) -> str:
    """Fold `text` and `terms` into one string of distinct words, sorted, for comparison.

    Sorting once here lets the plain `fuzz.ratio` act as a token-sort ratio at a fraction of
    its cost; words shorter than two letters carry no meaning and are dropped.
    """
    words = _term_words(terms).union(fold(text).split())
    return " ".join(sorted(w for w in words if len(w) > 1))


def similarity(offer_doc: str, need_doc: str) -> float:
    """Similarity in [0, 1] of two `document` strings."""
    return float(fuzz.ratio(offer_doc, need_doc)) / 100.0


def pair_similarities(offer_docs: Sequence[str], need_docs: Sequence[str]) -> NDArray[np.float64]:
    """`similarity` of each pair (offer_docs[i], need_docs[i]), computed in bulk."""
    if not offer_docs:
        return np.zeros(0)
    scores = process.cpdist(offer_docs, need_docs, scorer=fuzz.ratio, dtype=np.float64,
                            workers=1)
    return np.asarray(scores, dtype=np.float64) / 100.0
