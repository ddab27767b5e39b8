"""Scheduled messages: the staff's digest of proposals, people's daily digests, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date
from sqlalchemy import func, select, update

from web.centres.scope import matches_in_scope
from web.clock import today
from web.committees.scope import MINE, committee_sectors
from web.emergencies.scope import active_emergencies
from web.extensions import db
from web.i18n import unit_label
from web.matches.models import Match
from web.models import User, utcnow
from web.notifications.models import Notification
from web.notifications.outbox import notify, staff_members
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.statuses import MailMode, MatchStatus, NotificationStatus, PostStatus

REMIND_DAYS = 3


def _proposals(sectors: set[str] | None, member: User) -> tuple[int, list[Match]]:
    """How many proposals of the member's centre wait (of `sectors`' needs, or all), and the
    ten most valuable."""
    conditions: list[Any] = [Match.status == MatchStatus.PROPOSED, *matches_in_scope(member)]
    if sectors is not None:
        taxonomy = current_app.extensions["komvos.taxonomy"]
        ids = sorted(c.id for c in taxonomy.categories.values() if c.sector in sectors)
        conditions += [Match.need_id == Need.id, Need.category_id.in_(ids)]
    count = db.session.scalar(select(func.count(Match.id)).where(*conditions)) or 0
    top = list(db.session.scalars(
        select(Match).where(*conditions).order_by(Match.value.desc(), Match.id).limit(10)))
    return int(count), top


def staff_digest(now: datetime | None = None) -> int:
    """Tell staff how many proposals wait, with the most valuable, for their committees (all
    for staff on none): at most once a day, or once an hour, at once, while an emergency is
    in force."""
    now = now or utcnow()
    urgent = bool(active_emergencies())
    period = now.strftime("%Y-%m-%dT%H") if urgent else now.date().isoformat()
    made = 0
    for member in staff_members():
        key = f"proposals_digest:{period}:{member.id}"
        if member.mail_mode == MailMode.OFF or _exists(key):
            continue
        waiting, top = _proposals(committee_sectors(MINE, member), member)
        if not waiting:
            continue
        notify(member, "proposals_digest", {"count": waiting, "matches": top},
               link="/staff/matches", dedupe_key=key, immediate=urgent)
        made += 1
    db.session.commit()
    return made


def daily_digests(now: datetime | None = None) -> int:
    """Bundle each person's waiting non-essential messages into one mail a day."""
    now = now or utcnow()
    waiting = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.status == NotificationStatus.DIGEST)
            .order_by(Notification.user_id, Notification.id)
        )
    )
    by_user: dict[int, list[Notification]] = {}
    for row in waiting:
        by_user.setdefault(row.user_id, []).append(row)  # type: ignore[arg-type]  # a waiting row has its user
    made = 0
    for user_id, rows in by_user.items():
        user = db.session.get(User, user_id)
        if user is None or user.mail_mode == MailMode.OFF:
            continue
        notify(user, "daily_digest", {"count": len(rows), "items": rows}, link="/inbox")
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_([r.id for r in rows]))
            .values(status=NotificationStatus.SKIPPED)
            .execution_options(synchronize_session=False)
        )
        made += 1
    db.session.commit()
    return made


def reminders() -> int:
    """Remind posters of needs nearing their deadline uncovered and offers ending unmatched."""
    soon = today() + timedelta(days=REMIND_DAYS)
    made = 0
    needs = db.session.scalars(
        select(Need).where(
            Need.status.in_(ACTIVE_STATUSES),
            Need.needed_by <= soon,
            Need.needed_by >= today(),
            Need.committed_quantity < Need.quantity,
        )
    )
    for need in needs:
        key = f"need_deadline:{need.id}:{need.poster_id}"
        if _exists(key):
            continue
        with force_locale(need.poster.language):
            context = {
                "title": need.title,
                "date": format_date(need.needed_by),
                "left": need.remaining_quantity,
                "unit": unit_label(need.unit),
            }
        notify(need.poster, "need_deadline", context, link="/needs/ours", dedupe_key=key)
        made += 1
    offers = db.session.scalars(
        select(Offer).where(
            Offer.status == PostStatus.OPEN,
            Offer.available_until.is_not(None),
            Offer.available_until <= soon,
            Offer.available_until >= today(),
        )
    )
    for offer in offers:
        key = f"offer_ending:{offer.id}:{offer.donor_id}"
        if _exists(key):
            continue
        with force_locale(offer.donor.language):
            context = {"title": offer.title, "date": format_date(offer.available_until)}
        notify(offer.donor, "offer_ending", context, link="/offers/mine", dedupe_key=key)
        made += 1
    db.session.commit()
    return made


def _exists(dedupe_key: str) -> bool:
    return (
        db.session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key))
        is not None
    )
