"""Staff pages: the organisations waiting for a decision, and the decision itself."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.auth import services
from web.auth.forms import DecisionForm
from web.auth.login import signed_in_user, staff_required
from web.models import ORGANISATION_STATUSES
from web.posts.labels import STATUS_LABELS
from web.posts.models import ACTIVE_STATUSES, Offer
from web.posts.services import paginate
from web.validation import InvalidInput

bp = Blueprint("staff", __name__)


@bp.get("/organisations")
@staff_required
def organisations() -> str:
    """Organisations by status; pending ones first to decide."""
    status = request.args.get("status", "pending")
    if status not in (*ORGANISATION_STATUSES, "all"):
        abort(404)
    found = services.list_organisations(None if status == "all" else status)
    return render_template(
        "staff/organisations.html",
        organisations=found,
        status=status,
        statuses=ORGANISATION_STATUSES,
        form=DecisionForm(),
    )


@bp.post("/organisations/<id:organisation_id>/<any(approve, reject):decision>")
@staff_required
def decide(organisation_id: int, decision: str) -> Response:
    """Approve or reject one organisation."""
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long."), "error")
        return redirect(url_for("staff.organisations"))
    try:
        organisation = services.decide_organisation(
            organisation_id, signed_in_user(), decision == "approve", form.reason.data or ""
        )
    except InvalidInput as error:
        flash(error.message, "error")
    except LookupError:
        abort(404)
    else:
        if decision == "approve":
            flash(_("%(name)s is approved.", name=organisation.name), "success")
        else:
            flash(_("%(name)s is rejected.", name=organisation.name), "success")
    return redirect(url_for("staff.organisations"))


@bp.get("/offers")
@staff_required
def offers() -> str:
    """Open offers, newest first, listed beside a map of their areas."""
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < int(raw) <= 100_000 else 1
    query = (
        select(Offer)
        .where(Offer.status.in_(ACTIVE_STATUSES))
        .order_by(Offer.created_at.desc(), Offer.id.desc())
    )
    return render_template(
        "staff/offers.html", page=paginate(query, page, 50), status_labels=STATUS_LABELS
    )
