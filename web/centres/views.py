"""The deployment admin's pages: the centres, creating and changing one, its members and the
appointment of its staff."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.account.recovery import request_password_reset
from web.auth.login import roles_required, signed_in_user
from web.auth.services import create_staff
from web.centres import services
from web.centres.models import Centre
from web.extensions import db
from web.models import Organisation
from web.statuses import OrganisationKind
from web.validation import InvalidInput
from web.views_common import ActionForm

bp = Blueprint("centres", __name__, url_prefix="/admin/centres")
admin_required = roles_required("admin")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ("slug", "name_el", "name_en", "tagline_el", "tagline_en", "email", "phone")


@bp.app_context_processor
def _my_centre() -> dict[str, Any]:
    """Pages show the centre's name and branding line to its staff and members."""

    def my_centre() -> Centre | None:
        if not current_user.is_authenticated:
            return None
        if current_user.centre_id is not None:
            return db.session.get(Centre, current_user.centre_id)
        found = services.centres_of(current_user.organisation_id)
        return found[0] if found else None

    return {"my_centre": my_centre}


def _details() -> services.CentreDetails:
    values = {name: request.form.get(name, "").strip()[:200] for name in FIELDS}
    return services.CentreDetails(**values, area=services.resolve_area(
        request.form.get("area", "")[:2000]))


def _centre(centre_id: int) -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    return centre


@bp.get("")
@admin_required
def centres(errors: dict[str, list[str]] | None = None, status: int = 200) -> Any:
    """Every centre, and the form to add one."""
    values = request.form if errors else {}
    return render_template("centres/list.html", centres=services.all_centres(),
                           values=values, errors=errors or {}, form=ActionForm()), status


@bp.post("")
@admin_required
def create() -> Any:
    """Add a centre."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        centre = services.save_centre(signed_in_user(), _details())
    except InvalidInput as error:
        return centres({error.field: [error.message]}, 422)
    flash(_("The centre %(name)s is added.", name=centre.name_en), "success")
    return redirect(url_for("centres.page", centre_id=centre.id))


@bp.get("/<id:centre_id>")
@admin_required
def page(centre_id: int, errors: dict[str, list[str]] | None = None, status: int = 200) -> Any:
    """One centre: its details to change, its members and staff."""
    centre = _centre(centre_id)
    values = request.form if errors else {**{n: getattr(centre, n) for n in FIELDS},
                                          "area": ", ".join(centre.area)}
    members = services.members(centre)
    others = db.session.scalars(
        db.select(Organisation).where(Organisation.kind != OrganisationKind.CENTRE,
                                      Organisation.id.not_in([m.id for m in members]))
        .order_by(Organisation.name).limit(500)).all()
    return render_template("centres/page.html", centre=centre, values=values,
                           errors=errors or {}, members=members, others=others,
                           staff=services.staff_of(centre), form=ActionForm()), status


@bp.post("/<id:centre_id>")
@admin_required
def edit(centre_id: int) -> Any:
    """Change a centre's details."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.save_centre(signed_in_user(), _details(), _centre(centre_id))
    except InvalidInput as error:
        db.session.rollback()
        return page(centre_id, {error.field: [error.message]}, 422)
    flash(_("The centre is saved."), "success")
    return redirect(url_for("centres.page", centre_id=centre_id))


@bp.post("/<id:centre_id>/members")
@admin_required
def add_member(centre_id: int) -> Response:
    """Make an organisation a member of the centre."""
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = request.form.get("organisation", "")
    try:
        services.add_member(signed_in_user(), _centre(centre_id),
                            int(raw) if raw.isdigit() and len(raw) < 10 else 0)
    except InvalidInput as error:
        flash(error.message, "error")
    return redirect(url_for("centres.page", centre_id=centre_id) + "#members")


@bp.post("/<id:centre_id>/members/<id:organisation_id>/remove")
@admin_required
def remove_member(centre_id: int, organisation_id: int) -> Response:
    """End an organisation's membership of the centre."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_member(signed_in_user(), _centre(centre_id), organisation_id)
    except LookupError:
        abort(404)
    return redirect(url_for("centres.page", centre_id=centre_id) + "#members")


@bp.post("/<id:centre_id>/staff")
@admin_required
def appoint(centre_id: int) -> Any:
    """Open a staff account of the centre; the person sets a password from the mailed link."""
    if not ActionForm().validate_on_submit():
        abort(400)
    centre = _centre(centre_id)
    email = request.form.get("email", "").strip()[:254]
    name = request.form.get("full_name", "").strip()[:120] or email.split("@")[0]
    try:
        if not EMAIL.match(email):
            raise InvalidInput("email", _("Enter a valid email address."))
        create_staff(email, name, secrets.token_urlsafe(24), centre=centre)
    except InvalidInput as error:
        return page(centre_id, {error.field: [error.message]}, 422)
    request_password_reset(email)
    flash(_("%(email)s is staff of the centre now, and was sent a link to set a password.",
            email=email), "success")
    return redirect(url_for("centres.page", centre_id=centre_id) + "#staff")
