"""Exact min-cost flow for transportation pieces (all ratios 1), by OR-Tools' SimpleMinCostFlow.

Why OR-Tools: a piece whose edges all have ratio 1 is a transportation problem, a min-cost
flow. OR-Tools' cost-scaling push-relabel solves it exactly, deterministically (same arcs in,
same flow out) and, per component, 2-4x faster than HiGHS' dual simplex on the same edges at
5k-100k (bench/RESULTS.md); scipy has no min-cost flow. It needs integer costs: values are
scaled and rounded, and the flow is kept only when the rounding provably cannot have cost more
than `EXACT` of the objective (otherwise the caller solves the piece with HiGHS).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Scaled costs times the number of nodes must fit in int64 (OR-Tools checks this), and so
# must the total cost: 2^60 leaves a margin of 8 for both.
COST_BUDGET = 2**60
EXACT = 1e-12  # most relative loss the rounding of costs may cause, proven, or no flow


def max_value_flow(offer: IntArray, need: IntArray, value: FloatArray, capacity: IntArray,
                   offer_capacity: IntArray, need_capacity: IntArray) -> IntArray | None:
    """Units per edge maximising the total value within edge, offer and need capacities
    (offers and needs numbered from 0); None when the solver cannot prove it exact."""
    n_offers, n_needs = len(offer_capacity), len(need_capacity)
    supply = int(offer_capacity.sum())
    bound = min(supply, int(need_capacity.sum()), int(capacity.sum()))
    top = float(value.max(initial=0.0))
    if bound == 0 or top <= 0.0:
        return np.zeros(len(offer), dtype=np.int64)
    nodes = n_offers + n_needs + 2
    scale = min(COST_BUDGET // (nodes + 1), COST_BUDGET // bound) / top
    cost = np.round(value * scale)
    source, sink = n_offers + n_needs, n_offers + n_needs + 1
    # source -> offers -> needs -> sink, and source -> sink for what is better left unused
    tails = np.concatenate((np.full(n_offers, source), offer, np.arange(n_needs) + n_offers,
                            [source]))
    heads = np.concatenate((np.arange(n_offers), need + n_offers, np.full(n_needs, sink),
                            [sink]))
    caps = np.concatenate((offer_capacity, capacity, need_capacity, [supply]))
    costs = np.concatenate((np.zeros(n_offers), -cost, np.zeros(n_needs), [0.0]))
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64),
        costs.astype(np.int64))
    solver.set_node_supply(source, supply)
    solver.set_node_supply(sink, -supply)
    if solver.solve() != solver.OPTIMAL:
        return None
    units: IntArray = np.asarray(solver.flows(arcs[n_offers:n_offers + len(offer)]),
                                 dtype=np.int64)
    # Any flow's true and scaled values differ by at most bound * worst rounding / scale, so
    # the optimum of the rounded costs is within twice that of the true optimum.
    slack = 2.0 * bound * float(np.abs(value * scale - cost).max()) / scale
    if slack > EXACT * max(float(np.dot(value, units)), top):
        return None
    return units
