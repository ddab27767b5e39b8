"""Feasible (offer, need) pairs, found by blocking on kind, category and space.

Blocks are pairs of (kind, offer category path, need category path) whose closeness is high
enough; inside a block a k-d tree of points on the sphere yields only the pairs within reach,
so the engine never looks at all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from matching import geo
from matching.categories import Path, closeness, compatible_pairs
from matching.errors import InputError
from matching.model import Need, Offer
from matching.policy import Policy
from matching.text import clear_tokens, document

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

NO_DEADLINE = np.iinfo(np.int64).max // 2
_TEXT_PATH = attrgetter("text_path")

# A full run and every incremental one read the same texts again and again: each document is
# made once per process for each distinct (text, concepts), a pure function of them, and kept
# by concepts, then text: no key is made per call (a tuple per call, or functools.lru_cache's
# linked nodes, gave the garbage collector more to walk: +40-50% CPU for a 5k run's scoring).
# At most this many are kept (estimated ~40 MB at 200k items); beyond, all are dropped and
# made again. Concepts that are not hashable (a list) are simply not kept.
DOCUMENT_CACHE = 1 << 18
_DOCUMENTS: dict[tuple[str, ...], dict[str, str]] = {}
_KEPT = [0]


def _document(text: str, concepts: tuple[str, ...]) -> str:
    try:
        by_text = _DOCUMENTS.get(concepts)
    except TypeError:
        return document(text, concepts)
    if by_text is None:
        by_text = _DOCUMENTS[concepts] = {}
    found = by_text.get(text)
    if found is None:
        if _KEPT[0] >= DOCUMENT_CACHE:
            clear_documents()
            by_text = _DOCUMENTS[concepts] = {}
        found = by_text[text] = document(text, concepts)
        _KEPT[0] += 1
    return found


def clear_documents() -> None:
    """Forget the documents made so far (for a benchmark of a fresh process)."""
    _DOCUMENTS.clear()
    _KEPT[0] = 0
    clear_tokens()


def _sorted_unique(items: Sequence[Offer | Need], what: str) -> list[str]:
    ids = sorted(item.id for item in items)
    for previous, current in zip(ids, ids[1:], strict=False):
        if previous == current:
            raise InputError(f"duplicate {what} id {current!r}")
    return ids


def _owners(offers: Sequence[Offer], needs: Sequence[Need]) -> tuple[IntArray, IntArray]:
    """Organisation codes of offers and needs, shared by both sides; an item of no
    organisation gets a code of its own (-1 - its index), so it is nobody's own."""
    items: tuple[Offer | Need, ...] = (*offers, *needs)
    names = sorted({i.organisation_id for i in items if i.organisation_id})
    code = {name: k for k, name in enumerate(names)}

    def codes(items: Sequence[Offer | Need], offset: int) -> IntArray:
        return np.array([code[i.organisation_id] if i.organisation_id else -1 - offset - k
                         for k, i in enumerate(items)], dtype=np.int64)

    return codes(offers, 0), codes(needs, len(offers))


def _xyz(items: Sequence[Offer | Need]) -> FloatArray:
    lat = np.array([np.nan if i.lat is None else i.lat for i in items], dtype=np.float64)
    lon = np.array([np.nan if i.lon is None else i.lon for i in items], dtype=np.float64)
    return geo.to_xyz(lat, lon).reshape(len(items), 3)


