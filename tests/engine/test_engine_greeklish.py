"""Greek folds to the Greeklish people type: anyascii's letters, our digraphs."""

import pytest

from matching.text import fold, key

# ELOT 743 as people type it, letter by letter (what the hand-written map used to say).
LETTERS = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
         "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"],
        strict=True,
    )
)


@pytest.mark.parametrize(("letter", "latin"), LETTERS.items())
def test_every_greek_letter_folds_to_its_greeklish(letter, latin):
    assert fold(letter) == latin
    assert fold(letter.upper()) == latin


@pytest.mark.parametrize(("text", "folded"), [
    ("Ουρανός", "ouranos"),
    ("Αυγά", "avga"),
    ("Ευχαριστώ", "evcharisto"),
    ("Άγγελος", "angelos"),
    ("Αγκάθι", "agkathi"),
    ("Μπουφάν", "mpoufan"),
    ("Ντομάτες", "ntomates"),
    ("ξύλα θέρμανσης", "xyla thermansis"),
    ("Ψωμί & γάλα", "psomi gala"),
])
def test_digraphs_are_written_as_one_sound(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("a", "b"), [
    ("Κυψέλη", "kipseli"),
    ("Χαλάνδρι", "Halandri"),
    ("μπουφάν", "boufan"),
    ("Αμπελόκηποι", "ampelokipi"),
])
def test_spellings_people_mix_share_one_skeleton(a, b):
    assert key(a) == key(b)
