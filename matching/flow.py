"""Exact min-cost flow for transportation pieces, by OR-Tools' SimpleMinCostFlow; and the
whole unit sizes that make a piece with unit conversions one too.

Why OR-Tools: a piece whose edges all have ratio 1 is a transportation problem, a min-cost
flow. OR-Tools' cost-scaling push-relabel solves it exactly, deterministically (same arcs in,
same flow out) and faster than HiGHS' dual simplex on the same pieces (measured here on the
largest at 100k: 269k edges 7.9 s against 12.3 s, 97k edges 2.0 s against 6.4 s, on a busy
machine; the allocation at 5k flat 0.57x the previous engine's); scipy has no min-cost flow.
It needs integer costs: values are scaled and rounded, and the flow is kept only when the
rounding provably cannot have cost more than `EXACT` of the objective (otherwise the caller
solves the piece with HiGHS).
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from matching.milp import Problem, total

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Scaled costs times the number of nodes must fit in int64 (OR-Tools checks this), and so
# must the total cost: 2^60 leaves a margin of 8 for both.
COST_BUDGET = 2**60
EXACT = 1e-9  # most relative loss the rounding of costs may cause, proven, or no flow


def max_value_flow(offer: IntArray, need: IntArray, value: FloatArray, capacity: IntArray,
                   offer_capacity: IntArray, need_capacity: IntArray,
                   piece: IntArray | None = None) -> IntArray | None:
    """Units per edge maximising the total value within edge, offer and need capacities
    (offers and needs numbered from 0); None when the solver cannot prove it exact.

    ``piece`` numbers the connected component of each offer when the edges hold several
    (default: one): each gets a sink of its own, so the pieces stay apart in the graph.
    """
    n_offers, n_needs = len(offer_capacity), len(need_capacity)
    offer_piece = np.zeros(n_offers, dtype=np.int64) if piece is None else piece
    pieces = int(offer_piece.max(initial=-1)) + 1
    need_piece = np.zeros(n_needs, dtype=np.int64)
    need_piece[need] = offer_piece[offer]
    bound = min(int(offer_capacity.sum()), int(need_capacity.sum()), int(capacity.sum()))
    top = float(value.max(initial=0.0))
    if bound == 0 or top <= 0.0:
        return np.zeros(len(offer), dtype=np.int64)
    nodes = n_offers + n_needs + pieces
    budget = min(COST_BUDGET // (nodes + 1), COST_BUDGET // bound) / top
    # Fewer bits of cost are fewer rounds of cost scaling (the largest piece at 100k: 2.7 s
    # at ~2^42, 1.7 s at ~2^34): the least scale that the proof below can accept, from a
    # lower bound on the optimum, is tried first; the budget's only if that proof fails.
    floor = _matching_value(offer, need, value, capacity, offer_capacity, need_capacity)
    least = 4.0 * bound / (EXACT * floor) if floor > 0 else budget
    for scale in ((least, budget) if least < budget / 4 else (budget,)):
        units = _solve(offer, need, value, capacity, offer_capacity, need_capacity,
                       offer_piece, need_piece, pieces, scale)
        if units is None:
            return None
        cost = np.round(value * scale)
        # Any flow's true and scaled values differ by at most bound * worst rounding / scale,
        # so the optimum of the rounded costs is within twice that of the true optimum.
        slack = 2.0 * bound * float(np.abs(value * scale - cost).max()) / scale
        if slack <= EXACT * max(total(value, units), top):
            return units
    return None


def _matching_value(offer: IntArray, need: IntArray, value: FloatArray, capacity: IntArray,
                    offer_capacity: IntArray, need_capacity: IntArray) -> float:
    """A lower bound on the best flow's value: each edge that is the best (first by index
    among equals) of both its offer and its need carries all it can; no two such edges
    share a node, so that is a feasible flow."""
    rank = np.empty(len(offer), dtype=np.int64)
    rank[np.lexsort((np.arange(len(offer)), -value))] = np.arange(len(offer))
    best_offer = np.full(len(offer_capacity), len(offer))
    best_need = np.full(len(need_capacity), len(offer))
    np.minimum.at(best_offer, offer, rank)
    np.minimum.at(best_need, need, rank)
    mutual = (best_offer[offer] == rank) & (best_need[need] == rank) & (value > 0)
    flow = np.minimum(np.minimum(offer_capacity[offer], need_capacity[need]), capacity)
    return total(value[mutual], flow[mutual])


def _solve(offer: IntArray, need: IntArray, value: FloatArray, capacity: IntArray,
           offer_capacity: IntArray, need_capacity: IntArray, offer_piece: IntArray,
           need_piece: IntArray, pieces: int, scale: float) -> IntArray | None:
    """The max-value flow for costs `value` x `scale` rounded, or None if not optimal."""
    n_offers, n_needs = len(offer_capacity), len(need_capacity)
    nodes = n_offers + n_needs + pieces
    cost = np.round(value * scale)
    # Offers supply what they have, to needs and on to their piece's sink, or straight to
    # the sink (what is better left unused). No common source: measured 2-3x faster, as a
    # node joined to every offer slows push-relabel down.
    sink = n_offers + n_needs + np.arange(pieces)
    tails = np.concatenate((offer, np.arange(n_needs) + n_offers, np.arange(n_offers)))
    heads = np.concatenate((need + n_offers, sink[need_piece], sink[offer_piece]))
    caps = np.concatenate((capacity, need_capacity, offer_capacity))
    costs = np.concatenate((-cost, np.zeros(n_needs + n_offers)))
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64),
        costs.astype(np.int64))
    supplies = np.concatenate((offer_capacity, np.zeros(n_needs, dtype=np.int64),
                               -np.bincount(offer_piece, offer_capacity, pieces)))
    solver.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies.astype(np.int64))
    if solver.solve() != solver.OPTIMAL:
        return None
    units: IntArray = np.asarray(solver.flows(arcs[:len(offer)]), dtype=np.int64)
    return units


def whole_sizes(p: Problem, label: IntArray, count: int) -> tuple[Problem, NDArray[np.bool_]]:
    """`p` with whole-number unit sizes (1 where unknown), and which components are flows:
    those with no conversion, and those whose conversions are quotients of whole sizes."""
    plain = np.bincount(label, p.ratio != 1.0, minlength=count) == 0
    offer_size = np.ones(len(p.offer_capacity))
    need_size = np.ones(len(p.need_capacity))
    flows = plain.copy()
    if p.offer_size is not None and p.need_size is not None and not plain.all():
        order = np.argsort(label, kind="stable")
        sorted_label = label[order]
        for component in np.flatnonzero(~plain).tolist():
            edges = order[np.searchsorted(sorted_label, component):
                          np.searchsorted(sorted_label, component, side="right")]
            sizes = _whole(p.offer_size[p.offer[edges]], p.need_size[p.need[edges]],
                           p.ratio[edges])
            if sizes is not None:
                offer_size[p.offer[edges]], need_size[p.need[edges]] = sizes
                flows[component] = True
    return replace(p, offer_size=offer_size, need_size=need_size), flows


def _whole(offer_size: FloatArray, need_size: FloatArray,
           ratio: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    """Sizes of one component's units as the smallest whole numbers in the same proportion
    (denominators up to 1000), or None if the ratios are not their quotients."""
    if not np.allclose(offer_size / need_size, ratio, rtol=1e-12, atol=0.0):
        return None
    values, inverse = np.unique(np.concatenate((offer_size, need_size)), return_inverse=True)
    found = [Fraction(float(v / values[0])).limit_denominator(1000) for v in values]
    if any(abs(float(f) * values[0] - v) > 1e-12 * v for v, f in zip(values, found, strict=True)):
        return None
    common = math.lcm(*(f.denominator for f in found))
    whole = np.array([float(f * common) for f in found])[inverse]
    return whole[:len(offer_size)], whole[len(offer_size):]
