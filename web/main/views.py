"""The home page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth import services
from web.auth.forms import LanguageForm
from web.auth.login import signed_in_user
from web.reference import SECTORS

bp = Blueprint("main", __name__)


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after sign-in or a language change."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.get("/")
def home() -> str:
    """What Komvos is, and where to start."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    return render_template(
        "main/home.html",
        sectors=SECTORS,
        category_count=len(taxonomy),
        place_count=len(places),
    )


@bp.post("/language")
def set_language() -> Response:
    """Switch between Greek and English; remembered for the signed-in user."""
    form = LanguageForm()
    language = form.language.data
    if form.validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            services.set_language(signed_in_user(), language)  # type: ignore[arg-type]  # one of LANGUAGES, so a str
    return redirect(safe_next(form.next.data) or url_for("main.home"))
