"""The pieces every way of proposing shares: what is open, what was turned down, what is
already set aside, and writing the engine's proposals as rows."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from web.database import among
from web.extensions import db
from web.matches import bridge
from web.matches.models import Match, MatchRun
from web.models import utcnow
from web.posts.models import Need, Offer
from web.statuses import MatchStatus


def pending(column: Any, side: Any, ids: Iterable[int], skip: Any = None) -> dict[int, int]:
    """What open proposals already set aside for each item, so new ones do not double up."""
    query = (
        select(side, func.sum(column))
        .where(Match.status == MatchStatus.PROPOSED, among(side, ids))
        .group_by(side)
    )
    if skip is not None:
        query = query.where(skip)
    return {item: int(total) for item, total in db.session.execute(query).all()}


def rejected_pairs(
    offer_ids: Iterable[int] | None, need_ids: Iterable[int] | None
) -> set[tuple[int, int]]:
    """Pairs staff turned down, which the engine must not propose again."""
    query = select(Match.offer_id, Match.need_id).where(Match.status == MatchStatus.REJECTED)
    if offer_ids is not None:
        query = query.where(among(Match.offer_id, offer_ids))
    if need_ids is not None:
        query = query.where(among(Match.need_id, need_ids))
    return {(o, n) for o, n in db.session.execute(query).all()}


def supersede(*conditions: Any) -> int:
    """Set aside the open proposals meeting `conditions`; how many were."""
    return cast(CursorResult[Any], db.session.execute(
        update(Match)
        .where(Match.status == MatchStatus.PROPOSED, *conditions)
        .values(status=MatchStatus.SUPERSEDED, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )).rowcount


def record_proposals(
    result: bridge.Result,
    offers: dict[int, Offer],
    needs: dict[int, Need],
    run: MatchRun,
    previous: dict[tuple[int, int], int] | None = None,
) -> int:
    """Record the engine's proposals; a pair it proposed before keeps its row (and id), so
    what staff selected, noted or assigned stays put."""
    made = 0
    for proposal in result.proposals:
        offer, need = offers[int(proposal.offer_id)], needs[int(proposal.need_id)]
        values = proposal_values(proposal, offer, need)
        earlier = (previous or {}).get((offer.id, need.id))
        if earlier is not None:
            db.session.add(run)
            db.session.flush()  # the run's id
            _revive(earlier, run_id=run.id, **values)
        else:
            db.session.add(Match(offer_id=offer.id, need_id=need.id, run=run, **values))
        made += 1
    return made


def proposal_values(proposal: bridge.Proposal, offer: bridge.OfferLike,
                  need: bridge.NeedLike) -> dict[str, Any]:
    """The columns of a proposed match that come from the engine's proposal (`offer` and
    `need` as objects or rows of web/matches/open_book.py)."""
    return {
        "quantity": proposal.quantity,
        "need_quantity": max(round(proposal.need_quantity), 1),
        "proposed_quantity": proposal.quantity,
        "score": proposal.score,
        "value": proposal.value_per_unit * proposal.quantity,
        "breakdown": dict(proposal.breakdown),
        "distance_km": bridge.distance_km(offer, need),
    }


def _revive(match_id: int, **values: Any) -> None:
    """Bring a proposal that was just set aside back with the engine's new figures."""
    db.session.execute(
        update(Match)
        .where(Match.id == match_id, Match.status == MatchStatus.SUPERSEDED)
        .values(status=MatchStatus.PROPOSED, decided_at=None, **values)
        .execution_options(synchronize_session=False)
    )


def set_aside_open(*conditions: Any) -> dict[tuple[int, int], int]:
    """Set aside the open proposals meeting `conditions` (in one statement); their ids, by
    (offer id, need id), for a proposal of the same pair to keep its row."""
    found = db.session.execute(
        update(Match)
        .where(Match.status == MatchStatus.PROPOSED, *conditions)
        .values(status=MatchStatus.SUPERSEDED, decided_at=utcnow())
        .returning(Match.offer_id, Match.need_id, Match.id)
        .execution_options(synchronize_session=False)
    )
    return {(offer_id, need_id): match_id for offer_id, need_id, match_id in found}


def open_proposals(*conditions: Any) -> dict[tuple[int, int], tuple[int, int]]:
    """The open proposals' (meeting `conditions`) ids and quantities, by (offer id, need id):
    columns, not objects."""
    query = select(Match.offer_id, Match.need_id, Match.id, Match.quantity).where(
        Match.status == MatchStatus.PROPOSED, *conditions)
    return {(o, n): (i, q) for o, n, i, q in db.session.execute(query)}


def finish_run(run: MatchRun, result: bridge.Result | None, started: float, made: int) -> None:
    """Write what a run found and how long it took."""
    run.duration_ms = (time.perf_counter() - started) * 1000
    run.proposals = made
    if result is not None:
        run.candidates = len(result.candidates)
        run.objective = result.objective
        run.solver_status = result.status[:200]
