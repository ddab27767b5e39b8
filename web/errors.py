"""Error pages in both languages, and JSON errors under /api."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.validation import InvalidInput

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or it is not yours to see."),
    405: _l("This action is not allowed here."),
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
    app.register_error_handler(Exception, handle_unexpected_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str) -> tuple[object, int]:
    """An error as JSON under /api, else as a page in the user's language."""
    if _wants_json():
        return jsonify(error={"status": status, "message": message}), status
    return render_template("error.html", status=status, message=message), status


def handle_http_error(error: HTTPException) -> tuple[object, int]:
    status = error.code or 500
    message = MESSAGES.get(status) or error.description or ""
    return render_error(status, str(message))


def handle_invalid_input(error: InvalidInput) -> tuple[object, int]:
    """Bad input that reached a service: 422 naming the field."""
    if _wants_json():
        body = {"status": 422, "message": error.message, "field": error.field}
        return jsonify(error=body), 422
    return render_error(422, error.message)


def handle_csrf_error(_error: CSRFError) -> tuple[object, int]:
    return render_error(400, str(_l("The form expired or was sent from elsewhere. Please try again.")))


def handle_unexpected_error(error: Exception) -> tuple[object, int]:
    from flask import current_app

    from web.extensions import db

    if isinstance(error, HTTPException):  # pragma: no cover - handled above
        return handle_http_error(error)
    db.session.rollback()
    current_app.logger.exception("unhandled error", exc_info=error)
    return render_error(500, str(MESSAGES[500]))
