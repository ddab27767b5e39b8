"""Malformed offers and needs are refused with the engine's own error."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from matching import InputError, propose

MATCHING = Path(__file__).parents[2] / "matching"
# ortools: its min-cost flow solves the transportation pieces exactly (matching/flow.py);
# Stemmer: Snowball's Greek and English stemmers (matching/text.py)
ALLOWED_ROOTS = {"__future__", "numpy", "scipy", "rapidfuzz", "anyascii", "ortools", "Stemmer",
                 "matching"}
BANNED_STDLIB = {"random", "secrets", "os", "time", "uuid", "pathlib", "io"}


@pytest.mark.parametrize("fields", [
    {"kind": "money"},
    {"quantity": -1},
    {"quantity": 2.5},
    {"lot": 0},
    {"category_path": ()},
    {"lat": None, "lon": None},
    {"lat": 95.0},
    {"id": ""},
    {"reach_km": float("nan")},
])
def test_a_malformed_offer_is_refused(make_offer, fields):
    with pytest.raises(InputError):
        make_offer(**fields)


@pytest.mark.parametrize("fields", [
    {"urgency": "asap"},
    {"requested": 3, "quantity": 10},
    {"received_recently": -1.0},
    {"lat": 38.0, "lon": None},
])
def test_a_malformed_need_is_refused(make_need, fields):
    with pytest.raises(InputError):
        make_need(**fields)


@pytest.mark.parametrize("path", [
    ("goods", ""),
    ("goods", ["bedding"]),  # an element that cannot be hashed
    ("goods", 7),
    [],
])
def test_a_bad_path_is_refused_after_good_ones_were_seen(make_offer, make_need, path):
    # valid paths are remembered so as not to be walked again: that must never admit a bad one
    make_offer(category_path=("goods", "bedding")), make_need(category_path=("goods", "bedding"))
    with pytest.raises(InputError, match="category_path"):
        make_offer(category_path=path)
    with pytest.raises(InputError, match="category_path"):
        make_need(category_path=path)
    with pytest.raises(InputError, match="text_path"):
        make_offer(text_path=path or ("",))


def test_attributes_are_read_only_copies(make_offer, make_need):
    given = {"size": frozenset({"M"})}
    offer, bare, need = make_offer(attributes=given), make_offer(), make_need()
    given["size"] = frozenset({"XL"})
    assert offer.attributes == {"size": frozenset({"M"})}
    for item in (offer, bare, need):
        with pytest.raises(TypeError):
            item.attributes["size"] = frozenset({"S"})  # type: ignore[index]
    assert bare.attributes == {} and need.attributes == {}
    with pytest.raises(InputError, match="frozensets"):
        make_offer(attributes={"size": {"M"}})


def test_duplicate_ids_are_refused(policy, today, make_offer, make_need):
    offer = make_offer(id="same")
    with pytest.raises(InputError, match="duplicate offer id"):
        propose([offer, make_offer(id="same")], [make_need()], policy, today)


def test_empty_input_proposes_nothing(policy, today):
    result = propose([], [], policy, today)
    assert (len(result.candidates), result.proposals, result.objective, result.status) == (
        0, (), 0.0, "optimal")


def test_matching_imports_only_the_allowed_libraries():
    for source in MATCHING.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                root = name.split(".")[0]
                assert root in ALLOWED_ROOTS or root in _stdlib(), f"{source.name}: {name}"
                assert root not in BANNED_STDLIB, f"{source.name}: {name}"


def test_matching_reads_no_clock_environment_or_randomness():
    banned = re.compile(r"date\.today|datetime\.now|os\.environ|(?<![.\w])open\(")
    for source in MATCHING.glob("*.py"):
        found = banned.search(source.read_text(encoding="utf-8"))
        assert found is None, f"{source.name} uses {found.group()}"


def _stdlib() -> frozenset[str]:
    import sys

    return frozenset(sys.stdlib_module_names)
