"""Rate limits (Flask-Limiter): sign-in, registration, token creation and the API, each per
account and per client address, counted in shared storage (Redis in production).

The limits are settings (`KOMVOS_RATELIMIT_*`); a throttled request gets 429 with
`Retry-After`, in the page's language (see `web.errors`). Failed sign-ins count, successful
ones do not, and the windows are short, so an attack on an account keeps its owner out only
while it lasts and for at most one window after.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_smorest import Blueprint as ApiBlueprint
from limits import parse_many
from werkzeug.wrappers import Response

from web.extensions import limiter

P = ParamSpec("P")
R = TypeVar("R")


def init_app(app: Flask) -> None:
    """Bind the limiter; warn when several processes would each keep their own counts."""
    limiter.init_app(app)
    if app.config["ENV_NAME"] == "production" and app.config["RATELIMIT_STORAGE_URI"].startswith(
        "memory://"
    ):
        app.logger.warning(
            "KOMVOS_RATELIMIT_STORAGE_URL is memory://: every worker counts on its own; "
            "set it to redis://... so that limits hold across workers and hosts"
        )


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config["KOMVOS"][name])


def client_address() -> str:
    """Who is asking, by network address."""
    return "address:" + (get_remote_address() or "unknown")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _account_signing_in() -> str:
    """The account a sign-in tries, by the email given (hashed: no addresses in Redis)."""
    email = (request.form.get("email") or "").strip().casefold()
    return "account:" + _digest(email) if email else client_address()


def _signed_in_account() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


def _failed(response: Response) -> bool:
    # A sign-in that worked redirects; only the others count against the limit.
    return response.status_code != 302


def sign_in(view: Callable[P, R]) -> Callable[P, R]:
    """Limit failed sign-ins per account and per address."""
    for setting, key in (
        ("ratelimit_sign_in_account", _account_signing_in),
        ("ratelimit_sign_in_address", client_address),
    ):
        view = limiter.limit(
            _setting(setting), key_func=key, methods=["POST"], deduct_when=_failed, scope=setting
        )(view)
    return view


def registration(view: Callable[P, R]) -> Callable[P, R]:
    """Limit registrations per address (they create accounts, so none is signed in)."""
    return limiter.shared_limit(
        _setting("ratelimit_registration"),
        scope="registration",
        key_func=client_address,
        methods=["POST"],
    )(view)


def password_reset(view: Callable[P, R]) -> Callable[P, R]:
    """Limit reset requests and new passwords per address, and links asked per account."""
    view = limiter.limit(
        _setting("ratelimit_password_reset_account"), key_func=_account_signing_in,
        methods=["POST"], scope="password_reset_account",
    )(view)
    return limiter.limit(
        _setting("ratelimit_password_reset_address"), key_func=client_address,
        methods=["POST"], scope="password_reset_address",
    )(view)


def token_creation(view: Callable[P, R]) -> Callable[P, R]:
    """Limit new API tokens per account and per address."""
    view = limiter.limit(
        _setting("ratelimit_token_account"), key_func=_signed_in_account, methods=["POST"]
    )(view)
    return limiter.limit(
        _setting("ratelimit_token_address"), key_func=client_address, methods=["POST"]
    )(view)


def _one_count_weight() -> int | None:
    """How many address units an anonymous API call costs so that one count holds both API
    limits: the address limit over the account limit, when both are one limit over the same
    window and the one divides the other (600 and 300 per minute: 2); else None."""
    config = current_app.config["KOMVOS"]
    key = (config["ratelimit_api_account"], config["ratelimit_api_address"])
    if key not in _WEIGHTS:
        account, address = parse_many(key[0]), parse_many(key[1])
        same_window = (len(account) == len(address) == 1
                       and type(account[0]) is type(address[0])
                       and account[0].multiples == address[0].multiples)
        fits = same_window and address[0].amount % account[0].amount == 0
        _WEIGHTS[key] = address[0].amount // account[0].amount if fits else None
    return _WEIGHTS[key]


_WEIGHTS: dict[tuple[str, str], int | None] = {}


def api(blueprint: ApiBlueprint, account_key: Callable[[], str]) -> ApiBlueprint:
    """Limit every API call, shared across the API's blueprints, per account and address.

    An anonymous call's account is its address, so it would be counted twice in Redis (two
    round trips): instead it is counted once, in the address's count, at `_one_count_weight`
    units. An address alone then gets exactly the account limit as before; an address that
    also carries token calls gets less than before, never more (2 × anonymous + token calls
    within the address limit). Limits that do not divide are counted both ways, as before."""

    def anonymous() -> bool:
        return account_key().startswith("address:")

    def in_one_count() -> bool:
        return anonymous() and _one_count_weight() is not None

    def cost() -> int:
        return (_one_count_weight() or 1) if anonymous() else 1

    limiter.shared_limit(_setting("ratelimit_api_account"), scope="ratelimit_api_account",
                         key_func=account_key, exempt_when=in_one_count)(blueprint)
    limiter.shared_limit(_setting("ratelimit_api_address"), scope="ratelimit_api_address",
                         key_func=client_address, cost=cost)(blueprint)
    return blueprint
