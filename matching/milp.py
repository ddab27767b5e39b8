"""HiGHS for pieces with whole lots or unit conversions: the LP relaxation, MILPs stopped by a
node limit (work, not seconds: the same input gives the same answer on a busy machine), and a
greedy fill as the floor (the repair of a fractional LP vertex is `matching.repair`).

Every function takes a `Problem` whose edges are those of one piece (or of a batch of pieces)
and returns lots per edge, in the Problem's edge order.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, OptimizeWarning, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INTEGRAL_TOLERANCE = 1e-6
# Measured on transportation LPs of 1k-100k edges: presolve costs more than it saves, and
# steepest edge pricing takes the fewest iterations.
LP_OPTIONS = {"presolve": False, "simplex_dual_edge_weight_strategy": "steepest"}
# Fewer rounds than this of the vectorised greedy fill, then the plain loop finishes.
GREEDY_ROUNDS = 64
NODE_LIMIT = "node limit"  # the reason a MILP stopped short
# HiGHS' feasibility-jump heuristic costs ~10 ms per MILP whatever its size (measured on pieces
# of 2-500 edges here), more than most pieces take to solve. scipy passes options it does not
# list to HiGHS verbatim, with a warning (silenced just below).
MILP_EXTRA = {"mip_heuristic_run_feasibility_jump": False}
# Silenced once here, not per call: `warnings.catch_warnings` changes the filters of the whole
# process, so two threads solving pieces at once (`matching.allocation.THREADS`) would undo
# each other's. The first is scipy passing MILP_EXTRA on; the second its note that an LP's
# answer is a hair outside a constraint's tolerance (silenced per call before as well).
warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning, r"matching\.milp")
warnings.filterwarnings("ignore", category=OptimizeWarning,
                        module=r"scipy\.optimize\.|matching\.milp")


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """Edges (offer, need) with value per offer unit, lot and ratio; capacities per node."""

    offer: IntArray
    need: IntArray
    value: FloatArray
    lot: IntArray
    ratio: FloatArray
    offer_capacity: IntArray  # in offer units, per offer index
    need_capacity: IntArray  # in need units, per need index
    # The size of each offer's and need's unit in a base unit of its dimension, when known
    # (ratio = offer size / need size): a piece with conversions is then a flow too.
    offer_size: FloatArray | None = None
    need_size: FloatArray | None = None

    def local(self, edges: IntArray) -> Problem:
        """The sub-problem of `edges` alone, offers and needs renumbered from 0 (in order)."""
        offers, offer_at = np.unique(self.offer[edges], return_inverse=True)
        needs, need_at = np.unique(self.need[edges], return_inverse=True)
        return Problem(offer_at.astype(np.int64), need_at.astype(np.int64), self.value[edges],
                       self.lot[edges], self.ratio[edges], self.offer_capacity[offers],
                       self.need_capacity[needs],
                       None if self.offer_size is None else self.offer_size[offers],
                       None if self.need_size is None else self.need_size[needs])


def total(value: FloatArray, amount: NDArray[np.int64] | FloatArray) -> float:
    """Sum of value x amount by NumPy's pairwise sum, not `np.dot`: BLAS splits a long dot
    over threads (so its last bits depend on the machine's cores) and leaves a thread spinning
    on the other core after each call (measured at 100k flat: 0.8 s of CPU beside a 3.3 s
    allocation)."""
    return float(np.add.reduce(value * amount))


def max_lots(p: Problem) -> IntArray:
    """Most lots each edge could carry on its own."""
    by_offer = p.offer_capacity[p.offer] // p.lot
    by_need = np.floor(p.need_capacity[p.need] / (p.ratio * p.lot) + 1e-9)
    bound: IntArray = np.minimum(by_offer, by_need.astype(np.int64))
    return bound


def _matrix(p: Problem, weights: FloatArray) -> tuple[csr_matrix, FloatArray]:
    """Constraint rows: one per offer then one per need; right-hand sides."""
    columns = np.arange(len(p.offer))
    rows = np.concatenate((p.offer, p.need + len(p.offer_capacity)))
    data = np.concatenate((weights, weights * p.ratio))
    shape = (len(p.offer_capacity) + len(p.need_capacity), len(p.offer))
    matrix = coo_matrix((data, (rows, np.concatenate((columns, columns)))), shape=shape).tocsr()
    rhs = np.concatenate((p.offer_capacity.astype(np.float64),
                          p.need_capacity * (1 + 1e-12)))
    return matrix, rhs


def relaxation(p: Problem) -> FloatArray | None:
    """The LP relaxation in lots (one per edge); None if HiGHS did not solve it."""
    lots = p.lot.astype(np.float64)
    matrix, rhs = _matrix(p, lots)
    result = linprog(-p.value * lots, A_ub=matrix, b_ub=rhs,
                     bounds=np.column_stack((np.zeros(len(p.offer)), max_lots(p))),
                     method="highs-ds", options=LP_OPTIONS)
    if result.status != 0 or result.x is None:
        return None
    return np.asarray(result.x, dtype=np.float64)


def solve_milp(p: Problem, node_limit: int, gap: float,
               exact: bool = True) -> tuple[IntArray, str]:
    """Whole lots per edge, and "optimal" (within `gap`) or why the MILP stopped short.

    Only edges with a lot above 1 or a unit conversion are declared integer at first: the
    rest usually comes out whole anyway, which is checked, and branch and bound has far
    fewer variables to branch on. If some did not, it is solved again all-integer, or, when
    not `exact`, rounded down and filled greedily (a repair that need not be optimal).
    """
    pure = (p.lot == 1) & (p.ratio == 1.0)
    lots, status = _milp(p, (~pure).astype(np.float64), node_limit, gap)
    if np.abs(lots - np.round(lots)).max(initial=0.0) > INTEGRAL_TOLERANCE:
        if not exact:
            floor = fit(p, np.floor(lots + INTEGRAL_TOLERANCE).astype(np.int64))
            return greedy_fill(p, floor), status
        lots, status = _milp(p, np.ones(len(p.offer)), node_limit, gap)
    whole = fit(p, np.round(lots).astype(np.int64))
    if status != "optimal":  # stopped early: never return less than the greedy fill
        fallback = greedy_fill(p)
        value = p.value * p.lot
        if total(value, fallback) > total(value, whole):
            return fallback, status
    return whole, status


def _milp(p: Problem, integrality: FloatArray, node_limit: int,
          gap: float) -> tuple[FloatArray, str]:
    lots = p.lot.astype(np.float64)
    matrix, rhs = _matrix(p, lots)
    options = {"node_limit": node_limit, "mip_rel_gap": gap, "presolve": True}
    try:
        result = milp(-p.value * lots, constraints=LinearConstraint(matrix, -np.inf, rhs),
                      integrality=integrality, bounds=Bounds(0, max_lots(p)),
                      options=options | MILP_EXTRA)
    except AttributeError:  # a HiGHS without that heuristic
        result = milp(-p.value * lots, constraints=LinearConstraint(matrix, -np.inf, rhs),
                      integrality=integrality, bounds=Bounds(0, max_lots(p)),
                      options=options)
    # With no time limit, a stop at a limit is the node limit: scipy's status 1, or HiGHS'
    # "solution limit" (its status 16 for mip_max_nodes, which scipy does not name)
    message = str(result.message)
    reason = "optimal" if result.status == 0 else (
        NODE_LIMIT if result.status == 1 or "limit reached" in message else f"milp: {message}")
    if result.x is None:
        return np.zeros(len(p.offer)), reason
    return np.asarray(result.x, dtype=np.float64), reason


def greedy_fill(p: Problem, start: IntArray | None = None) -> IntArray:
    """Best value per unit first (ties by edge order), as many whole lots as still fit: a
    feasible floor. With `start` (a feasible number of lots per edge), fill what it leaves.

    Vectorised by rounds: an edge ranked above every other live edge at its offer and at its
    need takes what the sequential loop would give it, since only better edges at the same
    offer or need came before it; such edges share no node, so a round takes them all.
    """
    taken = np.zeros(len(p.offer), dtype=np.int64) if start is None else start.copy()
    given = taken * p.lot
    offer_left = p.offer_capacity - np.bincount(p.offer, given, len(p.offer_capacity)).astype(
        np.int64)
    need_left: FloatArray = p.need_capacity.astype(np.float64) - np.bincount(
        p.need, given * p.ratio, len(p.need_capacity))
    order = np.argsort(-p.value, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    live = order  # edges still able to take a lot, best first
    for _ in range(GREEDY_ROUNDS):
        live = live[_room(p, live, offer_left, need_left) > 0]
        if not len(live):
            return taken
        best_offer = np.full(len(offer_left), len(order))
        best_need = np.full(len(need_left), len(order))
        np.minimum.at(best_offer, p.offer[live], rank[live])
        np.minimum.at(best_need, p.need[live], rank[live])
        first = (best_offer[p.offer[live]] == rank[live]) & (best_need[p.need[live]] == rank[live])
        winners = live[first]
        lots = _room(p, winners, offer_left, need_left)
        taken[winners] += lots
        offer_left[p.offer[winners]] -= lots * p.lot[winners]
        need_left[p.need[winners]] -= lots * p.lot[winners] * p.ratio[winners]
        live = live[~first]
    for k in live.tolist():  # a long chain of dependent edges: the plain loop finishes
        room = int(_room(p, np.array([k]), offer_left, need_left)[0])
        if room > 0:
            taken[k] += room
            offer_left[p.offer[k]] -= room * p.lot[k]
            need_left[p.need[k]] -= room * p.lot[k] * p.ratio[k]
    return taken


def _room(p: Problem, edges: IntArray, offer_left: IntArray, need_left: FloatArray) -> IntArray:
    """Whole lots each of `edges` could still take on its own."""
    lot = p.lot[edges]
    by_need = np.floor(need_left[p.need[edges]] / (lot * p.ratio[edges]) + 1e-9)
    room: IntArray = np.minimum(offer_left[p.offer[edges]] // lot, by_need.astype(np.int64))
    return np.maximum(room, 0)


def fit(p: Problem, lots: IntArray) -> IntArray:
    """`lots` with any capacity a rounding overstepped given back, worst edges first."""
    lots = np.maximum(lots, 0)
    for _ in range(len(p.offer) + 1):
        given = lots * p.lot
        over_o = np.bincount(p.offer, given, len(p.offer_capacity)) > p.offer_capacity
        over_n = (np.bincount(p.need, given * p.ratio, len(p.need_capacity))
                  > p.need_capacity + 1e-9)
        bad = (over_o[p.offer] | over_n[p.need]) & (lots > 0)
        if not bad.any():
            return lots
        worst = np.flatnonzero(bad)[np.argmin(p.value[bad])]
        lots = lots.copy()
        lots[worst] -= 1
    return lots


def edge_components(p: Problem) -> tuple[IntArray, int]:
    """Connected component of each edge, numbered in order of the component's first edge."""
    if not len(p.offer):
        return np.zeros(0, dtype=np.int64), 0
    n_offers = len(p.offer_capacity)
    size = n_offers + len(p.need_capacity)
    graph = coo_matrix((np.ones(len(p.offer)), (p.offer, p.need + n_offers)),
                       shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    edge_label = labels[p.offer]
    found, first, inverse = np.unique(edge_label, return_index=True, return_inverse=True)
    rank = np.empty(len(found), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(found))
    return rank[inverse].astype(np.int64), len(found)
