"""Builders for engine tests: functions that make offers, needs and policies."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from matching import Need, Offer, Policy

TODAY = date(2026, 11, 26)
SYNTAGMA = (37.9755, 23.7348)  # central Athens
BLANKETS = ("basic_goods", "bedding", "blankets")
BLANKET_TERMS = ("Κουβέρτες", "Κουβέρτα", "blankets", "blanket", "kouvertes")
UNITS = {
    "piece": {"dimension": "count", "factor": 1.0},
    "pack_of_10": {"dimension": "count", "factor": 10.0},
    "kg": {"dimension": "mass", "factor": 1000.0},
    "g": {"dimension": "mass", "factor": 1.0},
    "hour": {"dimension": "time", "factor": 60.0},
}


@pytest.fixture
def policy() -> Policy:
    """The default policy with a small units table and one related pair."""
    return Policy.from_mapping(
        {}, units=UNITS, related=[("blankets", "sleeping_bags")])


@pytest.fixture
def make_offer() -> Callable[..., Offer]:
    """Build an offer of 10 blankets in central Athens; keywords override any field."""
    counter = itertools.count(1)

    def build(**fields: Any) -> Offer:
        values: dict[str, Any] = {
            "id": f"o{next(counter):03d}", "kind": "goods", "category_path": BLANKETS,
            "quantity": 10, "unit": "piece", "lat": SYNTAGMA[0], "lon": SYNTAGMA[1],
            "reach_km": 15.0, "text": "κουβέρτες", "concepts": ("blankets",),
        }
        values.update(fields)
        return Offer(**values)

    return build


@pytest.fixture
def make_need() -> Callable[..., Need]:
    """Build a need for 10 blankets 1 km from the offers; keywords override any field."""
    counter = itertools.count(1)

    def build(**fields: Any) -> Need:
        values: dict[str, Any] = {
            "id": f"n{next(counter):03d}", "kind": "goods", "category_path": BLANKETS,
            "quantity": 10, "unit": "piece", "lat": SYNTAGMA[0] + 0.009, "lon": SYNTAGMA[1],
            "text": "blankets", "concepts": ("blankets",), "organisation_id": "ngo1",
        }
        values.update(fields)
        return Need(**values)

    return build


@pytest.fixture
def today() -> date:
    """The fixed day every engine test runs on."""
    return TODAY
