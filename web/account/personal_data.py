"""One's own data (GDPR Arts 15, 17, 20): everything about a person as JSON, and erasure.

The export holds the person's own data only: their account, their posts, the matches on
them (the other side by organisation, never another person's name or contact), the
messages sent to them (subjects, not bodies: bodies carry the other side's contact) and
the audit trail about them (other people's addresses removed).

Erasure removes or anonymises every personal field and keeps the ledger: quantities already
confirmed or delivered stay, attached to an anonymous account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from web.audit import record_event
from web.extensions import db
from web.interests import personal as interests
from web.matches.models import Match
from web.models import ApiToken, AuditEvent, Invitation, Organisation, User, utcnow
from web.notifications.models import Notification
from web.passwords import hash_password, verify_password
from web.posts.models import ACTIVE_STATUSES, Need, Offer
from web.posts.services import NEED, OFFER, lapse_posts
from web.statuses import MailMode, MatchStatus
from web.validation import InvalidInput

ERASED_NAME = "—"
_PERSONAL_DETAIL_KEYS = ("email", "previous", "ip_address")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _row(obj: Any, *names: str) -> dict[str, Any]:
    return {name: _iso(getattr(obj, name)) for name in names}


def _posts_of(user: User) -> tuple[list[Offer], list[Need]]:
    offers = db.session.scalars(select(Offer).where(Offer.donor_id == user.id).order_by(Offer.id))
    needs = db.session.scalars(select(Need).where(Need.poster_id == user.id).order_by(Need.id))
    return list(offers), list(needs)


_POST_FIELDS = (
    "id",
    "kind",
    "category_id",
    "title",
    "description",
    "quantity",
    "unit",
    "committed_quantity",
    "place_id",
    "status",
    "created_at",
    "updated_at",
)


def _match_row(match: Match, my_side: str) -> dict[str, Any]:
    other = match.need.organisation if my_side == "offer" else match.offer.organisation
    row = _row(
        match,
        "id",
        "offer_id",
        "need_id",
        "status",
        "quantity",
        "need_quantity",
        "received_quantity",
        "promised_quantity",
        "created_at",
        "confirmed_at",
        "fulfilled_at",
        "cancelled_at",
    )
    # The other side as an organisation; an individual donor stays unnamed.
    row["other_side"] = other.name if other is not None else "individual donor"
    return row


def _scrubbed(details: dict[str, Any], own_email: str) -> dict[str, Any]:
    """Audit details without anyone else's address."""
    return {
        key: value
        for key, value in (details or {}).items()
        if not (isinstance(value, str) and "@" in value and value != own_email)
    }


def export(user: User) -> dict[str, Any]:
    """Everything Komvos holds about `user`, JSON-ready (read only)."""
    offers, needs = _posts_of(user)
    offer_ids, need_ids = [o.id for o in offers], [n.id for n in needs]
    matches = db.session.scalars(
        select(Match)
        .where(or_(Match.offer_id.in_(offer_ids), Match.need_id.in_(need_ids)))
        .order_by(Match.id)
    )
    messages = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.object_type == "user") & (AuditEvent.object_id == user.id),
            )
        )
        .order_by(AuditEvent.id)
    )
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
    organisation = user.organisation
    return {
        "format": "komvos-personal-data/1",
        "exported_at": _iso(utcnow()),
        "account": {
            **_row(
                user,
                "id",
                "email",
                "full_name",
                "phone",
                "role",
                "language",
                "mail_mode",
                "colleague_mail",
                "created_at",
                "last_login_at",
            ),
            "mail_kinds_off": list(user.mail_kinds_off or []),
            "active": user.active,
        },
        "organisation": _row(organisation, "id", "kind", "name", "name_en", "status")
        if organisation is not None
        else None,
        "offers": [_row(o, *_POST_FIELDS) for o in offers],
        "needs": [_row(n, *_POST_FIELDS, "urgency", "needed_by") for n in needs],
        "matches": [_match_row(m, "offer" if m.offer_id in offer_ids else "need") for m in matches],
        "messages": [
            _row(m, "id", "kind", "subject", "status", "created_at", "sent_at", "read_at")
            for m in messages
        ],
        "audit_events": [
            {
                **_row(e, "id", "action", "object_type", "object_id", "created_at"),
                "by_me": e.actor_id == user.id,
                "ip_address": e.ip_address if e.actor_id == user.id else "",
                "details": _scrubbed(e.details, user.email),
            }
            for e in events
        ],
        "interests": interests.exported(user.id, user.email),
        "api_tokens": [
            _row(t, "name", "prefix", "created_at", "last_used_at", "revoked_at") for t in tokens
        ],
    }


