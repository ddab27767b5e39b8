"""Centre staff: the dashboard, organisations to verify, lists, exports and the audit trail."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

# The page modules add their routes to `bp`.
from web.staff import (  # noqa: E402, F401
    audit_views,
    export_views,
    import_views,
    list_views,
    report_views,
    views,
)
