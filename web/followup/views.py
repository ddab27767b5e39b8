"""The "no longer needed / no longer available" page a reminder links to: no sign-in, a
page with a button on GET, the change only on POST."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from web.followup import services
from web.validation import InvalidInput
from web.views_common import ActionForm

bp = Blueprint("followup", __name__)


@bp.route("/followup/<token>", methods=["GET", "POST"])
def release(token: str) -> tuple[str, int]:
    """Say the post is no longer needed (an NGO's need) or available (a donor's offer)."""
    found = services.read_release(token)
    if found is None:
        return render_template("followup/link_invalid.html"), 404
    if request.method == "GET":
        return render_template("followup/confirm.html", found=found, form=ActionForm()), 200
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        called_off = services.release(found)
    except (InvalidInput, LookupError):  # changed meanwhile: the link no longer applies
        return render_template("followup/link_invalid.html"), 404
    return render_template("followup/done.html", found=found, called_off=called_off), 200
