"""Offers and needs past their dates expire, and their proposals lapse."""

from __future__ import annotations

from sqlalchemy import select, update

from web.audit import record_event
from web.clock import today
from web.extensions import db
from web.matches.models import Match
from web.matches.proposals import supersede
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.statuses import PostStatus


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
                .values(status=PostStatus.EXPIRED, version=model.version + 1)
                .execution_options(synchronize_session=False)
            )
    supersede(Match.offer_id.in_(offer_ids) | Match.need_id.in_(need_ids))
    for offer_id in offer_ids:
        record_event("offer.expired", target=db.session.get(Offer, offer_id))
    for need_id in need_ids:
        record_event("need.expired", target=db.session.get(Need, need_id))
    db.session.commit()
    return len(offer_ids) + len(need_ids)
