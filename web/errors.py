"""Error pages in both languages, and JSON errors under /api."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
}


def init_app(app: Flask) -> None:
    """Route every HTTP error through one handler."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    app.register_error_handler(InvalidFields, handle_invalid_fields)
    app.register_error_handler(Conflict, handle_conflict)
    app.register_error_handler(Exception, handle_unexpected_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(
    status: int, message: str, errors: dict[str, Any] | None = None
) -> tuple[object, int]:
    """An error as JSON under /api (with field errors), else as a page in the user's language."""
    if _wants_json():
        body: dict[str, Any] = {
            "code": status,
            "status": HTTPStatus(status).phrase,
            "message": message,
        }
        if errors:
            body["errors"] = plain_messages(errors)
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def handle_http_error(error: HTTPException) -> tuple[object, int]:
    status = error.code or 500
    message = MESSAGES.get(status) or error.description or ""
    data = getattr(error, "data", None) or {}
    # webargs puts validation errors, keyed by location ("json", "query"), in data["messages"].
    return render_error(status, str(message), data.get("errors") or data.get("messages"))


def handle_invalid_input(error: InvalidInput) -> tuple[object, int]:
    """Bad input that reached a service: 422 naming the field."""
    return render_error(422, error.message, {"json": {error.field: [error.message]}})


def handle_invalid_fields(error: InvalidFields) -> tuple[object, int]:
    """Several bad fields: 422 with a message per field."""
    return render_error(422, str(MESSAGES[422]), {"json": error.errors})


def handle_conflict(_error: Conflict) -> tuple[object, int]:
    """A lost update refused."""
    return render_error(409, str(MESSAGES[409]))


def handle_csrf_error(_error: CSRFError) -> tuple[object, int]:
    return render_error(
        400, str(_l("The form expired or was sent from elsewhere. Please try again."))
    )


def handle_unexpected_error(error: Exception) -> tuple[object, int]:
    from flask import current_app

    from web.extensions import db

    if isinstance(error, HTTPException):  # pragma: no cover - handled above
        return handle_http_error(error)
    db.session.rollback()
    current_app.logger.exception("unhandled error", exc_info=error)
    return render_error(500, str(MESSAGES[500]))
