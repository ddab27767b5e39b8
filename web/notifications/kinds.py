"""The kinds of message, in words, and which of them each person may choose not to get by mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from web.models import User
from web.statuses import Role

KIND_LABELS = {
    "match_confirmed": _l("A match is confirmed"),
    "match_cancelled": _l("A match is cancelled"),
    "match_fulfilled": _l("What arrived is recorded"),
    "match_rescheduled": _l("A recurring commitment is paused or ended"),
    "pledge_waiting": _l("A donor offers something for one of our needs"),
    "need_deadline": _l("A need nears its deadline uncovered"),
    "offer_ending": _l("An offer ends unmatched"),
    "daily_digest": _l("The daily digest"),
    "interest_alert": _l("Open needs that fit what I follow"),
    "interest_confirm": _l("A link to confirm alerts to an address"),
    "match_stale": _l("A confirmed match is not yet received"),
    "match_escalated": _l("A confirmed match is long overdue (staff)"),
    "proposals_digest": _l("Proposals waiting for review (staff)"),
    "organisation_approved": _l("The organisation is approved"),
    "organisation_rejected": _l("The organisation is not approved"),
    "password_reset": _l("A link to reset the password"),
    "email_change": _l("A link to confirm a new address"),
    "email_changed": _l("A note that the address is changing"),
    "urgent_need": _l("An urgent need for one of my committees (staff)"),
    "emergency_call": _l("A call for help during an emergency"),
}
_BY_ROLE = {
    Role.DONOR: ("match_confirmed", "match_cancelled", "match_fulfilled", "offer_ending",
                 "emergency_call", "match_rescheduled"),
    Role.NGO: (
        "match_confirmed",
        "match_cancelled",
        "match_fulfilled",
        "match_rescheduled",
        "pledge_waiting",
        "need_deadline",
        "emergency_call",
    ),
    Role.STAFF: ("proposals_digest", "urgent_need"),
    Role.ADMIN: ("proposals_digest", "urgent_need"),
}


def choosable_kinds(user: User) -> tuple[str, ...]:
    """The kinds this person may stop by mail (the inbox keeps showing them)."""
    return _BY_ROLE.get(user.role, ())
