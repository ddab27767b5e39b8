"""Writing messages to the outbox, in the recipient's language, inside the caller's
transaction: a rollback leaves no message, a commit leaves exactly the messages it caused."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from web.extensions import db
from web.links import public_base_url
from web.models import Organisation, User
from web.notifications.models import Notification
from web.statuses import STAFF_ROLES, MailMode, NotificationStatus
from web.validation import one_line

_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?![.])")


# Where a non-essential message's mail starts, by how its recipient wants such mail.
_BY_MAIL_MODE = {
    MailMode.IMMEDIATE: NotificationStatus.PENDING,
    MailMode.DAILY: NotificationStatus.DIGEST,
    MailMode.OFF: NotificationStatus.SKIPPED,
}


def single_stops(text: str) -> str:
    """A name ending in a full stop (Α.Ε.) at the end of a sentence takes no second one."""
    return _DOUBLE_STOP.sub(".", text)


def message_id() -> str:
    """A fixed, unique Message-ID, so a resend is recognisably the same message."""
    host = urlsplit(public_base_url()).hostname or "komvos.local"
    return f"<komvos.{uuid.uuid4().hex}@{host}>"


SUBJECTS = {
    "match_confirmed": lambda c: _("Match confirmed: %(title)s", title=c["title"]),
    "match_cancelled": lambda c: _("Match cancelled: %(title)s", title=c["title"]),
    "match_fulfilled": lambda c: _("Thank you: %(title)s was received", title=c["title"]),
    "match_rescheduled": lambda c: _("Schedule changed: %(title)s", title=c["title"]),
    "organisation_approved": lambda c: _("%(name)s is approved on Komvos", name=c["name"]),
    "organisation_rejected": lambda c: _("%(name)s was not approved on Komvos", name=c["name"]),
    "proposals_digest": lambda c: _("%(n)s proposals are waiting for review", n=c["count"]),
    "need_deadline": lambda c: _(
        "Still uncovered, needed by %(date)s: %(title)s", date=c["date"], title=c["title"]
    ),
    "offer_ending": lambda c: _(
        "Your offer ends on %(date)s: %(title)s", date=c["date"], title=c["title"]
    ),
    "daily_digest": lambda c: _("Your Komvos digest: %(n)s updates", n=c["count"]),
    "password_reset": lambda c: _("Choose a new password for Komvos"),
    "email_change": lambda c: _("Confirm your new email address for Komvos"),
    "email_changed": lambda c: _("Your Komvos email address is changing"),
    "pledge_waiting": lambda c: _("A pledge for your need is waiting: %(title)s", title=c["title"]),
    "interest_alert": lambda c: _("Needs you follow on Komvos: %(n)s", n=c["count"]),
    "interest_confirm": lambda c: _("Confirm your alerts from Komvos"),
    "match_stale": lambda c: _("Has it arrived? %(title)s", title=c["title"]),
    "match_escalated": lambda c: _(
        "Not received after %(days)s days: %(title)s", days=c["days"], title=c["title"]
    ),
    "urgent_need": lambda c: _("Urgent need for %(committee)s: %(title)s",
                               committee=c["committee"], title=c["title"]),
    "emergency_call": lambda c: _("Emergency: %(title)s. Can you help?", title=c["title"]),
}
NON_ESSENTIAL = {
    "proposals_digest",
    "need_deadline",
    "offer_ending",
    "daily_digest",
    "interest_alert",
    "match_stale",
    "match_escalated",
    "urgent_need",
    "emergency_call",
}
# Messages that carry a secret link: mailed only, never shown in the inbox.
PRIVATE_KINDS = ("password_reset", "email_change")
# What a person can never turn off: mail about their account itself.
ALWAYS_MAILED = {
    "password_reset",
    "email_change",
    "email_changed",
    "organisation_approved",
    "organisation_rejected",
}


@dataclass(frozen=True, slots=True)
class Addressee:
    """A public address that is no account (a confirmed subscription to alerts)."""

    email: str
    language: str
    full_name: str = ""


def render_message(
    user: User | Addressee,
    kind: str,
    context: Mapping[str, Any],
    link: str = "",
    language: str = "",
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a message, in `language` (default: the user's)."""
    with force_locale(language or user.language):
        # Whatever a title holds, the subject is one line: no header can be injected, and
        # the change that causes the message never fails because of it.
        subject = single_stops(one_line(str(SUBJECTS[kind](context))))
        base = {**context, "user": user, "link": link, "base_url": public_base_url()}
        text = single_stops(render_template(f"mail/{kind}.txt", **base))
        html = render_template(
            "mail/layout.html",
            body=single_stops(render_template(f"mail/{kind}.html", **base)),
            subject=subject,
            **base,
        )
    return subject, text, html


