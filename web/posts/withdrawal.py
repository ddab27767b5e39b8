"""Taking offers and needs back: a poster withdraws one, or an erased account's lapse."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update

from web.audit import record_event
from web.extensions import db
from web.matches.models import Match
from web.models import User
from web.posts.models import ACTIVE_STATUSES
from web.posts.posting import no_longer_changeable
from web.posts.queries import get_post
from web.posts.sides import Side
from web.statuses import MatchStatus, PostStatus


def withdraw_post(side: Side, user: User, post_id: int) -> Any:
    """Take an offer back, or close a need the organisation no longer has; only an open or
    partly matched one."""
    item = get_post(side, user, post_id)
    model = side.model
    # Guarded on the status, so a concurrent change of state cannot be overwritten.
    changed = cast(CursorResult[Any], db.session.execute(
        update(model)
        .where(model.id == item.id, model.status.in_(ACTIVE_STATUSES))
        .values(status=PostStatus.WITHDRAWN, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )).rowcount
    if changed != 1:
        db.session.rollback()
        db.session.refresh(item)
        raise no_longer_changeable(item)
    record_event(side.ended_action, actor=user, target=item)
    _withdraw_proposals(side, item.id)
    db.session.commit()
    db.session.refresh(item)
    return item


def lapse_posts(side: Side, post_ids: list[int]) -> None:
    """Withdraw these posts if still active, and their waiting proposals, inside the
    caller's transaction (an account being erased); confirmed matches stay."""
    if not post_ids:
        return
    model = side.model
    db.session.execute(
        update(model)
        .where(model.id.in_(post_ids), model.status.in_(ACTIVE_STATUSES))
        .values(status=PostStatus.WITHDRAWN, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    for post_id in post_ids:
        _withdraw_proposals(side, post_id)


def _withdraw_proposals(side: Side, post_id: int) -> None:
    """Proposals of a withdrawn post lapse (confirmed matches stay until cancelled)."""
    column = getattr(Match, f"{side.name}_id")
    db.session.execute(
        update(Match)
        .where(column == post_id, Match.status == MatchStatus.PROPOSED)
        .values(status=MatchStatus.SUPERSEDED)
        .execution_options(synchronize_session=False)
    )
