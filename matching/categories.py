"""Category closeness in the taxonomy: same node, ancestor, descendant, sibling or related."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from matching.policy import Policy

Path = tuple[str, ...]


def closeness(offer_path: Path, need_path: Path, policy: Policy) -> float:
    """How well an offer in `offer_path` serves a need in `need_path`, in [0, 1]."""
    offer_leaf, need_leaf = offer_path[-1], need_path[-1]
    if offer_leaf == need_leaf:
        return 1.0
    best = 0.0
    if need_leaf in offer_path:  # the need asks for something broader: the offer is a kind of it
        best = policy.category_ancestor ** (len(offer_path) - 1 - offer_path.index(need_leaf))
    elif offer_leaf in need_path:  # the offer is broader than what is needed
        levels = len(need_path) - 1 - need_path.index(offer_leaf)
        best = policy.category_descendant**levels
    if (offer_leaf, need_leaf) in policy.related:
        best = max(best, policy.category_related)
    if len(offer_path) > 1 and offer_path[:-1] == need_path[:-1]:
        best = max(best, policy.category_sibling)
    return best


class PathIndex:
    """Category paths indexed so the compatible ones are found without scanning them all."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.by_member: dict[str, set[Path]] = defaultdict(set)
        self.by_leaf: dict[str, set[Path]] = defaultdict(set)
        self.by_parent: dict[Path, set[Path]] = defaultdict(set)
        for path in set(paths):
            for node in path:
                self.by_member[node].add(path)
            self.by_leaf[path[-1]].add(path)
            self.by_parent[path[:-1]].add(path)

    def near(self, path: Path, policy: Policy) -> set[Path]:
        """Indexed paths that could be compatible with `path` (a superset; check closeness)."""
        found = set(self.by_member.get(path[-1], ()))
        for ancestor in path[:-1]:
            found |= self.by_leaf.get(ancestor, set())
        for a, b in policy.related:
            if a == path[-1]:
                found |= self.by_leaf.get(b, set())
        if policy.category_sibling > 0.0 and len(path) > 1:
            found |= self.by_parent.get(path[:-1], set())
        return found


def compatible_pairs(
    offer_paths: Iterable[Path], need_paths: Iterable[Path], policy: Policy
) -> list[tuple[Path, Path, float]]:
    """Every (offer path, need path, closeness) with closeness >= the policy's minimum, sorted."""
    index = PathIndex(need_paths)
    pairs = []
    for offer_path in sorted(set(offer_paths)):
        for need_path in index.near(offer_path, policy):
            value = closeness(offer_path, need_path, policy)
            if value >= policy.category_min:
                pairs.append((offer_path, need_path, value))
    pairs.sort()
    return pairs


def compatible_categories(path: Path, known_paths: Iterable[Path], policy: Policy,
                          *, as_offer: bool = True) -> set[str]:
    """Category ids among `known_paths` that can match an item in `path`.

    With ``as_offer`` the item is an offer and the ids are needs' categories, else the
    reverse. The web can use it to fetch only the open items worth passing to the engine.
    """
    known = set(known_paths)
    if as_offer:
        return {p[-1] for p in known if closeness(path, p, policy) >= policy.category_min}
    return {p[-1] for p in known if closeness(p, path, policy) >= policy.category_min}
