"""The fast paths give what the plain ones give: the open-book index, the repair of large
fractional pieces (within the reported gap), and remote offers' neighbours."""

from __future__ import annotations

import os
import re
import signal
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    Need,
    Offer,
    OpenIndex,
    Policy,
    propose,
    propose_for_need,
    propose_for_offer,
)
from matching.allocation import Problem, allocate

TODAY = date(2026, 11, 26)
BLANKETS = ("goods", "bedding", "blankets")
PATHS = [BLANKETS, ("goods", "bedding", "sleeping_bags"), ("goods", "bedding"),
         ("goods", "food", "rice"), ("skill", "teaching")]
UNITS = {"piece": {"dimension": "count", "factor": 1.0},
         "pair": {"dimension": "count", "factor": 2.0}}
# few neighbours and few places: ties at the k-th nearest are common
POLICY = Policy.from_mapping({"limits": {"min_score": 0.0, "max_neighbours": 2}},
                             units=UNITS, related=[("blankets", "sleeping_bags")])
PLACES = [(37.97, 23.72), (37.975, 23.73), (37.99, 23.74), (38.20, 23.90)]


def _kind(path):
    return path[0]


@st.composite
def offers(draw, index, prefix="o"):
    path = draw(st.sampled_from(PATHS))
    place = draw(st.none() | st.sampled_from(PLACES))
    remote = place is None or draw(st.booleans())
    return Offer(
        id=f"{prefix}{index}", kind=_kind(path), category_path=path,
        quantity=draw(st.integers(0, 6)), unit=draw(st.sampled_from(["piece", "pair"])),
        lot=draw(st.sampled_from([1, 1, 2])), text="κουβέρτες",
        lat=None if place is None else place[0], lon=None if place is None else place[1],
        reach_km=draw(st.floats(0.5, 30.0)), remote=remote,
        available_until=TODAY + timedelta(days=draw(st.integers(-1, 10))),
    )


@st.composite
def needs(draw, index, prefix="n"):
    path = draw(st.sampled_from(PATHS))
    place = draw(st.none() | st.sampled_from(PLACES))
    return Need(
        id=f"{prefix}{index}", kind=_kind(path), category_path=path,
        quantity=draw(st.integers(0, 6)), unit=draw(st.sampled_from(["piece", "pair"])),
        urgency=draw(st.sampled_from(["low", "normal", "emergency"])), text="blankets",
        lat=None if place is None else place[0], lon=None if place is None else place[1],
        reach_km=draw(st.none() | st.floats(1.0, 30.0)),
        needed_by=draw(st.none() | st.just(TODAY + timedelta(days=5))),
    )


def _same(first, second):
    assert first.proposals == second.proposals
    assert list(first.candidates) == list(second.candidates)
    assert (first.objective, first.status) == (second.objective, second.status)


@settings(max_examples=120, deadline=None)
@given(st.data(), st.integers(0, 8), st.integers(0, 12), st.integers(0, 7))
def test_the_open_index_gives_what_the_plain_list_gives(data, n_offers, n_needs, days):
    # later days expire some needs: a remote offer's nearest must be the open ones
    today = TODAY + timedelta(days=days)
    open_offers = [data.draw(offers(i)) for i in range(n_offers)]
    open_needs = [data.draw(needs(i)) for i in range(n_needs)]
    new_offer, new_need = data.draw(offers(0, "x")), data.draw(needs(0, "y"))
    _same(propose_for_offer(new_offer, OpenIndex(open_needs), POLICY, today),
          propose_for_offer(new_offer, open_needs, POLICY, today))
    _same(propose_for_need(new_need, OpenIndex(open_offers), POLICY, today),
          propose_for_need(new_need, open_offers, POLICY, today))


