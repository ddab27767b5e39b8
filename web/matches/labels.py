"""Words shown for match statuses and the components of a score."""

from flask_babel import lazy_gettext as _l

MATCH_STATUS_LABELS = {
    "proposed": _l("proposed"),
    "confirmed": _l("confirmed"),
    "fulfilled": _l("received"),
    "rejected": _l("rejected"),
    "cancelled": _l("cancelled"),
    "superseded": _l("replaced by a better proposal"),
}
COMPONENT_LABELS = {
    "category": _l("Category"),
    "text": _l("Text similarity"),
    "attributes": _l("Details (size, language, ...)"),
    "distance": _l("Distance"),
    "urgency": _l("Urgency"),
    "deadline": _l("Time to deadline"),
    "quantity": _l("Quantity fit"),
    "fairness": _l("Fairness"),
}
