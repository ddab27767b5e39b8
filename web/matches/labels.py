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
RUN_TRIGGER_LABELS = {
    "offer": _l("new or changed offer"),
    "need": _l("new or changed need"),
    "full": _l("full re-optimisation"),
    "released": _l("quantity released"),
}
SOLVER_LABELS = {
    "optimal": _l("optimal"),
    "feasible": _l("feasible, close to optimal"),
}


def solver_label(status: str) -> tuple[str, str]:
    """The solver's verdict in words, and its technical details (in English) if any."""
    head, _sep, details = status.partition(" ")
    label = SOLVER_LABELS.get(head)
    return (str(label), details.strip("()")) if label else ("", status)
