"""Benchmark of the matching engine (not a test): seeded Attica instances at several sizes.

    .venv/bin/python bench/engine.py [--sizes 1000,5000,10000,100000] [--repeats 3]

For each size N (N offers x N needs), in a fresh process so peak memory is its own: times of
each phase (open book, candidates, scoring, allocation, proposals), peak RSS, candidate and
allocated edge counts, objective and status; a greedy baseline on the same candidates (its
objective as a ratio of ours); the same instance with every lot 1 and default units, solved
by us and by OR-Tools SimpleMinCostFlow where installed (time ratio, objective equality);
and incremental proposals for new offers and needs against the N open items.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
import tomllib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere, with or without the editable install

from matching import (  # noqa: E402
    Need,
    Offer,
    OpenIndex,
    Policy,
    propose_for_need,
    propose_for_offer,
)
from matching.allocation import Problem, allocate  # noqa: E402
from matching.candidates import Book, clear_documents, find_pairs  # noqa: E402
from matching.engine import allocation_problem, start_workers_for  # noqa: E402
from matching.milp import total  # noqa: E402
from matching.scoring import score_pairs  # noqa: E402
from matching.text import fold  # noqa: E402

TODAY = date(2026, 11, 26)
# Fallback when config/places.toml is not there yet: Attica municipalities (lat, lon).
ATTICA = [
    (37.9838, 23.7275), (37.9420, 23.6465), (38.0045, 23.7740), (37.9340, 23.7430),
    (38.0360, 23.8000), (38.0470, 23.8080), (37.9620, 23.6780), (38.0150, 23.6900),
    (37.9980, 23.6370), (37.9070, 23.7260), (38.0220, 23.7560), (37.9650, 23.7620),
    (38.0750, 23.8150), (37.9100, 23.7540), (37.9860, 23.6910), (38.0100, 23.6590),
    (37.9480, 23.7010), (38.0530, 23.7530), (37.8790, 23.7470), (38.1080, 23.7820),
]
URGENCY = (["low", "normal", "high", "emergency"], [0.2, 0.5, 0.2, 0.1])
LOTS = ([1, 5, 10, 20, 50], [0.88, 0.04, 0.04, 0.02, 0.02])
# Density: a city (Attica's places, ~5k open offers and 5k open needs, as the issue calls
# 5k x 5k "a city") has ~9 feasible needs per offer. A larger instance is more cities, not
# a denser one: N items spread over round(N / CITY_ITEMS) copies of Attica's places, one
# degree apart (~100 km, beyond any reach), so the density per offer stays that of a city and
# 100k x 100k has ~1M feasible pairs, as the reference instance (the old generator
# packed 100k into Attica alone: 14.5M feasible pairs).
CITY_ITEMS = 5000


def load_taxonomy() -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    """Units and categories from config/taxonomy.toml, or a tiny built-in stand-in."""
    path = ROOT / "config" / "taxonomy.toml"
    if path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return data["units"], data["category"]
    units = {"pieces": {"dimension": "count", "factor": 1}, "hours": {"dimension": "time",
                                                                     "factor": 1}}
    cats: list[dict[str, object]] = [
        {"id": "bedding", "kind": "goods", "unit": "pieces", "label_el": "Κλινοσκεπάσματα",
         "label_en": "Bedding"},
        {"id": "blankets", "parent": "bedding", "kind": "goods", "unit": "pieces",
         "label_el": "Κουβέρτες", "label_en": "Blankets", "synonyms_en": ["blanket"]},
        {"id": "interpreting", "kind": "skill", "unit": "hours", "label_el": "Διερμηνεία",
         "label_en": "Interpreting"},
    ]
    return units, cats


def load_places() -> list[tuple[float, float]]:
    """Attica coordinates from config/places.toml, or the built-in list."""
    path = ROOT / "config" / "places.toml"
    if path.exists():
        places = tomllib.loads(path.read_text(encoding="utf-8")).get("place", [])
        found = [(float(p["lat"]), float(p["lon"])) for p in places if "lat" in p]
        if found:
            return found
    return ATTICA


class Generator:
    """Seeded instances: lognormal quantities, lots, typos, Greek/English/Greeklish texts."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        units, cats = load_taxonomy()
        self.units = units
        by_id = {str(c["id"]): c for c in cats}
        parents = {c.get("parent") for c in cats}
        self.paths: dict[str, tuple[str, ...]] = {}
        for cid in by_id:
            path, node = [cid], by_id[cid]
            while node.get("parent"):
                node = by_id[str(node["parent"])]
                path.append(str(node["id"]))
            self.paths[cid] = tuple(reversed(path))
        self.cats = by_id
        self.leaves = sorted(c for c in by_id if c not in parents)
        self.inner = sorted(c for c in by_id if c in parents)
        self.related = [(str(c["id"]), str(r)) for c in cats for r in c.get("related", [])]
        self.places = np.array(load_places())
        self.cities = 1
        self.dimension_units: dict[str, list[str]] = {}
        for name, spec in units.items():
            self.dimension_units.setdefault(str(spec["dimension"]), []).append(name)

    def policy(self, mapping: dict[str, object] | None = None) -> Policy:
        """The shipped config/matching.toml with the taxonomy's units and related pairs."""
        config = tomllib.loads((ROOT / "config" / "matching.toml").read_text(encoding="utf-8"))
        for section, values in (mapping or {}).items():
            config.setdefault(section, {}).update(values)
        return Policy.from_mapping(config, units=self.units, related=self.related)

    def _terms(self, cid: str) -> tuple[str, ...]:
        c = self.cats[cid]
        words = [str(c.get("label_el", "")), str(c.get("label_en", ""))]
        words += [str(s) for s in c.get("synonyms_el", [])]  # type: ignore[attr-defined]
        words += [str(s) for s in c.get("synonyms_en", [])]  # type: ignore[attr-defined]
        return tuple(w for w in words if w)

    def _text(self, cid: str) -> str:
        terms = self._terms(cid)
        word = terms[int(self.rng.integers(len(terms)))]
        roll = self.rng.random()
        if roll < 0.25:
            word = fold(word)  # Greeklish
        if roll > 0.7 and len(word) > 4:  # a typo
            i = int(self.rng.integers(1, len(word) - 1))
            word = word[:i] + word[i + 1:] if roll > 0.85 else word[:i] + word[i] * 2 + word[i:]
        extra = ["", "καινούργια", "used", "για οικογένειες", "σε καλή κατάσταση", "urgent",
                 "for children", "μεγάλα μεγέθη"][int(self.rng.integers(8))]
        return f"{word} {extra}".strip()

    def _where(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        centre = self.places[self.rng.integers(len(self.places), size=n)]
        jitter = self.rng.normal(0.0, 0.012, size=(n, 2))  # ~1.3 km
        city = self.rng.integers(self.cities, size=n)
        return (centre[:, 0] + jitter[:, 0] + city // 5,
                centre[:, 1] + jitter[:, 1] + city % 5 * 1.3)

    def _unit(self, cid: str, lots: bool) -> str:
        default = str(self.cats[cid].get("unit", "pieces"))
        same = self.dimension_units.get(str(self.units[default]["dimension"]), [default])
        if lots and len(same) > 1 and self.rng.random() < 0.05:
            return same[int(self.rng.integers(len(same)))]
        return default

    def instance(self, n: int, lots: bool = True) -> tuple[list[Offer], list[Need]]:
        """N offers and N needs, in round(N / CITY_ITEMS) cities."""
        self.cities = max(1, round(n / CITY_ITEMS))
        return self.offers(n, lots), self.needs(n, lots)

    def offers(self, n: int, lots: bool = True, prefix: str = "o") -> list[Offer]:
        """N offers across Attica (lots: a mix of lot sizes and units; else lot 1)."""
        rng = self.rng
        lat, lon = self._where(n)
        leaves = rng.choice(self.leaves, size=n)
        quantities = np.maximum(1, rng.lognormal(3.0, 1.0, size=n).astype(int))
        result = []
        for i in range(n):
            cid = str(leaves[i])
            kind = str(self.cats[cid]["kind"])
            lot = int(rng.choice(LOTS[0], p=LOTS[1])) if lots and kind == "goods" else 1
            quantity = int(math.ceil(quantities[i] / lot) * lot)
            remote = kind == "skill" and rng.random() < 0.3
            start = TODAY + timedelta(days=int(rng.integers(-30, 10)))
            until = None if rng.random() < 0.5 else TODAY + timedelta(
                days=int(rng.integers(-5, 90)))
            result.append(Offer(
                id=f"{prefix}{i:07d}", kind=kind, category_path=self.paths[cid],
                quantity=quantity, unit=self._unit(cid, lots), lot=lot, text=self._text(cid),
                concepts=(cid,), lat=float(lat[i]), lon=float(lon[i]),
                reach_km=float(rng.lognormal(math.log(3.0), 0.6)), remote=remote,
                available_from=start, available_until=until,
                organisation_id=f"d{int(rng.integers(n // 3 + 1))}"))
        return result

    def needs(self, n: int, lots: bool = True, prefix: str = "n") -> list[Need]:
        """N needs across Attica; one in ten asks for a broader category."""
        rng = self.rng
        lat, lon = self._where(n)
        quantities = np.maximum(1, rng.lognormal(3.2, 1.0, size=n).astype(int))
        result = []
        for i in range(n):
            pool = self.inner if rng.random() < 0.1 else self.leaves
            cid = str(pool[int(rng.integers(len(pool)))])
            due = None if rng.random() < 0.4 else TODAY + timedelta(days=int(rng.integers(1, 60)))
            result.append(Need(
                id=f"{prefix}{i:07d}", kind=str(self.cats[cid]["kind"]),
                category_path=self.paths[cid], quantity=int(quantities[i]),
                unit=self._unit(cid, lots), urgency=str(rng.choice(URGENCY[0], p=URGENCY[1])),
                text=self._text(cid), concepts=(cid,),
                lat=float(lat[i]), lon=float(lon[i]),
                reach_km=None if rng.random() < 0.5 else float(rng.lognormal(math.log(4.0), 0.5)),
                needed_by=due, organisation_id=f"ngo{int(rng.integers(75))}",
                received_recently=float(rng.exponential(3.0))))
        return result


def greedy(problem: Problem) -> float:
    """Best value first, as much as fits: the baseline."""
    offer_left = problem.offer_capacity.astype(np.float64).copy()
    need_left = problem.need_capacity.astype(np.float64).copy()
    objective = 0.0
    for e in np.argsort(-problem.value, kind="stable"):
        o, n, lot, ratio = problem.offer[e], problem.need[e], problem.lot[e], problem.ratio[e]
        lots = min(offer_left[o] // lot, math.floor(need_left[n] / (lot * ratio) + 1e-9))
        if lots > 0:
            offer_left[o] -= lots * lot
            need_left[n] -= lots * lot * ratio
            objective += problem.value[e] * lots * lot
    return objective


def ortools_per_component(problem: Problem) -> tuple[float, float] | None:
    """The strongest peer on a lot-1, ratio-1 problem: OR-Tools SimpleMinCostFlow on each
    connected component of the same edges (4-5x faster than one graph for all), each offer
    supplying its units to needs or straight to the component's sink (faster than a common
    source). Returns (seconds, objective)."""
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError:
        return None
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    started = time.perf_counter()
    n_offers, n_needs = len(problem.offer_capacity), len(problem.need_capacity)
    graph = coo_matrix((np.ones(len(problem.offer)), (problem.offer, problem.need + n_offers)),
                       shape=(n_offers + n_needs,) * 2)
    _, labels = connected_components(graph, directed=False)
    edge_label = labels[problem.offer]
    order = np.argsort(edge_label, kind="stable")
    cuts = np.flatnonzero(np.diff(edge_label[order])) + 1
    flows = np.zeros(len(problem.offer), dtype=np.int64)
    top = float(problem.value.max(initial=1e-12))
    for edges in np.split(order, cuts):
        offers, o = np.unique(problem.offer[edges], return_inverse=True)
        needs, n = np.unique(problem.need[edges], return_inverse=True)
        supply = problem.offer_capacity[offers]
        demand = problem.need_capacity[needs]
        size, sink = len(offers) + len(needs) + 1, len(offers) + len(needs)
        scale = min(2**60 // (size + 1), 2**60 // max(int(supply.sum()), 1)) / top
        flow = min_cost_flow.SimpleMinCostFlow()
        arcs = flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate((o, np.arange(len(needs)) + len(offers),
                            np.arange(len(offers)))).astype(np.int32),
            np.concatenate((n + len(offers), np.full(len(needs) + len(offers), sink))
                           ).astype(np.int32),
            np.concatenate((np.minimum(supply[o], demand[n]), demand, supply)).astype(np.int64),
            np.concatenate((-np.round(problem.value[edges] * scale),
                            np.zeros(len(needs) + len(offers)))).astype(np.int64))
        flow.set_nodes_supplies(np.arange(size, dtype=np.int32), np.concatenate(
            (supply, np.zeros(len(needs), dtype=np.int64), [-int(supply.sum())])))
        if flow.solve() != flow.OPTIMAL:
            return None
        flows[edges] = flow.flows(arcs[:len(edges)])
    return time.perf_counter() - started, total(problem.value, flows)


def _problem(book: Book, pairs, scores, policy: Policy) -> Problem:  # type: ignore[no-untyped-def]
    return allocation_problem(book, pairs, scores, policy)[0]


def run_pipeline(offers: list[Offer], needs: list[Need], policy: Policy,
                 workers: int = 1, cold: bool = True) -> dict[str, object]:
    """One full run, phase by phase, as `matching.propose` does it; `cold`: with no text's
    document made yet, as in a fresh process (else those of earlier runs are reused)."""
    times: dict[str, float] = {}
    if cold:  # as a fresh process would: no text's document made yet
        clear_documents()
    clock: list[tuple[float, float]] = []

    def tick() -> None:  # wall and CPU time (the CPU time is less at the mercy of the load)
        clock.append((time.perf_counter(), time.process_time()))

    tick()
    start_workers_for(offers, needs, workers)  # as propose does
    book = Book.of(offers, needs, TODAY)
    tick()
    pairs = find_pairs(book, policy)
    tick()
    scores = score_pairs(book, pairs, policy)
    keep = np.flatnonzero(scores.score >= policy.min_score)
    pairs, scores = pairs.take(keep), scores.take(keep)
    tick()
    problem = _problem(book, pairs, scores, policy)
    solved = allocate(problem, policy.mip_rel_gap, policy.milp_max_edges,
                      policy.milp_node_limit, workers)
    tick()
    for k, name in enumerate(("book", "candidates", "scoring", "allocation")):
        times[name] = clock[k + 1][0] - clock[k][0]
    times["total"] = clock[-1][0] - clock[0][0]
    times["total_cpu"] = clock[-1][1] - clock[0][1]
    times["scoring_cpu"] = clock[3][1] - clock[2][1]
    times["allocation_cpu"] = clock[4][1] - clock[3][1]
    return {"times": times, "pairs": len(pairs), "edges": len(problem.offer),
            "proposals": int(np.count_nonzero(solved.quantity)),
            "objective": solved.objective, "status": solved.status,
            "components": solved.components, "problem": problem,
            # the same input must give the same proposals on a busy and a quiet machine
            "digest": hashlib.sha256(solved.quantity.tobytes()).hexdigest()[:16]}


def child(size: int, seed: int, node_limit: int | None, workers: int,
          alloc_repeats: int, with_incremental: bool,
          pool_repeats: int = 0) -> dict[str, object]:
    """Everything measured for one size, in this process."""
    gen = Generator(seed)
    policy = gen.policy({} if node_limit is None else
                        {"limits": {"milp_node_limit": node_limit}})
    offers, needs = gen.instance(size, lots=True)
    mixed = run_pipeline(offers, needs, policy, workers)
    problem = mixed.pop("problem")
    # the same run again in this process: every text's document is already made
    warm = run_pipeline(offers, needs, policy, workers, cold=False)
    mixed["warm_times"] = warm["times"]
    mixed["warm_same"] = warm["digest"] == mixed["digest"]
    del warm
    if pool_repeats:
        mixed["pool"] = pool_effect(problem, policy, pool_repeats)  # type: ignore[arg-type]
    t = time.perf_counter()
    greedy_objective = greedy(problem)  # type: ignore[arg-type]
    greedy_s = time.perf_counter() - t
    report: dict[str, object] = {"size": size, "mixed": mixed,
                                 "greedy_ratio": greedy_objective / mixed["objective"],
                                 "greedy_s": greedy_s}
    flat_offers = [replace(o, lot=1, quantity=o.quantity,
                           unit=str(gen.cats[o.category]["unit"])) for o in offers]
    flat_needs = [replace(n, unit=str(gen.cats[n.category]["unit"])) for n in needs]
    flat = run_pipeline(flat_offers, flat_needs, policy, workers)
    warm = run_pipeline(flat_offers, flat_needs, policy, workers, cold=False)
    flat["warm_times"] = warm["times"]
    flat["warm_same"] = warm["digest"] == flat["digest"]
    del warm
    flat_problem: Problem = flat.pop("problem")  # type: ignore[assignment]
    report["flat"] = flat
    report.update(against_peer(flat_problem, policy, workers, alloc_repeats,
                               float(flat["objective"])))  # type: ignore[arg-type]
    if with_incremental:
        report["incremental"] = incremental(gen, offers, needs, policy)
    report["load"] = os.getloadavg()[0]
    report["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def pool_effect(problem: Problem, policy: Policy, repeats: int) -> dict[str, float]:
    """The allocation in this process alone and shared with one more, alternately."""
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeats):
        for workers in (1, 2):
            t = time.perf_counter()
            allocate(problem, policy.mip_rel_gap, policy.milp_max_edges,
                     policy.milp_node_limit, workers)
            times[workers].append(time.perf_counter() - t)
    return {"one_s": statistics.median(times[1]), "two_s": statistics.median(times[2]),
            "load": os.getloadavg()[0]}


def against_peer(problem: Problem, policy: Policy, workers: int, repeats: int,
                 objective: float) -> dict[str, object]:
    """Our allocation and the peer's on the same edges, alternately, `repeats` times each."""
    ours, theirs, equal = [], [], True
    ours_cpu, theirs_cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        allocate(problem, policy.mip_rel_gap, policy.milp_max_edges, policy.milp_node_limit,
                 workers)
        ours.append(time.perf_counter() - t)
        ours_cpu.append(time.process_time() - c)
        c = time.process_time()
        peer = ortools_per_component(problem)
        if peer is None:
            return {}
        theirs_cpu.append(time.process_time() - c)
        theirs.append(peer[0])
        equal = equal and math.isclose(peer[1], objective, rel_tol=1e-9)
    return {"flat_alloc_s": statistics.median(ours), "ortools_s": statistics.median(theirs),
            "ortools_ratio": statistics.median(ours) / statistics.median(theirs),
            "flat_alloc_cpu_s": statistics.median(ours_cpu),
            "ortools_cpu_s": statistics.median(theirs_cpu),
            "ortools_cpu_ratio": statistics.median(ours_cpu) / statistics.median(theirs_cpu),
            "ortools_equal": equal}


def incremental(gen: Generator, offers: list[Offer], needs: list[Need],
                policy: Policy) -> dict[str, float]:
    """Milliseconds for one new offer (need) against all open needs (offers)."""
    result: dict[str, float] = {}
    for name, news, items, call in (
        ("offer", gen.offers(30, prefix="x"), needs, propose_for_offer),
        ("need", gen.needs(30, prefix="y"), offers, propose_for_need),
    ):
        t = time.perf_counter()
        index = OpenIndex(items)  # type: ignore[var-annotated]
        result[f"{name}_index_build_ms"] = (time.perf_counter() - t) * 1000
        for label, pool in (("", items), ("_indexed", index)):
            times, cpu = [], []
            for item in news:
                t, c = time.perf_counter(), time.process_time()
                call(item, pool, policy, TODAY)  # type: ignore[operator]
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            times.sort()
            cpu.sort()
            result[f"{name}{label}_median_ms"] = statistics.median(times)
            result[f"{name}{label}_p95_ms"] = times[int(0.95 * (len(times) - 1))]
            if label:  # CPU time: what a quiet machine's wall clock would show
                result[f"{name}{label}_cpu_median_ms"] = statistics.median(cpu)
                result[f"{name}{label}_cpu_p95_ms"] = cpu[int(0.95 * (len(cpu) - 1))]
    return result


def main() -> None:
    """Run each size in its own process and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--node-limit", type=int, help="branch-and-bound nodes per MILP "
                        "piece (default: config/matching.toml)")
    parser.add_argument("--workers", type=int, default=1, help="processes for the allocation")
    parser.add_argument("--alloc-repeats", type=int, default=3,
                        help="allocations, ours and the peer's alternately, per run")
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--pool-repeats", type=int, default=0,
                        help="also time the mixed allocation with 1 and 2 processes")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed, args.node_limit, args.workers,
                               args.alloc_repeats, not args.no_incremental,
                               args.pool_repeats)))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        runs = []
        for _ in range(args.repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(size),
                                  "--seed", str(args.seed), "--workers", str(args.workers),
                                  "--alloc-repeats", str(args.alloc_repeats)]
                                 + (["--no-incremental"] if args.no_incremental else [])
                                 + ["--pool-repeats", str(args.pool_repeats)]
                                 + ([] if args.node_limit is None else
                                    ["--node-limit", str(args.node_limit)]), check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        show(runs)


def show(runs: list[dict]) -> None:  # type: ignore[type-arg]
    """Print the medians of `runs` of one size."""
    def med(get):  # type: ignore[no-untyped-def]
        return statistics.median(get(r) for r in runs)

    first = runs[0]
    print(f"== {first['size']} offers x {first['size']} needs ({len(runs)} run(s), medians)")
    for label in ("mixed", "flat"):
        r = first[label]
        times = {k: med(lambda x, k=k, label=label: x[label]["times"][k])
                 for k in r["times"]}
        print(f"  {label:5s} lots/units: " + ", ".join(f"{k} {v:.3f}s" for k, v in times.items()))
        if "warm_times" in r:
            warm = {k: med(lambda x, k=k, label=label: x[label]["warm_times"][k])
                    for k in r["warm_times"]}
            print("        again in the same process (documents made): " + ", ".join(
                f"{k} {v:.3f}s" for k, v in warm.items())
                + f"; same proposals: {all(x[label]['warm_same'] for x in runs)}")
        print(f"        candidates {r['pairs']}, allocated over {r['edges']}, "
              f"components {r['components']}, proposals {r['proposals']}, "
              f"objective {r['objective']:.4f}, "
              f"digests {sorted({x[label]['digest'] for x in runs})}, "
              f"status {r['status'][:300]}")
    print(f"  greedy: {med(lambda x: x['greedy_ratio']):.4f} of our objective "
          f"({med(lambda x: x['greedy_s']):.3f}s)")
    if "ortools_s" in first:
        print(f"  flat allocation alone, alternately: ours "
              f"{med(lambda x: x['flat_alloc_s']):.3f}s, OR-Tools per component "
              f"{med(lambda x: x['ortools_s']):.3f}s; ratio "
              f"{med(lambda x: x['ortools_ratio']):.2f}; CPU time ours "
              f"{med(lambda x: x['flat_alloc_cpu_s']):.3f}s, OR-Tools "
              f"{med(lambda x: x['ortools_cpu_s']):.3f}s, ratio "
              f"{med(lambda x: x['ortools_cpu_ratio']):.2f}; objectives equal (1e-9): "
              f"{all(x['ortools_equal'] for x in runs)}")
    if "pool" in first["mixed"]:
        print(f"  mixed allocation, 1 process {med(lambda x: x['mixed']['pool']['one_s']):.3f}s, "
              f"2 processes {med(lambda x: x['mixed']['pool']['two_s']):.3f}s (load "
              f"{med(lambda x: x['mixed']['pool']['load']):.1f})")
    inc = first.get("incremental", {})
    print("  incremental: " + ", ".join(
        f"{k} {med(lambda x, k=k: x['incremental'][k]):.1f}" for k in inc))
    print(f"  peak RSS {med(lambda x: x['peak_mb']):.0f} MB; load average "
          f"{min(x['load'] for x in runs):.1f}-{max(x['load'] for x in runs):.1f}")


if __name__ == "__main__":
    main()
