"""Weights and limits of the engine, validated from the mapping the web reads from TOML."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from matching.errors import PolicyError
from matching.model import URGENCIES

COMPONENTS = ("category", "text", "attributes", "distance", "urgency", "deadline", "quantity",
              "fairness")

# Code defaults; config/matching.toml overrides them key by key.
DEFAULTS: dict[str, dict[str, Any]] = {
    "weights": {
        "category": 0.20, "text": 0.15, "attributes": 0.10, "distance": 0.15, "urgency": 0.15,
        "deadline": 0.10, "quantity": 0.05, "fairness": 0.10,
    },
    "urgency": {
        "scores": {"low": 0.25, "normal": 0.5, "high": 0.75, "emergency": 1.0},
        "weights": {"low": 0.5, "normal": 1.0, "high": 2.0, "emergency": 4.0},
    },
    "category": {"ancestor": 0.8, "descendant": 0.5, "sibling": 0.0, "related": 0.7,
                 "min": 0.3},
    "text": {"evidence": 0.3},
    "attributes": {"missing": 0.5, "none": 0.75},
    "distance": {"half_km": 10.0, "max_km": 60.0},
    "deadline": {"half_life_days": 14.0, "none": 0.3},
    "fairness": {"half": 5.0},
    "emergency": {"weight": 3.0},
    "limits": {
        "min_score": 0.2, "max_candidates_per_offer": 25, "max_candidates_per_need": 25,
        "max_neighbours": 50, "mip_rel_gap": 1e-4, "milp_max_edges": 500,
        "milp_node_limit": 1000,
    },
}


def _number(key: str, value: object, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(key, f"must be a number, not {value!r}")
    number = float(value)
    if not (low <= number <= high) or math.isnan(number):
        raise PolicyError(key, f"must be between {low} and {high}, not {value!r}")
    return number


def _integer(key: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise PolicyError(key, f"must be an integer >= {low}, not {value!r}")
    return value


def _merged(mapping: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Overlay `mapping` on the defaults, refusing unknown sections and keys."""
    merged = {section: dict(values) for section, values in DEFAULTS.items()}
    for section, values in mapping.items():
        if section not in DEFAULTS:
            raise PolicyError(section, "unknown section")
        if not isinstance(values, Mapping):
            raise PolicyError(section, "must be a table")
        for name, value in values.items():
            if name not in DEFAULTS[section]:
                raise PolicyError(f"{section}.{name}", "unknown key")
            merged[section][name] = value
    return merged


def _table(key: str, value: object, names: Iterable[str], high: float) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise PolicyError(key, "must be a table")
    names = tuple(names)
    for name in value:
        if name not in names:
            raise PolicyError(f"{key}.{name}", "unknown key")
    missing = [name for name in names if name not in value]
    if missing:
        raise PolicyError(f"{key}.{missing[0]}", "missing")
    return {name: _number(f"{key}.{name}", value[name], 0.0, high) for name in names}


def _units(units: Mapping[str, Any]) -> dict[str, tuple[str, float]]:
    table: dict[str, tuple[str, float]] = {}
    for name, spec in units.items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("dimension"), str):
            raise PolicyError(f"units.{name}", "needs a string dimension and a factor")
        factor = _number(f"units.{name}.factor", spec.get("factor"), 0.0)
        if factor <= 0.0:
            raise PolicyError(f"units.{name}.factor", "must be > 0")
        table[name] = (spec["dimension"], factor)
    return table


