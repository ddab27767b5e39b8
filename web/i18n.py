"""Greek and English: which language a request is served in, and the locale helpers."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's language, else the one chosen this visit, else the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    """The two-letter language of this request."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    """Give templates the language and the locale-aware formatters."""
    app.jinja_env.globals.update(
        current_language=current_language,
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
    )
    app.jinja_env.add_extension("jinja2.ext.i18n")

