"""Saved interests: keep them (signed-in donors, or public addresses after double opt-in),
find the open needs that fit them, and write the alerts to the outbox, each need once per
recipient."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import CursorResult, delete, select

from web.audit import record_event
from web.extensions import db
from web.interests.models import FREQUENCIES, Interest, InterestSent
from web.links import public_base_url
from web.models import LANGUAGES, User, utcnow
from web.notifications.outbox import Addressee, notify_address
from web.posts.models import OFFER_ROLES
from web.reference import KINDS
from web.validation import InvalidFields

URGENT = ("high", "emergency")
MAX_CHOICES = 30
# A run for a frequency skips interests told more recently than this (a job run twice).
MIN_GAP = {"immediate": timedelta(0), "daily": timedelta(hours=20), "weekly": timedelta(days=6)}
_CONFIRM_SALT = "komvos-interest-confirm"
_UNSUBSCRIBE_SALT = "komvos-interest-unsubscribe"


# Validation ---------------------------------------------------------------------------------


def clean_interest(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an interest, checked; InvalidFields names each wrong one."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    errors: dict[str, list[str]] = {}
    kind = raw.get("kind") or None
    if kind is not None and kind not in KINDS:
        errors["kind"] = [gettext("Choose goods, a skill or a service (or any).")]
    categories = _list(raw.get("categories"), "categories", errors)
    if any(c not in taxonomy.categories for c in categories):
        errors["categories"] = [gettext("Choose categories from the list.")]
    areas = _list(raw.get("areas"), "areas", errors)
    if any(a not in places for a in areas):
        errors["areas"] = [gettext("Choose areas from the list.")]
    urgent = raw.get("urgent_nearby", False)
    if not isinstance(urgent, bool):
        errors["urgent_nearby"] = [gettext("Say yes or no.")]
    frequency = raw.get("frequency") or "daily"
    if frequency not in FREQUENCIES:
        errors["frequency"] = [gettext("Choose at once, daily or weekly.")]
    if not errors and not (kind or categories or areas or urgent):
        errors["categories"] = [
            gettext("Choose at least a kind, a category, an area or anything urgent.")
        ]
    if errors:
        raise InvalidFields(errors)
    return {
        "kind": kind,
        "categories": sorted(set(categories)),
        "areas": sorted(set(areas)),
        "urgent_nearby": urgent,
        "frequency": frequency,
    }


def _list(value: Any, field: str, errors: dict[str, list[str]]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = [gettext("Send a list of codes.")]
        return []
    if len(value) > MAX_CHOICES:
        errors[field] = [gettext("Choose at most %(n)d.", n=MAX_CHOICES)]
    return value


def _require_donor(user: User) -> None:
    if user.role not in OFFER_ROLES:
        raise PermissionError("only people who offer save interests")


# A signed-in donor's interests --------------------------------------------------------------


def interests_of(user: User) -> list[Interest]:
    """The person's saved interests, oldest first."""
    query = select(Interest).where(Interest.user_id == user.id).order_by(Interest.id)
    return list(db.session.scalars(query))


def get_interest(user: User, interest_id: int) -> Interest:
    """One of the person's interests; another's is as good as missing (LookupError)."""
    interest = db.session.get(Interest, interest_id)
    if interest is None or interest.user_id != user.id:
        raise LookupError(interest_id)
    return interest


def save_interest(user: User, raw: Mapping[str, Any]) -> Interest:
    """A donor saves an interest; it counts at once (the account's address is confirmed)."""
    _require_donor(user)
    data = clean_interest(raw)
    interest = Interest(user=user, language=user.language, confirmed_at=utcnow(), **data)
    db.session.add(interest)
    db.session.flush()
    record_event("interest.saved", actor=user, target=interest, **data)
    db.session.commit()
    return interest


def update_interest(user: User, interest_id: int, raw: Mapping[str, Any]) -> Interest:
    """Change an interest; fields not given keep their values."""
    interest = get_interest(user, interest_id)
    current = {
        "kind": interest.kind,
        "categories": list(interest.categories),
        "areas": list(interest.areas),
        "urgent_nearby": interest.urgent_nearby,
        "frequency": interest.frequency,
    }
    data = clean_interest({**current, **raw})
    for name, value in data.items():
        setattr(interest, name, value)
    record_event("interest.changed", actor=user, target=interest, **data)
    db.session.commit()
    return interest


def delete_interest(user: User, interest_id: int) -> None:
    """Forget an interest."""
    interest = get_interest(user, interest_id)
    record_event("interest.deleted", actor=user, target=interest)
    db.session.delete(interest)
    db.session.commit()


# Public addresses: double opt-in ------------------------------------------------------------


def _timed() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CONFIRM_SALT)


def _untimed() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def subscribe_address(email: str, language: str, raw: Mapping[str, Any]) -> Interest:
    """Someone without an account asks for alerts: nothing is sent but the confirmation mail
    until they open its link."""
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    if not 3 <= len(email) <= 254 or "@" not in email.strip("@") or " " in email:
        errors["email"] = [gettext("Enter a valid email address.")]
    if language not in LANGUAGES:
        errors["language"] = [gettext("Choose Greek or English.")]
    try:
        data = clean_interest(raw)
    except InvalidFields as error:
        errors.update(error.errors)
    if errors:
        raise InvalidFields(errors)
    interest = Interest(email=email, language=language, **data)
    db.session.add(interest)
    db.session.flush()
    token = _timed().dumps({"i": interest.id, "e": email})
    notify_address(
        Addressee(email, language),
        "interest_confirm",
        {"confirm_link": f"{public_base_url()}/interests/confirm/{token}",
         "days": confirm_days()},
    )
    record_event("interest.subscribed", target=interest, frequency=data["frequency"])
    db.session.commit()
    return interest


def confirm_days() -> int:
    """How long a confirmation link works."""
    return int(current_app.config["KOMVOS"].get("interest_confirm_days", 7))


def subscription_from_token(token: str) -> Interest | None:
    """The public subscription a confirmation link names (None: a bad, old or spent link)."""
    if len(token) > 400:
        return None
    try:
        data = _timed().loads(token, max_age=confirm_days() * 86400)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    interest = db.session.get(Interest, data["i"])
    if interest is None or interest.email != data.get("e"):
        return None
    return interest


def confirm_address(token: str) -> Interest | None:
    """Open the confirmation link: the subscription counts from now (None: a bad or old link)."""
    interest = subscription_from_token(token)
    if interest is None:
        return None
    if interest.confirmed_at is None:
        interest.confirmed_at = utcnow()
        record_event("interest.confirmed", target=interest)
        db.session.commit()
    return interest


def unsubscribe_token(email: str) -> str:
    """A signed token naming a public address; it only ever ends its alerts."""
    return _untimed().dumps({"e": email})


def address_from_token(token: str) -> str | None:
    """The address a token names, or None when it was not signed by us."""
    if len(token) > 400:
        return None
    try:
        data = _untimed().loads(token)
    except BadSignature:
        return None
    email = data.get("e") if isinstance(data, dict) else None
    return email if isinstance(email, str) else None


def unsubscribe_address(email: str) -> int:
    """End every alert to a public address and forget it; returns how many interests ended."""
    ended = cast(
        CursorResult[Any], db.session.execute(delete(Interest).where(Interest.email == email))
    ).rowcount
    db.session.execute(delete(InterestSent).where(InterestSent.recipient == f"email:{email}"))
    if ended:
        record_event("interest.unsubscribed", ended=ended)
    db.session.commit()
    return int(ended or 0)
