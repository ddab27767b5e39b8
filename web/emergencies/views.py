"""Pages of emergencies: the staff's declaration, list, report and closing; the public page
of what is most needed; the NGOs' short intake. Thin views over `web.emergencies.services`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from web.auth.login import roles_required, signed_in_user, staff_required
from web.centres.services import all_centres
from web.clock import today
from web.emergencies import calls, services
from web.emergencies.scope import active_emergencies, emergency_factor, emergency_scope_matches
from web.extensions import db
from web.i18n import current_language
from web.reference import SECTORS
from web.statuses import Role
from web.validation import InvalidFields
from web.views_common import ActionForm

bp = Blueprint("emergencies", __name__)
ngo_required = roles_required("ngo")
STATE_LABELS = {"upcoming": "upcoming", "active": "active", "ended": "ended", "closed": "closed"}


@bp.app_context_processor
def _banner() -> dict[str, Any]:
    """Every page may show the banner of the emergencies in force."""

    def emergencies_in_force() -> list[Any]:
        try:
            return active_emergencies()
        except SQLAlchemyError:  # the database is down: the page says so, without a banner
            db.session.rollback()
            return []

    return {"emergencies_in_force": emergencies_in_force,
            "need_emergencies": emergency_scope_matches, "emergency_factor": emergency_factor}


def _resolve(registry: Any, text: str) -> str:
    text = text.strip()
    if not text or text in registry:
        return text
    hit = registry.search(text, limit=1)
    return hit[0].id if hit else text


def _submitted() -> dict[str, Any]:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    form = request.form

    def municipality(text: str) -> str:
        found = _resolve(places, text)
        return places[found].municipality if found in places else found

    return {
        **{name: form.get(name, "") for name in ("title_el", "title_en", "message_el",
                                                 "message_en", "ends_on")},
        "starts_on": form.get("starts_on") or None,
        "centre": form.get("centre") or None,
        "sectors": form.getlist("sectors"),
        "categories": [_resolve(taxonomy, t) for t in form.get("categories", "").split(",")
                       if t.strip()],
        "areas": sorted({municipality(t) for t in form.get("areas", "").split(",")
                         if t.strip()}),
    }


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    language = current_language()
    shown = dict(values)
    shown["categories"] = ", ".join(taxonomy[c].label(language) if c in taxonomy else c
                                    for c in values.get("categories", []))
    shown["areas"] = ", ".join(places[p].name(language) if p in places else p
                               for p in values.get("areas", []))
    return shown


def _centre_options() -> list[tuple[str, str]]:
    """The centres the deployment's admin may declare for (staff declare for their own)."""
    if signed_in_user().role != Role.ADMIN:
        return []
    return [(c.slug, c.name(current_language())) for c in all_centres()]


def _list_page(values: dict[str, Any], errors: dict[str, Any]) -> tuple[str, int]:
    return render_template(
        "emergencies/staff_list.html", emergencies=services.list_emergencies(signed_in_user()),
        values=_shown(values), errors=errors, form=ActionForm(), sectors=SECTORS,
        today=today(), centres=_centre_options()
    ), 422 if errors else 200


@bp.get("/staff/emergencies")
@staff_required
def staff_list() -> tuple[str, int]:
    """Emergencies declared, newest first, and the form to declare one."""
    return _list_page({"starts_on": today().isoformat()}, {})


@bp.post("/staff/emergencies")
@staff_required
def declare() -> Any:
    """Declare an emergency, then call the first batch of donors."""
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = _submitted()
    try:
        emergency = services.declare_emergency(signed_in_user(), raw)
    except InvalidFields as error:
        return _list_page(raw, error.errors)
    try:
        called = calls.call_donors(emergency)
    except SQLAlchemyError:  # the declaration stands; `flask emergencies call` goes on later
        db.session.rollback()
        current_app.logger.exception("the call of emergency %s failed", emergency.id)
        called = 0
    flash(_("The emergency is declared. %(n)d donors are being called.", n=called), "success")
    return redirect(url_for("emergencies.staff_page", emergency_id=emergency.id))


@bp.get("/staff/emergencies/<id:emergency_id>")
@staff_required
def staff_page(emergency_id: int) -> str:
    """One emergency: its scope, its figures (the kept report once closed), closing."""
    try:
        emergency = services.get_emergency(emergency_id, signed_in_user())
    except LookupError:
        abort(404)
    return render_template("emergencies/staff_page.html", emergency=emergency,
                           report=services.report_of(emergency), form=ActionForm(),
                           state=emergency.state(today()))


@bp.post("/staff/emergencies/<id:emergency_id>/close")
@staff_required
def close(emergency_id: int) -> Response:
    """Close an emergency and keep its report."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.close_emergency(signed_in_user(), emergency_id)
    except LookupError:
        abort(404)
    flash(_("The emergency is closed. Its report is kept below."), "success")
    return redirect(url_for("emergencies.staff_page", emergency_id=emergency_id))


@bp.get("/emergencies/<id:emergency_id>")
def public_page(emergency_id: int) -> str:
    """What the emergency needs most and where, each with "I can offer this"."""
    try:
        emergency = services.public_emergency(emergency_id)
    except LookupError:
        abort(404)
    needs = services.most_needed(emergency)
    return render_template("emergencies/public.html", emergency=emergency, needs=needs,
                           totals=services.needs_by_category_and_area(needs))


def _intake_choices(emergency: Any) -> dict[str, Any]:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    language = current_language()
    scoped = services.place_ids_in_scope(emergency)
    shown_places = [p for p in places.places.values() if scoped is None or p.id in scoped]
    return {
        "categories": sorted(((c, taxonomy[c].label(language))
                              for c in services.category_ids_in_scope(emergency)),
                             key=lambda pair: pair[1]),
        "places": sorted(((p.id, p.name(language)) for p in shown_places),
                         key=lambda pair: pair[1]),
    }


@bp.route("/emergencies/<id:emergency_id>/need", methods=["GET", "POST"])
@ngo_required
def intake(emergency_id: int) -> Any:
    """A member's short form for a need during the emergency."""
    try:
        emergency = services.public_emergency(emergency_id)
    except LookupError:
        abort(404)
    user = signed_in_user()
    if not user.can_post:
        abort(403)
    values: dict[str, Any] = {"place": (user.organisation.place_id or "") if user.organisation
                              else ""}
    errors: dict[str, Any] = {}
    if request.method == "POST" and ActionForm().validate_on_submit():
        values = {name: request.form.get(name, "").strip() for name in (
            "category", "title", "quantity", "place", "description")}
        try:
            need = services.intake_need(user, emergency_id, values)
        except InvalidFields as error:
            errors = error.errors
        else:
            flash(_("Thank you. The need is posted and the centre's staff see it first."),
                  "success")
            return redirect(url_for("posts.need_page", need_id=need.id))
    return render_template("emergencies/intake.html", emergency=emergency, values=values,
                           errors=errors, form=ActionForm(),
                           **_intake_choices(emergency)), 422 if errors else 200
