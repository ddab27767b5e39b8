"""The entry points: `propose` (full run) and the incremental `propose_for_offer` / `_need`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import overload

import numpy as np
from numpy.typing import NDArray

from matching.allocation import Allocation, Problem, allocate, start_workers, verdict
from matching.candidates import Book, Pairs, find_pairs
from matching.categories import Path, closeness
from matching.index import OpenIndex
from matching.model import Candidate, Need, Offer, Proposal
from matching.policy import COMPONENTS, Policy
from matching.scoring import Scores, prune, score_pairs

# Below this many offers and needs together the allocation is too small to share between
# processes (`allocation.MIN_SHARED_EDGES`: ~200k edges beyond the largest piece, ~60k x 60k
# here), so `propose` does not start them early (at 5k x 5k with two processes, starting
# them made the run 0.41 s instead of 0.26); should the allocation need them, it starts them.
SHARE_FROM_ITEMS = 50_000


class CandidateTable(Sequence[Candidate]):
    """Every feasible pair with its score, breakdown and value per unit, sorted by
    (offer id, need id). Backed by arrays: a `Candidate` is built only when read."""

    def __init__(self, book: Book, pairs: Pairs, scores: Scores) -> None:
        self.book, self.pairs, self.scores = book, pairs, scores

    def __len__(self) -> int:
        return len(self.pairs)

    @overload
    def __getitem__(self, index: int) -> Candidate: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Candidate]: ...

    def __getitem__(self, index: int | slice) -> Candidate | Sequence[Candidate]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._candidate(index)

    def __iter__(self) -> Iterator[Candidate]:
        return (self._candidate(i) for i in range(len(self)))

    def breakdown(self, index: int) -> dict[str, float]:
        """The components of pair `index`, by name."""
        row = self.scores.components[:, index]
        found = {name: float(row[k]) for k, name in enumerate(COMPONENTS)}
        emergency = self.book.needs[self.pairs.need[index]].emergency
        if emergency:  # not a score component: it multiplies the value (see Need.emergency)
            found["emergency"] = emergency
        return found

    def _candidate(self, i: int) -> Candidate:
        distance = float(self.pairs.distance_km[i])
        return Candidate(
            offer_id=self.book.offers[self.pairs.offer[i]].id,
            need_id=self.book.needs[self.pairs.need[i]].id,
            score=float(self.scores.score[i]),
            breakdown=self.breakdown(i),
            value_per_unit=float(self.scores.value_per_unit[i]),
            ratio=float(self.pairs.ratio[i]),
            distance_km=None if np.isnan(distance) else distance,
        )


@dataclass(frozen=True, slots=True)
class ShortPiece:
    """A piece of the allocation not proven optimal, named by its first offer: its size in
    edges, why ("rounded from the LP", "node limit", ...) and its gap to its LP bound."""

    offer_id: str
    edges: int
    reason: str
    gap: float


@dataclass(frozen=True, slots=True)
class Result:
    """What a run proposes.

    ``candidates``: every feasible pair (score >= the policy's min_score), explained.
    ``proposals``: the allocation, sorted by (offer id, need id).
    ``objective``: sum of value_per_unit x quantity over the proposals.
    ``status``: "optimal", or what the solver said, with the gap proven and every piece left
    short named by its first offer's id, worst first; ``short_pieces`` holds the same as values.
    """

    candidates: CandidateTable
    proposals: tuple[Proposal, ...]
    objective: float
    status: str
    short_pieces: tuple[ShortPiece, ...] = ()


def candidates(offers: Sequence[Offer], needs: Sequence[Need], policy: Policy,
               today: date) -> CandidateTable:
    """Every feasible pair, scored (the first two phases of `propose`)."""
    book = Book.of(offers, needs, today)
    pairs = find_pairs(book, policy)
    scores = score_pairs(book, pairs, policy)
    keep = np.flatnonzero(scores.score >= policy.min_score)
    return CandidateTable(book, pairs.take(keep), scores.take(keep))


def allocation_problem(book: Book, pairs: Pairs, scores: Scores,
                       policy: Policy) -> tuple[Problem, NDArray[np.int64]]:
    """The allocation's problem over the pairs the policy's limits keep, and their indices."""
    kept = prune(pairs, scores, policy)
    problem = Problem(
        offer=pairs.offer[kept], need=pairs.need[kept],
        value=scores.value_per_unit[kept], lot=book.offer_lot[pairs.offer[kept]],
        ratio=pairs.ratio[kept], offer_capacity=book.offer_quantity,
        need_capacity=book.need_quantity,
        offer_size=_unit_sizes([o.unit for o in book.offers], policy),
        need_size=_unit_sizes([n.unit for n in book.needs], policy),
    )
    return problem, kept


def allocate_candidates(table: CandidateTable, policy: Policy, *,
                        workers: int = 1) -> Allocation:
    """Allocate over the candidates the policy's limits keep (the last phase of `propose`);
    `workers` > 1 shares the pieces with other processes (the same result, see allocate)."""
    book, pairs = table.book, table.pairs
    problem, kept = allocation_problem(book, pairs, table.scores, policy)
    solved = allocate(problem, policy.mip_rel_gap, policy.milp_max_edges,
                      policy.milp_node_limit, workers)
    quantity = np.zeros(len(pairs), dtype=np.int64)
    quantity[kept] = solved.quantity
    status = solved.status
    if solved.shortfalls and solved.upper_bound is not None:
        status = verdict(solved.objective, solved.upper_bound, solved.shortfalls,
                         lambda k: book.offers[k].id)
    return Allocation(quantity, solved.objective, status, solved.components,
                      solved.upper_bound, solved.shortfalls)


def _unit_sizes(units: list[str], policy: Policy) -> NDArray[np.float64]:
    """Each unit's factor of its dimension's base unit (1 for a unit that converts to no
    other), so that a pair's ratio is the offer's size over the need's."""
    factor = {name: spec[1] for name, spec in policy.units.items()}
    return np.array([factor.get(unit, 1.0) for unit in units], dtype=np.float64)


def start_workers_for(offers: Sequence[Offer], needs: Sequence[Need], workers: int) -> None:
    """Start the allocation's `workers` - 1 helper processes now if these offers and needs are
    enough to share (`SHARE_FROM_ITEMS`), so that they start while the candidates are found."""
    if len(offers) + len(needs) >= SHARE_FROM_ITEMS:
        start_workers(workers)


def propose(offers: Sequence[Offer], needs: Sequence[Need], policy: Policy,
            today: date, *, workers: int = 1) -> Result:
    """Candidates, scores and the optimal allocation of open `offers` to open `needs`.

    Deterministic: the same items in any order give the same result (ties go by id), and so
    does any number of `workers` (processes sharing the allocation's large pieces; started
    now, while the candidates are found, when the input is large enough to share, and kept
    for later calls).
    """
    start_workers_for(offers, needs, workers)
    table = candidates(offers, needs, policy, today)
    solved = allocate_candidates(table, policy, workers=workers)
    proposals = tuple(
        Proposal(
            offer_id=table.book.offers[table.pairs.offer[i]].id,
            need_id=table.book.needs[table.pairs.need[i]].id,
            quantity=int(solved.quantity[i]),
            need_quantity=float(solved.quantity[i] * table.pairs.ratio[i]),
            score=float(table.scores.score[i]),
            breakdown=table.breakdown(int(i)),
            value_per_unit=float(table.scores.value_per_unit[i]),
        )
        for i in np.flatnonzero(solved.quantity)
    )
    short = tuple(ShortPiece(table.book.offers[s.offer].id, s.edges, s.reason, s.gap)
                  for s in solved.shortfalls)
    return Result(table, proposals, solved.objective, solved.status, short)


class _Compatible(dict[Path, bool]):
    """Category paths judged, on first sight, against one item's path."""

    def __init__(self, path: Path, policy: Policy, *, as_offer: bool) -> None:
        super().__init__()
        self.path, self.policy, self.as_offer = path, policy, as_offer

    def __missing__(self, other: Path) -> bool:
        pair = (self.path, other) if self.as_offer else (other, self.path)
        value = closeness(*pair, self.policy) >= self.policy.category_min
        self[other] = value
        return value


def propose_for_offer(offer: Offer, open_needs: Sequence[Need], policy: Policy,
                      today: date) -> Result:
    """The best allocation of one new offer against the open needs (fast: for a request).

    `open_needs` may be an `OpenIndex` of them, built once for many calls: the same result,
    without a scan of every open need.
    """
    if isinstance(open_needs, OpenIndex):
        return propose([offer], open_needs.near(offer, policy, today), policy, today)
    fits = _Compatible(offer.category_path, policy, as_offer=True)
    kind = offer.kind
    return propose([offer], [n for n in open_needs if n.kind == kind and fits[n.category_path]],
                   policy, today)


def propose_for_need(need: Need, open_offers: Sequence[Offer], policy: Policy,
                     today: date) -> Result:
    """The best allocation of open offers to one new need (fast: for a request).

    `open_offers` may be an `OpenIndex` of them, built once for many calls: the same result,
    without a scan of every open offer.
    """
    if isinstance(open_offers, OpenIndex):
        return propose(open_offers.near(need, policy), [need], policy, today)
    fits = _Compatible(need.category_path, policy, as_offer=False)
    kind = need.kind
    return propose([o for o in open_offers if o.kind == kind and fits[o.category_path]],
                   [need], policy, today)
