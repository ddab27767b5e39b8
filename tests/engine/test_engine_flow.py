"""The min-cost flow's integer costs: the least scale its exactness proof accepts is tried
first, and the flow it keeps is optimal to 1e-9 on the true values (checked against HiGHS'
LP on the same edges), even when the values differ only in their ninth digit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from matching import flow
from matching.flow import _matching_value, max_value_flow


def _instance(seed: int, close: bool) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n_offers, n_needs = int(rng.integers(5, 40)), int(rng.integers(5, 40))
    edges = int(rng.integers(n_offers, 4 * (n_offers + n_needs)))
    offer = rng.integers(n_offers, size=edges)
    need = rng.integers(n_needs, size=edges)
    pairs = np.unique(offer * n_needs + need)
    offer, need = pairs // n_needs, pairs % n_needs
    # close values: 1 + a few parts in 1e8, so a coarse rounding of costs ties them
    value = (1.0 + rng.integers(0, 50, size=len(offer)) * 3.1e-8 if close
             else rng.lognormal(0.0, 1.5, size=len(offer)))
    offer_capacity = rng.integers(1, 10**6, size=n_offers)
    need_capacity = rng.integers(1, 10**6, size=n_needs)
    capacity = np.minimum(offer_capacity[offer], need_capacity[need])
    return offer, need, value, capacity, offer_capacity, need_capacity


def _lp_optimum(offer, need, value, capacity, offer_capacity, need_capacity) -> float:
    n_offers = len(offer_capacity)
    columns = np.arange(len(offer))
    matrix = coo_matrix((np.ones(2 * len(offer)), (np.r_[offer, need + n_offers],
                                                    np.r_[columns, columns])),
                        shape=(n_offers + len(need_capacity), len(offer)))
    result = linprog(-value, A_ub=matrix, b_ub=np.r_[offer_capacity, need_capacity],
                     bounds=np.column_stack((np.zeros(len(offer)), capacity)), method="highs")
    assert result.status == 0
    return float(-result.fun)


@pytest.mark.parametrize("close", [True, False])
@pytest.mark.parametrize("seed", range(12))
def test_flow_is_optimal_to_1e9_with_the_least_scale(seed: int, close: bool) -> None:
    instance = _instance(seed, close)
    offer, need, value, capacity, offer_capacity, need_capacity = instance
    units = max_value_flow(*instance)
    assert units is not None
    assert (units >= 0).all() and (units <= capacity).all()
    assert (np.bincount(offer, units, len(offer_capacity)) <= offer_capacity).all()
    assert (np.bincount(need, units, len(need_capacity)) <= need_capacity).all()
    best = _lp_optimum(*instance)
    assert float(np.dot(value, units)) >= best * (1 - 1e-9)


def test_the_least_scale_is_tried_first_and_is_smaller(monkeypatch: pytest.MonkeyPatch) -> None:
    scales: list[float] = []
    solve = flow._solve

    def spy(*args: object) -> object:
        scales.append(float(args[-1]))  # type: ignore[arg-type]
        return solve(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(flow, "_solve", spy)
    assert max_value_flow(*_instance(3, close=False)) is not None
    assert len(scales) == 1  # the least scale's flow was proven exact: no second solve
    offer, need, value, capacity, offer_capacity, need_capacity = _instance(3, close=False)
    nodes = len(offer_capacity) + len(need_capacity) + 1
    bound = min(int(offer_capacity.sum()), int(need_capacity.sum()), int(capacity.sum()))
    budget = min(flow.COST_BUDGET // (nodes + 1), flow.COST_BUDGET // bound) / value.max()
    assert scales[0] < budget / 4


@pytest.mark.parametrize("seed", range(12))
def test_the_matching_value_is_a_feasible_lower_bound(seed: int) -> None:
    instance = _instance(seed, close=False)
    assert 0 < _matching_value(*instance) <= _lp_optimum(*instance) * (1 + 1e-12)
