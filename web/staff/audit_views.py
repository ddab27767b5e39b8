"""The audit trail page and its export."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.posts.services import paginate
from web.staff import audit, bp
from web.staff.exports import Column, rows_of, table_response
from web.views_common import page_number

AUDIT_COLUMNS = [
    Column(_l("When"), lambda e: e.created_at),
    Column(_l("Who"), audit.actor_name),
    Column(_l("What"), lambda e: audit.action_label(e.action)),
    Column(_l("Which"), audit.object_label),
    Column(_l("Details"), audit.details_text),
    Column(_l("Code"), lambda e: e.action),
]


@bp.get("/audit")
@staff_required
def audit_trail() -> str:
    """Every recorded event: who, what, which object, when; newest first."""
    filters = audit.parse_audit_filters(request.args)
    found = paginate(audit.audit_query(filters, signed_in_user()), page_number(), 50)
    return render_template(
        "staff/audit.html",
        page=found,
        filters=filters,
        actions=audit.ACTION_LABELS,
        objects=audit.OBJECT_LABELS,
        audit=audit,
    )


@bp.get("/exports/audit.<any(csv, xlsx):fmt>")
@staff_required
def export_audit(fmt: str) -> Response:
    """The audit trail by its filters, as CSV or XLSX."""
    filters = audit.parse_audit_filters(request.args)
    rows = rows_of(audit.audit_query(filters, signed_in_user()))
    return table_response(AUDIT_COLUMNS, rows, fmt, "audit", _("Audit trail"))
