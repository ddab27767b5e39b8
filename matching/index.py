"""A reusable index of the open book, so one new item is matched without a scan of it all.

Build it once from the open needs (or offers) and pass it where `propose_for_offer` (or
`propose_for_need`) takes the open items: it is a sequence of them, sorted by id. A call then
looks only at the groups (kind, category) compatible with the new item and, inside them, at
the items within reach (a k-d tree per group), and gives exactly what the plain list gives.
A remote offer meets only its `max_neighbours` nearest open needs of a group (ties kept), so
only those are passed on, not the whole group.
The index holds no clock: what is expired is still filtered by the `today` of each call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Generic, TypeVar, overload

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from matching import geo
from matching.candidates import _sorted_unique
from matching.categories import Path, PathIndex, closeness
from matching.model import Need, Offer
from matching.policy import Policy

Item = TypeVar("Item", Offer, Need)
IntArray = NDArray[np.int64]


class _Group:
    """Members of one (kind, category path): located ones in a k-d tree; remote offers."""

    def __init__(self, members: IntArray, xyz: NDArray[np.float64],
                 reach: NDArray[np.float64], remote: NDArray[np.bool_]) -> None:
        placed = ~np.isnan(xyz[members, 0])
        self.members = members
        self.located = members[placed]
        self.remote = members[remote[members]]
        self.tree = cKDTree(xyz[self.located]) if len(self.located) else None
        self.max_reach = float(reach[self.located].max(initial=0.0))


class OpenIndex(Generic[Item]):
    """Open offers or open needs (not both), sorted by id, indexed by category and place.

    ``OpenIndex(open_needs)`` raises InputError on duplicate ids, like `propose`. It is
    immutable: build a new one when the open book changes.
    """

    def __init__(self, items: Iterable[Item]) -> None:
        ordered = sorted(items, key=lambda item: item.id)
        _sorted_unique(ordered, "item")
        self.items: tuple[Item, ...] = tuple(ordered)
        lat = np.array([np.nan if i.lat is None else i.lat for i in ordered], dtype=np.float64)
        lon = np.array([np.nan if i.lon is None else i.lon for i in ordered], dtype=np.float64)
        xyz = geo.to_xyz(lat, lon).reshape(len(ordered), 3)
        reach = np.array([np.inf if i.reach_km is None else i.reach_km for i in ordered],
                         dtype=np.float64)
        remote = np.array([isinstance(i, Offer) and i.remote for i in ordered], dtype=np.bool_)
        self._xyz = xyz
        # For a need: whether it has something left, and its last day (ordinal) for `today`.
        self._has_quantity = np.array([i.quantity > 0 for i in ordered], dtype=np.bool_)
        last = date.max.toordinal()
        self._last_day = np.array(
            [i.needed_by.toordinal() if isinstance(i, Need) and i.needed_by else last
             for i in ordered], dtype=np.int64)
        grouped: dict[tuple[str, Path], list[int]] = defaultdict(list)
        for position, item in enumerate(ordered):
            grouped[(item.kind, item.category_path)].append(position)
        self._groups = {key: _Group(np.array(value, dtype=np.int64), xyz, reach, remote)
                        for key, value in grouped.items()}
        self._paths = {kind: PathIndex(p for k, p in self._groups if k == kind)
                       for kind in {k for k, _ in self._groups}}

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Item, ...]: ...

    def __getitem__(self, index: int | slice) -> Item | tuple[Item, ...]:
        return self.items[index]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def near(self, item: Offer | Need, policy: Policy,
             today: date | None = None) -> list[Item]:
        """The indexed items that could pair with `item` (a superset of its candidates,
        never missing one): compatible kind and category, and within reach; with `today`,
        for a remote offer only each group's nearest open needs that it can meet."""
        as_offer = isinstance(item, Offer)
        paths = self._paths.get(item.kind)
        if paths is None:
            return []
        found: list[IntArray] = []
        point = None if item.lat is None or item.lon is None else geo.to_xyz(
            np.array([item.lat]), np.array([item.lon])).reshape(3)
        for path in sorted(paths.near(item.category_path, policy)):
            pair = (item.category_path, path) if as_offer else (path, item.category_path)
            if closeness(*pair, policy) < policy.category_min:
                continue
            group = self._groups[(item.kind, path)]
            found.append(self._within(group, item, point, policy, today))
        if not found:
            return []
        return [self.items[i] for i in np.unique(np.concatenate(found))]

    def _within(self, group: _Group, item: Offer | Need, point: NDArray[np.float64] | None,
                policy: Policy, today: date | None) -> IntArray:
        if isinstance(item, Offer):
            if item.remote:
                return self._nearest_open(group, point, policy, today)
            radius = min(item.reach_km, policy.max_distance_km)
            always = np.zeros(0, dtype=np.int64)
        else:  # every remote offer, and the others that may reach the need
            radius = min(group.max_reach, policy.max_distance_km,
                         np.inf if item.reach_km is None else item.reach_km)
            always = group.remote
        if point is None or group.tree is None:
            return always
        near = np.array(group.tree.query_ball_point(point, geo.chord_km(radius) * (1 + 1e-6)),
                        dtype=np.int64)
        return np.concatenate((always, group.located[near]))

    def _nearest_open(self, group: _Group, point: NDArray[np.float64] | None, policy: Policy,
                      today: date | None) -> IntArray:
        """The members a remote offer at `point` may meet: as `propose` chooses among the open
        needs of a block (with a neighbour limit k, the k nearest located ones, ties kept, or
        the first k by id for an offer with no place), or all of them."""
        k = policy.max_neighbours
        if today is None:
            return group.members
        members = group.members[self._has_quantity[group.members]
                                & (self._last_day[group.members] >= today.toordinal())]
        if k == 0 or len(members) <= k:
            return members
        if point is None:
            return members[:k]
        located = members[~np.isnan(self._xyz[members, 0])]
        if len(located) < k:  # then every located one and unlocated ones by id: any of them
            return members
        gaps = np.linalg.norm(self._xyz[located] - point, axis=1)
        kth = float(np.partition(gaps, k - 1)[k - 1])
        # every need as near as the k-th (a little slack for rounding): propose picks among them
        chosen: IntArray = located[gaps <= kth * (1 + 1e-9) + 1e-12]
        return chosen