@dataclass(frozen=True, slots=True)
class Policy:
    """Weights and limits. Build it with `Policy.from_mapping`; see config/matching.toml.

    ``units`` maps a unit name to (dimension, factor of the dimension's base unit): units
    convert only within a dimension, and a unit converts to itself even when not listed.
    ``related`` holds the taxonomy's substitute pairs (either order). ``strict_attributes``
    names the attributes that two items must both state to match.
    """

    weights: Mapping[str, float]
    urgency_scores: Mapping[str, float]
    urgency_weights: Mapping[str, float]
    category_ancestor: float
    category_descendant: float
    category_sibling: float
    category_related: float
    category_min: float
    distance_half_km: float
    max_distance_km: float
    deadline_half_life_days: float
    no_deadline_score: float
    fairness_half: float
    min_score: float
    max_candidates_per_offer: int
    max_candidates_per_need: int
    max_neighbours: int
    mip_rel_gap: float
    units: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    related: frozenset[tuple[str, str]] = frozenset()
    milp_max_edges: int = 500
    text_evidence: float = 0.3
    attribute_missing: float = 0.5
    attribute_none: float = 0.75
    strict_attributes: frozenset[str] = frozenset()
    milp_node_limit: int = 1000
    emergency_weight: float = 3.0

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[str, Any] | None = None,
        *,
        units: Mapping[str, Any] | None = None,
        related: Iterable[tuple[str, str]] = (),
        strict_attributes: Iterable[str] = (),
    ) -> Policy:
        """Validate `mapping` (config/matching.toml parsed) over the defaults.

        ``units`` is the taxonomy's ``[units]`` table as parsed; ``related`` the pairs of
        category ids the taxonomy lists as substitutes; ``strict_attributes`` the attributes
        two items must both state to match. Raises PolicyError naming the key.
        """
        m = _merged(mapping or {})
        weights = _table("weights", m["weights"], COMPONENTS, math.inf)
        if sum(weights.values()) <= 0.0:
            raise PolicyError("weights", "at least one weight must be > 0")
        cat, lim = m["category"], m["limits"]
        pairs = frozenset((a, b) for a, b in related) | frozenset((b, a) for a, b in related)
        return cls(
            weights=MappingProxyType(weights),
            urgency_scores=MappingProxyType(
                _table("urgency.scores", m["urgency"]["scores"], URGENCIES, 1.0)),
            urgency_weights=MappingProxyType(
                _table("urgency.weights", m["urgency"]["weights"], URGENCIES, math.inf)),
            category_ancestor=_number("category.ancestor", cat["ancestor"], 0.0, 1.0),
            category_descendant=_number("category.descendant", cat["descendant"], 0.0, 1.0),
            category_sibling=_number("category.sibling", cat["sibling"], 0.0, 1.0),
            category_related=_number("category.related", cat["related"], 0.0, 1.0),
            category_min=_positive("category.min", cat["min"], 1.0),
            distance_half_km=_positive("distance.half_km", m["distance"]["half_km"]),
            max_distance_km=_number("distance.max_km", m["distance"]["max_km"], 0.0, 20100.0),
            deadline_half_life_days=_positive(
                "deadline.half_life_days", m["deadline"]["half_life_days"]),
            no_deadline_score=_number("deadline.none", m["deadline"]["none"], 0.0, 1.0),
            fairness_half=_positive("fairness.half", m["fairness"]["half"]),
            min_score=_number("limits.min_score", lim["min_score"], 0.0, 1.0),
            max_candidates_per_offer=_integer(
                "limits.max_candidates_per_offer", lim["max_candidates_per_offer"], 0),
            max_candidates_per_need=_integer(
                "limits.max_candidates_per_need", lim["max_candidates_per_need"], 0),
            max_neighbours=_integer("limits.max_neighbours", lim["max_neighbours"], 0),
            mip_rel_gap=_number("limits.mip_rel_gap", lim["mip_rel_gap"], 0.0, 1.0),
            units=MappingProxyType(_units(units or {})),
            related=pairs,
            milp_max_edges=_integer("limits.milp_max_edges", lim["milp_max_edges"], 0),
            text_evidence=_number("text.evidence", m["text"]["evidence"], 0.0, 1.0),
            attribute_missing=_number("attributes.missing", m["attributes"]["missing"], 0.0, 1.0),
            attribute_none=_number("attributes.none", m["attributes"]["none"], 0.0, 1.0),
            strict_attributes=frozenset(strict_attributes),
            milp_node_limit=_integer("limits.milp_node_limit", lim["milp_node_limit"], 1),
            emergency_weight=_number("emergency.weight", m["emergency"]["weight"], 0.0, 100.0),
        )

    def unit_ratio(self, offer_unit: str, need_unit: str) -> float | None:
        """Need units per offer unit, or None when the units do not convert."""
        if offer_unit == need_unit:
            return 1.0
        source, target = self.units.get(offer_unit), self.units.get(need_unit)
        if source is None or target is None or source[0] != target[0]:
            return None
        return source[1] / target[1]


def _positive(key: str, value: object, high: float = math.inf) -> float:
    number = _number(key, value, 0.0, high)
    if number <= 0.0:
        raise PolicyError(key, "must be > 0")
    return number
