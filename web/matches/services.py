"""Use cases of matches: propose (one item or a full run), confirm, reject, cancel, receive.

Every transition is guarded on the current status in the UPDATE itself, so a late reject
cannot overwrite a confirmation and confirming twice counts once. Each commits once, with
its audit rows; after a rejection or cancellation the engine proposes the next best use of
what was freed, in a savepoint of that same transaction (`propose_within`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, func, insert, or_, select, update

import matching
from web.audit import record_event
from web.clock import today
from web.extensions import db
from web.matches import bridge, ledger
from web.matches.models import LEDGER_STATUSES, Match, MatchRun
from web.models import User, utcnow
from web.posts.models import ACTIVE_STATUSES, OFFER_ROLES, Need, Offer
from web.validation import InvalidInput

FAIRNESS_DAYS = 90


# Proposals ----------------------------------------------------------------------------------


def received_recently(organisation_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Confirmed or fulfilled matches per NGO in the last 90 days (the fairness measure)."""
    since = utcnow() - timedelta(days=FAIRNESS_DAYS)
    query = (
        select(Need.organisation_id, func.count(Match.id))
        .join(Match, Match.need_id == Need.id)
        .where(Match.status.in_(LEDGER_STATUSES), Match.confirmed_at >= since)
        .group_by(Need.organisation_id)
    )
    if organisation_ids is not None:
        query = query.where(Need.organisation_id.in_(list(organisation_ids)))
    return {org: count for org, count in db.session.execute(query).all()}


def _pending(column: Any, side: Any, ids: Iterable[int], skip: Any = None) -> dict[int, int]:
    """What open proposals already set aside for each item, so new ones do not double up."""
    query = (
        select(side, func.sum(column))
        .where(Match.status == "proposed", side.in_(list(ids)))
        .group_by(side)
    )
    if skip is not None:
        query = query.where(skip)
    return {item: int(total) for item, total in db.session.execute(query).all()}


def _rejected_pairs(
    offer_ids: Iterable[int] | None, need_ids: Iterable[int] | None
) -> set[tuple[int, int]]:
    query = select(Match.offer_id, Match.need_id).where(Match.status == "rejected")
    if offer_ids is not None:
        query = query.where(Match.offer_id.in_(list(offer_ids)))
    if need_ids is not None:
        query = query.where(Match.need_id.in_(list(need_ids)))
    return {(o, n) for o, n in db.session.execute(query).all()}


def _open_offers() -> Select[tuple[Offer]]:
    day = today()
    return select(Offer).where(
        Offer.status.in_(ACTIVE_STATUSES),
        Offer.committed_quantity < Offer.quantity,
        (Offer.available_until.is_(None)) | (Offer.available_until >= day),
    )


def _open_needs() -> Select[tuple[Need]]:
    return select(Need).where(
        Need.status.in_(ACTIVE_STATUSES),
        Need.committed_quantity < Need.quantity,
        Need.needed_by >= today(),
    )


