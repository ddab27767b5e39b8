"""What the quality evaluation measured, and the report bench/quality.py prints."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench.quality_set import Item, Pair, QualitySet

# Results -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Posting:
    """What became of one item: the category and place the client chose, the API's answer."""

    item: Item
    first_hit: str  # first hit of the category search for item.query ("" when none)
    category: str  # category sent ("" when none was found)
    category_source: str  # typed | title | suggest | oracle | none
    place_hit: str  # first hit of the place search ("" when none)
    status: int = 0
    errors: tuple[str, ...] = ()
    post_id: int | None = None
    posted_category: str = ""  # what the API stored (it may choose one itself)

    @property
    def posted(self) -> bool:
        """The API accepted it."""
        return self.post_id is not None


@dataclass(slots=True)
class Report:
    """Everything the evaluation measured; `text()` prints it."""

    data: QualitySet
    mode: str
    day: date
    postings: dict[str, Posting]
    proposals: dict[tuple[str, str], tuple[int, float]]  # (offer id, need id) -> (qty, score)
    candidates: dict[tuple[str, str], float] | None  # pair -> score, None when unavailable
    api_features: dict[str, bool] = field(default_factory=dict)
    # category id -> its path from the root; a hit on a narrower category than an expected
    # one counts (the taxonomy may grow children, e.g. by size or language)
    category_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def fits(self, category: str, item: Item) -> bool:
        """`category` is one of the item's expected categories, or narrower than one that is
        the narrowest listed (a child of "shoes" does not count when "shoes_adults" is listed
        too: "shoes_children" would be wrong)."""
        expected = set(item.expected_category)
        if category in expected:
            return True
        broader = set(self.category_paths.get(category, ())[:-1]) & expected
        listed_below = {a for e in expected for a in self.category_paths.get(e, ())[:-1]}
        return bool(broader - listed_below)

    def narrower_hits(self) -> int:
        """Search first hits that count only because they are narrower than expected."""
        return sum(
            self.fits(p.first_hit, p.item) and p.first_hit not in p.item.expected_category
            for p in self.postings.values()
        )

    # -- counts the test keeps floors on

    @property
    def posted(self) -> int:
        """Items the API accepted."""
        return sum(p.posted for p in self.postings.values())

    @property
    def refused(self) -> int:
        """Items not posted (no category found, or the API refused them)."""
        return len(self.postings) - self.posted

    def search_hits(self, style: str | None = None) -> tuple[int, int]:
        """(first hits in expected_category, items judged), for one style or all."""
        judged = [
            p
            for p in self.postings.values()
            if p.item.expected_category and style in (None, p.item.style)
        ]
        return sum(self.fits(p.first_hit, p.item) for p in judged), len(judged)

    def chosen_hits(self) -> tuple[int, int]:
        """(items whose posted category is expected, items judged): search plus fallbacks."""
        judged = [p for p in self.postings.values() if p.item.expected_category]
        return sum(self.fits(p.posted_category, p.item) for p in judged), len(judged)

    def place_hits(self) -> tuple[int, int]:
        """(first place hits equal to expected_place, items)."""
        return (
            sum(p.place_hit == p.item.expected_place for p in self.postings.values()),
            len(self.postings),
        )

    def pairs(self, expect: str, trap: str | None = None) -> list[Pair]:
        """The set's pairs of one expectation (and trap kind)."""
        return [p for p in self.data.pairs if p.expect == expect and trap in (None, p.trap)]

    def proposed(self, pair: Pair) -> bool:
        """The engine proposed this pair."""
        return (pair.offer, pair.need) in self.proposals

    def recall(self) -> tuple[int, int]:
        """(expected pairs proposed, expected pairs)."""
        wanted = self.pairs("match")
        return sum(self.proposed(p) for p in wanted), len(wanted)

    def traps_proposed(self, trap: str | None = None) -> tuple[int, int]:
        """(trap pairs proposed, trap pairs), for one kind or all."""
        traps = self.pairs("trap", trap)
        return sum(self.proposed(p) for p in traps), len(traps)

    def traps_candidates(self, trap: str | None = None) -> tuple[int, int] | None:
        """(trap pairs that were candidates, trap pairs); None when unavailable."""
        if self.candidates is None:
            return None
        traps = self.pairs("trap", trap)
        return sum((p.offer, p.need) in self.candidates for p in traps), len(traps)

    def filler_proposals(self) -> list[tuple[str, str]]:
        """Proposals with a filler on either side (fillers should match nothing)."""
        fillers = {i.id for i in self.data.items if i.filler}
        return sorted(k for k in self.proposals if k[0] in fillers or k[1] in fillers)

    def unlabelled_proposals(self) -> list[tuple[str, str]]:
        """Proposals the set neither expects nor lists as traps (and not fillers')."""
        labelled = {(p.offer, p.need) for p in self.data.pairs}
        fillers = set(self.filler_proposals())
        return sorted(k for k in self.proposals if k not in labelled and k not in fillers)

    def why_missed(self, pair: Pair) -> str:
        """The first reason an expected pair was not proposed."""
        offer, need = self.postings[pair.offer], self.postings[pair.need]
        for side, posting in (("offer", offer), ("need", need)):
            if not posting.posted:
                return f"{side} not posted ({'; '.join(posting.errors)})"
        wrong = [
            f"{s} in {p.posted_category} (expected {'/'.join(p.item.expected_category)})"
            for s, p in (("offer", offer), ("need", need))
            if not self.fits(p.posted_category, p.item)
        ]
        if self.candidates is not None and (pair.offer, pair.need) not in self.candidates:
            return "not a candidate" + (": " + ", ".join(wrong) if wrong else "")
        score = self.candidates.get((pair.offer, pair.need)) if self.candidates else None
        extra = f" (score {score:.3f})" if score is not None else ""
        return "candidate, not allocated" + extra + (": " + ", ".join(wrong) if wrong else "")

    def figures(self) -> dict[str, Any]:
        """The headline counts, as the test's floors and `--json` name them."""
        pairs = {f"{p.offer} -> {p.need}": self.proposed(p) for p in self.data.pairs}
        return {
            "mode": self.mode,
            "day": self.day.isoformat(),
            "items": len(self.postings),
            "posted": self.posted,
            "search_first_hits": self.search_hits()[0],
            "search_judged": self.search_hits()[1],
            "posted_category_hits": self.chosen_hits()[0],
            "place_first_hits": self.place_hits()[0],
            "expected_pairs": len(self.pairs("match")),
            "expected_pairs_proposed": self.recall()[0],
            "trap_pairs": len(self.pairs("trap")),
            "trap_pairs_proposed": self.traps_proposed()[0],
            "trap_pairs_candidates": (self.traps_candidates() or (None,))[0],
            "traps_proposed_by_kind": {
                kind: self.traps_proposed(kind)[0]
                for kind in sorted({p.trap for p in self.pairs("trap")})
            },
            "filler_proposals": len(self.filler_proposals()),
            "unlabelled_proposals": len(self.unlabelled_proposals()),
            "proposals": len(self.proposals),
            "pair_proposed": pairs,
        }

    def text(self) -> str:
        """The report as printed by `bench/quality.py`."""
        return "\n".join(_report_lines(self))


