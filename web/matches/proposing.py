"""Proposing for one offer or one need, in the caller's transaction (after a post, a change,
or what a rejection or cancellation freed)."""

from __future__ import annotations

import time
from dataclasses import replace

from flask import current_app
from sqlalchemy import or_

from web.clock import today
from web.extensions import db
from web.matches import bridge, open_book
from web.matches.fairness import received_recently
from web.matches.models import Match, MatchRun
from web.matches.proposals import (
    finish_run,
    pending,
    record_proposals,
    rejected_pairs,
    set_aside_open,
)
from web.posts.models import Need, Offer
from web.statuses import RunTrigger


def propose_for_offer(offer_id: int, new: bool = False) -> MatchRun | None:
    """Proposals for one new or changed offer against the open needs; the caller commits.
    `new`: the offer was posted in this transaction, so it has no proposals to set aside
    and no pairs turned down."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        return None
    started = time.perf_counter()
    previous = {} if new else set_aside_open(Match.offer_id == offer.id)
    run = MatchRun(trigger=RunTrigger.OFFER, offers=1)
    if not offer.is_active or offer.remaining_quantity <= 0:
        return _finished(run, None, started, 0)
    engine_offer = bridge.engine_offer(offer)
    needs, engine_needs = _needs_for(offer, engine_offer, whole_groups=False, new=new)
    run.needs = len(engine_needs)
    made = 0
    if offer.chosen_need_id in needs:
        # The donor offered this for one need: propose that pair first, when the engine
        # finds it feasible, and only what is left to the others.
        chosen = [n for n in engine_needs if n.id == str(offer.chosen_need_id) and n.quantity]
        first = bridge.propose_for_offer(engine_offer, chosen, today())
        made += record_proposals(first, {offer.id: offer}, needs, run, previous)
        taken = sum(p.quantity for p in first.proposals)
        engine_offer = replace(engine_offer, quantity=max(engine_offer.quantity - taken, 0))
        engine_needs = [n for n in engine_needs if n.id != str(offer.chosen_need_id)]
    result = bridge.propose_for_offer(
        engine_offer, [n for n in engine_needs if n.quantity > 0], today()
    )
    made += record_proposals(result, {offer.id: offer}, needs, run, previous)
    return _finished(run, result, started, made)


def _finished(run: MatchRun, result: bridge.Result | None, started: float,
              made: int) -> MatchRun:
    """Write the run with what it found, in one INSERT (with its proposals)."""
    finish_run(run, result, started, made)
    db.session.add(run)
    db.session.flush()
    return run


def _needs_for(offer: Offer, engine_offer: bridge.EngineOffer, *, whole_groups: bool,
               new: bool) -> tuple[dict[int, Need], list[bridge.EngineNeed]]:
    """The open needs the offer could meet (from the open book's index, read afresh), and
    their engine values less what open proposals set aside."""
    categories = bridge.compatible_category_ids(bridge.engine_category(offer).id,
                                                as_offer=True)
    compatible = (Need.kind == offer.kind) & or_(
        Need.category_id.in_(categories), Need.text_category_id.in_(categories))
    also = None if offer.chosen_need_id is None else Need.id == offer.chosen_need_id
    found, indexed = open_book.near_posts(open_book.NEEDS, engine_offer, compatible,
                                          whole_groups, also)
    rejected = set() if new else rejected_pairs([offer.id], None)
    needs = {i: n for i, n in found.items()
             if bridge.allowed(offer, n) and (offer.id, i) not in rejected}
    reserved = pending(Match.need_quantity, Match.need_id, needs)
    fairness = received_recently({n.organisation_id for n in needs.values()})
    engine_needs = bridge.engine_needs(needs.values(), fairness, reserved)
    if engine_offer.remote and not whole_groups and not indexed <= {
            int(n.id) for n in engine_needs if n.quantity > 0}:
        # The index gave a remote offer only the nearest open needs of each group as it
        # stood; one of them cannot take it now, so the next nearest may: read them all.
        return _needs_for(offer, engine_offer, whole_groups=True, new=new)
    return needs, engine_needs


def propose_for_need(need_id: int, new: bool = False) -> MatchRun | None:
    """Proposals of open offers for one new or changed need; the caller commits. `new`: as
    for `propose_for_offer`."""
    need = db.session.get(Need, need_id)
    if need is None:
        return None
    started = time.perf_counter()
    previous = {} if new else set_aside_open(Match.need_id == need.id)
    run = MatchRun(trigger=RunTrigger.NEED, needs=1)
    if not need.is_active or need.remaining_quantity <= 0 or need.needed_by < today():
        return _finished(run, None, started, 0)
    fairness = received_recently([need.organisation_id]).get(need.organisation_id, 0)
    engine_need = bridge.engine_need(need, fairness)
    categories = bridge.compatible_category_ids(bridge.engine_category(need).id,
                                                as_offer=False)
    compatible = (Offer.kind == need.kind) & or_(
        Offer.category_id.in_(categories), Offer.text_category_id.in_(categories))
    found, _ = open_book.near_posts(open_book.OFFERS, engine_need, compatible)
    rejected = set() if new else rejected_pairs(None, [need.id])
    offers = {i: o for i, o in found.items()
              if bridge.allowed(o, need) and (i, need.id) not in rejected}
    reserved = pending(Match.quantity, Match.offer_id, offers)
    engine_offers = bridge.engine_offers(offers.values(), reserved)
    result = bridge.propose_for_need(
        engine_need, [o for o in engine_offers if o.quantity > 0], today()
    )
    run.offers = len(engine_offers)
    made = record_proposals(result, offers, {need.id: need}, run, previous)
    return _finished(run, result, started, made)


def propose_within(offer_id: int | None = None, need_id: int | None = None) -> bool:
    """Proposals for a new, changed or freed offer and/or need, in the caller's transaction.

    They run in a savepoint, so the change and its proposals commit together; if proposing
    fails, only the proposals are undone, the change still commits (and says so), and the
    next full run proposes for it. Returns whether proposing worked.
    """
    return _within(offer_id, need_id, None)


def propose_for_new(post: Offer | Need) -> bool:
    """Proposals for an offer or a need just posted in the caller's transaction, as
    `propose_within` makes them, without looking for what a new post cannot have: open
    proposals to set aside, pairs turned down, another version of its row."""
    if isinstance(post, Offer):
        return _within(post.id, None, post)
    return _within(None, post.id, post)


def _within(offer_id: int | None, need_id: int | None, new: Offer | Need | None) -> bool:
    try:
        with db.session.begin_nested():  # flushes the change first
            # The ledger moves quantities with UPDATEs: read the rows as they are now (a
            # post written in this transaction is as it was written).
            for kept in list(db.session.identity_map.values()):
                if kept is not new:
                    db.session.expire(kept)
            if offer_id is not None:
                propose_for_offer(offer_id, new=new is not None)
            if need_id is not None:
                propose_for_need(need_id, new=new is not None)
    except Exception:  # noqa: BLE001 - whatever fails in proposing must not lose the change
        current_app.logger.exception(
            "proposing failed for offer %s, need %s; the next full run catches up",
            offer_id,
            need_id,
        )
        return False
    return True


def repropose_after_release(offer_id: int, need_id: int) -> None:
    """The next best use of what a rejection, cancellation or withdrawal freed."""
    propose_within(offer_id, need_id)
