"""Exact allocation: maximise the sum of value x quantity under supply, demand and lots.

The problem splits into connected components of the candidate graph, each solved alone:
- one offer (or one need whose every unit weighs the same): greedy by value, which is exact
  because every unit of the scarce side is interchangeable;
- all lots 1 and units equal: a transportation LP (HiGHS dual simplex through `linprog`),
  totally unimodular, so the vertex it returns is integral (checked; MILP if ever not);
- otherwise a MILP in whole lots (HiGHS through `milp`), within the policy's time and gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

LP_BATCH_EDGES = 20_000  # small components are solved together, up to this many edges
INTEGRAL_TOLERANCE = 1e-6


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
    """Quantity per edge (offer units), the objective, and the solver's verdict."""

    quantity: IntArray
    objective: float
    status: str
    components: int


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


def _solve_lp(p: Problem, edges: IntArray) -> tuple[IntArray | None, str]:
    """Transportation LP with lot 1 and ratio 1; None if the vertex is not integral."""
    matrix, rhs = _matrix(p, edges, np.ones(len(edges)))
    result = linprog(-p.value[edges], A_ub=matrix, b_ub=rhs,
                     bounds=np.column_stack((np.zeros(len(edges)), _max_lots(p, edges))),
                     method="highs-ds")
    if result.status != 0:
        return None, f"linprog: {result.message}"
    rounded = np.round(result.x)
    if np.abs(result.x - rounded).max(initial=0.0) > INTEGRAL_TOLERANCE:
        return None, "optimal"
    return rounded.astype(np.int64), "optimal"


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
    whole = np.round(lots).astype(np.int64)
    if status != "optimal":  # stopped early: never return less than the greedy fill
        fallback = _greedy_fill(p, edges)
        value = p.value[edges] * p.lot[edges]
        if float(np.dot(value, fallback)) > float(np.dot(value, whole)):
            return fallback, status + " (greedy fill kept)", proven
    return whole, status, proven


def _greedy_fill(p: Problem, edges: IntArray) -> IntArray:
    """Best value per unit first, as many whole lots as still fit: a feasible fallback."""
    offer_left = {int(o): int(p.offer_capacity[o]) for o in np.unique(p.offer[edges])}
    need_left = {int(n): float(p.need_capacity[n]) for n in np.unique(p.need[edges])}
    taken = np.zeros(len(edges), dtype=np.int64)
    for k in np.argsort(-p.value[edges], kind="stable"):
        e = edges[k]
        o, n, lot, ratio = int(p.offer[e]), int(p.need[e]), int(p.lot[e]), float(p.ratio[e])
        lots = min(offer_left[o] // lot, int(need_left[n] / (lot * ratio) + 1e-9))
        if lots > 0:
            taken[k] = lots
            offer_left[o] -= lots * lot
            need_left[n] -= lots * lot * ratio
    return taken


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


def _components(p: Problem) -> list[IntArray]:
    """Edge indices of each connected component, in order of their first edge."""
    n_offers = len(p.offer_capacity)
    size = n_offers + len(p.need_capacity)
    graph = coo_matrix((np.ones(len(p.offer)), (p.offer, p.need + n_offers)),
                       shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    edge_label = labels[p.offer]
    order = np.argsort(edge_label, kind="stable")
    cuts = np.flatnonzero(np.diff(edge_label[order])) + 1
    groups = np.split(order, cuts) if len(order) else []
    return sorted(groups, key=lambda g: int(g[0]))


def allocate(p: Problem, time_limit: float = 10.0, gap: float = 1e-6) -> Allocation:
    """Solve every component exactly (MILP ones within `time_limit` s and `gap`)."""
    lots = np.zeros(len(p.offer), dtype=np.int64)
    statuses, worst_gap = set(), 0.0
    components = _components(p)
    batch: list[IntArray] = []
    pure_edges = (p.lot == 1) & (p.ratio == 1.0)

    def flush() -> None:
        nonlocal worst_gap
        if not batch:
            return
        edges = np.concatenate(batch)
        solved, status = _solve_lp(p, edges)
        if solved is not None:
            lots[edges] = solved
        else:  # not integral or failed: fall back component by component
            for component in batch:
                solved_milp, status, gap_seen = _solve_milp(p, component, time_limit, gap)
                lots[component] = solved_milp
                statuses.add(status)
                worst_gap = max(worst_gap, gap_seen)
        statuses.add(status)
        batch.clear()

    for edges in components:
        bounds = _max_lots(p, edges)
        single_offer = bool(np.all(p.offer[edges] == p.offer[edges[0]]))
        single_need = bool(np.all(p.need[edges] == p.need[edges[0]]))
        if single_offer or (single_need and bool(np.all(pure_edges[edges]))):
            lots[edges] = _greedy(p, edges, bounds, single_offer)
        elif bool(np.all(pure_edges[edges])):
            batch.append(edges)
            if sum(len(b) for b in batch) >= LP_BATCH_EDGES:
                flush()
        else:
            lots[edges], status, gap_seen = _solve_milp(p, edges, time_limit, gap)
            statuses.add(status)
            worst_gap = max(worst_gap, gap_seen)
    flush()
    quantity = lots * p.lot
    objective = float(np.dot(p.value, quantity))
    return Allocation(quantity, objective, _verdict(statuses, worst_gap), len(components))


def _verdict(statuses: set[str], worst_gap: float) -> str:
    problems = sorted(s for s in statuses if s != "optimal")
    if not problems:
        return "optimal"
    return "; ".join(problems) + f" (gap {worst_gap:.2e})"
