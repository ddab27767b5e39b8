"""Staff pages: the dashboard, the organisations waiting for a decision, and the decision."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.auth import services
from web.auth.forms import DecisionForm
from web.auth.login import signed_in_user, staff_required
from web.clock import today
from web.committees.scope import committee_sectors, open_on_mine
from web.i18n import sector_label
from web.listing import ListFilters
from web.matches.notes import assigned_count
from web.models import ORGANISATION_STATUSES
from web.posts.labels import URGENCY_LABELS
from web.staff import bp
from web.staff.dashboard import AgeCount, build_dashboard, chart_data
from web.statuses import OrganisationStatus
from web.validation import InvalidInput

# The blueprint its routes join, which the app factory mounts.
__all__ = ["bp"]


def age_label(bucket: AgeCount) -> str:
    """An age bucket in words: "under a day", "1 to 3 days", "7 days or more"."""
    if bucket.from_days == 0 and bucket.to_days == 1:
        return _("under a day")
    if bucket.to_days is None:
        return _("%(n)d days or more", n=bucket.from_days)
    return _("%(low)d to %(high)d days", low=bucket.from_days, high=bucket.to_days)


@bp.get("")
@staff_required
def dashboard() -> str:
    """Where staff land: open work, gaps, waiting decisions and deliveries (of the staff
    member's committees unless "all" is chosen)."""
    scope = open_on_mine(ListFilters(committee=request.args.get("committee")), request.args,
                         signed_in_user()).committee
    board = build_dashboard(today(), sectors=committee_sectors(scope), staff=signed_in_user())
    labels = {
        "sectors": lambda code: sector_label(code) or _("No sector"),
        "ages": age_label,
        "week": lambda day: format_date(day, "d MMM"),
        "needs": _("Needs"),
        "proposals": _("Proposals"),
        "matches": _("Matches"),
    }
    return render_template(
        "staff/dashboard.html",
        board=board,
        charts=chart_data(board, labels),
        age_label=age_label,
        week_label=labels["week"],
        sector_name=labels["sectors"],
        today=today(),
        urgency_labels=URGENCY_LABELS,
        assigned_to_me=assigned_count(signed_in_user()),
        committee_scope=scope,
    )


@bp.get("/organisations")
@staff_required
def organisations() -> str:
    """Organisations by status; pending ones first to decide."""
    status = request.args.get("status", OrganisationStatus.PENDING)
    if status not in (*ORGANISATION_STATUSES, "all"):
        abort(404)
    found = services.list_organisations(None if status == "all" else status, signed_in_user())
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