def test_a_remote_offer_is_given_only_its_nearest_open_needs_by_the_index(make_offer,
                                                                            make_need, policy,
                                                                            today):
    from dataclasses import replace

    few = replace(policy, max_neighbours=2)
    tutor = make_offer(remote=True)
    near, nearer, far = (make_need(id=f"n{d}", lat=37.9755 + d, lon=23.7348)
                         for d in (0.02, 0.01, 0.5))
    gone = make_need(id="n-gone", lat=37.9755, lon=23.7348, needed_by=today - timedelta(days=1))
    index = OpenIndex([near, nearer, far, gone])
    assert {n.id for n in index.near(tutor, few, today)} == {near.id, nearer.id}
    assert len(index.near(tutor, few)) == 4  # without a day, every one of the group


def test_the_open_index_is_a_sequence_sorted_by_id(make_need):
    first, second = make_need(id="n2"), make_need(id="n1")
    index = OpenIndex([first, second])
    assert list(index) == [second, first] and len(index) == 2 and index[0] == second


def test_a_remote_offer_meets_only_its_nearest_needs_of_a_category(make_offer, make_need,
                                                                    policy, today):
    from dataclasses import replace

    few = replace(policy, max_neighbours=2)
    tutor = make_offer(remote=True)
    near, nearer, far = (make_need(lat=37.9755 + d, lon=23.7348) for d in (0.02, 0.01, 0.5))
    found = {c.need_id for c in propose([tutor], [near, nearer, far], few, today).candidates}
    assert found == {near.id, nearer.id}


@st.composite
def lot_problems(draw):
    """A few offers and needs densely linked, with lots and unit conversions."""
    n_offers, n_needs = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    pairs = sorted(draw(st.sets(st.tuples(st.integers(0, n_offers - 1),
                                          st.integers(0, n_needs - 1)), min_size=3,
                                max_size=12)))
    offer = np.array([p[0] for p in pairs], dtype=np.int64)
    lot = np.array(draw(st.lists(st.sampled_from([1, 2, 3, 5]), min_size=n_offers,
                                 max_size=n_offers)), dtype=np.int64)
    return Problem(
        offer=offer, need=np.array([p[1] for p in pairs], dtype=np.int64),
        value=np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=len(pairs),
                                     max_size=len(pairs)))),
        lot=lot[offer], ratio=np.array(draw(st.lists(st.sampled_from([1.0, 0.5, 2.0]),
                                                     min_size=len(pairs),
                                                     max_size=len(pairs)))),
        offer_capacity=np.array(draw(st.lists(st.integers(0, 12), min_size=n_offers,
                                              max_size=n_offers)), dtype=np.int64),
        need_capacity=np.array(draw(st.lists(st.integers(0, 12), min_size=n_needs,
                                             max_size=n_needs)), dtype=np.int64),
    )


@settings(max_examples=150, deadline=None)
@given(lot_problems())
def test_pieces_rounded_near_the_lp_vertex_are_feasible_and_within_the_reported_gap(problem):
    rounded = allocate(problem, gap=0.0, milp_max_edges=0)  # no exact MILP at all
    exact = allocate(problem, gap=0.0, milp_max_edges=1000)
    quantity = rounded.quantity
    assert np.all(quantity % problem.lot == 0) and np.all(quantity >= 0)
    assert np.all(np.bincount(problem.offer, quantity, len(problem.offer_capacity))
                  <= problem.offer_capacity)
    assert np.all(np.bincount(problem.need, quantity * problem.ratio,
                              len(problem.need_capacity)) <= problem.need_capacity + 1e-9)
    assert rounded.objective == pytest.approx(float(np.dot(problem.value, quantity)))
    assert exact.status == "optimal"
    assert rounded.upper_bound is not None
    assert rounded.objective <= exact.objective + 1e-9
    assert exact.objective <= rounded.upper_bound * (1 + 1e-9) + 1e-9
    if rounded.status != "optimal":
        reported = float(re.search(r"gap ([0-9.]+)%", rounded.status).group(1)) / 100
        bound = rounded.upper_bound
        assert rounded.objective >= bound * (1 - reported - 1e-5) - 1e-9
    else:
        assert rounded.objective == pytest.approx(exact.objective, rel=1e-9, abs=1e-12)


