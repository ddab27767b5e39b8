"""Flask-Login wiring and the role guards every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from web.extensions import db, login_manager
from web.models import User

F = TypeVar("F", bound=Callable[..., Any])


class NotYetApproved(Forbidden):
    """A representative whose organisation staff have not approved tried to act for it."""


def _explain_not_yet_approved(_error: NotYetApproved) -> tuple[str, int]:
    return render_template("auth/not_yet_approved.html"), 403


def refuse_unless_approved(user: User) -> None:
    """Representatives of an organisation still under review (or rejected) are told so."""
    if user.organisation is not None and not user.organisation.is_approved:
        raise NotYetApproved()


def init_app(app: Flask) -> None:
    """Bind Flask-Login and say where to sign in."""
    app.register_error_handler(NotYetApproved, _explain_not_yet_approved)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Flask-Login's hook: the active user whose current session token this is.

    Sessions and remember cookies carry `User.session_token`, not the id, so rotating the
    token ends every one of them at once.
    """
    if not session_token or len(session_token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None


def signed_in_user() -> User:
    """The real User behind `current_user` (services take models, not proxies)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users with one of `roles` through; others get 403 (or sign-in)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


staff_required = roles_required("staff", "admin")


def representative_required(view: F) -> F:
    """Only a representative of an approved organisation (NGO or company) gets through."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.organisation is None or current_user.role not in ("donor", "ngo"):
            abort(403)
        refuse_unless_approved(current_user)
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]
