"""Downloads of lists: staff export the centre's; NGOs and donors their own."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import login_required
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.listing import parse_filters
from web.matches.models import MATCH_STATUSES
from web.models import ORGANISATION_STATUSES
from web.posts.models import STATUSES
from web.staff import bp
from web.staff.exports import export_list
from web.staff.lists import may_list

own_bp = Blueprint("exports", __name__)
EXPORT_PATH = "/exports/<any(needs, offers, matches, organisations):kind>.<any(csv, xlsx):fmt>"
STATUSES_OF = {
    "needs": STATUSES,
    "offers": STATUSES,
    "matches": MATCH_STATUSES,
    "organisations": ORGANISATION_STATUSES,
}


def _export(kind: str, fmt: str) -> Response:
    user = signed_in_user()
    if not may_list(user, kind):
        abort(403)
    return export_list(kind, fmt, parse_filters(request.args, STATUSES_OF[kind]), user)


@bp.get(EXPORT_PATH)
@staff_required
def export(kind: str, fmt: str) -> Response:
    """A staff list with its current filters, as CSV or XLSX."""
    return _export(kind, fmt)


@own_bp.get(EXPORT_PATH)
@login_required
def own(kind: str, fmt: str) -> Response:
    """An NGO's own needs and matches, a donor's own offers and matches."""
    return _export(kind, fmt)