def test_a_large_piece_with_lots_reports_its_gap_to_the_lp_bound():
    rng = np.random.default_rng(3)
    n_offers = n_needs = 60
    offer = np.repeat(np.arange(n_offers), 4)
    need = (offer * 7 + np.tile(np.arange(4), n_offers) * 13) % n_needs
    order = np.lexsort((need, offer))
    offer, need = offer[order], need[order]
    keep = np.r_[True, (offer[1:] != offer[:-1]) | (need[1:] != need[:-1])]
    offer, need = offer[keep], need[keep]
    lot = rng.choice([1, 3, 5, 7], size=n_offers)
    problem = Problem(offer=offer, need=need, value=rng.uniform(0.1, 1.0, len(offer)),
                      lot=lot[offer].astype(np.int64), ratio=np.ones(len(offer)),
                      offer_capacity=(lot * rng.integers(1, 4, n_offers)).astype(np.int64),
                      need_capacity=rng.integers(1, 12, n_needs).astype(np.int64))
    rounded = allocate(problem, gap=0.0, milp_max_edges=0)
    exact = allocate(problem, gap=0.0, milp_max_edges=10_000)
    assert exact.status == "optimal"
    assert rounded.objective <= exact.objective + 1e-9 <= rounded.upper_bound + 2e-9
    assert rounded.status.startswith("feasible (gap ")  # this one is not proven optimal


@pytest.mark.parametrize("neighbours", [0, 2, 50])
def test_a_remote_offer_with_a_location_is_paired_once(make_offer, make_need, policy, today,
                                                        neighbours):
    from dataclasses import replace

    limits = replace(policy, max_neighbours=neighbours)
    tutor, local = make_offer(remote=True), make_offer()
    found = [(c.offer_id, c.need_id)
             for c in propose([tutor, local], [make_need(), make_need()], limits,
                              today).candidates]
    assert len(found) == len(set(found)) == 4


def _hard_piece(seed, n=16):
    """One dense piece with lots and unit conversions: not settled at the root node."""
    rng = np.random.default_rng(seed)
    offer, need = np.nonzero(rng.random((n, n)) < 0.5)
    lot = rng.choice([3, 5, 7, 11], size=n)
    return Problem(offer=offer.astype(np.int64), need=need.astype(np.int64),
                   value=rng.uniform(0.1, 1.0, len(offer)), lot=lot[offer].astype(np.int64),
                   ratio=rng.choice([1.0, 0.5, 1.5, 2.0], size=len(offer)),
                   offer_capacity=(lot * rng.integers(1, 6, n)).astype(np.int64),
                   need_capacity=rng.integers(5, 40, n).astype(np.int64))


def _beside(first, second):
    """Two problems as one, the second's offers and needs numbered after the first's."""
    n_o, n_n = len(first.offer_capacity), len(first.need_capacity)
    return Problem(*(np.concatenate(pair) for pair in (
        (first.offer, second.offer + n_o), (first.need, second.need + n_n),
        (first.value, second.value), (first.lot, second.lot), (first.ratio, second.ratio),
        (first.offer_capacity, second.offer_capacity),
        (first.need_capacity, second.need_capacity))))


def test_the_repair_reroutes_what_rounding_a_pack_leaves_through_the_whole_piece():
    # need 0 takes 12 items: a pack of 8 from offer 0 and half of offer 1's at the LP vertex.
    # Whole packs give it 8, and the 4 left are worth taking from offer 2 only if offer 2's
    # 4 items for need 1 come from offer 3 instead: a reroute two steps from the fractional
    # edge, which a repair of the edges at its offer and need alone does not see (it gives 14).
    problem = Problem(offer=np.array([0, 1, 2, 2, 3, 3]), need=np.array([0, 0, 0, 1, 1, 2]),
                      value=np.array([8.0, 7.6, 0.9, 1.0, 0.95, 0.5]), lot=np.ones(6, np.int64),
                      ratio=np.array([8.0, 8.0, 1.0, 1.0, 1.0, 1.0]),
                      offer_capacity=np.array([1, 1, 4, 4]), need_capacity=np.array([12, 4, 4]),
                      offer_size=np.array([8.0, 8.0, 1.0, 1.0]), need_size=np.ones(3))
    solved = allocate(problem, milp_max_edges=0)  # repaired, not solved as a MILP
    assert solved.quantity.tolist() == [1, 0, 4, 0, 4, 0]
    assert solved.objective == pytest.approx(8.0 + 3.6 + 3.8)
    assert solved.upper_bound == pytest.approx(8.0 + 3.8 + 4.0 + 2.0)  # the LP's half pack


