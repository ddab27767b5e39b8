"""Pages of the directory: the public list with a map, a page per member, a member's own
services, and the staff's review of changes. Thin views over `web.directory.services`."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.auth.login import representative_required, roles_required, signed_in_user, staff_required
from web.directory import services
from web.directory.schemas import language_codes
from web.extensions import db
from web.http_cache import directory_version, public_cached
from web.i18n import current_language
from web.models import Organisation
from web.reference import SECTORS
from web.validation import InvalidFields
from web.views_common import ActionForm

bp = Blueprint("directory", __name__)
# Representatives of approved member NGOs describe their organisation's services.
member_required = roles_required("ngo")


@bp.app_context_processor
def _member_services() -> dict[str, Any]:
    """Pages of needs show members whose standing services fit an uncovered need."""

    def member_services_for(need: Any) -> list[Any]:
        # Read once per request, whatever the number of needs on the page.
        waiting = g.setdefault("directory_waiting", {})
        if need.organisation_id not in waiting:
            waiting[need.organisation_id] = services.waiting_need_ids(need.organisation_id)
        if not services.uncovered(need, waiting[need.organisation_id]):
            return []
        if "directory_listed" not in g:
            g.directory_listed = services.public_services()
        return services.fitting_services(need, g.directory_listed)

    return {"member_services_for": member_services_for}


def _filters() -> dict[str, str | None]:
    places = current_app.extensions["komvos.places"]
    args = request.args
    return {
        "q": (args.get("q") or "")[:200] or None,
        "sector": args.get("sector") if args.get("sector") in SECTORS else None,
        "area": args.get("area") if args.get("area") in places else None,
        "language": args.get("language") if args.get("language") in language_codes() else None,
    }


def _choices() -> dict[str, Any]:
    return {
        "sectors": SECTORS,
        "languages": language_codes(),
        "language_label": current_app.extensions["komvos.taxonomy"].attributes[
            "language"].value_label,
    }


@bp.get("/directory")
@public_cached(directory_version)
def directory() -> str:
    """The public directory of member services: searchable, filtered, beside a map."""
    filters = _filters()
    found = services.search_directory(filters)
    return render_template("directory/list.html", services=found, filters=filters, **_choices())


@bp.get("/directory/<id:organisation_id>")
def organisation(organisation_id: int) -> str:
    """A member's page: its public contact and approved services."""
    member = db.session.get(Organisation, organisation_id)
    if member is None or member.kind != "ngo" or not member.is_approved:
        abort(404)
    found = [s for s in services.search_directory({}) if s.organisation_id == member.id]
    return render_template("directory/organisation.html", member=member, services=found,
                           **_choices())


def _submitted() -> dict[str, Any]:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    form = request.form

    def resolve(registry: Any, text: str) -> str:
        text = text.strip()
        if not text or text in registry:
            return text
        hit = registry.search(text, limit=1)
        return hit[0].id if hit else text

    return {
        **{name: form.get(name, "") for name in ("title", "description", "sector", "hours",
                                                 "eligibility", "contact")},
        "categories": [resolve(taxonomy, t) for t in form.get("categories", "").split(",")
                       if t.strip()],
        "areas": [resolve(places, t) for t in form.get("areas", "").split(",") if t.strip()],
        "place": resolve(places, form.get("place", "")) or None,
        "languages": form.getlist("languages"),
    }


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """What the form shows: ids as the person's words."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    language = current_language()
    shown = dict(values)
    shown["categories"] = ", ".join(
        taxonomy[c].label(language) if c in taxonomy else c for c in values.get("categories", []))
    shown["areas"] = ", ".join(
        places[p].name(language) if p in places else p for p in values.get("areas", []))
    place = values.get("place")
    shown["place"] = places[place].name(language) if place and place in places else place or ""
    return shown


def _form(values: dict[str, Any], errors: dict[str, Any], service: Any = None) -> Any:
    status = 422 if errors else 200
    return render_template("directory/form.html", values=_shown(values), errors=errors,
                           service=service, form=ActionForm(), **_choices()), status


@bp.get("/directory/ours")
@member_required
@representative_required
def ours() -> str:
    """The services of the signed-in representative's organisation, with their status."""
    return render_template("directory/ours.html", services=services.services_of(
        signed_in_user()), **_choices())


@bp.route("/directory/ours/new", methods=["GET", "POST"])
@member_required
@representative_required
def new_service() -> Any:
    """Describe a standing service of the organisation."""
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _submitted()
        try:
            services.describe_service(signed_in_user(), raw)
        except InvalidFields as error:
            return _form(raw, error.errors)
        flash(_("Thank you. The centre's staff will review the service before it is listed."),
              "success")
        return redirect(url_for("directory.ours"))
    return _form({"languages": ["greek"]}, {})


@bp.route("/directory/ours/<id:service_id>/edit", methods=["GET", "POST"])
@member_required
@representative_required
def edit_service(service_id: int) -> Any:
    """Change a service; the change is listed once staff approve it."""
    try:
        service = services.get_own_service(signed_in_user(), service_id)
    except LookupError:
        abort(404)
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _submitted()
        try:
            services.change_service(signed_in_user(), service_id, raw)
        except InvalidFields as error:
            return _form(raw, error.errors, service)
        flash(_("Thank you. The centre's staff will review the service before it is listed."),
              "success")
        return redirect(url_for("directory.ours"))
    values = {name: getattr(service, name) for name in (
        "title", "description", "sector", "categories", "areas", "languages", "hours",
        "eligibility", "contact")}
    values["place"] = service.place_id
    return _form(values, {}, service)


@bp.get("/staff/directory")
@staff_required
def review() -> str:
    """Services and changes waiting for staff."""
    return render_template("directory/review.html",
                           services=services.pending_services(signed_in_user()),
                           form=ActionForm(), **_choices())


@bp.post("/staff/directory/<id:service_id>/<any(approve, reject):decision>")
@staff_required
def decide(service_id: int, decision: str) -> Response:
    """Approve a service for the directory, or reject it."""
    if ActionForm().validate_on_submit():
        try:
            services.decide_service(signed_in_user(), service_id, decision == "approve")
        except LookupError:
            abort(404)
        flash(_("The service is approved.") if decision == "approve"
              else _("The service is rejected."), "success")
    return redirect(url_for("directory.review"))
