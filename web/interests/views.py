"""Pages: a donor's saved interests on /account/interests, and the public subscription with
double opt-in (confirm and unsubscribe without signing in)."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from web.auth.login import roles_required, signed_in_user
from web.extensions import csrf
from web.i18n import current_language
from web.interests import services
from web.interests.models import FREQUENCIES, Interest
from web.posts.models import OFFER_ROLES
from web.reference import KINDS
from web.validation import InvalidFields
from web.views_common import ActionForm

bp = Blueprint("interests", __name__)


def _alphabetical(text: str) -> str:
    """Sort key in the label's own alphabet, ignoring accents and case (Ά sorts as α)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
donors_only = roles_required(*OFFER_ROLES)


def form_values(form: MultiDict[str, str]) -> dict[str, Any]:
    """An interest as the page's form sends it."""
    return {
        "kind": form.get("kind") or None,
        "categories": [c for c in form.getlist("categories") if c],
        "areas": [a for a in form.getlist("areas") if a],
        "urgent_nearby": form.get("urgent_nearby") == "on",
        "frequency": form.get("frequency", "daily"),
    }


def _values_of(interest: Interest | None) -> dict[str, Any]:
    if interest is None:
        return {"kind": None, "categories": [], "areas": [], "urgent_nearby": False,
                "frequency": "daily"}
    return {"kind": interest.kind, "categories": interest.categories, "areas": interest.areas,
            "urgent_nearby": interest.urgent_nearby, "frequency": interest.frequency}


def _choices() -> dict[str, Any]:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    language = current_language()
    by_kind = {
        kind: sorted(
            (c for c in taxonomy.categories.values() if c.kind == kind),
            key=lambda c: _alphabetical(c.label(language)),
        )
        for kind in KINDS
    }
    areas = sorted(places.municipalities(), key=lambda p: _alphabetical(p.name(language)))
    return {"categories_by_kind": by_kind, "area_choices": areas, "kinds": KINDS,
            "frequencies": FREQUENCIES}


def _mine(values: dict[str, Any] | None = None, errors: Any = None, status: int = 200,
          editing: Interest | None = None) -> tuple[str, int]:
    user = signed_in_user()
    return render_template(
        "interests/mine.html",
        interests=services.interests_of(user),
        values=values or _values_of(editing),
        errors=errors or {},
        editing=editing,
        form=ActionForm(),
        **_choices(),
    ), status


@bp.get("/account/interests")
@donors_only
def mine() -> tuple[str, int]:
    """The donor's saved interests, and a form for a new one."""
    return _mine()


@bp.post("/account/interests")
@donors_only
def add() -> Response | tuple[str, int]:
    """Save a new interest."""
    values = form_values(request.form)
    try:
        services.save_interest(signed_in_user(), values)
    except InvalidFields as error:
        return _mine(values, error.errors, 422)
    flash(_("Your interest is saved. We will write when needs that fit it are posted."), "success")
    return redirect(url_for("interests.mine"))


@bp.get("/account/interests/<id:interest_id>/edit")
@donors_only
def edit(interest_id: int) -> tuple[str, int]:
    """The form for one interest, filled in."""
    try:
        interest = services.get_interest(signed_in_user(), interest_id)
    except LookupError:
        abort(404)
    return _mine(editing=interest)


@bp.post("/account/interests/<id:interest_id>/edit")
@donors_only
def update(interest_id: int) -> Response | tuple[str, int]:
    """Change one interest."""
    user = signed_in_user()
    values = form_values(request.form)
    try:
        interest = services.get_interest(user, interest_id)
        services.update_interest(user, interest_id, values)
    except LookupError:
        abort(404)
    except InvalidFields as error:
        return _mine(values, error.errors, 422, editing=interest)
    flash(_("Your interest is changed."), "success")
    return redirect(url_for("interests.mine"))


@bp.post("/account/interests/<id:interest_id>/delete")
@donors_only
def delete(interest_id: int) -> Response:
    """Forget one interest."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_interest(signed_in_user(), interest_id)
    except LookupError:
        abort(404)
    flash(_("The interest is deleted; it sends nothing more."), "success")
    return redirect(url_for("interests.mine"))


# Public -------------------------------------------------------------------------------------


@bp.route("/interests/subscribe", methods=["GET", "POST"])
def subscribe() -> tuple[str, int]:
    """Anyone may ask for alerts with an email address; nothing comes before they confirm."""
    values = _values_of(None) | {"email": "", "language": current_language()}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        values = form_values(request.form) | {
            "email": request.form.get("email", "").strip(),
            "language": request.form.get("language", current_language()),
        }
        try:
            interest = services.subscribe_address(values["email"], values["language"], values)
        except InvalidFields as error:
            errors = error.errors
        else:
            return render_template("interests/subscribed.html", email=interest.email,
                                   days=services.confirm_days()), 200
    return render_template(
        "interests/subscribe.html", values=values, errors=errors, **_choices()
    ), 422 if errors else 200


@bp.route("/interests/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> tuple[str, int]:
    """The link of the confirmation mail: a button to confirm (a mail scanner's visit does
    nothing)."""
    if services.subscription_from_token(token) is None:
        return render_template("interests/link_invalid.html"), 404
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        interest = services.confirm_address(token)
        return render_template("interests/confirmed.html", interest=interest), 200
    return render_template("interests/confirm.html", token=token, form=ActionForm()), 200


@bp.route("/interests/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> tuple[str, int]:
    """One click ends every alert to a public address (RFC 8058), with no sign-in."""
    email = services.address_from_token(token)
    if email is None:
        return render_template("interests/link_invalid.html"), 404
    if request.method == "POST":
        services.unsubscribe_address(email)
        return render_template("interests/unsubscribe.html", done=True, token=token), 200
    return render_template("interests/unsubscribe.html", done=False, token=token), 200