def test_a_piece_stopped_at_the_node_limit_is_named_with_its_gap_and_holds_no_other_back():
    hard, easy = _hard_piece(0), _hard_piece(1)  # seed 1 is proven at the first node
    both = _beside(hard, easy)
    stopped = allocate(both, gap=0.0, milp_max_edges=10_000, node_limit=1)
    alone = allocate(easy, gap=0.0, milp_max_edges=10_000, node_limit=1)
    (short,) = stopped.shortfalls
    assert (short.offer, short.edges, short.reason) == (0, len(hard.offer), "node limit")
    assert 0.0 < short.gap < 0.1
    assert f"1 piece node limit; short: #0 {short.gap:.3%}" in stopped.status
    assert alone.status == "optimal"
    assert np.array_equal(stopped.quantity[len(hard.offer):], alone.quantity)
    assert stopped.objective < stopped.upper_bound


def test_a_piece_stopped_short_is_allocated_the_same_every_time():
    problem = _hard_piece(0)
    first, second = (allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1)
                     for _ in range(2))
    assert np.array_equal(first.quantity, second.quantity)
    assert first.status == second.status


def _flat(problem):
    """The same edges with every lot 1 and no unit conversion."""
    return Problem(problem.offer, problem.need, problem.value, np.ones_like(problem.lot),
                   np.ones_like(problem.ratio), problem.offer_capacity, problem.need_capacity)


def test_other_processes_give_the_same_allocation():
    # two pieces large enough to be tasks of their own, then small ones batched
    pieces = [_flat(_hard_piece(5, 40)), _flat(_hard_piece(6, 40)), _hard_piece(1),
              _hard_piece(3, 8)]
    problem = pieces[0]
    for piece in pieces[1:]:
        problem = _beside(problem, piece)
    alone = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1)
    shared = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1, workers=2,
                      min_shared_edges=0)
    assert np.array_equal(alone.quantity, shared.quantity)
    assert (alone.status, alone.objective) == (shared.status, shared.objective)


def test_a_killed_helper_process_changes_no_allocation_and_is_replaced():
    from matching import allocation

    pieces = [_flat(_hard_piece(5, 40)), _flat(_hard_piece(6, 40)), _hard_piece(1)]
    problem = pieces[0]
    for piece in pieces[1:]:
        problem = _beside(problem, piece)
    alone = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1)
    helpers = allocation._helpers(1)  # this process's one helper, as workers=2 uses
    os.kill(helpers.pool.submit(os.getpid).result(), signal.SIGKILL)
    after_kill = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1, workers=2,
                          min_shared_edges=0)
    assert np.array_equal(alone.quantity, after_kill.quantity)
    assert allocation._helpers(1) is not helpers  # the dead one was dropped, a new one started
    again = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1, workers=2,
                     min_shared_edges=0)
    assert np.array_equal(alone.quantity, again.quantity)


def test_threads_give_the_same_allocation_every_time():
    # pieces large enough to be tasks of their own, with lots and conversions (HiGHS solves
    # them, so they are shared between threads), then small ones batched
    pieces = [_hard_piece(5, 40), _hard_piece(6, 40), _hard_piece(7, 40), _hard_piece(0),
              _hard_piece(3, 8)]
    problem = pieces[0]
    for piece in pieces[1:]:
        problem = _beside(problem, piece)
    alone = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1, threads=1)
    for _ in range(3):
        shared = allocate(problem, gap=0.0, milp_max_edges=10_000, node_limit=1, threads=2)
        assert np.array_equal(alone.quantity, shared.quantity)
        assert (alone.status, alone.objective) == (shared.status, shared.objective)
