"""Properties that hold for any input: capacities, lots, order-independence, optimality."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from matching import Need, Offer, Policy, propose
from matching.allocation import Problem, allocate

TODAY = date(2026, 11, 26)
BLANKETS = ("goods", "bedding", "blankets")
PATHS = [BLANKETS, BLANKETS, ("goods", "bedding", "sleeping_bags"), ("goods", "bedding"),
         ("goods", "food", "rice")]
UNITS = {"piece": {"dimension": "count", "factor": 1.0},
         "pair": {"dimension": "count", "factor": 2.0}}
POLICY = Policy.from_mapping({"limits": {"min_score": 0.0, "mip_rel_gap": 0.0}},
                             units=UNITS, related=[("blankets", "sleeping_bags")])
FAST = settings(max_examples=60, deadline=None)

coordinates = st.tuples(st.floats(37.96, 38.00), st.floats(23.70, 23.76))
# a few members give and ask; a donor of no organisation is nobody's own
organisations = st.none() | st.sampled_from(["o1", "o2"])


@st.composite
def offers(draw, index):
    lat, lon = draw(coordinates)
    return Offer(
        id=f"o{index}", kind="goods", category_path=draw(st.sampled_from(PATHS)),
        quantity=draw(st.integers(0, 6)), unit=draw(st.sampled_from(["piece", "pair"])),
        lot=draw(st.sampled_from([1, 1, 2, 3])), text=draw(st.sampled_from(
            ["kouvertes", "Κουβέρτες μάλλινες", "sleeping bags", "ρύζι"])),
        lat=lat, lon=lon, reach_km=draw(st.floats(1.0, 20.0)),
        available_until=TODAY + timedelta(days=draw(st.integers(-1, 10))),
        organisation_id=draw(organisations),
    )


@st.composite
def needs(draw, index):
    lat, lon = draw(coordinates)
    return Need(
        id=f"n{index}", kind="goods", category_path=draw(st.sampled_from(PATHS)),
        quantity=draw(st.integers(0, 6)), unit=draw(st.sampled_from(["piece", "pair"])),
        urgency=draw(st.sampled_from(["low", "normal", "high", "emergency"])),
        text=draw(st.sampled_from(["blankets", "κουβερτες", "ύπνος", "rice"])),
        lat=lat, lon=lon, reach_km=draw(st.none() | st.floats(2.0, 20.0)),
        needed_by=draw(st.none() | st.just(TODAY + timedelta(days=5))),
        received_recently=draw(st.floats(0.0, 10.0)),
        organisation_id=draw(organisations),
    )


@st.composite
def instances(draw, most=4):
    n_offers, n_needs = draw(st.integers(1, most)), draw(st.integers(1, most))
    return ([draw(offers(i)) for i in range(n_offers)],
            [draw(needs(i)) for i in range(n_needs)])


def _best(edges, offer_left, need_left):
    """Brute force: the best total value over whole lots, by depth-first enumeration."""
    if not edges:
        return 0.0
    (o, n, value, lot, ratio), rest = edges[0], edges[1:]
    best, lots = 0.0, 0
    while lots * lot <= offer_left[o] and lots * lot * ratio <= need_left[n] + 1e-9:
        offer_left[o] -= lots * lot
        need_left[n] -= lots * lot * ratio
        best = max(best, lots * lot * value + _best(rest, offer_left, need_left))
        offer_left[o] += lots * lot
        need_left[n] += lots * lot * ratio
        lots += 1
    return best


@FAST
@given(instances())
def test_never_more_than_offered_or_needed_and_lots_respected(instance):
    offer_list, need_list = instance
    result = propose(offer_list, need_list, POLICY, TODAY)
    by_id = {o.id: o for o in offer_list} | {n.id: n for n in need_list}
    for proposal in result.proposals:
        assert proposal.quantity > 0
        assert proposal.quantity % by_id[proposal.offer_id].lot == 0
    for item in offer_list:
        given_away = sum(p.quantity for p in result.proposals if p.offer_id == item.id)
        assert given_away <= item.quantity
    for item in need_list:
        covered = sum(p.need_quantity for p in result.proposals if p.need_id == item.id)
        assert covered <= item.quantity + 1e-9
    assert result.objective == pytest.approx(
        sum(p.value_per_unit * p.quantity for p in result.proposals))
    assert all(0.0 <= c.score <= 1.0 for c in result.candidates)


@FAST
@given(instances(), st.randoms(use_true_random=False))
def test_output_unchanged_under_permutation_of_the_input(instance, rng):
    offer_list, need_list = instance
    shuffled_offers, shuffled_needs = list(offer_list), list(need_list)
    rng.shuffle(shuffled_offers)
    rng.shuffle(shuffled_needs)
    first = propose(offer_list, need_list, POLICY, TODAY)
    second = propose(shuffled_offers, shuffled_needs, POLICY, TODAY)
    assert first.proposals == second.proposals
    assert list(first.candidates) == list(second.candidates)
    assert first.objective == second.objective


@FAST
@given(instances(most=3))
def test_objective_equals_the_brute_force_optimum(instance):
    offer_list, need_list = instance
    result = propose(offer_list, need_list, POLICY, TODAY)
    lots = {o.id: o.lot for o in offer_list}
    edges = [(c.offer_id, c.need_id, c.value_per_unit, lots[c.offer_id], c.ratio)
             for c in result.candidates]
    offer_left = {o.id: o.quantity for o in offer_list}
    need_left = {n.id: float(n.quantity) for n in need_list}
    assert result.objective == pytest.approx(_best(edges, offer_left, need_left), rel=1e-7)


@st.composite
def problems(draw, most_offers=3, most_needs=3, pure=False):
    n_offers = draw(st.integers(1, most_offers))
    n_needs = draw(st.integers(1, most_needs))
    pairs = draw(st.lists(st.tuples(st.integers(0, n_offers - 1), st.integers(0, n_needs - 1)),
                          min_size=1, max_size=7, unique=True))
    pairs.sort()
    offer = np.array([p[0] for p in pairs], dtype=np.int64)
    lot = np.array([1] * n_offers if pure else
                   draw(st.lists(st.sampled_from([1, 2, 3]), min_size=n_offers,
                                 max_size=n_offers)), dtype=np.int64)
    ratio = [1.0] * len(pairs) if pure else draw(st.lists(
        st.sampled_from([1.0, 1.0, 0.5, 2.0]), min_size=len(pairs), max_size=len(pairs)))
    top = 9 if pure else 5
    return Problem(
        offer=offer, need=np.array([p[1] for p in pairs], dtype=np.int64),
        value=np.array(draw(st.lists(st.sampled_from([0.1, 0.25, 0.3, 0.5, 1.0]),
                                     min_size=len(pairs), max_size=len(pairs)))),
        lot=lot[offer], ratio=np.array(ratio),
        offer_capacity=np.array(draw(st.lists(st.integers(0, top), min_size=n_offers,
                                              max_size=n_offers)), dtype=np.int64),
        need_capacity=np.array(draw(st.lists(st.integers(0, top), min_size=n_needs,
                                             max_size=n_needs)), dtype=np.int64),
    )


@FAST
@given(problems())
def test_allocation_with_lots_and_units_equals_brute_force(problem):
    solved = allocate(problem)
    edges = list(zip(problem.offer.tolist(), problem.need.tolist(), problem.value.tolist(),
                     problem.lot.tolist(), problem.ratio.tolist(), strict=True))
    best = _best(edges, dict(enumerate(problem.offer_capacity.tolist())),
                 dict(enumerate(map(float, problem.need_capacity.tolist()))))
    assert solved.objective == pytest.approx(best, rel=1e-7, abs=1e-9)
    assert solved.status == "optimal"


@FAST
@given(problems(most_offers=6, most_needs=6, pure=True))
def test_transportation_equals_an_independent_equality_form_lp(problem):
    """Compare with a balanced flow LP (slack arcs to a dummy node), solved by interior point."""
    solved = allocate(problem)
    n_edges, n_offers = len(problem.offer), len(problem.offer_capacity)
    n_needs = len(problem.need_capacity)
    # variables: edges, then offer->dummy slack per offer, then dummy->need slack per need
    size = n_edges + n_offers + n_needs
    rows = np.zeros((n_offers + n_needs, size))
    for e, (o, n) in enumerate(zip(problem.offer, problem.need, strict=True)):
        rows[o, e] = 1.0
        rows[n_offers + n, e] = 1.0
    for o in range(n_offers):
        rows[o, n_edges + o] = 1.0
    for n in range(n_needs):
        rows[n_offers + n, n_edges + n_offers + n] = 1.0
    cost = np.concatenate((-problem.value, np.zeros(n_offers + n_needs)))
    rhs = np.concatenate((problem.offer_capacity, problem.need_capacity)).astype(float)
    reference = linprog(cost, A_eq=rows, b_eq=rhs, bounds=(0, None), method="highs-ipm")
    assert reference.status == 0
    assert solved.objective == pytest.approx(-reference.fun, rel=1e-7, abs=1e-9)
    assert np.array_equal(solved.quantity, np.round(solved.quantity))


def _naive_feasible(offer, need, policy):
    """Every rule of a candidate, checked pair by pair with no blocking."""
    from matching import closeness
    from matching.geo import haversine_km

    if offer.kind != need.kind or offer.quantity < offer.lot or need.quantity <= 0:
        return False
    if offer.organisation_id is not None and offer.organisation_id == need.organisation_id:
        return False
    if offer.available_until is not None and offer.available_until < TODAY:
        return False
    start = max(TODAY, offer.available_from or TODAY)
    if need.needed_by is not None and (need.needed_by < TODAY or start > need.needed_by):
        return False
    if closeness(offer.category_path, need.category_path, policy) < policy.category_min:
        return False
    ratio = policy.unit_ratio(offer.unit, need.unit)
    if ratio is None or offer.lot * ratio > need.quantity + 1e-9:
        return False
    if offer.remote:
        return True
    distance = haversine_km(offer.lat, offer.lon, need.lat, need.lon)
    return distance <= min(offer.reach_km, need.reach_km if need.reach_km is not None
                           else float("inf"), policy.max_distance_km)


@FAST
@given(instances())
def test_blocking_finds_exactly_the_feasible_pairs(instance):
    offer_list, need_list = instance
    policy = Policy.from_mapping({"limits": {"min_score": 0.0, "max_neighbours": 0}},
                                 units=UNITS, related=[("blankets", "sleeping_bags")])
    found = {(c.offer_id, c.need_id) for c in propose(offer_list, need_list, policy,
                                                       TODAY).candidates}
    expected = {(o.id, n.id) for o in offer_list for n in need_list
                if _naive_feasible(o, n, policy)}
    assert found == expected


@FAST
@given(problems())
def test_a_milp_stopped_early_still_returns_a_feasible_allocation(problem):
    from matching.milp import greedy_fill

    lots = greedy_fill(problem)
    quantity = lots * problem.lot
    given_away = np.bincount(problem.offer, quantity, minlength=len(problem.offer_capacity))
    covered = np.bincount(problem.need, quantity * problem.ratio,
                          minlength=len(problem.need_capacity))
    assert np.all(given_away <= problem.offer_capacity)
    assert np.all(covered <= problem.need_capacity + 1e-9)


def _greedy_loop(problem):
    """Best value first (ties by edge order), as many whole lots as fit: one edge at a time."""
    offer_left = problem.offer_capacity.astype(float).tolist()
    need_left = problem.need_capacity.astype(float).tolist()
    taken = [0] * len(problem.offer)
    for k in np.argsort(-problem.value, kind="stable").tolist():
        o, n = int(problem.offer[k]), int(problem.need[k])
        lot, ratio = int(problem.lot[k]), float(problem.ratio[k])
        lots = max(min(int(offer_left[o]) // lot, int(need_left[n] / (lot * ratio) + 1e-9)), 0)
        taken[k] = lots
        offer_left[o] -= lots * lot
        need_left[n] -= lots * lot * ratio
    return taken


@FAST
@given(problems(most_offers=6, most_needs=6))
def test_the_vectorised_greedy_fill_gives_what_the_loop_gives(problem):
    from matching.milp import greedy_fill

    assert greedy_fill(problem).tolist() == _greedy_loop(problem)


@pytest.mark.parametrize("seed", range(20))
def test_the_greedy_fill_on_larger_problems_and_long_chains(seed):
    from matching.milp import greedy_fill

    rng = np.random.default_rng(seed)
    if seed % 2:  # a path o0-n0-o1-n1-..., each edge waiting for the one before it
        step = np.arange(299)
        offer, need = (step + 1) // 2, step // 2
        value = np.linspace(1.0, 0.1, len(offer))
    else:  # dense, with ties in value
        offer, need = np.nonzero(rng.random((30, 30)) < 0.3)
        value = rng.choice([0.2, 0.5, 0.7, 1.0], size=len(offer))
    n_offers, n_needs = int(offer.max()) + 1, int(need.max()) + 1
    chain = seed % 2 == 1  # every node keeps room, so the chain is as long as it can be
    lot = np.ones(n_offers, dtype=np.int64) if chain else rng.choice([1, 1, 2, 3], n_offers)
    problem = Problem(
        offer=offer.astype(np.int64), need=need.astype(np.int64), value=value,
        lot=lot[offer].astype(np.int64),
        ratio=np.ones(len(offer)) if chain else rng.choice([1.0, 0.5, 2.0], len(offer)),
        offer_capacity=(lot * rng.integers(int(chain), 5, n_offers)).astype(np.int64),
        need_capacity=rng.integers(int(chain) * 9, 9 + int(chain), n_needs).astype(np.int64))
    assert greedy_fill(problem).tolist() == _greedy_loop(problem)
