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
    scale = min(COST_BUDGET // (nodes + 1), COST_BUDGET // bound) / top
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
    # Any flow's true and scaled values differ by at most bound * worst rounding / scale, so
    # the optimum of the rounded costs is within twice that of the true optimum.
    slack = 2.0 * bound * float(np.abs(value * scale - cost).max()) / scale
    if slack > EXACT * max(float(np.dot(value, units)), top):
        return None
    return units
