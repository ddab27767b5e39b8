"""Allocation: maximise the sum of value x quantity under supply, demand and lots.

Quantities are chosen in whole lots (x = lot * y, y integer), so lots are integrality on y.
The problem splits into connected components of the candidate graph:
- a star (one offer, or one need whose every unit weighs the same): greedy by value, exact
  because every unit of the hub is interchangeable; solved for all stars at once with arrays;
- every other component goes to the LP relaxation (HiGHS dual simplex through `linprog`);
  small components are batched into one LP, large ones are solved alone. With all lots 1 and
  units equal the problem is a transportation problem, totally unimodular, so the vertex is
  integral; a component whose LP vertex is integral in lots is optimal as it is;
- a component whose LP vertex is fractional (lots, unit conversions) is a MILP: solved exactly
  by HiGHS `milp` (within the policy's time and gap) when it has at most `milp_max_edges`
  edges; a larger one keeps the LP vertex rounded down and filled greedily with whole lots,
  and the status reports the gap to the LP bound.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, OptimizeWarning, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

LP_BATCH_EDGES = 20_000  # small components are solved together, up to this many edges
LP_SOLO_EDGES = 500  # a component this large is solved alone (a smaller LP is faster)
INTEGRAL_TOLERANCE = 1e-6
MILP_MAX_EDGES = 50  # default: larger fractional pieces are rounded near the LP vertex
# Measured on transportation LPs of 1k-100k edges: presolve costs more than it saves, and
# steepest edge pricing takes the fewest iterations.
LP_OPTIONS = {"presolve": False, "simplex_dual_edge_weight_strategy": "steepest"}


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


@dataclass(frozen=True, slots=True)
class Allocation:
    """Quantity per edge (offer units), the objective, and the solver's verdict.

    ``upper_bound`` is a proven bound on the optimum (equal to the objective when optimal).
    """

    quantity: IntArray
    objective: float
    status: str
    components: int
    upper_bound: float | None = None


def _max_lots(p: Problem, edges: IntArray) -> IntArray:
    """Most lots an edge could carry on its own."""
    by_offer = p.offer_capacity[p.offer[edges]] // p.lot[edges]
    by_need = np.floor(p.need_capacity[p.need[edges]] / (p.ratio[edges] * p.lot[edges]) + 1e-9)
    bound: IntArray = np.minimum(by_offer, by_need.astype(np.int64))
    return bound


def _greedy(p: Problem, edges: IntArray, lots: IntArray, single_offer: bool) -> IntArray:
    """Fill the best edges first on a star; exact when each step uses one unit of the hub."""
    hub_left = int(p.offer_capacity[p.offer[edges[0]]] // p.lot[edges[0]] if single_offer
                   else p.need_capacity[p.need[edges[0]]])
    order = np.argsort(-p.value[edges], kind="stable")  # edges come in id order: ties by id
    taken = np.zeros(len(edges), dtype=np.int64)
    for k in order:
        if hub_left <= 0:
            break
        taken[k] = min(int(lots[k]), hub_left)
        hub_left -= int(taken[k])
    return taken


def _stars(p: Problem, edges: IntArray, label: IntArray, hub: IntArray) -> IntArray:
    """`_greedy` on many stars at once: `label` names each edge's star, `hub` its capacity
    (in lots of the offer for an offer star, in units for a need star)."""
    bound = _max_lots(p, edges)
    order = np.lexsort((edges, -p.value[edges], label))
    sorted_label, sorted_bound = label[order], bound[order]
    cumulative = np.cumsum(sorted_bound)
    starts = np.flatnonzero(np.r_[True, sorted_label[1:] != sorted_label[:-1]])
    before = np.repeat(cumulative[starts] - sorted_bound[starts],
                       np.diff(np.r_[starts, len(order)]))
    used_before = cumulative - sorted_bound - before
    taken = np.zeros(len(edges), dtype=np.int64)
    taken[order] = np.clip(hub[order] - used_before, 0, sorted_bound)
    return taken


def _matrix(p: Problem, edges: IntArray, weights: FloatArray) -> tuple[csr_matrix, FloatArray]:
    """Constraint rows: one per offer then one per need of the edges; right-hand sides."""
    offers, offer_row = np.unique(p.offer[edges], return_inverse=True)
    needs, need_row = np.unique(p.need[edges], return_inverse=True)
    columns = np.arange(len(edges))
    rows = np.concatenate((offer_row, need_row + len(offers)))
    data = np.concatenate((weights, weights * p.ratio[edges]))
    shape = (len(offers) + len(needs), len(edges))
    matrix = coo_matrix((data, (rows, np.concatenate((columns, columns)))), shape=shape).tocsr()
    rhs = np.concatenate((p.offer_capacity[offers].astype(np.float64),
                          p.need_capacity[needs] * (1 + 1e-12)))
    return matrix, rhs


def _solve_relaxation(p: Problem, edges: IntArray) -> FloatArray | None:
    """The LP relaxation in lots (y, one per edge); None if HiGHS did not solve it."""
    lots = p.lot[edges].astype(np.float64)
    matrix, rhs = _matrix(p, edges, lots)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        result = linprog(-p.value[edges] * lots, A_ub=matrix, b_ub=rhs,
                         bounds=np.column_stack((np.zeros(len(edges)), _max_lots(p, edges))),
                         method="highs-ds", options=LP_OPTIONS)
    if result.status != 0 or result.x is None:
        return None
    return np.asarray(result.x, dtype=np.float64)


def _solve_milp(p: Problem, edges: IntArray, time_limit: float,
                gap: float) -> tuple[IntArray, str, float]:
    """Whole lots per edge; returns lots, status and the relative gap proven.

    Only edges with a lot above 1 or a unit conversion are declared integer at first: the
    rest usually comes out whole anyway, which is checked, and branch and bound has far
    fewer variables to branch on. If some did not, it is solved again all-integer.
    """
    pure = (p.lot[edges] == 1) & (p.ratio[edges] == 1.0)
    lots, status, proven = _milp(p, edges, (~pure).astype(np.float64), time_limit, gap)
    if np.abs(lots - np.round(lots)).max(initial=0.0) > INTEGRAL_TOLERANCE:
        lots, status, proven = _milp(p, edges, np.ones(len(edges)), time_limit, gap)
    whole = _fit(p, edges, np.round(lots).astype(np.int64))
    if status != "optimal":  # stopped early: never return less than the greedy fill
        fallback = _greedy_fill(p, edges)
        value = p.value[edges] * p.lot[edges]
        if float(np.dot(value, fallback)) > float(np.dot(value, whole)):
            return fallback, status + " (greedy fill kept)", proven
    return whole, status, proven


def _greedy_fill(p: Problem, edges: IntArray, start: IntArray | None = None) -> IntArray:
    """Best value per unit first, as many whole lots as still fit: a feasible fallback.

    With `start` (a feasible number of lots per edge), fill what it leaves free.
    """
    taken = np.zeros(len(edges), dtype=np.int64) if start is None else start.copy()
    given = taken * p.lot[edges]
    offers, offer_at = np.unique(p.offer[edges], return_inverse=True)
    needs, need_at = np.unique(p.need[edges], return_inverse=True)
    offer_left = (p.offer_capacity[offers] - np.bincount(offer_at, given, len(offers))).tolist()
    need_left = (p.need_capacity[needs] - np.bincount(
        need_at, given * p.ratio[edges], len(needs))).tolist()
    lot_of, ratio_of = p.lot[edges].tolist(), p.ratio[edges].tolist()
    offer_list, need_list = offer_at.tolist(), need_at.tolist()
    for k in np.argsort(-p.value[edges], kind="stable").tolist():
        o, n, lot, ratio = offer_list[k], need_list[k], lot_of[k], ratio_of[k]
        lots = min(int(offer_left[o]) // lot, int(need_left[n] / (lot * ratio) + 1e-9))
        if lots > 0:
            taken[k] += lots
            offer_left[o] -= lots * lot
            need_left[n] -= lots * lot * ratio
    return taken


def _fit(p: Problem, edges: IntArray, lots: IntArray) -> IntArray:
    """`lots` with any capacity a rounding overstepped given back, worst edges first."""
    lots = np.maximum(lots, 0)
    for _ in range(len(edges) + 1):
        given = lots * p.lot[edges]
        offers, offer_at = np.unique(p.offer[edges], return_inverse=True)
        needs, need_at = np.unique(p.need[edges], return_inverse=True)
        over_o = np.bincount(offer_at, given, len(offers)) > p.offer_capacity[offers]
        over_n = (np.bincount(need_at, given * p.ratio[edges], len(needs))
                  > p.need_capacity[needs] + 1e-9)
        bad = (over_o[offer_at] | over_n[need_at]) & (lots > 0)
        if not bad.any():
            return lots
        worst = np.flatnonzero(bad)[np.argmin(p.value[edges][bad])]
        lots = lots.copy()
        lots[worst] -= 1
    return lots


def _milp(p: Problem, edges: IntArray, integrality: FloatArray, time_limit: float,
          gap: float) -> tuple[FloatArray, str, float]:
    lots = p.lot[edges].astype(np.float64)
    matrix, rhs = _matrix(p, edges, lots)
    result = milp(-p.value[edges] * lots,
                  constraints=LinearConstraint(matrix, -np.inf, rhs),
                  integrality=integrality,
                  bounds=Bounds(0, _max_lots(p, edges)),
                  options={"time_limit": time_limit, "mip_rel_gap": gap, "presolve": True})
    if result.x is None:
        return np.zeros(len(edges)), f"milp: {result.message}", 1.0
    status = "optimal" if result.status == 0 else f"milp: {result.message}"
    return np.asarray(result.x, dtype=np.float64), status, float(result.mip_gap or 0.0)


def _labels(p: Problem) -> tuple[IntArray, int]:
    """Component of each edge, numbered in order of the component's first edge."""
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


