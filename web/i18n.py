"""Greek and English: which language a request is served in, and the locale helpers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_babel import format_decimal as babel_format_decimal
from flask_login import current_user
from markupsafe import Markup

from web.reference import SECTORS, fragments


def select_locale() -> str:
    """The signed-in user's language (which a choice made on the page updates, see
    `web.auth.views.login`), else the one chosen this visit, else the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    api_user = g.get("api_user")
    if api_user is not None and api_user.language in languages:
        return str(api_user.language)
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    """The two-letter language of this request, chosen once per request (`select_locale`)."""
    # Read where Flask-Babel keeps this request's locale (and where `force_locale` changes it)
    # before asking it: pages call this hundreds of times.
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None) or get_locale()
    return str(locale) if locale is not None else str(current_app.config["BABEL_DEFAULT_LOCALE"])


# (language, type, number, format) -> the number written in that language; numbers on pages
# repeat (scores, weights, quantities), and Babel parses its pattern at each call.
_NUMBERS: dict[tuple[str, type, Any, str | None], str] = {}
_NUMBERS_KEPT = 20_000


def format_decimal(number: Any, format: str | None = None) -> str:  # noqa: A002  # Babel's name
    """A number in this request's language (Flask-Babel's `format_decimal`, remembered)."""
    key = (current_language(), type(number), number, format)
    found = _NUMBERS.get(key)
    if found is None:
        if len(_NUMBERS) >= _NUMBERS_KEPT:
            _NUMBERS.clear()
        found = _NUMBERS[key] = str(babel_format_decimal(number, format))
    return found


def _catalogue() -> Any:
    """This request's catalogue. Flask-Babel finds it through its request context at every
    string (more than the translation costs, on a page of 800 strings): it is kept beside the
    locale Flask-Babel chose, and looked up again when that changes (`force_locale`)."""
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, "komvos_catalogue", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    if state is not None:
        state.komvos_catalogue = (getattr(state, "babel_locale", None), found)
    return found


def picker_options(kind: str, value: str | int | None = None) -> Markup:
    """The `<option>`s of a category, place or sector picker in this request's language, the
    chosen `value` selected: rendered once per language and loaded file (`fragments`)."""
    registry = {
        "category": current_app.extensions.get("komvos.taxonomy"),
        "place": current_app.extensions.get("komvos.places"),
    }.get(kind)
    return fragments.chosen(fragments.options(kind, registry, current_language()), value)


def category_label(category_id: str) -> str:
    """A category's label in the request's language."""
    category = current_app.extensions["komvos.taxonomy"].categories.get(category_id)
    return category.label(current_language()) if category else category_id


def place_name(place_id: str | None) -> str:
    """A place's name in the request's language."""
    place = current_app.extensions["komvos.places"].places.get(place_id or "")
    return place.name(current_language()) if place else (place_id or "")


def unit_label(unit: str) -> str:
    """A unit's label in the request's language."""
    found = current_app.extensions["komvos.taxonomy"].units.get(unit)
    return str(found.labels[current_language()]) if found else unit


def details_text(attributes: dict[str, list[str]] | None) -> str:
    """A post's attribute values in words, in the request's language: "Μέγεθος πάνας: 4"."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    language = current_language()
    parts = []
    for name, values in sorted((attributes or {}).items()):
        attribute = taxonomy.attributes.get(name)
        if attribute is None or not values:
            continue
        shown = ", ".join(attribute.value_label(v, language) for v in values
                          if v in attribute.value_labels)
        parts.append(f"{attribute.label(language)}: {shown}")
    return " · ".join(parts)


def sector_label(code: str | None) -> str:
    """A sector's label in the request's language."""
    return SECTORS[code][current_language()] if code in SECTORS else (code or "")


def org_name(organisation: Any) -> str:
    """An organisation's name in the request's language (its English name on English pages)."""
    return str(organisation.display_name(current_language())) if organisation else ""


def init_app(app: Flask) -> None:
    """Give templates the language and the locale-aware formatters. (Each feature adds its
    own: the inbox's unread count comes with the notifications blueprint.)"""
    app.jinja_env.globals.update(
        category_label=category_label,
        place_name=place_name,
        unit_label=unit_label,
        sector_label=sector_label,
        details_text=details_text,
        org_name=org_name,
        current_language=current_language,
        picker_options=picker_options,
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
    )
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
