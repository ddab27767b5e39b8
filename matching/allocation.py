"""Allocation: maximise the sum of value x quantity under supply, demand and lots.

Quantities are chosen in whole lots (x = lot * y, y integer), so lots are integrality on y.
The problem splits into connected components of the candidate graph, each solved on its own
(and in any order, or in other processes: the answer is the same):
- a star (one offer, or one need whose every unit weighs the same): greedy by value, exact
  because every unit of the hub is interchangeable; solved for all stars at once with arrays;
- a component whose edges all have ratio 1 is a transportation problem in units: min-cost
  flow (`matching.flow`), exact. With lots above 1 that flow is the LP relaxation in lots;
  with unit conversions it is the same in whole base units, when the problem knows each
  unit's size; HiGHS' dual simplex is left for the rest and for a flow the solver refuses.
  Small components are batched into one solve, large ones are solved alone;
- a component whose relaxation is integral in lots is optimal as it is. A fractional one is a
  MILP of its own: up to `milp_max_edges` edges solved exactly (repaired too only if that
  stops short); a larger one repaired (`matching.repair`: rerouted, then a small MILP), optimal
  when within the policy's gap of its LP bound, else kept as repaired.
  Every MILP stops at a node limit, never at a clock, and every piece left short of optimal
  is named in the status with its gap.
Pieces that call HiGHS are shared between `THREADS` threads (HiGHS lets others run while it
solves), or all pieces between processes when asked; the answer is the same.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import SynchronizedArray
from multiprocessing.synchronize import Semaphore

import numpy as np
from numpy.typing import NDArray

from matching.flow import whole_sizes
from matching.milp import (
    INTEGRAL_TOLERANCE,
    NODE_LIMIT,
    Problem,
    edge_components,
    max_lots,
    solve_milp,
    total,
)
from matching.repair import relaxed_lots, repair

__all__ = ["NODE_LIMIT", "Allocation", "Problem", "Shortfall", "allocate", "start_workers",
           "verdict"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

BATCH_EDGES = 20_000  # small components are solved together, up to this many edges
SOLO_EDGES = 500  # a component this large is solved alone (a smaller solve is faster)
MILP_MAX_EDGES = 500  # default: larger fractional pieces are kept as repaired
MILP_NODE_LIMIT = 1000  # default branch-and-bound nodes per MILP
ROUNDED = "rounded from the LP"  # a piece too large for an exact MILP, kept as repaired
# Below this much work beyond the largest piece, starting other processes costs more than
# they save: at 5k x 5k (24k edges) helpers already running took the flat allocation from
# 0.044 to 0.028 s and the mixed from 0.146 to 0.135 s, but starting them costs ~0.7 s of CPU.
MIN_SHARED_EDGES = 200_000
# How long the allocation waits for each helper to have its tasks before it starts its own.
RECEIVE_WAIT_S = 0.25
# Threads that share the pieces when they are not shared with other processes. HiGHS lets
# other threads run while it solves (OR-Tools' min-cost flow does not), so a second thread
# solves the LPs and repair MILPs of lots and conversions while the first runs flows: the
# mixed allocation at 100k 8.28 -> 6.45 s (medians of 3, the same quantities). Pieces that
# are flows in lots of 1 never call HiGHS; when all are such, threads would only take
# turns (flat at 100k: 3.6 -> 4.4 s), so they are solved in this thread alone.
THREADS = 2


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A piece not proven optimal: its first offer (index), size, why, value and LP bound."""

    offer: int
    edges: int
    reason: str
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        """How far below its bound the piece may be, relative to the bound."""
        if not math.isfinite(self.bound):
            return math.inf
        return (self.bound - self.objective) / self.bound if self.bound > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Allocation:
    """Quantity per edge (offer units), the objective, and the solver's verdict.

    ``upper_bound`` is a proven bound on the optimum (equal to the objective when optimal);
    ``shortfalls`` the pieces not proven optimal, worst gap first.
    """

    quantity: IntArray
    objective: float
    status: str
    components: int
    upper_bound: float | None = None
    shortfalls: tuple[Shortfall, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Limits:
    gap: float
    milp_max_edges: int
    node_limit: int


@dataclass(frozen=True, slots=True, eq=False)
class _Task:
    """Components solved together: their local problem, edges per component, and whether
    their relaxation is a flow (no conversion, or conversions between whole unit sizes)."""

    problem: Problem
    sizes: list[int]
    flow: bool
    limits: _Limits


# lots per edge of the task, and (component of the task, reason, LP bound) of pieces short
_Solved = tuple[IntArray, list[tuple[int, str, float]]]


def _stars(p: Problem, edges: IntArray, label: IntArray, hub: IntArray) -> IntArray:
    """The greedy fill of many stars at once: `label` names each edge's star, `hub` its
    capacity (in lots of the offer for an offer star, in units for a need star); best value
    first, ties by edge index."""
    bound = max_lots(_edges(p, edges))
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


def _edges(p: Problem, edges: IntArray) -> Problem:
    """`edges` of `p`, with the node numbering (and capacities) of `p`."""
    return Problem(p.offer[edges], p.need[edges], p.value[edges], p.lot[edges], p.ratio[edges],
                   p.offer_capacity, p.need_capacity)


def _distinct_per(label: IntArray, node: IntArray, count: int) -> IntArray:
    """How many distinct `node`s each label has."""
    pairs = np.unique(label * (int(node.max(initial=0)) + 1) + node)
    return np.bincount(pairs // (int(node.max(initial=0)) + 1), minlength=count)


def allocate(p: Problem, gap: float = 1e-6, milp_max_edges: int = MILP_MAX_EDGES,
             node_limit: int = MILP_NODE_LIMIT, workers: int = 1,
             min_shared_edges: int = MIN_SHARED_EDGES, threads: int = THREADS) -> Allocation:
    """Solve every component (see the module docstring); with `workers` > 1 and at least
    `min_shared_edges` beyond the largest piece, that many processes share the pieces, else
    up to `threads` threads share those that call HiGHS; the same result either way."""
    label, count = edge_components(p)
    lots = np.zeros(len(p.offer), dtype=np.int64)
    offers_in = _distinct_per(label, p.offer, count)
    needs_in = _distinct_per(label, p.need, count)
    pure_edge = (p.lot == 1) & (p.ratio == 1.0)
    all_pure = np.bincount(label, ~pure_edge, minlength=count) == 0
    offer_star = offers_in[label] == 1
    need_star = ~offer_star & (needs_in[label] == 1) & all_pure[label]
    if offer_star.any():
        edges = np.flatnonzero(offer_star)
        hub = p.offer_capacity[p.offer[edges]] // p.lot[edges]
        lots[edges] = _stars(p, edges, label[edges], hub)
    if need_star.any():
        edges = np.flatnonzero(need_star)
        lots[edges] = _stars(p, edges, label[edges], p.need_capacity[p.need[edges]])
    limits = _Limits(gap, milp_max_edges, node_limit)
    rest = np.flatnonzero(~offer_star & ~need_star)
    rest = rest[np.lexsort((rest, label[rest]))]
    sized, flows = whole_sizes(p, label, count)
    tasks, groups = _tasks(sized, rest, label, flows, limits)
    short: list[Shortfall] = []
    bounds: list[float] = []
    beyond_largest = sum(len(t.problem.offer) for t in tasks) - max(
        (len(t.problem.offer) for t in tasks), default=0)
    shared = workers if beyond_largest >= min_shared_edges else 1
    solved = _run_all(tasks, shared, threads)
    for (task_lots, task_short), group in zip(solved, groups, strict=True):
        edges = np.concatenate(group)
        lots[edges] = task_lots
        for k, reason, bound in task_short:
            found = total(p.value[group[k]] * p.lot[group[k]], lots[group[k]])
            short.append(Shortfall(int(p.offer[group[k][0]]), len(group[k]), reason, found,
                                   bound))
            bounds.append(bound)
    quantity = lots * p.lot
    objective = total(p.value, quantity)
    if not short:
        return Allocation(quantity, objective, "optimal", count, objective)
    short.sort(key=lambda s: (-s.gap, s.offer))
    unproven = sum(s.objective for s in short)
    bound = objective - unproven + max(sum(bounds), unproven)
    return Allocation(quantity, objective, verdict(objective, bound, short), count, bound,
                      tuple(short))


def _tasks(p: Problem, rest: IntArray, label: IntArray, flows: NDArray[np.bool_],
           limits: _Limits) -> tuple[list[_Task], list[list[IntArray]]]:
    """Batches of components (flows apart from the rest), each as a task on its own."""
    tasks: list[_Task] = []
    groups: list[list[IntArray]] = []
    for flow in (True, False):
        mine = rest[flows[label[rest]] == flow]
        for batch in _batches(label[mine], mine):
            tasks.append(_Task(p.local(np.concatenate(batch)), [len(c) for c in batch], flow,
                               limits))
            groups.append(batch)
    return tasks, groups


def _run_all(tasks: list[_Task], workers: int, threads: int) -> Iterator[_Solved]:
    """Every task's answer, in order; with `workers` above 1, shared with other processes,
    else with `threads` above 1 and some task calling HiGHS, shared with other threads."""
    if len(tasks) < 2:
        return map(_solve_task, tasks)
    if workers > 1:
        return iter(_shared(tasks, workers))
    if threads > 1 and not all(_flow_in_units(task) for task in tasks):
        return iter(_threaded(tasks, threads))
    return map(_solve_task, tasks)


def _flow_in_units(task: _Task) -> bool:
    """Whether the task is a flow in lots of 1 with no conversion: integral as relaxed,
    solved by OR-Tools alone."""
    q = task.problem
    return task.flow and bool((q.lot == 1).all()) and bool((q.ratio == 1.0).all())


def _threaded(tasks: list[_Task], threads: int) -> list[_Solved]:
    """Tasks solved by `threads` threads, the largest first (each task's answer depends on
    that task alone, so it is the same whichever thread solves it, whenever)."""
    largest_first = sorted(range(len(tasks)), key=lambda k: (-len(tasks[k].problem.offer), k))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = {k: pool.submit(_solve_task, tasks[k]) for k in largest_first}
        return [futures[k].result() for k in range(len(tasks))]


def start_workers(workers: int) -> None:
    """Start the `workers` - 1 other processes that share the pieces, once per process, so
    that they are ready (started, their imports done) when the allocation needs them:
    `propose` calls this before it looks for candidates, and the start overlaps that work.
    They stay until this process ends; with `workers` <= 1 this does nothing."""
    if workers > 1:
        _helpers(workers - 1)


class _Helpers:
    """`count` other processes that take tasks from the small end of a list while this
    process takes them from the large end, until they meet. The claims are a pair of
    indices in shared memory, so no task waits on a message from this process: a flow
    holds this process's interpreter for seconds, and any thread of it (as a pool's own
    threads that hand out tasks one by one) waits as long."""

    def __init__(self, count: int) -> None:
        # forkserver: a fork of this process could inherit a HiGHS or OR-Tools thread
        # mid-work; the forkserver imports this module once, not each helper
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["matching.allocation"])
        self.count = count
        self.claims = context.Array("q", 2)  # next from the small end; one past the large end
        self.received = context.Semaphore(0)  # a helper has its tasks
        self.busy = threading.Lock()  # one allocation at a time shares them
        self.pool = ProcessPoolExecutor(count, mp_context=context, initializer=_adopt,
                                        initargs=(self.claims, self.received))
        # A submit spawns a process and waits until the forkserver (its imports done,
        # ~0.7 s) has forked it: done in another thread, this one goes on meanwhile.
        threading.Thread(target=self._spawn, daemon=True).start()

    def _spawn(self) -> None:
        with contextlib.suppress(RuntimeError, BrokenProcessPool):  # shut down meanwhile
            for _ in range(self.count):
                self.pool.submit(int)


_HELPERS: dict[int, _Helpers] = {}
_HELPERS_LOCK = threading.Lock()
_ADOPTED: list[tuple[SynchronizedArray[int], Semaphore]] = []  # in a helper: its claims


def _helpers(count: int) -> _Helpers:
    """This process's `count` helpers, started at the first call and then reused (starting
    them costs ~1 s at 100k, as much as they save)."""
    with _HELPERS_LOCK:
        helpers = _HELPERS.get(count)
        if helpers is None:
            helpers = _HELPERS[count] = _Helpers(count)
        return helpers


def _adopt(claims: SynchronizedArray[int], received: Semaphore) -> None:
    _ADOPTED.append((claims, received))


def _claim(claims: SynchronizedArray[int], small: bool) -> int | None:
    """The next task's index from the small or the large end, or None when none is left."""
    with claims.get_lock():
        low, high = claims[0], claims[1]
        if low >= high:
            return None
        if small:
            claims[0] = low + 1
            return int(low)
        claims[1] = high - 1
        return int(high - 1)


def _help(tasks: list[_Task]) -> dict[int, _Solved]:
    """In a helper: tasks solved from the small end up, until none is left."""
    claims, received = _ADOPTED[-1]
    received.release()
    solved: dict[int, _Solved] = {}
    while (k := _claim(claims, small=True)) is not None:
        solved[k] = _solve_task(tasks[k])
    return solved


def _shared(tasks: list[_Task], workers: int) -> list[_Solved]:
    """Tasks solved by this process from the largest down and by `workers` - 1 helpers
    from the smallest up: on a busy machine where the helpers get no core, this process
    does nearly all the work itself. Should a helper fail (killed), this process solves
    what it did not; if another allocation of this process is using them, it solves all."""
    order = sorted(range(len(tasks)), key=lambda k: (len(tasks[k].problem.offer), k))
    ordered = [tasks[k] for k in order]
    helpers = _helpers(workers - 1)
    if not helpers.busy.acquire(blocking=False):
        return [_solve_task(task) for task in tasks]
    try:
        solved = _share(helpers, ordered)
    finally:
        helpers.busy.release()
    position = {k: place for place, k in enumerate(order)}
    return [solved[position[k]] for k in range(len(tasks))]


def _share(helpers: _Helpers, ordered: list[_Task]) -> dict[int, _Solved]:
    while helpers.received.acquire(block=False):  # a release left by an earlier wait
        pass
    with helpers.claims.get_lock():
        helpers.claims[0], helpers.claims[1] = 0, len(ordered)
    futures: list[Future[dict[int, _Solved]]] = []
    try:
        futures += [helpers.pool.submit(_help, ordered) for _ in range(helpers.count)]
    except (BrokenProcessPool, RuntimeError):  # a helper was found dead (killed)
        _forget(helpers)
    # The tasks reach a helper through threads of this process, which cannot run while this
    # one solves a flow: wait until each has them (not long if it gets no core: it would
    # then get nothing done anyway).
    for _ in futures:
        if not helpers.received.acquire(timeout=RECEIVE_WAIT_S):
            break
    solved: dict[int, _Solved] = {}
    while (k := _claim(helpers.claims, small=False)) is not None:
        solved[k] = _solve_task(ordered[k])
    for future in futures:
        try:
            solved.update(future.result())
        except BrokenProcessPool:
            _forget(helpers)
    for k in range(len(ordered)):  # what a failed helper had claimed
        if k not in solved:
            solved[k] = _solve_task(ordered[k])
    return solved


def _forget(helpers: _Helpers) -> None:
    """Drop broken helpers (one was killed), so that the next call starts others."""
    with _HELPERS_LOCK:
        if _HELPERS.get(helpers.count) is helpers:
            del _HELPERS[helpers.count]
    helpers.pool.shutdown(wait=False, cancel_futures=True)


def _batches(labels: IntArray, edges: IntArray) -> list[list[IntArray]]:
    """Components (edges grouped by label, in label order) gathered into batches."""
    if not len(edges):
        return []
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    groups = np.split(edges, starts[1:])
    batches: list[list[IntArray]] = []
    current: list[IntArray] = []
    size = 0
    for group in groups:
        if len(group) >= SOLO_EDGES:
            batches.append([group])
            continue
        current.append(group)
        size += len(group)
        if size >= BATCH_EDGES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _relax(task: _Task) -> FloatArray | None:
    """Lots per edge at an optimum of the task's relaxation, each component apart."""
    q = task.problem
    offer_piece = np.zeros(len(q.offer_capacity), dtype=np.int64)
    offer_piece[q.offer] = np.repeat(np.arange(len(task.sizes)), task.sizes)
    return relaxed_lots(q, task.flow, offer_piece)


def _solve_task(task: _Task) -> _Solved:
    """Lots per edge of the task's components, and the pieces left short of optimal."""
    q = task.problem
    starts = np.r_[0, np.cumsum(task.sizes)[:-1]].astype(np.int64)
    pieces = [np.arange(s, s + n) for s, n in zip(starts.tolist(), task.sizes, strict=True)]
    relaxed = _relax(task)
    short: list[tuple[int, str, float]] = []
    if relaxed is None:  # HiGHS failed on the batch: each component as a MILP
        lots = np.zeros(len(q.offer), dtype=np.int64)
        for k, piece in enumerate(pieces):
            lots[piece], reason = solve_milp(q.local(piece), task.limits.node_limit,
                                             task.limits.gap)
            if reason != "optimal":
                short.append((k, reason, math.inf))
        return lots, short
    lots = np.round(relaxed).astype(np.int64)
    off = np.abs(relaxed - np.round(relaxed))
    worst_off = np.maximum.reduceat(off, starts) if len(off) else off
    lp_value = np.add.reduceat(q.value * q.lot * relaxed, starts) if len(off) else off
    for k in np.flatnonzero(worst_off > INTEGRAL_TOLERANCE).tolist():
        piece = pieces[k]
        lots[piece], reason = _settle(q.local(piece), relaxed[piece], float(lp_value[k]),
                                      task.limits, task.flow)
        if reason != "optimal":
            short.append((k, reason, float(lp_value[k])))
    return lots, short


def _settle(q: Problem, relaxed: FloatArray, bound: float, limits: _Limits,
            flow: bool) -> tuple[IntArray, str]:
    """Whole lots for one component whose relaxation is fractional, and "optimal" or why not.

    A small component (up to `milp_max_edges` edges) is solved exactly first; only if that
    MILP stops short is it also repaired (`matching.repair`), and the better kept (one MILP
    instead of two: what a new need against lots of several offers costs). A large one is
    repaired, optimal when within the gap of its LP bound, else kept as it is.
    """
    value = q.value * q.lot

    def within_gap(lots: IntArray) -> bool:
        return total(value, lots) >= bound * (1 - limits.gap) - 1e-12

    if len(q.offer) <= limits.milp_max_edges:
        exact, reason = solve_milp(q, limits.node_limit, limits.gap)
        if reason == "optimal":
            return exact, reason
        found = repair(q, relaxed, flow, limits.node_limit, limits.gap)
        if within_gap(found):
            return found, "optimal"
        if total(value, exact) >= total(value, found):
            return exact, reason
        return found, reason
    found = repair(q, relaxed, flow, limits.node_limit, limits.gap)
    return found, "optimal" if within_gap(found) else ROUNDED


def verdict(objective: float, bound: float, short: Iterable[Shortfall],
            name: Callable[[int], str] = lambda k: f"#{k}") -> str:
    """The status line: the gap to the bound, pieces short of optimal counted by reason, then
    each named (by `name` of its first offer) with its gap."""
    short = list(short)
    counts: dict[str, int] = {}
    for piece in short:
        counts[piece.reason] = counts.get(piece.reason, 0) + 1
    details = ", ".join(f"{count} piece{'s' if count > 1 else ''} {reason}"
                        for reason, count in sorted(counts.items()))
    named = ", ".join(f"{name(s.offer)} {_percent(s.gap)}" for s in short)
    if not math.isfinite(bound):
        return f"feasible (no LP bound; {details}; short: {named})"
    gap = (bound - objective) / bound if bound > 0 else 0.0
    return f"feasible (gap {gap:.3%} to LP bound; {details}; short: {named})"


def _percent(gap: float) -> str:
    return "no bound" if not math.isfinite(gap) else f"{gap:.3%}"
