"""Personal API tokens: `Authorization: Bearer kmv_...`, stored as SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import abort, g, request
from flask_babel import gettext
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from web import throttle
from web.audit import record_event
from web.extensions import db
from web.models import ApiToken, User, utcnow
from web.validation import InvalidInput

TOKEN_PREFIX = "kmv_"
MAX_TOKENS = 20
BEARER: dict[str, list[dict[str, list[str]]]] = {"security": [{"bearerAuth": []}]}
# How often a token's last use is written down: the account page shows the day.
NOTE_USE_EVERY = timedelta(hours=1)
READS = ("GET", "HEAD", "OPTIONS")
# Public operations that answer more to a token (staff see more): the token is optional.
OPTIONAL_BEARER: dict[str, list[dict[str, list[str]]]] = {"security": [{}, {"bearerAuth": []}]}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; the secret is returned once and never stored."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise InvalidInput("name", gettext("Give the token a name of 1 to 80 characters."))
    if len(active_tokens(user)) >= MAX_TOKENS:
        raise InvalidInput("name", gettext("You have too many tokens; revoke one first."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_digest(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    record_event("api_token.created", actor=user, target=token, name=name)
    db.session.commit()
    return token, secret


def active_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(ApiToken.id.desc())))


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (another's is as good as missing)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise LookupError(token_id)
    token.revoked_at = utcnow()
    record_event("api_token.revoked", actor=user, target=token)
    db.session.commit()


def user_from_token(header: str | None) -> User | None:
    """The active user behind a bearer token, or None."""
    if not header or not header.startswith("Bearer "):
        return None
    secret = header.removeprefix("Bearer ").strip()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _digest(secret))
        .options(joinedload(ApiToken.user).joinedload(User.organisation))
    )
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if request.method not in READS:
        _note_use(token)
    return token.user


def _note_use(token: ApiToken) -> None:
    """Write down that the token was used, at most once per `NOTE_USE_EVERY`, inside the
    request's own transaction: the use case's commit carries it. Reads never write; nor
    does a write when the token, as just read, was noted less than that long ago."""
    now = utcnow()
    if token.last_used_at is not None and token.last_used_at >= now - NOTE_USE_EVERY:
        return
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - NOTE_USE_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def optional_api_user() -> User | None:
    """The caller, when a valid token came with the request (looked up once a request)."""
    if "api_caller" not in g:
        g.api_caller = user_from_token(request.headers.get("Authorization"))
    return g.api_caller  # type: ignore[no-any-return]


def caller_key() -> str:
    """Whom the API's rate limits count: the token's account, else the client address."""
    try:
        user = optional_api_user()
    except SQLAlchemyError:
        # The database is down: count by address; the view then answers 503. (Raising here
        # would make the limiter believe its own storage had failed.)
        db.session.rollback()
        g.pop("api_caller", None)
        return throttle.client_address()
    return f"user:{user.id}" if user is not None else throttle.client_address()


def require_api_user() -> User:
    """The caller, or 401."""
    user = optional_api_user()
    if user is None:
        abort(401)
    return user
