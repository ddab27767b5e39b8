"""Text folding: case, accents and script, so Greek, Greeklish and English meet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import Stemmer
from anyascii import anyascii
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

# Modern Greeklish, as people type it (ELOT 743): anyascii writes each Greek letter so
# already (θ th, χ ch, ψ ps, η i, υ y), but letter by letter; these digraphs are written as
# one sound (ου ou, not oy; αυ av, ευ ev; γγ ng). γκ, μπ and ντ need nothing: anyascii's
# gk, mp and nt are what people type.
_GREEK_DIGRAPHS = {
    "ου": "ou",
    "αυ": "av",
    "ευ": "ev",
    "γγ": "ng",
}
_DIGRAPH_RE = re.compile("|".join(_GREEK_DIGRAPHS))
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")

# Spelling variants that Greeklish writers mix freely, reduced to one skeleton. Each rule
# names the letters any match of it holds: a rule none of whose letters is in the word is
# skipped (a substring test costs a tenth of a substitution that finds nothing). Doubled
# letters: "kolonnos" -> "kolonos".
_KEY_RULES = [
    (re.compile(r"(.)\1+"), r"\1", ("",)),  # doubled letters, any ("" is in every word)
    (re.compile(r"ou"), "u", ("ou",)),
    (re.compile(r"mp"), "b", ("mp",)),
    (re.compile(r"nt"), "d", ("nt",)),
    (re.compile(r"gk|ng"), "g", ("gk", "ng")),
    (re.compile(r"\bh"), "x", ("h",)),  # "Halandri" for Χαλάνδρι; word-initial η is rare
    (re.compile(r"ch|kh"), "x", ("ch", "kh")),
    (re.compile(r"ks"), "x", ("ks",)),
    (re.compile(r"ph"), "f", ("ph",)),
    (re.compile(r"ei|oi|yi|y"), "i", ("y", "ei", "oi")),
    (re.compile(r"ai"), "e", ("ai",)),
    (re.compile(r"w"), "o", ("w",)),
    (re.compile(r"b"), "v", ("b",)),
]


def strip_accents(text: str) -> str:
    """Return `text` casefolded with combining marks removed (final sigma folds too)."""
    if text.isascii():  # nothing to decompose, no mark to drop
        return text.casefold()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _greek_digraphs(text: str) -> str:
    return _DIGRAPH_RE.sub(lambda m: _GREEK_DIGRAPHS[m.group()], text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold `text` to lower-case ASCII words: accents dropped, Greek written as Greeklish."""
    latin = anyascii(_greek_digraphs(strip_accents(text))).lower()
    return " ".join(_NON_WORD_RE.sub(" ", latin).split())


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Reduce `text` to a spelling skeleton, so `kipseli`, `Κυψέλη` and `kypseli` agree."""
    skeleton = fold(text)
    for pattern, replacement, held in _KEY_RULES:
        for letters in held:
            if letters in skeleton:
                skeleton = pattern.sub(replacement, skeleton)
                break
    return skeleton


def document(text: str, concepts: tuple[str, ...] = ()) -> str:
    """The distinct word stems of `text` and the `concepts` it names, sorted, for comparison.

    Sorting once here lets the plain `fuzz.ratio` act as a token-sort ratio at a fraction of
    its cost; stems make `κουβέρτες` and `κουβέρτα` one word, and concepts (ids of the
    categories a text names) let `kouvertes` meet `blankets`. Words shorter than two letters
    and words that carry no meaning (`για`, `the`) are dropped.
    """
    stems = {stem for token in text.split() for stem in _token_stems(token)}
    stems.update(f"{c}*" for c in concepts)
    return " ".join(sorted(w for w in stems if len(w) > 1))


# The stems of each whitespace-separated token, made once per process: texts differ (a typo,
# another extra word) far more often than their tokens do, and `words` of a text is `words`
# of its tokens one after another (whitespace is never part of a word, and accents, case and
# NFD are folded character by character), so a document is the union of its tokens' stems.
# At 100k items this is ~10x fewer calls of `strip_accents` and the stemmers than one per
# text. At most this many are kept; beyond, all are dropped and made again.
TOKEN_CACHE = 1 << 17
_TOKEN_STEMS: dict[str, tuple[str, ...]] = {}


def _token_stems(token: str) -> tuple[str, ...]:
    found = _TOKEN_STEMS.get(token)
    if found is None:
        if len(_TOKEN_STEMS) >= TOKEN_CACHE:
            _TOKEN_STEMS.clear()
        found = _TOKEN_STEMS[token] = tuple(
            stem_key(w) for w in words(token) if w not in STOP_WORDS)
    return found


def clear_tokens() -> None:
    """Forget the tokens' stems made so far (for a benchmark of a fresh process)."""
    _TOKEN_STEMS.clear()


