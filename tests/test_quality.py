"""Matching quality on the project's own evaluation set may rise but never slip.

The set (tests/data/quality.toml) is posted through the API as a client would, the full
re-optimisation runs on a fixed day, and the counts below are floors (ceilings for traps)
at the figures measured when they were last raised. When a change improves a figure, raise
its floor here in the same commit; `.venv/bin/python bench/quality.py` prints the details.
Always on SQLite (the evaluation is about matching, not the database).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bench.quality import Report, evaluate, temporary_app
from bench.quality_set import DATA_FILE, load_quality_set

# Figures measured on the code of this commit (search mode); see bench/quality.py.
FLOORS = {
    "posted": 256,  # of 344 items
    "search_first_hits": 247,  # of 317 items with an expected category
    "place_first_hits": 339,  # of 344 items
    "expected_pairs_proposed": 93,  # of 146 expected pairs
}
CEILINGS = {
    "trap_pairs_proposed": 16,  # of 101 traps
    "filler_proposals": 1,
}


@pytest.fixture(scope="module")
def report() -> Iterator[Report]:
    """One evaluation for the whole module (it takes several seconds)."""
    with temporary_app() as app:
        yield evaluate(app)


def _figures(report: Report) -> dict[str, Any]:
    return {
        "posted": report.posted,
        "search_first_hits": report.search_hits()[0],
        "place_first_hits": report.place_hits()[0],
        "expected_pairs_proposed": report.recall()[0],
        "trap_pairs_proposed": report.traps_proposed()[0],
        "filler_proposals": len(report.filler_proposals()),
    }


@pytest.mark.quality
def test_the_evaluation_set_is_large_and_covers_every_trap_kind() -> None:
    data = load_quality_set(DATA_FILE)
    traps = {p.trap for p in data.pairs if p.expect == "trap"}
    assert len(data.offers) >= 150 and len(data.needs) >= 100
    assert sum(p.expect == "match" for p in data.pairs) >= 100
    assert sum(p.expect == "trap" for p in data.pairs) >= 80
    assert traps == {
        "false_friend", "language", "size", "stage", "product", "condition", "mode",
        "paid_vs_volunteer", "parent_child", "reach", "late", "expired",
    }


@pytest.mark.quality
@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_matching_quality_does_not_slip(report: Report, figure: str) -> None:
    measured = _figures(report)[figure]
    assert measured >= FLOORS[figure], (
        f"{figure} fell to {measured} (floor {FLOORS[figure]}):\n{report.text()}"
    )


@pytest.mark.quality
@pytest.mark.parametrize("figure", sorted(CEILINGS))
def test_no_more_wrong_proposals_than_before(report: Report, figure: str) -> None:
    measured = _figures(report)[figure]
    assert measured <= CEILINGS[figure], (
        f"{figure} rose to {measured} (ceiling {CEILINGS[figure]}):\n{report.text()}"
    )