def notify(
    user: User,
    kind: str,
    context: Mapping[str, Any],
    link: str = "",
    dedupe_key: str | None = None,
    email: str | None = None,
    immediate: bool = False,
) -> Notification:
    """Add one message for `user` to the session, rendered in their language.

    Essential messages are mailed at once; non-essential ones follow the person's choice
    (at once, in the daily digest, or not mailed); any kind the person turned off is not
    mailed. Either way the inbox shows it (except messages with a secret link). `email`
    sends it to another address than the account's (a new address being confirmed).
    `immediate` mails a non-essential message at once to someone whose mail comes daily
    (staff during an emergency); "never" still means never.
    """
    recipient = email or user.email
    status = NotificationStatus.PENDING
    if kind in NON_ESSENTIAL and kind != "daily_digest":
        status = _BY_MAIL_MODE[user.mail_mode]
        if immediate and status == NotificationStatus.DIGEST:
            status = NotificationStatus.PENDING
    if kind in (user.mail_kinds_off or ()) and kind not in ALWAYS_MAILED:
        status = NotificationStatus.SKIPPED
    return _queue(user, user, recipient, kind, context, link, status, dedupe_key=dedupe_key)


def notify_address(
    addressee: Addressee,
    kind: str,
    context: Mapping[str, Any],
    link: str = "",
    list_unsubscribe: str | None = None,
) -> Notification:
    """Add one message for a public address to the session (mail only: it has no inbox).

    Non-essential messages carry `list_unsubscribe`, the address's own one-click link."""
    return _queue(addressee, None, addressee.email, kind, context, link,
                  NotificationStatus.PENDING, list_unsubscribe=list_unsubscribe)


def _queue(
    addressee: User | Addressee,
    user: User | None,
    recipient: str,
    kind: str,
    context: Mapping[str, Any],
    link: str,
    status: NotificationStatus,
    dedupe_key: str | None = None,
    list_unsubscribe: str | None = None,
) -> Notification:
    """Render one message in the addressee's language and add it to the session; an address
    that is not one line cannot be mailed (the inbox, if any, still shows the message)."""
    subject, text, html = render_message(addressee, kind, context, link)
    error = ""
    if one_line(recipient) != recipient:
        status, error = NotificationStatus.FAILED, "the recipient's address is not one line"
    notification = Notification(
        user=user,
        email=recipient,
        language=addressee.language,
        kind=kind,
        essential=kind not in NON_ESSENTIAL,
        subject=subject[:200],
        body_text=text,
        body_html=html,
        link=link[:200],
        message_id=message_id(),
        dedupe_key=dedupe_key,
        status=status,
        last_error=error,
        list_unsubscribe=list_unsubscribe,
    )
    db.session.add(notification)
    return notification


def representatives(organisation: Organisation | None, poster: User) -> list[User]:
    """Who hears about a post: the person who posted and, unless they turned it off, every
    other active representative of the organisation."""
    people = [poster]
    if organisation is not None:
        people += [
            member
            for member in organisation.members
            if member.id != poster.id
            and member.active
            and member.colleague_mail
            and member.erased_at is None
        ]
    return people


def staff_members() -> Iterable[User]:
    """Active centre staff and administrators."""
    return db.session.scalars(
        select(User)
        .where(User.role.in_(STAFF_ROLES), User.active.is_(True))
        .order_by(User.id)
    )
