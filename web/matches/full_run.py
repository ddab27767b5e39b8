"""A full run: re-optimise every open offer and need at once."""

from __future__ import annotations

import time

from web.audit import record_event
from web.clock import today
from web.extensions import db
from web.matches import bridge
from web.matches.expiry import expire_due
from web.matches.fairness import received_recently
from web.matches.models import MatchRun
from web.matches.proposals import (
    finish_run,
    insert_proposals,
    open_needs,
    open_offers,
    proposed_pairs,
    record_proposals,
    rejected_pairs,
)
from web.models import User, utcnow
from web.statuses import MatchStatus, RunTrigger


def run_matching(
    trigger: RunTrigger = RunTrigger.FULL, actor: User | None = None, scope: str = ""
) -> MatchRun:
    """Re-optimise every open offer and need: proposals no longer in the optimum are
    superseded, new ones recorded; confirmed matches are never touched. `scope` is the
    centre's slug whose run this is ("" the whole deployment): filled in when centres exist,
    it changes nothing yet."""
    started = time.perf_counter()
    expire_due()
    offers = {o.id: o for o in db.session.scalars(open_offers())}
    needs = {n.id: n for n in db.session.scalars(open_needs())}
    fairness = received_recently()
    result = bridge.run(
        [bridge.engine_offer(o) for o in offers.values()],
        [bridge.engine_need(n, fairness.get(n.organisation_id, 0)) for n in needs.values()],
        today(),
    )
    rejected = rejected_pairs(None, None)
    wanted = {
        (int(p.offer_id), int(p.need_id)): p
        for p in result.proposals
        if (int(p.offer_id), int(p.need_id)) not in rejected
        and bridge.allowed(offers[int(p.offer_id)], needs[int(p.need_id)])
    }
    run = MatchRun(trigger=trigger, offers=len(offers), needs=len(needs), started_by=actor)
    db.session.add(run)
    kept = 0
    previous = proposed_pairs()
    for pair, match in previous.items():
        proposal = wanted.get(pair)
        if proposal is not None and proposal.quantity == match.quantity:
            del wanted[pair]
            match.run = run  # the latest run that proposed it
            kept += 1
        else:
            match.status, match.decided_at = MatchStatus.SUPERSEDED, utcnow()
            run.superseded += 1 if proposal is None else 0  # a re-proposed pair keeps its row
    db.session.flush()
    # A pair proposed before with another quantity keeps its row (and id); the others are
    # new rows, written in one bulk INSERT.
    again = tuple(p for pair, p in wanted.items() if pair in previous)
    revived = record_proposals(
        bridge.without(result, again),
        offers, needs, run, previous,
    )
    made = revived + insert_proposals(
        [p for pair, p in wanted.items() if pair not in previous], offers, needs, run)
    finish_run(run, result, started, made + kept)
    if actor is not None:
        record_event("match.run", actor=actor, target=run, trigger=trigger)
    db.session.commit()
    return run
