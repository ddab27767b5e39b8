"""Centre staff: the dashboard, organisations to verify, lists, exports and the audit trail."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

# The page modules add their routes to `bp`.
from web.staff import audit_views, export_views, list_views, report_views, views  # noqa: E402, F401