# Words that say nothing about what is given or needed, in both languages (accents dropped).
STOP_WORDS = frozenset(
    """
    a an and are as at be by for from in is it of on or our the to we with our us your you
    this that these those will can per each any all some very please need needs needed want
    offer offers offering give giving donate donation donations available looking have has
    και η ο οι το τα του της των τον την τη στο στη στην στα στους στις σε με για απο από
    ενα ενας μια μιας ή ειναι είναι που θα να μας σας τους τις ως κατα προς χωρις
    χρειαζομαστε ζηταμε ζητειται ζητουνται προσφερουμε προσφερω προσφορα δωρεα δωριζουμε
    διαθετουμε διαθεσιμα διαθεσιμο αναγκη αναγκες παρακαλω πολυ λιγα καποια
    about around approximately approx also just only more less other such via through
    μεσω
    περιπου επισης μονο αλλα αλλο αλλη αλλες τετοια ολα ολες ολοι
    gia kai me se to ta tou tis ton tin ti sto sti stin stis stous apo ena enas mia na tha
    pou einai mas sas tous oi h kata pros xoris ws
    """.split()
)  # the last two lines: the commonest Greek words again, in Greeklish

_WORD_RE = re.compile(r"[^\W_]+")
_GREEK_RE = re.compile("[\u0370-\u03ff]")
_GREEK_STEMMER = Stemmer.Stemmer("greek")
_ENGLISH_STEMMER = Stemmer.Stemmer("english")

# Greeklish read back as Greek, longest spelling first, so a Latin word can meet the Greek
# stemmer: "kouvertes" -> "κουβερτες" -> "κουβερτ".
_LATIN_TO_GREEK = [
    ("th", "θ"), ("ch", "χ"), ("kh", "χ"), ("ps", "ψ"), ("ks", "ξ"), ("ou", "ου"),
    ("mp", "μπ"), ("nt", "ντ"), ("gk", "γκ"), ("ng", "γγ"), ("ph", "φ"), ("a", "α"),
    ("b", "μπ"), ("c", "κ"), ("d", "δ"), ("e", "ε"), ("f", "φ"), ("g", "γ"), ("h", "χ"),
    ("i", "ι"), ("j", "τζ"), ("k", "κ"), ("l", "λ"), ("m", "μ"), ("n", "ν"), ("o", "ο"),
    ("p", "π"), ("q", "κ"), ("r", "ρ"), ("s", "σ"), ("t", "τ"), ("u", "ου"), ("v", "β"),
    ("w", "ω"), ("x", "χ"), ("y", "υ"), ("z", "ζ"),
]
_LATIN_TO_GREEK_RE = re.compile("|".join(latin for latin, _ in _LATIN_TO_GREEK))
_LATIN_TO_GREEK_MAP = dict(_LATIN_TO_GREEK)


def words(text: str) -> list[str]:
    """The words of `text`, casefolded, accents dropped, in their own script."""
    return _WORD_RE.findall(strip_accents(text))


def is_greek(word: str) -> bool:
    """True when `word` is written (at least partly) in Greek letters."""
    return _GREEK_RE.search(word) is not None


def greeklish_to_greek(word: str) -> str:
    """A Latin-script word read as Greeklish, in Greek letters (final sigma left as σ)."""
    return _LATIN_TO_GREEK_RE.sub(lambda m: _LATIN_TO_GREEK_MAP[m.group()], word)


@lru_cache(maxsize=65536)
def stem_key(word: str) -> str:
    """The skeleton of a word's Snowball stem (Greek for Greek script, else English)."""
    if word.isdigit():
        return word
    stemmer = _GREEK_STEMMER if is_greek(word) else _ENGLISH_STEMMER
    return key(stemmer.stemWord(word)) or key(word)


@lru_cache(maxsize=65536)
def forms(word: str) -> frozenset[str]:
    """The forms under which a casefolded, accent-free word meets others.

    ``w:`` the whole word's spelling skeleton (any script: `kouvertes` = `κουβέρτες`);
    ``g:`` the Greek stem of a Greek word, ``e:`` the English stem of a Latin word, and
    ``x:`` stems of four letters or more that cross scripts (a Greek word's Greek stem, a
    Latin word's stem when read as Greeklish), so `kouverta` meets `κουβέρτες` while short
    stems (`pan` of both `pans` and `πάνες`) stay within their script.
    """
    if word.isdigit():
        return frozenset({"w:" + word})
    found = {"w:" + key(word)}
    if is_greek(word):
        stem = key(_GREEK_STEMMER.stemWord(word))
        found.add("g:" + stem)
        if len(stem) >= 4:
            found.add("x:" + stem)
    else:
        found.add("e:" + key(_ENGLISH_STEMMER.stemWord(word)))
        stem = key(_GREEK_STEMMER.stemWord(greeklish_to_greek(word)))
        if len(stem) >= 4:
            found.add("x:" + stem)
    return frozenset(f for f in found if len(f) > 2)


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
