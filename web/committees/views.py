"""The staff's page of committees: who sits on which, and changing one's seats."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.centres.scope import may_see
from web.committees import services
from web.extensions import db
from web.models import User
from web.validation import InvalidInput
from web.views_common import ActionForm

bp = Blueprint("committees", __name__)


@bp.app_context_processor
def _my_committees() -> dict[str, Any]:
    """Staff pages show which committees the lists are narrowed to."""

    def my_committees() -> list[Any]:
        if not current_user.is_authenticated or not current_user.is_staff:
            return []
        registry = services.committees()
        return [registry[i] for i in services.committee_ids_of(signed_in_user())]

    return {"my_committees": my_committees}


@bp.get("/staff/committees")
@staff_required
def staff_page() -> str:
    """Every committee with the sectors it follows and its members; every staff member's
    seats, to change."""
    me = signed_in_user()
    people = services.staff_people(me)
    return render_template(
        "committees/staff.html",
        committees=services.committees().all,
        members={c.id: services.members_of(c.id, staff=me) for c in services.committees().all},
        people=people,
        seats={p.id: services.committee_ids_of(p) for p in people},
        form=ActionForm(),
    )


@bp.post("/staff/committees/<id:user_id>")
@staff_required
def set_seats(user_id: int) -> Response:
    """Put a staff member on exactly the ticked committees."""
    if not ActionForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff or not may_see(signed_in_user(), user):
        abort(404)  # another centre's staff: as if missing
    try:
        services.set_seats(signed_in_user(), user, request.form.getlist("committees"))
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(_("The committees of %(name)s are saved.", name=user.full_name), "success")
    return redirect(url_for("committees.staff_page") + f"#person-{user_id}")