@dataclass(frozen=True, slots=True, eq=False)
class Book:
    """Open offers and needs in canonical (id) order, with the arrays the engine works on."""

    offers: tuple[Offer, ...]
    needs: tuple[Need, ...]
    today: date
    offer_xyz: FloatArray
    need_xyz: FloatArray
    offer_quantity: IntArray
    offer_lot: IntArray
    offer_reach: FloatArray
    offer_remote: BoolArray
    offer_in_person: BoolArray
    offer_start: IntArray
    need_quantity: IntArray
    need_reach: FloatArray
    need_due: IntArray
    need_online_ok: BoolArray
    need_in_person_ok: BoolArray
    offer_owner: IntArray
    need_owner: IntArray

    @classmethod
    def of(cls, offers: Sequence[Offer], needs: Sequence[Need], today: date) -> Book:
        """Keep what is still open on `today`, sorted by id (duplicates are an error)."""
        _sorted_unique(offers, "offer")
        _sorted_unique(needs, "need")
        live_offers = sorted(
            (o for o in offers if o.quantity >= o.lot
             and (o.available_until is None or o.available_until >= today)),
            key=lambda o: o.id,
        )
        live_needs = sorted(
            (n for n in needs if n.quantity > 0 and (n.needed_by is None or n.needed_by >= today)),
            key=lambda n: n.id,
        )
        day = today.toordinal()
        offer_owner, need_owner = _owners(live_offers, live_needs)
        return cls(
            offers=tuple(live_offers),
            needs=tuple(live_needs),
            today=today,
            offer_xyz=_xyz(live_offers),
            need_xyz=_xyz(live_needs),
            offer_quantity=np.array([o.quantity for o in live_offers], dtype=np.int64),
            offer_lot=np.array([o.lot for o in live_offers], dtype=np.int64),
            offer_reach=np.array([o.reach_km for o in live_offers], dtype=np.float64),
            offer_remote=np.array([o.remote for o in live_offers], dtype=np.bool_),
            offer_in_person=np.array([bool(o.in_person) for o in live_offers], dtype=np.bool_),
            offer_start=np.array(
                [max(day, o.available_from.toordinal() if o.available_from else day)
                 for o in live_offers], dtype=np.int64),
            need_quantity=np.array([n.quantity for n in live_needs], dtype=np.int64),
            need_reach=np.array(
                [np.inf if n.reach_km is None else n.reach_km for n in live_needs],
                dtype=np.float64),
            need_due=np.array(
                [NO_DEADLINE if n.needed_by is None else n.needed_by.toordinal()
                 for n in live_needs], dtype=np.int64),
            need_online_ok=np.array([n.online_ok for n in live_needs], dtype=np.bool_),
            need_in_person_ok=np.array([n.in_person_ok for n in live_needs], dtype=np.bool_),
            offer_owner=offer_owner,
            need_owner=need_owner,
        )

    def offer_docs(self) -> list[str]:
        """Sorted word stems of each offer's own text, with the concepts it names."""
        return [_document(o.text, o.concepts) for o in self.offers]

    def need_docs(self) -> list[str]:
        """Sorted word stems of each need's own text, with the concepts it names."""
        return [_document(n.text, n.concepts) for n in self.needs]


@dataclass(frozen=True, slots=True, eq=False)
class Pairs:
    """Feasible pairs as parallel arrays, sorted by (offer, need) index into the Book."""

    offer: IntArray
    need: IntArray
    distance_km: FloatArray  # NaN for a pair met online
    closeness: FloatArray
    ratio: FloatArray  # need units per offer unit
    attributes: FloatArray  # agreement of the attributes both state (see `_attributes`)
    broader: BoolArray  # the offer's category is broader than the need's
    agreed: BoolArray  # at least one attribute stated by both, with a common value

    def __len__(self) -> int:
        return len(self.offer)

    def take(self, keep: IntArray | BoolArray) -> Pairs:
        """The pairs selected by `keep` (an index or a mask)."""
        return Pairs(self.offer[keep], self.need[keep], self.distance_km[keep],
                     self.closeness[keep], self.ratio[keep], self.attributes[keep],
                     self.broader[keep], self.agreed[keep])


