"""Mail preferences, and one-click unsubscribe that works without signing in."""

from __future__ import annotations

from collections.abc import Collection

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from web.audit import record_event
from web.extensions import db
from web.links import public_base_url
from web.models import LANGUAGES, MAIL_MODES, User
from web.notifications.kinds import choosable_kinds
from web.statuses import MailMode
from web.validation import InvalidInput

_SALT = "komvos-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user: User) -> str:
    """A signed token naming the user; it only ever turns non-essential mail off."""
    return _serializer().dumps({"u": user.id})


def unsubscribe_url(user: User) -> str:
    """The absolute one-click unsubscribe address for List-Unsubscribe."""
    # Built by hand: the worker runs outside any request, where url_for has no host.
    return f"{public_base_url()}/unsubscribe/{unsubscribe_token(user)}"


def user_from_token(token: str) -> User | None:
    """The user a token names, or None when it was not signed by us."""
    if len(token) > 200:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def unsubscribe(user: User) -> None:
    """Turn non-essential mail (digests, reminders) off."""
    if user.mail_mode != MailMode.OFF:
        user.mail_mode = MailMode.OFF
        record_event("user.unsubscribed", actor=user, target=user)
        db.session.commit()


def save_preferences(
    user: User,
    language: str,
    mail_mode: str,
    colleague_mail: bool,
    mailed_kinds: Collection[str] | None = None,
) -> None:
    """Language, how non-essential mail comes, mail about the organisation's matches, and
    (when given) which kinds of message are mailed; the rest only reach the inbox."""
    if language not in LANGUAGES:
        raise InvalidInput("language", "el | en")
    if mail_mode not in MAIL_MODES:
        raise InvalidInput("mail_mode", "immediate | daily | off")
    user.language, user.mail_mode = language, MailMode(mail_mode)
    user.colleague_mail = colleague_mail
    if mailed_kinds is not None:
        user.mail_kinds_off = [k for k in choosable_kinds(user) if k not in mailed_kinds]
    record_event(
        "user.preferences",
        actor=user,
        target=user,
        language=language,
        mail_mode=mail_mode,
        colleague_mail=colleague_mail,
        mail_kinds_off=list(user.mail_kinds_off or []),
    )
    db.session.commit()
