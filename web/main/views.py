"""The home page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth import services
from web.auth.forms import LanguageForm
from web.auth.login import signed_in_user
from web.extensions import csrf, login_manager
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


def _cross_site() -> bool:
    sent = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(sent) and urlsplit(sent).netloc != request.host


@bp.post("/language")
@csrf.exempt  # the form checks the token itself, for those signed in (see below)
def set_language() -> Response:
    """Switch between Greek and English; remembered for the signed-in user."""
    # A visitor's switch carries no CSRF token, so that public pages stay free of the
    # session (and cacheable); one from another site's form (browsers say so in Origin, else
    # Referer) is refused, or it could replace a session. Signed in, the token is checked.
    if not current_user.is_authenticated and _cross_site():
        abort(400)
    form = LanguageForm(meta={} if current_user.is_authenticated else {"csrf": False})
    language = form.language.data
    if form.validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            services.set_language(signed_in_user(), language)  # type: ignore[arg-type]  # one of LANGUAGES, so a str
        else:
            # Flask-Login's strong protection empties (and sends again) a visitor's session
            # that lacks the browser's identifier on every request: give it that identifier,
            # so public pages stay cacheable for visitors who chose a language.
            session["_id"] = login_manager._session_identifier_generator()
    return redirect(safe_next(form.next.data) or url_for("main.home"))