def _groups(items: Sequence[Offer | Need]) -> dict[tuple[str, Path], IntArray]:
    groups: dict[tuple[str, Path], list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[(item.kind, item.category_path)].append(index)
    return {key: np.array(value, dtype=np.int64) for key, value in groups.items()}


def _unit_ratios(book: Book, policy: Policy) -> tuple[IntArray, IntArray, FloatArray]:
    """Unit codes of offers and needs, and a table of ratios (NaN: no conversion)."""
    names = sorted({o.unit for o in book.offers} | {n.unit for n in book.needs})
    code = {name: i for i, name in enumerate(names)}
    table = np.full((len(names), len(names)), np.nan)
    for a in names:
        for b in names:
            ratio = policy.unit_ratio(a, b)
            if ratio is not None:
                table[code[a], code[b]] = ratio
    offer_units = np.array([code[o.unit] for o in book.offers], dtype=np.int64)
    need_units = np.array([code[n.unit] for n in book.needs], dtype=np.int64)
    return offer_units, need_units, table


class _Trees:
    """k-d trees of each group's located members, built once on first use."""

    def __init__(self, xyz: FloatArray) -> None:
        self.xyz = xyz
        self.cache: dict[tuple[object, ...], tuple[IntArray, cKDTree]] = {}

    def get(self, key: tuple[object, ...], members: IntArray) -> tuple[IntArray, cKDTree]:
        if key not in self.cache:
            located = members[~np.isnan(self.xyz[members, 0])]
            self.cache[key] = (located, cKDTree(self.xyz[located]))
        return self.cache[key]


def _block_pairs(
    book: Book, policy: Policy, offers: IntArray, needs: IntArray,
    trees: tuple[_Trees, _Trees], keys: tuple[tuple[str, Path], tuple[str, Path]],
) -> tuple[IntArray, IntArray, FloatArray]:
    """Pairs of one block within reach: (offer index, need index, distance or NaN)."""
    parts_o, parts_n, parts_d = [], [], []
    remote = offers[book.offer_remote[offers]]
    if len(remote):
        o, n = _remote_pairs(book, policy, remote, needs, trees[1], keys[1])
        parts_o.append(o)
        parts_n.append(n)
        parts_d.append(np.full(len(o), np.nan))
    # Offers that can be given online took the path above, whatever else they can do.
    local_o = offers[~book.offer_remote[offers]]
    if len(local_o):
        radius = min(float(book.offer_reach[local_o].max()), policy.max_distance_km)
        located_o = local_o[~np.isnan(book.offer_xyz[local_o, 0])]
        located_n, tree_n = trees[1].get(keys[1], needs)
        # A little slack, so a reach of 0 km still meets what is at the very same place.
        chord = geo.chord_km(radius) * (1 + 1e-9) + 1e-6
        if len(located_n) and len(located_o) and policy.max_neighbours > 0:
            o, n, d = _nearest(book, located_o, located_n, tree_n, chord,
                               policy.max_neighbours)
            parts_o.append(o)
            parts_n.append(n)
            parts_d.append(d)
        elif len(located_n) and len(located_o):
            # the offers' tree only here: with a neighbour limit the needs' tree is enough
            _, tree_o = trees[0].get(("in person", *keys[0]), local_o)
            found = tree_o.sparse_distance_matrix(tree_n, chord, output_type="ndarray")
            parts_o.append(located_o[found["i"]])
            parts_n.append(located_n[found["j"]])
            parts_d.append(geo.arc_km(found["v"]))
    if not parts_o:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(parts_o), np.concatenate(parts_n), np.concatenate(parts_d)


def _remote_pairs(book: Book, policy: Policy, remote: IntArray, needs: IntArray,
                  trees: _Trees, key: tuple[str, Path]) -> tuple[IntArray, IntArray]:
    """Remote offers of a block and the needs they meet: all of them, or with a neighbour
    limit k, each offer's k nearest located needs (ties by id), then unlocated ones by id;
    an offer without a location meets the block's first k needs by id."""
    k = policy.max_neighbours
    if k == 0 or len(needs) <= k:
        return np.repeat(remote, len(needs)), np.tile(needs, len(remote))
    located_n, tree_n = trees.get(key, needs)
    unlocated_n = needs[np.isnan(book.need_xyz[needs, 0])]
    placed = ~np.isnan(book.offer_xyz[remote, 0])
    parts_o, parts_n = [np.repeat(remote[~placed], k)], [np.tile(needs[:k], int((~placed).sum()))]
    located_o = remote[placed]
    if len(located_o):
        if len(located_n) >= k:
            o, n, _ = _nearest(book, located_o, located_n, tree_n, np.inf, k)
            parts_o.append(o)
            parts_n.append(n)
        else:
            extra = unlocated_n[:k - len(located_n)]
            chosen = np.sort(np.concatenate((located_n, extra)))
            parts_o.append(np.repeat(located_o, len(chosen)))
            parts_n.append(np.tile(chosen, len(located_o)))
    return np.concatenate(parts_o), np.concatenate(parts_n)


def _nearest(book: Book, located_o: IntArray, located_n: IntArray, tree_n: cKDTree,
             chord: float, k: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Each offer's `k` nearest needs of a block within `chord` (a dense city has more).

    Needs at the same distance as the k-th are taken in id order, so the choice depends
    only on the needs near the offer, not on the rest of the block.
    """
    k = min(k, len(located_n))
    wanted = min(k + 1, len(located_n))
    points = book.offer_xyz[located_o]
    distance, index = tree_n.query(points, k=wanted, distance_upper_bound=chord)
    distance = distance.reshape(len(located_o), wanted)
    index = index.reshape(len(located_o), wanted)
    if wanted > k:
        tied = np.flatnonzero(np.isfinite(distance[:, k]) & (distance[:, k] == distance[:, k - 1]))
        distance, index = distance[:, :k].copy(), index[:, :k].copy()
        for row in tied:
            near = np.array(tree_n.query_ball_point(points[row], distance[row, k - 1] * (
                1 + 1e-12)), dtype=np.int64)
            gaps = np.linalg.norm(tree_n.data[near] - points[row], axis=1)
            pick = near[np.lexsort((near, gaps))[:k]]
            index[row] = pick
            distance[row] = np.linalg.norm(tree_n.data[pick] - points[row], axis=1)
    found = index < len(located_n)
    rows = np.repeat(located_o, k).reshape(len(located_o), k)
    return rows[found], located_n[index[found]], geo.arc_km(distance[found])


def find_pairs(book: Book, policy: Policy) -> Pairs:
    """Every feasible pair of the book under `policy` (see the module docstring)."""
    offer_groups, need_groups = _groups(book.offers), _groups(book.needs)
    trees = (_Trees(book.offer_xyz), _Trees(book.need_xyz))
    parts: list[tuple[IntArray, IntArray, FloatArray, BoolArray]] = []
    for kind in sorted({kind for kind, _ in offer_groups} & {kind for kind, _ in need_groups}):
        offer_paths = [p for k, p in offer_groups if k == kind]
        need_paths = [p for k, p in need_groups if k == kind]
        for offer_path, need_path, value in compatible_pairs(offer_paths, need_paths, policy):
            keys = ((kind, offer_path), (kind, need_path))
            o, n, _ = _block_pairs(book, policy, offer_groups[keys[0]], need_groups[keys[1]],
                                   trees, keys)
            broader = offer_path[-1] in need_path[:-1]
            parts.append((o, n, np.full(len(o), value), np.full(len(o), broader)))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        nothing = np.zeros(0, dtype=np.bool_)
        return Pairs(empty, empty.copy(), np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0),
                     nothing, nothing.copy())
    o, n, c, b = (np.concatenate(column) for column in zip(*parts, strict=True))
    offer_units, need_units, table = _unit_ratios(book, policy)
    ratio = table[offer_units[o], need_units[n]]
    distance = geo.arc_km(np.linalg.norm(book.offer_xyz[o] - book.need_xyz[n], axis=1))
    online = book.offer_remote[o] & book.need_online_ok[n]
    # the cheap tests first, then attributes and texts only of the pairs they leave
    live = np.flatnonzero(_feasible(book, policy, o, n, distance, online, ratio))
    o, n, c, b = o[live], n[live], c[live], b[live]
    ratio, distance, online = ratio[live], distance[live], online[live]
    agreement, agreed, clash = _attributes(book, policy, o, n)
    kept = np.flatnonzero(~clash & ~_text_veto(book, policy, o, n))
    # by (offer, need): one stable sort of one key, as np.lexsort((n, o)) orders them
    order = kept[np.argsort(o[kept] * max(len(book.needs), 1) + n[kept], kind="stable")]
    shown = np.where(online, np.nan, distance)
    return Pairs(o[order], n[order], shown[order], c[order], ratio[order], agreement[order],
                 b[order], agreed[order])


def _feasible(book: Book, policy: Policy, o: IntArray, n: IntArray, d: FloatArray,
              online: BoolArray, ratio: FloatArray) -> BoolArray:
    """Reach (or online), dates, units and lot size of each pair; an organisation's offer
    never meets its own need."""
    with np.errstate(invalid="ignore"):
        in_person = (book.offer_in_person[o] & book.need_in_person_ok[n]
                     & (d <= book.offer_reach[o]) & (d <= book.need_reach[n])
                     & (d <= policy.max_distance_km))
        lot_fits = book.offer_lot[o] * ratio <= book.need_quantity[n] * (1 + 1e-9)
    in_time = book.offer_start[o] <= book.need_due[n]
    others: BoolArray = book.offer_owner[o] != book.need_owner[n]
    feasible: BoolArray = (online | in_person) & in_time & ~np.isnan(ratio) & lot_fits
    return feasible & others


def _masks(items: Sequence[Offer | Need], name: str, codes: dict[str, int]
           ) -> tuple[BoolArray, NDArray[Any]]:
    """Whether each item's category has attribute `name`, and its values as a bit set
    (64-bit integers, or Python integers for an attribute of more than 63 values)."""
    declared = np.array([name in i.attributes for i in items], dtype=np.bool_)
    dtype = np.int64 if len(codes) < 64 else object
    bits = np.array([sum(1 << codes[v] for v in i.attributes.get(name, ())) for i in items],
                    dtype=dtype)
    return declared, bits


def _attributes(book: Book, policy: Policy, o: IntArray, n: IntArray
                ) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Per pair: the attributes' agreement in [0, 1], whether one agrees, and a clash.

    Over the attributes both categories have: 1 where both state values and share one,
    ``policy.attribute_missing`` where one side states none; a pair with no such attribute
    scores ``policy.attribute_none``. Values that differ clash, and so does a strict
    attribute one side does not state.
    """
    items: tuple[Offer | Need, ...] = (*book.offers, *book.needs)
    names = sorted({a for item in items for a in item.attributes})
    total, count = np.zeros(len(o)), np.zeros(len(o))
    agreed, clash = np.zeros(len(o), dtype=np.bool_), np.zeros(len(o), dtype=np.bool_)
    for name in names:
        values = sorted({v for i in items for v in i.attributes.get(name, ())})
        codes = {v: k for k, v in enumerate(values)}
        offer_declared, offer_bits = _masks(book.offers, name, codes)
        need_declared, need_bits = _masks(book.needs, name, codes)
        both = offer_declared[o] & need_declared[n]
        if not both.any():
            continue
        ob, nb = offer_bits[o], need_bits[n]
        stated = both & (ob != 0) & (nb != 0)
        common = stated & ((ob & nb) != 0).astype(np.bool_)
        missing = both & ~stated
        clash |= stated & ~common
        if name in policy.strict_attributes:
            clash |= missing
        agreed |= common
        total += np.where(common, 1.0, 0.0) + np.where(missing, policy.attribute_missing, 0.0)
        count += both
    score = np.where(count > 0, total / np.maximum(count, 1), policy.attribute_none)
    return score, agreed, clash


def _text_veto(book: Book, policy: Policy, o: IntArray, n: IntArray) -> BoolArray:
    """Pairs where one side's text is about something the other side's category (and text)
    is not: sunglasses offered under glasses for a need of prescription glasses."""
    items: tuple[Offer | Need, ...] = (*book.offers, *book.needs)
    if not any(map(_TEXT_PATH, items)):  # (map: ~2x faster than a generator here)
        return np.zeros(len(o), dtype=np.bool_)
    offer_paths = [(x.category_path, x.text_path) for x in book.offers]
    need_paths = [(x.category_path, x.text_path) for x in book.needs]
    verdicts: dict[tuple[int, int], bool] = {}
    codes_o = {p: k for k, p in enumerate(sorted(set(offer_paths)))}
    codes_n = {p: k for k, p in enumerate(sorted(set(need_paths)))}
    by_code_o = {k: p for p, k in codes_o.items()}
    by_code_n = {k: p for p, k in codes_n.items()}
    offer_code = np.array([codes_o[p] for p in offer_paths], dtype=np.int64)
    need_code = np.array([codes_n[p] for p in need_paths], dtype=np.int64)
    combined = offer_code[o] * max(len(codes_n), 1) + need_code[n]
    unique, inverse = np.unique(combined, return_inverse=True)
    for code in unique.tolist():
        a, b = divmod(code, max(len(codes_n), 1))
        verdicts[(a, b)] = _vetoed(by_code_o[a], by_code_n[b], policy)
    verdict = np.array([verdicts[divmod(c, max(len(codes_n), 1))] for c in unique.tolist()],
                       dtype=np.bool_)
    vetoed: BoolArray = verdict[inverse.reshape(-1)] if len(o) else np.zeros(0, dtype=np.bool_)
    return vetoed


def _vetoed(offer: tuple[Path, Path], need: tuple[Path, Path], policy: Policy) -> bool:
    (offer_path, offer_text), (need_path, need_text) = offer, need

    def fits(a: Path, b: Path) -> bool:
        return max(closeness(a, b, policy), closeness(b, a, policy)) >= policy.category_min

    if offer_text and not fits(offer_text, need_path) and not (
            need_text and fits(offer_text, need_text)):
        return True
    return bool(need_text and not fits(offer_path, need_text) and not (
        offer_text and fits(offer_text, need_text)))
