"""Password reset and change of email, by signed links that expire and work once.

A link names the person and a fingerprint of what it will change (the password hash and the
session token, or the current address): once used, the fingerprint no longer matches, so the
same link cannot be used twice. Nothing is stored for a link.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from web.audit import record_event
from web.auth.services import email_taken, normalise_email
from web.extensions import db
from web.links import public_base_url
from web.models import User
from web.notifications.outbox import notify
from web.passwords import hash_password, password_problem, verify_password
from web.validation import InvalidInput

RESET_SALT = "komvos-password-reset"
EMAIL_SALT = "komvos-email-change"
MAX_TOKEN_LENGTH = 400


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def _load(token: str, salt: str, max_age_minutes: int) -> dict[str, Any] | None:
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        data = _serializer(salt).loads(token, max_age=max_age_minutes * 60)
    except BadSignature:  # also SignatureExpired, its subclass
        return None
    return data if isinstance(data, dict) and isinstance(data.get("u"), int) else None


# Password reset -----------------------------------------------------------------------------


def reset_token(user: User) -> str:
    """A signed link secret that resets this person's password once."""
    fingerprint = _fingerprint(user.password_hash, user.session_token)
    return _serializer(RESET_SALT).dumps({"u": user.id, "f": fingerprint})


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; the caller always answers the
    same, so the page never tells whether an address is registered."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or user.erased_at is not None:
        record_event("auth.reset_requested", email_known=False)
        db.session.commit()
        return
    link = f"{public_base_url()}/password/reset/{reset_token(user)}"
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    notify(user, "password_reset", {"reset_link": link, "minutes": minutes})
    record_event("auth.reset_requested", actor=user, target=user, email_known=True)
    db.session.commit()


def user_for_reset(token: str) -> User | None:
    """The person a valid, unused, unexpired reset link belongs to, or None."""
    data = _load(token, RESET_SALT, int(current_app.config["PASSWORD_RESET_MINUTES"]))
    user = db.session.get(User, data["u"]) if data else None
    if user is None or not user.active or user.erased_at is not None:
        return None
    if data is None or data.get("f") != _fingerprint(user.password_hash, user.session_token):
        return None
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link; every session and remember cookie ends."""
    user = user_for_reset(token)
    if user is None:
        raise InvalidInput("token", str(_l("This link is invalid, used or expired.")))
    problem = password_problem(new_password, user.email)
    if problem:
        raise InvalidInput("password", problem)
    user.password_hash = hash_password(new_password)
    user.end_sessions()  # also spends the link: its fingerprint no longer matches
    record_event("user.password_reset", actor=user, target=user)
    db.session.commit()
    return user


# Change of email ----------------------------------------------------------------------------


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Mail a confirmation link to the new address, and a note to the current one."""
    if not verify_password(user.password_hash, password):
        raise InvalidInput("password", str(_l("This is not your current password.")))
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise InvalidInput("email", str(_l("This is already your address.")))
    if email_taken(new_email):
        raise InvalidInput("email", str(_l("An account with this email already exists.")))
    token = _serializer(EMAIL_SALT).dumps(
        {"u": user.id, "e": new_email, "f": _fingerprint(user.email)}
    )
    hours = int(current_app.config["EMAIL_CHANGE_HOURS"])
    link = f"{public_base_url()}/account/email/{token}"
    notify(user, "email_change", {"confirm_link": link, "hours": hours}, email=new_email)
    notify(user, "email_changed", {"new_email": new_email}, link="/account")
    record_event("user.email_change_requested", actor=user, target=user)
    db.session.commit()


def pending_email_change(token: str) -> tuple[User, str] | None:
    """The person and the new address a valid, unused confirmation link names, or None."""
    data = _load(token, EMAIL_SALT, int(current_app.config["EMAIL_CHANGE_HOURS"]) * 60)
    user = db.session.get(User, data["u"]) if data else None
    if data is None or user is None or not user.active or user.erased_at is not None:
        return None
    if data.get("f") != _fingerprint(user.email) or not isinstance(data.get("e"), str):
        return None
    return user, data["e"]


def confirm_email_change(token: str) -> User:
    """Switch to the confirmed address (once); other sessions end."""
    pending = pending_email_change(token)
    if pending is None:
        raise InvalidInput("token", str(_l("This link is invalid, used or expired.")))
    user, new_email = pending
    if email_taken(new_email):
        raise InvalidInput("email", str(_l("An account with this email already exists.")))
    old_email = user.email
    user.email = new_email
    user.end_sessions()
    record_event("user.email_changed", actor=user, target=user, previous=old_email)
    db.session.commit()
    return user
