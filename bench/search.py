"""How fast the category and place search answers, over the whole taxonomy and gazetteer.

    .venv/bin/python bench/search.py [--rounds 5]

The queries are what the evaluation set's posters type and their titles (Greek, English,
Greeklish, capitals, typos). Prints the median and 95th percentile of one search, one
suggestion (title and description) and one place search, beside a peer measured in the same
run: rapidfuzz's `process.extractOne` of the folded query over every folded label and
synonym (one C call; the kind of whole-query match the search replaced).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from matching.text import fold  # noqa: E402
from web.reference import load_gazetteer, load_taxonomy  # noqa: E402


def timings(function: Callable[[str], object], queries: list[str], rounds: int) -> list[float]:
    """Milliseconds of each call, every query `rounds` times (the first round warms up)."""
    for query in queries:
        function(query)
    found = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            function(query)
            found.append((time.perf_counter() - start) * 1000)
    return found


def summary(name: str, values: list[float]) -> str:
    """Median and 95th percentile of `values`."""
    ordered = sorted(values)
    p95 = ordered[min(int(len(ordered) * 0.95), len(ordered) - 1)]
    return f"{name:34} median {statistics.median(ordered):6.3f} ms   p95 {p95:6.3f} ms"


def main() -> None:
    """Time the searches and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    taxonomy = load_taxonomy(ROOT / "config" / "taxonomy.toml")
    places = load_gazetteer(ROOT / "config" / "places.toml")
    data = tomllib.loads((ROOT / "tests" / "data" / "quality.toml").read_text("utf-8"))
    items = [*data["offer"], *data["need"]]
    queries = sorted({q for i in items for q in (i.get("typed", ""), i["title"]) if q})
    texts = sorted({f"{i['title']}\n{i.get('description', '')}" for i in items})
    place_queries = sorted({i["place"] for i in items})
    terms = [fold(t) for c in taxonomy.categories.values() for t in c.terms]

    def peer(query: str) -> object:
        return process.extractOne(fold(query), terms, scorer=fuzz.WRatio)

    def suggest(text: str) -> object:
        title, _, description = text.partition("\n")
        return taxonomy.suggest(title, description)

    print(f"{len(taxonomy)} categories, {len(places)} places; {len(queries)} queries, "
          f"{len(texts)} posts, {len(place_queries)} place queries, {args.rounds} rounds")
    ours = timings(lambda q: taxonomy.hits(q), queries, args.rounds)
    theirs = timings(peer, queries, args.rounds)

    def cold(query: str) -> object:
        taxonomy._index.forget()  # nothing remembered of earlier words
        return taxonomy.hits(query)

    print(summary("category search, cold", timings(cold, queries, args.rounds)))
    print(summary("category search", ours))
    print(summary("peer: extractOne over all terms", theirs))
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"{'ratio of medians (ours / peer)':34} {ratio:.2f}")
    print(summary("suggestion from title+description", timings(suggest, texts, args.rounds)))
    print(summary("place search", timings(lambda q: places.search(q), place_queries,
                                          args.rounds)))


if __name__ == "__main__":
    main()
