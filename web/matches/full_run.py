"""A full run: re-optimise every open offer and need at once.

At 100k open offers and 100k open needs every step is in bulk: the open posts are read as
rows of the columns the engine needs (web/matches/open_book.py), the open proposals as
(id, quantity) by pair, and the writes are a few statements (web/matches/bulk.py).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, text

from web.audit import record_event
from web.centres.services import by_slug
from web.clock import today
from web.extensions import db
from web.matches import bridge, bulk, open_book
from web.matches.expiry import expire_due
from web.matches.fairness import received_recently
from web.matches.models import Match, MatchRun
from web.matches.proposals import finish_run, open_proposals, proposal_values, rejected_pairs
from web.models import User
from web.posts.models import Need
from web.statuses import RunTrigger


class _Phases:
    """Seconds spent in each phase of a run, wall clock and this process's CPU time (as
    "<phase>, CPU"), added to `into` when given (the bench's)."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            if self.into is not None:
                for key, spent in ((name, time.perf_counter() - started),
                                   (f"{name}, CPU", time.process_time() - cpu)):
                    self.into[key] = self.into.get(key, 0.0) + spent


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused (then restored as it was): reading 200k rows and
    building their engine values makes millions of objects and no cycles, and each of the
    collector's passes over what is already held walked them all again (~30 % of the CPU
    time of building the values at 100k × 100k). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_matching(trigger: RunTrigger = RunTrigger.FULL, actor: User | None = None,
                 scope: str = "", *, phases: dict[str, float] | None = None) -> MatchRun:
    """Re-optimise every open offer and need: proposals no longer in the optimum are
    superseded, new ones recorded; confirmed matches are never touched. `scope` is the
    centre's slug whose run this is ("" the whole deployment). `phases`, when given,
    receives the seconds each phase took. A centre's run re-optimises its needs against
    every open offer (donors are national) and leaves other centres' proposals alone."""
    phase = _Phases(phases)
    started = time.perf_counter()
    centre = by_slug(scope) if scope else None
    if scope and centre is None:
        raise LookupError(f"no centre {scope!r}")
    of_centre = () if centre is None else (Need.centre_id == centre.id,)
    with phase("load rows"):
        expire_due()
        with _collector_paused():
            offers = open_book.open_rows(open_book.OFFERS)
            needs = open_book.open_rows(open_book.NEEDS, *of_centre)
        fairness = received_recently()
    with phase("build values"), _collector_paused():
        engine_offers = open_book.engine_values(open_book.OFFERS, offers.values())
        engine_needs = bridge.engine_needs(needs.values(), fairness)
    with phase("engine"):
        result = bridge.run(engine_offers, engine_needs, today())
    del engine_offers, engine_needs  # the engine's copies are no longer needed
    gc.collect()
    with phase("write proposals"):
        run = MatchRun(trigger=trigger, offers=len(offers), needs=len(needs),
                       started_by=actor, centre_id=centre.id if centre else None)
        db.session.add(run)
        db.session.flush()  # the run's id
        previous = open_proposals(
            *(() if centre is None else
              (Match.need_id.in_(select(Need.id).where(*of_centre)),)))
        made, kept = _write(result, offers, needs, run, previous)
        finish_run(run, result, started, made + kept)
        if actor is not None:
            record_event("match.run", actor=actor, target=run, trigger=trigger)
    with phase("commit"):
        db.session.commit()
    with phase("statistics"):
        _refresh_statistics()
    return run


def _refresh_statistics() -> None:
    """Let PostgreSQL's planner know the proposals as the run left them. A run rewrites
    most of the table (at 100k, ~50k proposals superseded and as many made); until autovacuum
    analyses it, up to a minute later, the planner reads the old statistics, and the queries
    of proposing for each new post chose plans 2-7× slower (a posting request at 100k open:
    median 74 ms before, 46 ms after; `bench/RESULTS.md`). ~0.2 s at 100k."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE match"))
        db.session.commit()


def _write(result: bridge.Result, offers: dict[int, Any], needs: dict[int, Any],
           run: MatchRun, previous: dict[tuple[int, int], tuple[int, int]]) -> tuple[int, int]:
    """Write the run's proposals against the open ones: a pair proposed again with the same
    quantity keeps its row (now the run's), one with another quantity keeps its row and id
    with the new figures, the others are new rows; open proposals not proposed again are
    superseded. Pairs staff rejected are never proposed again. Returns (written, kept)."""
    rejected = rejected_pairs(None, None)
    kept: list[int] = []
    revised: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for proposal in result.proposals:
        pair = (int(proposal.offer_id), int(proposal.need_id))
        offer, need = offers[pair[0]], needs[pair[1]]
        if pair in rejected or not bridge.allowed(offer, need):
            continue
        earlier = previous.pop(pair, None)
        if earlier is not None and earlier[1] == proposal.quantity:
            kept.append(earlier[0])
            continue
        values = {**proposal_values(proposal, offer, need), "run_id": run.id}
        if earlier is not None:
            revised.append({"id": earlier[0], **values})
        else:
            new.append({"offer_id": pair[0], "need_id": pair[1], **values})
    run.superseded = bulk.set_aside([match_id for match_id, _ in previous.values()])
    return bulk.revise(revised) + bulk.insert_new(new), bulk.keep(kept, run.id)
