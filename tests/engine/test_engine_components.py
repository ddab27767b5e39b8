"""Tables for each scoring component, category closeness, text folding and the policy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching import Policy, PolicyError, closeness, compatible_categories
from matching.geo import arc_km, chord_km, haversine_km
from matching.scoring import deadline_score, distance_score, fairness_score, quantity_score
from matching.text import document, fold, similarity


@pytest.mark.parametrize(("distance", "expected"), [
    (0.0, 1.0), (10.0, 0.5), (20.0, 0.25), (float("nan"), 1.0),
])
def test_distance_halves_every_half_km(distance, expected):
    assert distance_score(np.array([distance]), 10.0)[0] == pytest.approx(expected)


@pytest.mark.parametrize(("slack", "expected"), [
    (0, 1.0), (14, 0.5), (28, 0.25), (np.iinfo(np.int64).max // 2 - 5, 0.3),
])
def test_deadline_favours_little_slack(slack, expected):
    assert deadline_score(np.array([slack]), 14.0, 0.3)[0] == pytest.approx(expected)


@pytest.mark.parametrize(("offered", "needed", "expected"), [
    (10, 10, 1.0), (5, 10, 0.5), (40, 10, 0.25), (0, 0, 0.0),
])
def test_quantity_fit_is_smaller_over_larger(offered, needed, expected):
    got = quantity_score(np.array([offered], float), np.array([needed], float))[0]
    assert got == pytest.approx(expected)


@pytest.mark.parametrize(("received", "expected"), [(0.0, 1.0), (5.0, 0.5), (15.0, 0.25)])
def test_fairness_falls_with_what_was_received(received, expected):
    assert fairness_score(np.array([received]), 5.0)[0] == pytest.approx(expected)


@pytest.mark.parametrize(("offer_path", "need_path", "expected"), [
    (("a", "b", "c"), ("a", "b", "c"), 1.0),
    (("a", "b", "c"), ("a", "b"), 0.8),  # need broader by one level
    (("a", "b", "c"), ("a",), 0.64),  # by two levels
    (("a", "b"), ("a", "b", "c"), 0.5),  # offer broader
    (("a", "b", "c"), ("a", "b", "d"), 0.0),  # siblings: off by default
    (("a", "b", "blankets"), ("a", "x", "sleeping_bags"), 0.7),  # related
    (("a", "b", "c"), ("z", "y"), 0.0),
])
def test_category_closeness(offer_path, need_path, expected):
    policy = Policy.from_mapping({}, related=[("sleeping_bags", "blankets")])
    assert closeness(offer_path, need_path, policy) == pytest.approx(expected)


def test_siblings_match_when_the_policy_says_so():
    policy = Policy.from_mapping({"category": {"sibling": 0.4}})
    assert closeness(("a", "b", "c"), ("a", "b", "d"), policy) == 0.4
    assert compatible_categories(("a", "b", "c"), [("a", "b", "d"), ("z",)], policy) == {"d"}


@pytest.mark.parametrize(("text", "folded"), [
    ("Κουβέρτες", "kouvertes"),
    ("ΚΟΥΒΈΡΤΕΣ!", "kouvertes"),
    ("Ρούχα  για  παιδιά", "roucha gia paidia"),
    ("Café Crème", "cafe creme"),
    ("Ευαγγελισμός", "evangelismos"),
])
def test_fold_meets_scripts_accents_and_case(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("a", "b", "at_least"), [
    ("kouvertes", "Κουβέρτες", 1.0),
    ("κουβερτες", "Κουβέρτες", 1.0),
    ("blankets wool", "wool blankets", 1.0),
    ("kouvertes", "blankets", 0.0),
])
def test_text_similarity_of_documents(a, b, at_least):
    assert similarity(document(a), document(b)) >= at_least


def test_concepts_named_by_both_texts_make_words_of_two_languages_meet():
    concepts = ("blankets",)
    assert similarity(document("kouvertes", concepts), document("κουβέρτα", concepts)) == 1.0
    assert similarity(document("kouvertes", concepts), document("blankets", concepts)) > 0.75
    assert similarity(document("kouvertes"), document("blankets")) < 0.5


def test_a_document_is_its_own_words_stemmed_without_words_that_say_nothing():
    assert document("Κουβέρτες για τα παιδιά") == document("ΚΟΥΒΕΡΤΑ παιδια")
    assert document("Blankets for the children") == document("blanket children")


@pytest.mark.parametrize("km", [0.0, 1.0, 35.0, 400.0])
def test_chord_and_arc_agree_with_haversine(km):
    assert arc_km(np.array([chord_km(km)]))[0] == pytest.approx(km, abs=1e-6)
    # one degree of latitude
    assert haversine_km(37.0, 23.0, 38.0, 23.0) == pytest.approx(111.2, abs=0.1)


@pytest.mark.parametrize(("mapping", "bad_key"), [
    ({"weights": {"text": -1}}, "weights.text"),
    ({"weights": {"txt": 1}}, "weights.txt"),
    ({"wieghts": {}}, "wieghts"),
    ({"weights": {k: 0 for k in ("category", "text", "attributes", "distance", "urgency",
                                 "deadline", "quantity", "fairness")}}, "weights"),
    ({"urgency": {"weights": {"low": 1, "normal": 1, "high": 1}}}, "urgency.weights.emergency"),
    ({"urgency": {"scores": {"low": 2, "normal": 1, "high": 1, "emergency": 1}}},
     "urgency.scores.low"),
    ({"category": {"related": 1.5}}, "category.related"),
    ({"category": {"min": 0}}, "category.min"),
    ({"distance": {"half_km": "far"}}, "distance.half_km"),
    ({"limits": {"max_candidates_per_offer": 2.5}}, "limits.max_candidates_per_offer"),
    ({"limits": {"min_score": True}}, "limits.min_score"),
    ({"limits": 3}, "limits"),
])
def test_a_bad_policy_value_names_itself(mapping, bad_key):
    with pytest.raises(PolicyError) as caught:
        Policy.from_mapping(mapping)
    assert caught.value.key == bad_key


def test_bad_units_name_themselves():
    with pytest.raises(PolicyError) as caught:
        Policy.from_mapping({}, units={"kg": {"dimension": "mass", "factor": 0}})
    assert caught.value.key == "units.kg.factor"


def test_the_shipped_config_is_valid():
    import tomllib
    from pathlib import Path

    path = Path(__file__).parents[2] / "config" / "matching.toml"
    policy = Policy.from_mapping(tomllib.loads(path.read_text(encoding="utf-8")))
    assert math.isclose(sum(policy.weights.values()), 1.0)


@pytest.mark.parametrize(("offer_unit", "need_unit", "ratio"), [
    ("piece", "piece", 1.0), ("kg", "g", 1000.0), ("g", "kg", 0.001),
    ("pack_of_10", "piece", 10.0), ("kg", "piece", None), ("box", "box", 1.0),
    ("box", "piece", None),
])
def test_units_convert_only_within_a_dimension(policy, offer_unit, need_unit, ratio):
    assert policy.unit_ratio(offer_unit, need_unit) == ratio
