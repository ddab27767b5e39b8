"""Attributes, how a skill is given, evidence for a broader offer and texts that veto."""

from __future__ import annotations

import pytest

from matching import Policy, propose

INTERPRETING = ("interpreting",)
SOMALI = ("interpreting", "interpreting_somali")
NAPPIES = ("baby_supplies", "nappies")
LESSONS = ("language_lessons", "greek_lessons")
GLASSES = ("eyeglasses",)
SUNGLASSES = ("eyeglasses", "sunglasses")
PRESCRIPTION = ("eyeglasses", "prescription_glasses")


def sizes(*values):
    return {"size": frozenset(values)}


def candidate_pairs(result):
    return {(c.offer_id, c.need_id) for c in result.candidates}


@pytest.mark.parametrize(
    ("offer_values", "need_values", "candidate"),
    [
        (sizes("4"), sizes("4"), True),
        (sizes("3", "4"), sizes("4"), True),
        (sizes("3"), sizes("4"), False),  # different values never match
        (sizes(), sizes("4"), True),  # not stated on one side: a candidate, scored lower
        ({}, sizes("4"), True),  # the offer's category has no such attribute
    ],
)
def test_different_values_of_an_attribute_never_match(
        policy, today, make_offer, make_need, offer_values, need_values, candidate):
    offer = make_offer(category_path=NAPPIES, attributes=offer_values)
    need = make_need(category_path=NAPPIES, attributes=need_values)
    assert bool(propose([offer], [need], policy, today).candidates) is candidate


def test_an_attribute_stated_by_both_scores_above_one_stated_by_one(
        policy, today, make_offer, make_need):
    offer = make_offer(category_path=NAPPIES, attributes=sizes("4"))
    stated = make_need(category_path=NAPPIES, attributes=sizes("4"))
    unstated = make_need(category_path=NAPPIES, attributes=sizes())
    table = propose([offer], [stated, unstated], policy, today).candidates
    by_need = {c.need_id: c.breakdown["attributes"] for c in table}
    assert by_need == {stated.id: 1.0, unstated.id: policy.attribute_missing}


def test_a_strict_attribute_must_be_stated_by_both(today, make_offer, make_need):
    strict = Policy.from_mapping({}, strict_attributes=["language"])
    offer = make_offer(category_path=INTERPRETING, kind="skill", unit="hours",
                       attributes={"language": frozenset()})
    need = make_need(category_path=INTERPRETING, kind="skill", unit="hours",
                     attributes={"language": frozenset({"somali"})})
    assert not propose([offer], [need], strict, today).candidates


def test_a_broader_offer_meets_a_narrower_need_only_with_evidence(
        policy, today, make_offer, make_need):
    somali_need = make_need(category_path=SOMALI, kind="skill", unit="hours", concepts=(),
                            text="Διερμηνέας σομαλικών για το νοσοκομείο",
                            attributes={"language": frozenset({"somali"})})
    plain = make_offer(category_path=INTERPRETING, kind="skill", unit="hours", concepts=(),
                       text="Interpreting services", attributes={"language": frozenset()})
    somali = make_offer(category_path=INTERPRETING, kind="skill", unit="hours", concepts=(),
                        text="Interpreter", attributes={"language": frozenset({"somali"})})
    result = propose([plain, somali], [somali_need], policy, today)
    assert candidate_pairs(result) == {(somali.id, somali_need.id)}


@pytest.mark.parametrize(
    ("remote", "in_person", "online_ok", "in_person_ok", "far", "candidate"),
    [
        (True, False, True, True, True, True),  # online meets anyone, however far
        (True, False, False, True, False, False),  # online only vs "not online"
        (False, True, True, False, False, False),  # in person only vs online only
        (True, True, False, True, False, True),  # either way, near: in person
        (True, True, False, True, True, False),  # either way, but too far for in person
        (False, True, True, True, True, False),  # in person, too far
    ],
)
def test_how_a_skill_is_given_meets_how_a_need_accepts_it(
        policy, today, make_offer, make_need, remote, in_person, online_ok, in_person_ok,
        far, candidate):
    offer = make_offer(category_path=LESSONS, kind="skill", unit="hours", remote=remote,
                       in_person=in_person, reach_km=5.0)
    need = make_need(category_path=LESSONS, kind="skill", unit="hours", online_ok=online_ok,
                     in_person_ok=in_person_ok, lat=38.3 if far else 37.98)
    table = propose([offer], [need], policy, today).candidates
    assert bool(table) is candidate
    if candidate and remote and online_ok:
        assert table[0].distance_km is None and table[0].breakdown["distance"] == 1.0


def test_a_text_about_something_else_vetoes_the_pair(policy, today, make_offer, make_need):
    need = make_need(category_path=PRESCRIPTION, text="γυαλιά μυωπίας")
    shades = make_offer(category_path=GLASSES, text="γυαλιά ηλίου", text_path=SUNGLASSES)
    glasses = make_offer(category_path=GLASSES, text="γυαλιά οράσεως")
    result = propose([shades, glasses], [need], policy, today)
    assert candidate_pairs(result) == {(glasses.id, need.id)}


def test_a_remote_offer_with_a_place_is_paired_once(policy, today, make_offer, make_need):
    offer = make_offer(category_path=LESSONS, kind="skill", unit="hours", remote=True,
                       in_person=True)
    needs = [make_need(category_path=LESSONS, kind="skill", unit="hours") for _ in range(3)]
    pairs = [(c.offer_id, c.need_id) for c in propose([offer], needs, policy, today).candidates]
    assert len(pairs) == len(set(pairs)) == 3