def _ratio(hit_total: tuple[int, int]) -> str:
    hits, total = hit_total
    return f"{hits}/{total} = {hits / total:.1%}" if total else "0/0"


def _report_lines(report: Report) -> list[str]:
    data = report.data
    lines = [
        f"quality set: {len(data.offers)} offers, {len(data.needs)} needs, "
        f"{len(report.pairs('match'))} expected pairs, {len(report.pairs('trap'))} traps; "
        f"mode {report.mode}, day {report.day}",
        "API: "
        + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in sorted(report.api_features.items())),
        "",
        f"items posted: {report.posted} / {len(report.postings)}; refused: {report.refused}",
    ]
    grouped: dict[str, list[str]] = defaultdict(list)
    for item_id, posting in sorted(report.postings.items()):
        for error in posting.errors:
            grouped[error].append(item_id)
    for error, ids in sorted(grouped.items(), key=lambda e: (-len(e[1]), e[0])):
        lines.append(f"  {len(ids):3d} × {error}: {', '.join(ids)}")
    sources = Counter(p.category_source for p in report.postings.values())
    lines.append("category from: " + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))
    lines += [
        "",
        f"search first hit in expected_category: {_ratio(report.search_hits())} "
        f"({report.narrower_hits()} on a narrower category)",
    ]
    for style in sorted({i.style for i in data.items}):
        lines.append(f"  {style:10s} {_ratio(report.search_hits(style))}")
    typos = [p for p in report.postings.values() if p.item.typo and p.item.expected_category]
    typo_hits = sum(report.fits(p.first_hit, p.item) for p in typos)
    lines.append(f"  {'with typos':10s} {_ratio((typo_hits, len(typos)))}")
    missing = set(data.proposed_categories)
    present = [
        p
        for p in report.postings.values()
        if p.item.expected_category and set(p.item.expected_category) - missing
    ]
    present_hits = sum(report.fits(p.first_hit, p.item) for p in present)
    present_ratio = _ratio((present_hits, len(present)))
    lines.append(f"  where today's taxonomy has the category: {present_ratio}")
    lines.append(f"posted category in expected_category: {_ratio(report.chosen_hits())}")
    lines.append(f"place first hit = expected_place: {_ratio(report.place_hits())}")
    lines += [
        "",
        f"recall of expected pairs: {_ratio(report.recall())}",
        f"trap pairs proposed: {_ratio(report.traps_proposed())}",
    ]
    candidates = report.traps_candidates()
    if candidates is not None:
        lines.append(f"trap pairs that were candidates: {_ratio(candidates)}")
    for kind in sorted({p.trap for p in report.pairs("trap")}):
        also = report.traps_candidates(kind)
        note = f"   candidates {_ratio(also)}" if also is not None else ""
        lines.append(f"  {kind:18s} proposed {_ratio(report.traps_proposed(kind))}{note}")
    fillers, others = report.filler_proposals(), report.unlabelled_proposals()
    lines.append(
        f"proposals with a filler: {len(fillers)}; unlabelled proposals: {len(others)}; "
        f"all proposals: {len(report.proposals)}"
    )
    lines += ["", "search misses (what was searched -> first hit; expected):"]
    for item_id, posting in sorted(report.postings.items()):
        expected = posting.item.expected_category
        if expected and not report.fits(posting.first_hit, posting.item):
            lines.append(
                f"  {item_id}: {posting.item.query!r} -> {posting.first_hit or '(none)'}; "
                f"{'/'.join(expected)}"
            )
    lines += ["", "place misses (typed -> first hit; expected):"]
    for item_id, posting in sorted(report.postings.items()):
        if posting.place_hit != posting.item.expected_place:
            lines.append(
                f"  {item_id}: {posting.item.place!r} -> {posting.place_hit or '(none)'}; "
                f"{posting.item.expected_place}"
            )
    lines += ["", "missed expected pairs:"]
    for pair in report.pairs("match"):
        if not report.proposed(pair):
            lines.append(f"  {pair.offer} -> {pair.need}: {report.why_missed(pair)}")
    lines += ["", "proposed traps:"]
    for pair in report.pairs("trap"):
        if report.proposed(pair):
            quantity, score = report.proposals[(pair.offer, pair.need)]
            lines.append(
                f"  [{pair.trap}] {pair.offer} -> {pair.need}: {quantity} at "
                f"{score:.3f} ({pair.why})"
            )
    lines += ["", "proposals with a filler:"]
    lines += [f"  {o} -> {n}" for o, n in fillers]
    lines += ["", "unlabelled proposals (neither expected nor traps):"]
    lines += [
        f"  {o} -> {n} ({report.postings[o].posted_category} / "
        f"{report.postings[n].posted_category})"
        for o, n in others
    ]
    return lines
