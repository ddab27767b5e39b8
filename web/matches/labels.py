"""Words shown for match statuses and the components of a score."""

from flask_babel import lazy_gettext as _l

from web.statuses import MatchStatus, RunTrigger

MATCH_STATUS_LABELS = {
    MatchStatus.PROPOSED: _l("proposed"),
    MatchStatus.CONFIRMED: _l("confirmed"),
    MatchStatus.FULFILLED: _l("received"),
    MatchStatus.REJECTED: _l("rejected"),
    MatchStatus.CANCELLED: _l("cancelled"),
    MatchStatus.SUPERSEDED: _l("replaced by a better proposal"),
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
    RunTrigger.OFFER: _l("new or changed offer"),
    RunTrigger.NEED: _l("new or changed need"),
    RunTrigger.FULL: _l("full re-optimisation"),
    RunTrigger.RELEASED: _l("quantity released"),
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
