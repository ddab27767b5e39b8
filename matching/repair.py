"""The relaxation of a piece in lots, and the repair of a fractional LP vertex into whole lots.

Where a piece's LP vertex goes fractional, it is at a unit conversion: a need of 12 items
takes 1.5 packs of 8 (at 100k x 100k mixed, every fractional edge of the six largest such
pieces was one). The repair rounds, per need, what its converted edges bring together to
whole grains of its largest (the nearer that fits: 12 items from packs of 8 -> 8, or 16 if
the need had room), sets those edges apart at that capacity, and solves the relaxation
again: both sides are then transportation problems of their own, whole by construction, and
the flow reroutes the difference through the whole piece, however far. A small MILP then
settles the edges at the offers and needs of the fractional and rerouted converted edges on
what the rest leaves. On the six largest fractional pieces of two 100k x 100k mixed
instances this left 8.9e-5 and 1.04e-4 below their LP bounds, where settling the edges at
the fractional ones alone, from the vertex, left 2.2e-4 (bench/RESULTS.md, "Tenth pass").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matching.flow import max_value_flow
from matching.milp import (
    INTEGRAL_TOLERANCE,
    Problem,
    fit,
    greedy_fill,
    max_lots,
    relaxation,
    solve_milp,
    total,
)

__all__ = ["relaxed_lots", "repair"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Up to this many edges, a piece is also settled from its LP vertex as it is (the edges at
# the offers and needs of its fractional edges freed), and the better kept: neither way wins
# every piece (at 5k mixed the one rounded piece: 0.011 % short from the vertex, 0.016 %
# rerouted), and on pieces this small the MILP costs 0.01-0.1 s.
BOTH_EDGES = 30_000


def relaxed_lots(q: Problem, flow: bool, piece: IntArray | None = None) -> FloatArray | None:
    """Lots per edge at an optimum of the relaxation: by min-cost flow in whole base units
    when `flow` and the unit sizes are known (HiGHS if the flow is refused), else by HiGHS.
    ``piece`` numbers each offer's component when `q` holds several (default: one)."""
    if flow and q.offer_size is not None and q.need_size is not None:
        # in base units (whole sizes), a conversion is no conversion: a transportation problem
        size = q.offer_size[q.offer]
        units = max_value_flow(
            q.offer, q.need, q.value / size, (max_lots(q) * q.lot * size).astype(np.int64),
            (q.offer_capacity * q.offer_size).astype(np.int64),
            (q.need_capacity * q.need_size).astype(np.int64), piece)
        if units is not None:
            return units / (q.lot * size)
    return relaxation(q)


def repair(q: Problem, relaxed: FloatArray, flow: bool, node_limit: int,
           gap: float) -> IntArray:
    """Whole lots for one piece whose LP vertex `relaxed` is fractional (see the module
    docstring); never worse than the vertex rounded down and filled greedily."""
    value = q.value * q.lot
    fractional = np.abs(relaxed - np.round(relaxed)) > INTEGRAL_TOLERANCE
    start = _rounded_by_need(q, relaxed, flow)
    floor = greedy_fill(q, fit(q, np.floor(relaxed + INTEGRAL_TOLERANCE).astype(np.int64)))
    if start is None or total(value, floor) > total(value, start):
        start = floor
    # the edges at the offers and needs of the vertex's fractional edges and of the converted
    # edges whose lots the second solve changed (seed 7 at 100k: 1.04e-4 below the bound, the
    # fractional ones alone 1.09e-4, for about the same time)
    moved = fractional | ((np.abs(start - relaxed) > INTEGRAL_TOLERANCE) & (q.ratio != 1.0))
    found = [start, _settle_on(q, start, _beside(q, moved), node_limit, gap)]
    if len(q.offer) <= BOTH_EDGES:  # the vertex's own neighbourhood settled too: cheap here
        found.append(_settle_on(q, np.round(relaxed).astype(np.int64), _beside(q, fractional),
                                node_limit, gap))
    return max(found, key=lambda lots: total(value, lots))  # the first of equals


def _rounded_by_need(q: Problem, relaxed: FloatArray, flow: bool) -> IntArray | None:
    """Whole lots from the relaxation solved again with each need's converted inflow rounded
    to whole grains and set apart; None when no edge converts (or the solve failed)."""
    grain = q.lot * q.ratio  # need units per lot
    converted = q.ratio != 1.0
    if not converted.any():
        return None
    n = len(q.need_capacity)
    size = np.zeros(n)
    np.maximum.at(size, q.need[converted], grain[converted])  # each need's largest grain
    fed = size > 0
    size = np.where(fed, size, 1.0)
    brought = np.bincount(q.need[converted], grain[converted] * relaxed[converted], n)
    down = np.floor(brought / size + INTEGRAL_TOLERANCE) * size
    up = down + size
    nearer_up = (brought - down >= size / 2) & (up <= q.need_capacity + 1e-9)
    rounded = np.where(fed, np.where(nearer_up, up, down), 0.0)
    capacity = np.concatenate((np.floor(q.need_capacity - rounded + 1e-9),
                               np.floor(rounded + 1e-9))).astype(np.int64)
    need = np.where(converted, q.need + n, q.need)  # each need's converted side apart
    sizes = None if q.need_size is None else np.concatenate((q.need_size, q.need_size))
    parted = Problem(q.offer, need, q.value, q.lot, q.ratio, q.offer_capacity, capacity,
                     q.offer_size, sizes)
    again = relaxed_lots(parted, flow)
    if again is None:
        return None
    return greedy_fill(q, fit(q, np.floor(again + INTEGRAL_TOLERANCE).astype(np.int64)))


def _beside(q: Problem, edges: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The edges at an offer or a need of one of `edges` (those included)."""
    return np.isin(q.offer, q.offer[edges]) | np.isin(q.need, q.need[edges])


def _settle_on(q: Problem, lots: IntArray, free: NDArray[np.bool_], node_limit: int,
               gap: float) -> IntArray:
    """`lots` with the `free` edges settled again by a MILP on what the others leave."""
    fixed = np.where(free, 0, lots)
    given = fixed * q.lot
    offer_left = q.offer_capacity - np.bincount(q.offer, given, len(q.offer_capacity))
    need_left = q.need_capacity - np.bincount(q.need, given * q.ratio, len(q.need_capacity))
    rest = Problem(q.offer, q.need, q.value, q.lot, q.ratio,
                   np.maximum(offer_left, 0).astype(np.int64),
                   np.maximum(np.floor(need_left + 1e-9), 0).astype(np.int64))
    edges = np.flatnonzero(free)
    settled, _ = solve_milp(rest.local(edges), node_limit, gap, exact=False)
    fixed[edges] = settled
    return fixed