@dataclass(frozen=True, slots=True)
class Consequences:
    """What erasing an account does, said before it is done."""

    open_offers: int
    open_needs: int
    confirmed_matches: int
    last_of: Organisation | None


def _other_representatives(user: User) -> list[User]:
    if user.organisation is None:
        return []
    return [
        m for m in user.organisation.members if m.id != user.id and m.active and not m.erased_at
    ]


def erasure_consequences(user: User) -> Consequences:
    """Count what erasure would withdraw and keep (read only)."""
    offers, needs = _posts_of(user)
    last = user.organisation is not None and not _other_representatives(user)
    if last:
        org = user.organisation
        assert org is not None  # `last` holds only for a member of an organisation
        needs = list(db.session.scalars(select(Need).where(Need.organisation_id == org.id)))
        offers = list(db.session.scalars(select(Offer).where(Offer.organisation_id == org.id)))
    ids = ([o.id for o in offers], [n.id for n in needs])
    confirmed = db.session.scalars(
        select(Match.id).where(
            or_(Match.offer_id.in_(ids[0]), Match.need_id.in_(ids[1])),
            Match.status.in_((MatchStatus.CONFIRMED, MatchStatus.FULFILLED)),
        )
    ).all()
    return Consequences(
        open_offers=sum(o.status in ACTIVE_STATUSES for o in offers),
        open_needs=sum(n.status in ACTIVE_STATUSES for n in needs),
        confirmed_matches=len(confirmed),
        last_of=user.organisation if last else None,
    )


def erase(user: User, password: str) -> None:
    """Erase the person: personal fields anonymised, sessions, tokens and messages gone,
    their open posts (all of the organisation's, if they were its last representative)
    withdrawn; confirmed and delivered quantities stay in the ledger."""
    if user.is_staff:
        raise PermissionError("staff accounts are closed by an administrator")
    if not verify_password(user.password_hash, password):
        raise InvalidInput("password", str(_l("This is not your current password.")))
    consequences = erasure_consequences(user)
    offers, needs = _posts_of(user)
    organisation = consequences.last_of
    if organisation is not None:
        offers += list(
            db.session.scalars(select(Offer).where(Offer.organisation_id == organisation.id))
        )
        needs += list(
            db.session.scalars(select(Need).where(Need.organisation_id == organisation.id))
        )
    elif user.organisation is None:
        pass  # an individual: their offers go
    else:
        offers, needs = [], []  # colleagues carry on with the organisation's posts
    lapse_posts(OFFER, sorted({o.id for o in offers}))
    lapse_posts(NEED, sorted({n.id for n in needs}))
    old_email = _anonymise(user)
    if user.organisation is not None and user.organisation.email == old_email:
        user.organisation.email = ""  # it was this representative's own address
    record_event(
        "user.erased",
        actor=None,
        target=user,
        last_of_organisation=organisation.id if organisation else None,
    )
    db.session.commit()


def _anonymise(user: User) -> str:
    """Replace every personal field; returns the address the person had."""
    old_email = user.email
    interests.forget(user.id, old_email)
    user.email = f"erased-{user.id}-{secrets.token_hex(4)}@erased.invalid"
    user.full_name = ERASED_NAME
    user.phone = ""
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # no one knows it
    user.active = False
    user.erased_at = utcnow()
    user.mail_mode, user.colleague_mail, user.mail_kinds_off = MailMode.OFF, False, []
    user.end_sessions()
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(
        update(Invitation).where(Invitation.email == old_email).values(email=user.email)
    )
    events = db.session.scalars(
        select(AuditEvent).where(
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.object_type == "user") & (AuditEvent.object_id == user.id),
            )
        )
    )
    for event in events:
        event.details = {
            key: value
            for key, value in (event.details or {}).items()
            if key not in _PERSONAL_DETAIL_KEYS and value != old_email
        }
        if event.actor_id == user.id:
            event.ip_address = ""
    return old_email
