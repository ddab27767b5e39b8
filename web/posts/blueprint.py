"""The posts blueprint, which the lists (`views`) and the forms (`form_views`) share, and
the guard of the poster's pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user

from web.auth.login import refuse_unless_approved
from web.extensions import login_manager
from web.posts.sides import Side

bp = Blueprint("posts", __name__)


def poster_required(side: Side) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only a signed-in person who may post on `side`, whose organisation (if any) is
    approved, gets in."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not side.admits(current_user):
                abort(403)
            refuse_unless_approved(current_user)
            return view(*args, **kwargs)

        return guarded

    return decorate