def _components(p: Problem) -> list[IntArray]:
    """Edge indices of each connected component, in order of their first edge."""
    label, count = _labels(p)
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return np.split(order, cuts) if count else []


def _distinct_per(label: IntArray, node: IntArray, count: int) -> IntArray:
    """How many distinct `node`s each label has."""
    pairs = np.unique(label * (int(node.max(initial=0)) + 1) + node)
    return np.bincount(pairs // (int(node.max(initial=0)) + 1), minlength=count)


class _Pieces:
    """What the components came to: the lots, proven bounds and solver remarks."""

    def __init__(self, n_edges: int) -> None:
        self.lots = np.zeros(n_edges, dtype=np.int64)
        self.unproven_bound = 0.0  # LP bounds of pieces not proven optimal
        self.unproven_edges: list[IntArray] = []
        self.remarks: dict[str, int] = {}

    def settle(self, p: Problem, edges: IntArray, lots: IntArray, status: str,
               bound: float) -> None:
        self.lots[edges] = lots
        if status != "optimal":
            self.unproven_bound += bound
            self.unproven_edges.append(edges)
            self.remarks[status] = self.remarks.get(status, 0) + 1


def allocate(p: Problem, time_limit: float = 10.0, gap: float = 1e-6,
             milp_max_edges: int = MILP_MAX_EDGES) -> Allocation:
    """Solve every component: stars greedily, the rest by LP, MILP only where the LP vertex
    is fractional (see the module docstring)."""
    label, count = _labels(p)
    pieces = _Pieces(len(p.offer))
    offers_in = _distinct_per(label, p.offer, count)
    needs_in = _distinct_per(label, p.need, count)
    pure_edge = (p.lot == 1) & (p.ratio == 1.0)
    all_pure = np.bincount(label, ~pure_edge, minlength=count) == 0
    offer_star = offers_in[label] == 1
    need_star = ~offer_star & (needs_in[label] == 1) & all_pure[label]
    if offer_star.any():
        edges = np.flatnonzero(offer_star)
        hub = p.offer_capacity[p.offer[edges]] // p.lot[edges]
        pieces.lots[edges] = _stars(p, edges, label[edges], hub)
    if need_star.any():
        edges = np.flatnonzero(need_star)
        pieces.lots[edges] = _stars(p, edges, label[edges], p.need_capacity[p.need[edges]])
    rest = np.flatnonzero(~offer_star & ~need_star)
    rest = rest[np.lexsort((rest, label[rest]))]
    fractional: list[tuple[IntArray, FloatArray, float]] = []
    for batch in _batches(label[rest], rest):
        _solve_batch(p, batch, pieces, fractional, time_limit, gap)
    _settle_fractional(p, fractional, pieces, time_limit, gap, milp_max_edges)
    quantity = pieces.lots * p.lot
    objective = float(np.dot(p.value, quantity))
    if not pieces.remarks:
        return Allocation(quantity, objective, "optimal", count, objective)
    unproven = np.concatenate(pieces.unproven_edges)
    proven_part = objective - float(np.dot(p.value[unproven], quantity[unproven]))
    bound = proven_part + max(pieces.unproven_bound, objective - proven_part)
    return Allocation(quantity, objective, _verdict(pieces.remarks, objective, bound), count,
                      bound)


def _batches(labels: IntArray, edges: IntArray) -> list[list[IntArray]]:
    """Components (edges grouped by label, in label order) gathered into LP batches."""
    if not len(edges):
        return []
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    groups = np.split(edges, starts[1:])
    batches: list[list[IntArray]] = []
    current: list[IntArray] = []
    size = 0
    for group in groups:
        if len(group) >= LP_SOLO_EDGES:
            batches.append([group])
            continue
        current.append(group)
        size += len(group)
        if size >= LP_BATCH_EDGES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _solve_batch(p: Problem, batch: list[IntArray], pieces: _Pieces,
                 fractional: list[tuple[IntArray, FloatArray, float]],
                 time_limit: float, gap: float) -> None:
    edges = np.concatenate(batch)
    relaxed = _solve_relaxation(p, edges)
    if relaxed is None:  # HiGHS failed on the batch: each component as a MILP
        for component in batch:
            solved, status, _ = _solve_milp(p, component, time_limit, gap)
            pieces.settle(p, component, solved, status, math.inf)
        return
    rounded = np.round(relaxed)
    off = np.abs(relaxed - rounded)
    bounds = p.value[edges] * p.lot[edges] * relaxed
    starts = np.r_[0, np.cumsum([len(c) for c in batch])[:-1]]
    worst_off = np.maximum.reduceat(off, starts)
    lp_value = np.add.reduceat(bounds, starts)
    whole = rounded.astype(np.int64)
    pieces.lots[edges] = whole
    for k in np.flatnonzero(worst_off > INTEGRAL_TOLERANCE):
        part = slice(int(starts[k]), int(starts[k]) + len(batch[k]))
        fractional.append((batch[k], relaxed[part], float(lp_value[k])))


def _settle_fractional(p: Problem, fractional: list[tuple[IntArray, FloatArray, float]],
                       pieces: _Pieces, time_limit: float, gap: float,
                       milp_max_edges: int) -> None:
    """Components whose LP vertex is fractional: near the vertex first, all of them in one
    MILP; exact MILPs (again all in one) only for the small ones that this did not bring
    within the policy's gap of their LP bound; the rest keep the near-vertex solution."""
    if not fractional:
        return
    edges = np.concatenate([component for component, _, _ in fractional])
    near = _neighbourhood(p, edges, np.concatenate([y for _, y, _ in fractional]),
                          time_limit, gap)
    value = p.value * p.lot
    offset = 0
    small: list[tuple[IntArray, IntArray, float]] = []
    for component, _, bound in fractional:
        found = near[offset:offset + len(component)]
        offset += len(component)
        if float(np.dot(value[component], found)) >= bound * (1 - gap) - 1e-12:
            pieces.settle(p, component, found, "optimal", bound)
        elif len(component) <= milp_max_edges:
            small.append((component, found, bound))
        else:
            pieces.settle(p, component, found, "rounded from the LP", bound)
    if not small:
        return
    exact, status, _ = _solve_milp(p, np.concatenate([c for c, _, _ in small]), time_limit,
                                   gap)
    offset = 0
    for component, found, bound in small:
        mine = exact[offset:offset + len(component)]
        offset += len(component)
        better = float(np.dot(value[component], mine)) >= float(np.dot(value[component], found))
        pieces.settle(p, component, mine if status == "optimal" or better else found,
                      status, bound)


def _neighbourhood(p: Problem, edges: IntArray, relaxed: FloatArray, time_limit: float,
                   gap: float) -> IntArray:
    """Whole lots near the LP vertex `relaxed`: edges it left whole stay fixed, except those
    touching an offer or need of a fractional edge, which a small MILP settles on what the
    fixed edges leave (never worse, per component, than the vertex rounded down and filled
    greedily). `edges` may hold several components."""
    rounded = np.round(relaxed)
    fractional = np.abs(relaxed - rounded) > INTEGRAL_TOLERANCE
    touched = (np.isin(p.offer[edges], p.offer[edges[fractional]])
               | np.isin(p.need[edges], p.need[edges[fractional]]))
    fixed = np.where(touched, 0, rounded).astype(np.int64)
    given = fixed * p.lot[edges]
    offer_capacity = p.offer_capacity.copy()
    need_capacity = p.need_capacity.astype(np.float64)
    np.subtract.at(offer_capacity, p.offer[edges], given)
    np.subtract.at(need_capacity, p.need[edges], given * p.ratio[edges])
    rest = Problem(p.offer, p.need, p.value, p.lot, p.ratio, np.maximum(offer_capacity, 0),
                   np.maximum(np.floor(need_capacity + 1e-9), 0).astype(np.int64))
    free = np.flatnonzero(touched)
    lots, _, _ = _solve_milp(rest, edges[free], time_limit, gap)
    fixed[free] = lots
    floor = _fit(p, edges, np.floor(relaxed + INTEGRAL_TOLERANCE).astype(np.int64))
    repaired = _greedy_fill(p, edges, floor)
    # keep, component by component, the better of the two (components share no node)
    value = p.value[edges] * p.lot[edges]
    label = _edge_components(p, edges)
    ahead = np.bincount(label, value * fixed) >= np.bincount(label, value * repaired)
    result: IntArray = np.where(ahead[label], fixed, repaired)
    return result


def _edge_components(p: Problem, edges: IntArray) -> IntArray:
    """Connected component of each of `edges`, within them alone."""
    _, offer_at = np.unique(p.offer[edges], return_inverse=True)
    _, need_at = np.unique(p.need[edges], return_inverse=True)
    n_offers = int(offer_at.max(initial=-1)) + 1
    size = n_offers + int(need_at.max(initial=-1)) + 1
    graph = coo_matrix((np.ones(len(edges)), (offer_at, need_at + n_offers)),
                       shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    result: IntArray = labels[offer_at].astype(np.int64)
    return result


def _verdict(remarks: dict[str, int], objective: float, bound: float) -> str:
    details = ", ".join(f"{count} piece{'s' if count > 1 else ''} {status}"
                        for status, count in sorted(remarks.items()))
    if not math.isfinite(bound):
        return f"feasible (no LP bound; {details})"
    gap = (bound - objective) / bound if bound > 0 else 0.0
    return f"feasible (gap {gap:.3%} to LP bound; {details})"
