"""Error pages in both languages, and JSON errors under /api."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from web.extensions import db, limiter, login_manager
from web.validation import Conflict, InvalidFields, InvalidInput, plain_messages

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or it is not yours to see."),
    401: _l("Sign in, or send a valid API token."),
    405: _l("This action is not allowed here."),
    409: _l("Someone else changed this meanwhile. Reload it and try again."),
    413: _l("What you sent is too large."),
    422: _l("Some of what you sent is not valid."),
    429: _l("Too many attempts; please wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing was changed; please try again."),
    503: _l(
        "Komvos cannot reach its database at the moment. Nothing was changed; "
        "please try again in a minute."
    ),
}
DATABASE_RETRY_AFTER_S = 30


def init_app(app: Flask) -> None:
    """Route every HTTP error through one handler."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    app.register_error_handler(InvalidFields, handle_invalid_fields)
    app.register_error_handler(Conflict, handle_conflict)
    # The database is down or unreachable (a query that is merely wrong is a ProgrammingError).
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


Headers = list[tuple[str, str]]


def render_error(
    status: int,
    message: str,
    errors: dict[str, Any] | None = None,
    headers: Headers | None = None,
) -> tuple[Response | str, int, Headers]:
    """An error as JSON under /api (with field errors), else as a page in the user's language."""
    if _wants_json():
        body: dict[str, Any] = {
            "code": status,
            "status": HTTPStatus(status).phrase,
            "message": message,
        }
        if errors:
            body["errors"] = plain_messages(errors)
        return jsonify(body), status, headers or []
    page = render_template("error.html", status=status, message=message)
    return page, status, headers or []


def handle_http_error(error: HTTPException) -> tuple[Response | str, int, Headers]:
    status = error.code or 500
    message = MESSAGES.get(status) or error.description or ""
    data = getattr(error, "data", None) or {}
    # The exception's own headers (a 405's Allow, ...), not its HTML content type.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if isinstance(error, RateLimitExceeded):
        headers.append(("Retry-After", str(_seconds_until_reset())))
    # webargs puts validation errors, keyed by location ("json", "query"), in data["messages"].
    return render_error(status, str(message), data.get("errors") or data.get("messages"), headers)


def _seconds_until_reset() -> int:
    limit = limiter.current_limit
    return max(int(limit.reset_at - time.time()), 1) if limit is not None else 60


def handle_database_unavailable(error: Exception) -> tuple[Response | str, int, Headers]:
    """The database cannot be reached: 503, with a page or JSON that needs no database."""
    current_app.logger.error("database unavailable: %s", error)
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it
        db.session.close()
    # Render as nobody: the page header would otherwise load the signed-in person.
    g.pop("api_user", None)
    g.pop("api_caller", None)
    g._login_user = login_manager.anonymous_user()
    g.database_down = True
    headers = [("Retry-After", str(DATABASE_RETRY_AFTER_S))]
    return render_error(503, str(MESSAGES[503]), headers=headers)


def handle_invalid_input(error: InvalidInput) -> tuple[Response | str, int, Headers]:
    """Bad input that reached a service: 422 naming the field."""
    return render_error(422, error.message, {"json": {error.field: [error.message]}})


def handle_invalid_fields(error: InvalidFields) -> tuple[Response | str, int, Headers]:
    """Several bad fields: 422 with a message per field."""
    return render_error(422, str(MESSAGES[422]), {"json": error.errors})


def handle_conflict(_error: Conflict) -> tuple[Response | str, int, Headers]:
    """A lost update refused."""
    return render_error(409, str(MESSAGES[409]))


def handle_csrf_error(_error: CSRFError) -> tuple[Response | str, int, Headers]:
    return render_error(
        400, str(_l("The form expired or was sent from elsewhere. Please try again."))
    )


def handle_unexpected_error(error: Exception) -> tuple[Response | str, int, Headers]:
    if isinstance(error, HTTPException):  # pragma: no cover - handled above
        return handle_http_error(error)
    db.session.rollback()
    current_app.logger.exception("unhandled error", exc_info=error)
    return render_error(500, str(MESSAGES[500]))
