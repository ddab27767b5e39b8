"""The loop that closes itself: confirmed matches never received remind both sides after N
days and reach the centre's staff after M days, once each; either side can say from the
message itself that its post is no longer needed or no longer available."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from web.audit import record_event
from web.extensions import db
from web.followup.models import MatchFollowup
from web.links import public_base_url
from web.matches import services as matches
from web.matches.models import Match
from web.models import User, utcnow
from web.notifications.outbox import notify, representatives, staff_members
from web.posts import services as posts
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.statuses import MatchStatus, PostStatus

_SALT = "komvos-followup"
SIDES = {"need": Need, "offer": Offer}
# What a link can still act on: a post not yet withdrawn, expired or fully received.
OPEN = (*ACTIVE_STATUSES, PostStatus.MATCHED)


def _setting(name: str, default: int) -> int:
    return int(current_app.config["KOMVOS"].get(name, default))


def remind_days() -> int:
    """Days after confirmation when both sides are reminded."""
    return _setting("followup_remind_days", 7)


def escalate_days() -> int:
    """Days after confirmation when the centre's staff are told."""
    return _setting("followup_escalate_days", 14)


def link_days() -> int:
    """How long a "no longer needed / available" link works."""
    return _setting("followup_link_days", 14)


def stale_matches(days: int, now: datetime | None = None, limit: int | None = None) -> list[Match]:
    """Confirmed matches not received `days` after confirmation, oldest first; a recurring
    commitment (weekly or monthly on both sides) is never received in one go, so never stale."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    recurring = and_(Match.per.is_not(None), Offer.per.is_not(None), Need.per.is_not(None))
    query = (
        select(Match)
        .join(Offer, Match.offer_id == Offer.id)
        .join(Need, Match.need_id == Need.id)
        .where(Match.status == MatchStatus.CONFIRMED, Match.confirmed_at <= cutoff, ~recurring)
        .order_by(Match.confirmed_at, Match.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def escalated_matches(limit: int = 20) -> list[Match]:
    """What the staff's dashboard lists as stale: past the escalation age (read only)."""
    return stale_matches(escalate_days(), limit=limit)


def run_followup(now: datetime | None = None) -> tuple[int, int]:
    """Remind, then escalate, each stale match once; return (reminded, escalated)."""
    now = now or utcnow()
    db.session.expire_all()  # the ledger moves versions with UPDATEs: links need them as stored
    reminded = sum(_once(m, "remind", now) for m in stale_matches(remind_days(), now))
    escalated = sum(_once(m, "escalate", now) for m in stale_matches(escalate_days(), now))
    return reminded, escalated


def _once(match: Match, stage: str, now: datetime) -> int:
    """Send one stage for one match, and commit; a second time writes nothing."""
    done = select(MatchFollowup.id).where(
        MatchFollowup.match_id == match.id, MatchFollowup.stage == stage
    )
    if db.session.scalar(done) is not None:
        return 0
    db.session.add(MatchFollowup(match_id=match.id, stage=stage, sent_at=now))
    if stage == "remind":
        _remind(match)
    else:
        _escalate(match)
    record_event(f"match.{stage}ed" if stage == "remind" else "match.escalated", target=match)
    try:
        db.session.commit()
    except IntegrityError:  # another run sent it meanwhile
        db.session.rollback()
        return 0
    return 1


def _remind(match: Match) -> None:
    offer, need = match.offer, match.need
    days = (utcnow() - (match.confirmed_at or utcnow())).days
    sides = (
        ("donor", representatives(offer.organisation, offer.donor), "offer", offer),
        ("ngo", representatives(need.organisation, need.poster), "need", need),
    )
    for role, people, side, post in sides:
        release = release_link(side, post)
        for person in people:
            notify(
                person,
                "match_stale",
                {
                    "match": match,
                    "offer": offer,
                    "need": need,
                    "role": role,
                    "title": offer.title if role == "donor" else need.title,
                    "days": days,
                    "release_link": release,
                },
                link=f"/matches#match-{match.id}",
                dedupe_key=f"match_stale:{match.id}:{person.id}",
            )


def _escalate(match: Match) -> None:
    days = (utcnow() - (match.confirmed_at or utcnow())).days
    for member in staff_members():
        notify(
            member,
            "match_escalated",
            {"match": match, "offer": match.offer, "need": match.need,
             "title": match.need.title, "days": days},
            link="/staff#stale-matches",
            dedupe_key=f"match_escalated:{match.id}:{member.id}",
        )


# Signed links -------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def release_token(side: str, post: Need | Offer) -> str:
    """A signed, expiring token for one post as it stands (its version)."""
    return _serializer().dumps({"s": side, "i": post.id, "v": post.version})


def release_link(side: str, post: Need | Offer) -> str:
    """The absolute address of the confirmation page for that token."""
    return f"{public_base_url()}/followup/{release_token(side, post)}"


@dataclass(frozen=True, slots=True)
class Release:
    """What a valid link names: the post and who acts for it."""

    side: str
    post: Any
    actor: User


def read_release(token: str) -> Release | None:
    """The post a link names, if the link is ours, unexpired, and the post unchanged and open."""
    if len(token) > 400:
        return None
    try:
        data = _serializer().loads(token, max_age=link_days() * 86400)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("s") not in SIDES:
        return None
    if not isinstance(data.get("i"), int):
        return None
    post = db.session.get(SIDES[data["s"]], data["i"])
    if post is None or post.version != data.get("v") or post.status not in OPEN:  # type: ignore[attr-defined]  # an Offer or a Need
        return None
    actor = post.poster if data["s"] == "need" else post.donor  # type: ignore[attr-defined]  # an Offer or a Need
    return Release(data["s"], post, actor)


def release(found: Release) -> int:
    """Call off the post's confirmed matches not yet received, withdraw the post through the
    posts service, and re-propose what that freed; returns how many matches were called off.

    Each step is an existing use case with its own commit: the cancellations first (they
    reopen a fully matched post, so it can be withdrawn), then the withdrawal, then the
    re-proposal of the freed offers or needs, now that this post is out of the way."""
    if found.side == "need":
        reason = gettext("No longer needed, as the organisation said from the reminder.")
        column = Match.need_id
    else:
        reason = gettext("No longer available, as the donor said from the reminder.")
        column = Match.offer_id
    confirmed = select(Match).where(column == found.post.id, Match.status == MatchStatus.CONFIRMED)
    freed = [(m.id, m.offer_id, m.need_id) for m in db.session.scalars(confirmed)]
    for match_id, _offer_id, _need_id in freed:
        matches.cancel_match(found.actor, match_id, reason)
    posts.withdraw_post(posts.NEED if found.side == "need" else posts.OFFER, found.actor,
                        found.post.id)
    for _match_id, offer_id, need_id in freed:
        matches.repropose_after_release(offer_id, need_id)
    db.session.commit()
    return len(freed)