def _supersede(*conditions: Any) -> int:
    return db.session.execute(
        update(Match)
        .where(Match.status == "proposed", *conditions)
        .values(status="superseded", decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def _record_proposals(
    result: matching.Result,
    offers: dict[int, Offer],
    needs: dict[int, Need],
    run: MatchRun,
    previous: dict[tuple[int, int], Match] | None = None,
) -> int:
    """Record the engine's proposals; a pair it proposed before keeps its row (and id), so
    what staff selected, noted or assigned stays put."""
    made = 0
    for proposal in result.proposals:
        offer, need = offers[int(proposal.offer_id)], needs[int(proposal.need_id)]
        values = _match_values(proposal, offer, need)
        earlier = (previous or {}).get((offer.id, need.id))
        if earlier is not None:
            db.session.flush()  # the run's id
            _revive(earlier.id, run_id=run.id, **values)
        else:
            db.session.add(Match(offer_id=offer.id, need_id=need.id, run=run, **values))
        made += 1
    return made


def _match_values(proposal: matching.Proposal, offer: Offer, need: Need) -> dict[str, Any]:
    """The columns of a proposed match that come from the engine's proposal."""
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
        .where(Match.id == match_id, Match.status == "superseded")
        .values(status="proposed", decided_at=None, **values)
        .execution_options(synchronize_session=False)
    )


def _proposed_pairs(*conditions: Any) -> dict[tuple[int, int], Match]:
    query = select(Match).where(Match.status == "proposed", *conditions)
    return {(m.offer_id, m.need_id): m for m in db.session.scalars(query)}


def _insert_proposals(
    proposals: Iterable[matching.Proposal], offers: dict[int, Offer], needs: dict[int, Need],
    run: MatchRun,
) -> int:
    """A full run's proposals in one bulk INSERT: adding 120k Match objects one by one and
    flushing them took 157 s at 100k x 100k on PostgreSQL (bench/web_full_run.py)."""
    db.session.flush()  # the run's id
    rows = [
        {
            "offer_id": int(p.offer_id),
            "need_id": int(p.need_id),
            "run_id": run.id,
            **_match_values(p, offers[int(p.offer_id)], needs[int(p.need_id)]),
        }
        for p in proposals
    ]
    if rows:  # Core, not the ORM's bulk path: no per-row bookkeeping for objects never loaded
        db.session.execute(insert(Match.__table__), rows)
    return len(rows)


def _finish_run(run: MatchRun, result: matching.Result | None, started: float, made: int) -> None:
    run.duration_ms = (time.perf_counter() - started) * 1000
    run.proposals = made
    if result is not None:
        run.candidates = len(result.candidates)
        run.objective = result.objective
        run.solver_status = result.status[:200]


def propose_for_offer(offer_id: int) -> MatchRun | None:
    """Proposals for one new or changed offer against the open needs; the caller commits."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        return None
    started = time.perf_counter()
    previous = _proposed_pairs(Match.offer_id == offer.id)
    _supersede(Match.offer_id == offer.id)
    run = MatchRun(trigger="offer", offers=1)
    db.session.add(run)
    if not offer.is_active or offer.remaining_quantity <= 0:
        _finish_run(run, None, started, 0)
        db.session.flush()
        return run
    categories = bridge.compatible_category_ids(bridge.engine_category(offer).id,
                                                as_offer=True)
    needs = {
        n.id: n
        for n in db.session.scalars(
            _open_needs().where(Need.kind == offer.kind, or_(
                Need.category_id.in_(categories), Need.text_category_id.in_(categories)))
        )
        if bridge.allowed(offer, n)
    }
    rejected = _rejected_pairs([offer.id], None)
    needs = {i: n for i, n in needs.items() if (offer.id, i) not in rejected}
    reserved = _pending(Match.need_quantity, Match.need_id, needs)
    fairness = received_recently({n.organisation_id for n in needs.values()})
    engine_needs = [
        bridge.engine_need(n, fairness.get(n.organisation_id, 0), reserved.get(n.id, 0))
        for n in needs.values()
    ]
    engine_offer = bridge.engine_offer(offer)
    run.needs = len(engine_needs)
    made = 0
    if offer.chosen_need_id in needs:
        # The donor offered this for one need: propose that pair first, when the engine
        # finds it feasible, and only what is left to the others.
        chosen = [n for n in engine_needs if n.id == str(offer.chosen_need_id) and n.quantity]
        first = matching.propose_for_offer(engine_offer, chosen, bridge.policy(), today())
        made += _record_proposals(first, {offer.id: offer}, needs, run, previous)
        taken = sum(p.quantity for p in first.proposals)
        engine_offer = replace(engine_offer, quantity=max(engine_offer.quantity - taken, 0))
        engine_needs = [n for n in engine_needs if n.id != str(offer.chosen_need_id)]
    result = matching.propose_for_offer(
        engine_offer,
        [n for n in engine_needs if n.quantity > 0],
        bridge.policy(),
        today(),
    )
    made += _record_proposals(result, {offer.id: offer}, needs, run, previous)
    _finish_run(run, result, started, made)
    db.session.flush()
    return run


def propose_for_need(need_id: int) -> MatchRun | None:
    """Proposals of open offers for one new or changed need; the caller commits."""
    need = db.session.get(Need, need_id)
    if need is None:
        return None
    started = time.perf_counter()
    previous = _proposed_pairs(Match.need_id == need.id)
    _supersede(Match.need_id == need.id)
    run = MatchRun(trigger="need", needs=1)
    db.session.add(run)
    if not need.is_active or need.remaining_quantity <= 0 or need.needed_by < today():
        _finish_run(run, None, started, 0)
        db.session.flush()
        return run
    categories = bridge.compatible_category_ids(bridge.engine_category(need).id,
                                                as_offer=False)
    offers = {
        o.id: o
        for o in db.session.scalars(
            _open_offers().where(Offer.kind == need.kind, or_(
                Offer.category_id.in_(categories), Offer.text_category_id.in_(categories)))
        )
        if bridge.allowed(o, need)
    }
    rejected = _rejected_pairs(None, [need.id])
    offers = {i: o for i, o in offers.items() if (i, need.id) not in rejected}
    reserved = _pending(Match.quantity, Match.offer_id, offers)
    engine_offers = [bridge.engine_offer(o, reserved.get(o.id, 0)) for o in offers.values()]
    fairness = received_recently([need.organisation_id]).get(need.organisation_id, 0)
    result = matching.propose_for_need(
        bridge.engine_need(need, fairness),
        [o for o in engine_offers if o.quantity > 0],
        bridge.policy(),
        today(),
    )
    run.offers = len(engine_offers)
    made = _record_proposals(result, offers, {need.id: need}, run, previous)
    _finish_run(run, result, started, made)
    db.session.flush()
    return run


def run_matching(trigger: str = "full", actor: User | None = None) -> MatchRun:
    """Re-optimise every open offer and need: proposals no longer in the optimum are
    superseded, new ones recorded; confirmed matches are never touched."""
    started = time.perf_counter()
    expire_due()
    offers = {o.id: o for o in db.session.scalars(_open_offers())}
    needs = {n.id: n for n in db.session.scalars(_open_needs())}
    fairness = received_recently()
    result = bridge.run(
        [bridge.engine_offer(o) for o in offers.values()],
        [bridge.engine_need(n, fairness.get(n.organisation_id, 0)) for n in needs.values()],
        today(),
    )
    rejected = _rejected_pairs(None, None)
    wanted = {
        (int(p.offer_id), int(p.need_id)): p
        for p in result.proposals
        if (int(p.offer_id), int(p.need_id)) not in rejected
        and bridge.allowed(offers[int(p.offer_id)], needs[int(p.need_id)])
    }
    run = MatchRun(trigger=trigger, offers=len(offers), needs=len(needs), started_by=actor)
    db.session.add(run)
    kept = 0
    previous = _proposed_pairs()
    for pair, match in previous.items():
        proposal = wanted.get(pair)
        if proposal is not None and proposal.quantity == match.quantity:
            del wanted[pair]
            match.run = run  # the latest run that proposed it
            kept += 1
        else:
            match.status, match.decided_at = "superseded", utcnow()
            run.superseded += 1 if proposal is None else 0  # a re-proposed pair keeps its row
    db.session.flush()
    # A pair proposed before with another quantity keeps its row (and id); the others are
    # new rows, written in one bulk INSERT.
    again = tuple(p for pair, p in wanted.items() if pair in previous)
    revived = _record_proposals(
        matching.Result(result.candidates, again, result.objective, result.status),
        offers, needs, run, previous,
    )
    made = revived + _insert_proposals(
        [p for pair, p in wanted.items() if pair not in previous], offers, needs, run)
    _finish_run(run, result, started, made + kept)
    if actor is not None:
        record_event("match.run", actor=actor, target=run, trigger=trigger)
    db.session.commit()
    return run


def propose_within(offer_id: int | None = None, need_id: int | None = None) -> bool:
    """Proposals for a new, changed or freed offer and/or need, in the caller's transaction.

    They run in a savepoint, so the change and its proposals commit together; if proposing
    fails, only the proposals are undone, the change still commits (and says so), and the
    next full run proposes for it. Returns whether proposing worked.
    """
    try:
        with db.session.begin_nested():  # flushes the change first
            # The ledger moves quantities with UPDATEs: read the rows as they are now.
            db.session.expire_all()
            if offer_id is not None:
                propose_for_offer(offer_id)
            if need_id is not None:
                propose_for_need(need_id)
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


# Transitions --------------------------------------------------------------------------------


def _guarded(match_id: int, expected: Sequence[str], **values: Any) -> bool:
    """Move a match on only if it is still in one of `expected` statuses."""
    return (
        db.session.execute(
            update(Match)
            .where(Match.id == match_id, Match.status.in_(expected))
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def get_match(match_id: int) -> Match:
    """A match by id (LookupError when missing)."""
    match = db.session.get(Match, match_id)
    if match is None:
        raise LookupError(match_id)
    return match


def _refuse(match: Match, message: str) -> InvalidInput:
    db.session.rollback()
    db.session.refresh(match)
    return InvalidInput("status", message)


def confirm_match(staff: User, match_id: int, quantity: int | None = None) -> Match:
    """Staff confirm a proposal, as proposed or for less; confirming twice counts once."""
    if not staff.is_staff:
        raise PermissionError("only staff confirm matches")
    match = get_match(match_id)
    if match.status == "confirmed":
        return match
    amount = match.quantity if quantity is None else quantity
    lot = match.offer.lot
    if not 1 <= amount <= match.quantity or amount % lot:
        raise InvalidInput(
            "quantity",
            gettext(
                "Confirm between %(low)d and %(high)d, in lots of %(lot)d.",
                low=lot,
                high=match.quantity,
                lot=lot,
            ),
        )
    need_amount = max(round(amount * match.need_quantity / match.quantity), 1)
    previous = match.status
    if not _guarded(
        match.id,
        ("proposed",),
        status="confirmed",
        quantity=amount,
        need_quantity=need_amount,
        decided_by_id=staff.id,
        decided_at=utcnow(),
        confirmed_at=utcnow(),
    ):
        db.session.rollback()
        db.session.refresh(match)
        if match.status == "confirmed":  # someone confirmed it a moment ago
            return match
        raise _refuse(match, _status_message(match))
    if not ledger.take(Offer, match.offer_id, amount):
        raise _refuse(match, gettext("The offer no longer has that much left."))
    if not ledger.take(Need, match.need_id, need_amount):
        raise _refuse(match, gettext("The need no longer lacks that much."))
    record_event(
        "match.confirmed",
        actor=staff,
        target=match,
        from_status=previous,
        to_status="confirmed",
        quantity=amount,
    )
    _notify(match, "confirmed")
    db.session.commit()
    db.session.refresh(match)
    return match


def confirm_matches(staff: User, match_ids: Iterable[int]) -> tuple[list[Match], dict[int, str]]:
    """Confirm several proposals, each on its own; say which could not be."""
    done, refused = [], {}
    for match_id in match_ids:
        try:
            done.append(confirm_match(staff, match_id))
        except (InvalidInput, LookupError) as error:
            refused[match_id] = getattr(error, "message", gettext("Not found."))
    return done, refused


def reject_match(staff: User, match_id: int, reason: str) -> Match:
    """Staff turn a proposal down; the engine then looks for the next best use."""
    if not staff.is_staff:
        raise PermissionError("only staff reject matches")
    reason = reason.strip()
    if not 1 <= len(reason) <= 1000:
        raise InvalidInput("reason", gettext("Say why, in at most 1000 characters."))
    match = get_match(match_id)
    if not _guarded(
        match.id,
        ("proposed",),
        status="rejected",
        reason=reason,
        decided_by_id=staff.id,
        decided_at=utcnow(),
    ):
        raise _refuse(match, _status_message(match))
    record_event(
        "match.rejected",
        actor=staff,
        target=match,
        from_status="proposed",
        to_status="rejected",
        reason=reason,
    )
    repropose_after_release(match.offer_id, match.need_id)
    db.session.commit()
    db.session.refresh(match)
    return match


def can_cancel(user: User, match: Match) -> bool:
    """Staff, the giving side or the receiving side may cancel a confirmed match."""
    return user.is_staff or gives(user, match) or receives(user, match)


def gives(user: User, match: Match) -> bool:
    """Whether `user` is on the match's giving side: the offer's donor or organisation (a
    company, or a member NGO giving to another)."""
    offer = match.offer
    if offer.organisation_id is not None:
        return user.role in OFFER_ROLES and user.organisation_id == offer.organisation_id
    return user.id == offer.donor_id


def receives(user: User, match: Match) -> bool:
    """Whether `user` represents the NGO whose need the match covers."""
    return user.role == "ngo" and user.organisation_id == match.need.organisation_id


def cancel_match(user: User, match_id: int, reason: str) -> Match:
    """Either side or staff call off a confirmed match; its quantity is released."""
    match = get_match(match_id)
    if not can_cancel(user, match):
        raise LookupError(match_id)
    reason = reason.strip()
    if not 1 <= len(reason) <= 1000:
        raise InvalidInput("reason", gettext("Say why, in at most 1000 characters."))
    if not _guarded(
        match.id, ("confirmed",), status="cancelled", reason=reason, cancelled_at=utcnow()
    ):
        raise _refuse(match, _status_message(match))
    ledger.release(Offer, match.offer_id, match.quantity)
    ledger.release(Need, match.need_id, match.need_quantity)
    record_event(
        "match.cancelled",
        actor=user,
        target=match,
        from_status="confirmed",
        to_status="cancelled",
        reason=reason,
    )
    _notify(match, "cancelled")
    repropose_after_release(match.offer_id, match.need_id)
    db.session.commit()
    db.session.refresh(match)
    return match


def record_receipt(user: User, match_id: int, received: int, short_reason: str = "") -> Match:
    """The NGO records what actually arrived (possibly less, perhaps saying why); the rest
    is released and the donor is told both figures."""
    match = get_match(match_id)
    if not receives(user, match):
        raise LookupError(match_id)
    if not 1 <= received <= match.need_quantity:
        raise InvalidInput(
            "received",
            gettext("Enter what arrived, from 1 to %(n)d.", n=match.need_quantity),
        )
    offer_received = min(
        max(round(received * match.quantity / match.need_quantity), 1), match.quantity
    )
    promised = match.need_quantity
    short_reason = short_reason.strip()[:1000] if received < promised else ""
    if not _guarded(
        match.id,
        ("confirmed",),
        status="fulfilled",
        promised_quantity=promised,
        short_reason=short_reason,
        received_quantity=received,
        quantity=offer_received,
        need_quantity=received,
        fulfilled_at=utcnow(),
    ):
        raise _refuse(match, _status_message(match))
    ledger.release(Offer, match.offer_id, match.quantity - offer_received)
    ledger.release(Need, match.need_id, match.need_quantity - received)
    ledger.settle(Offer, match.offer_id)
    ledger.settle(Need, match.need_id)
    record_event(
        "match.fulfilled",
        actor=user,
        target=match,
        from_status="confirmed",
        to_status="fulfilled",
        received=received,
        promised=promised,
    )
    _notify(match, "fulfilled", recorded_by=user)
    db.session.commit()
    db.session.refresh(match)
    return match


def _status_message(match: Match) -> str:
    from web.matches.labels import MATCH_STATUS_LABELS

    return gettext(
        "This match is already %(status)s.",
        status=MATCH_STATUS_LABELS.get(match.status, match.status),
    )


def _notify(match: Match, event: str, recorded_by: User | None = None) -> None:
    """Write the messages to both sides into this transaction's outbox.

    Confirmations and cancellations reach both sides (with the other side's contact once
    confirmed); a fulfilment thanks the donor's side with what was received, and tells the
    NGO's other representatives (the one who recorded it knows).
    """
    from web.notifications.outbox import notify, representatives

    db.session.flush()
    db.session.refresh(match)
    offer, need = match.offer, match.need
    sides = [("donor", representatives(offer.organisation, offer.donor))]
    ngo_side = representatives(need.organisation, need.poster)
    if recorded_by is not None:
        ngo_side = [person for person in ngo_side if person.id != recorded_by.id]
    sides.append(("ngo", ngo_side))
    for role, people in sides:
        title = offer.title if role == "donor" else need.title
        for person in people:
            notify(
                person,
                f"match_{event}",
                {
                    "match": match,
                    "offer": offer,
                    "need": need,
                    "role": role,
                    "title": title,
                    "recorded_by_name": recorded_by.full_name if recorded_by else "",
                },
                link=f"/matches#match-{match.id}",
            )


# Expiry -------------------------------------------------------------------------------------


def expire_due() -> int:
    """Offers past their end and needs past their deadline expire; their proposals lapse."""
    day = today()
    due_offers = select(Offer.id).where(
        Offer.status.in_(ACTIVE_STATUSES), Offer.available_until < day
    )
    due_needs = select(Need.id).where(Need.status.in_(ACTIVE_STATUSES), Need.needed_by < day)
    offer_ids = list(db.session.scalars(due_offers))
    need_ids = list(db.session.scalars(due_needs))
    if not offer_ids and not need_ids:
        return 0
    for model, ids in ((Offer, offer_ids), (Need, need_ids)):
        if ids:
            db.session.execute(
                update(model)
                .where(model.id.in_(ids), model.status.in_(ACTIVE_STATUSES))
                .values(status="expired", version=model.version + 1)
                .execution_options(synchronize_session=False)
            )
    _supersede(Match.offer_id.in_(offer_ids) | Match.need_id.in_(need_ids))
    for offer_id in offer_ids:
        record_event("offer.expired", target=db.session.get(Offer, offer_id))
    for need_id in need_ids:
        record_event("need.expired", target=db.session.get(Need, need_id))
    db.session.commit()
    return len(offer_ids) + len(need_ids)


# Reading ------------------------------------------------------------------------------------


def timeline(match: Match) -> list[Any]:
    """The audit events of a match, oldest first."""
    from web.models import AuditEvent

    query = select(AuditEvent).where(
        AuditEvent.object_type == "match", AuditEvent.object_id == match.id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.created_at, AuditEvent.id)))


def median_received() -> float:
    """What the median NGO received in the window (the fairness reference)."""
    from web.models import Organisation

    counts = received_recently()
    ngo_ids = db.session.scalars(
        select(Organisation.id).where(Organisation.kind == "ngo", Organisation.status == "approved")
    ).all()
    values = sorted(counts.get(i, 0) for i in ngo_ids) or [0]
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def pending_per_side(matches: Iterable[Match]) -> dict[str, dict[int, int]]:
    """How much other proposals already set aside, per offer and per need (for the queue)."""
    offers: dict[int, int] = defaultdict(int)
    needs: dict[int, int] = defaultdict(int)
    for match in matches:
        offers[match.offer_id] += match.quantity
        needs[match.need_id] += match.need_quantity
    return {"offers": dict(offers), "needs": dict(needs)}
