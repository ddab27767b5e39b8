"""The audit trail as staff read it: who did what to which object, and when, in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from web.centres.scope import audit_in_scope
from web.models import AuditEvent, User

ACTION_LABELS = {
    "auth.login": _l("signed in"),
    "auth.login_failed": _l("failed to sign in"),
    "auth.logout": _l("signed out"),
    "user.registered": _l("registered"),
    "user.language_changed": _l("changed language"),
    "user.preferences": _l("changed mail preferences"),
    "user.unsubscribed": _l("unsubscribed from reminders"),
    "organisation.registered": _l("registered an organisation"),
    "organisation.approved": _l("approved an organisation"),
    "organisation.rejected": _l("rejected an organisation"),
    "invitation.created": _l("invited a colleague"),
    "invitation.accepted": _l("accepted an invitation"),
    "api_token.created": _l("created an API token"),
    "api_token.revoked": _l("revoked an API token"),
    "offer.posted": _l("posted an offer"),
    "offer.edited": _l("edited an offer"),
    "offer.withdrawn": _l("withdrew an offer"),
    "offer.expired": _l("an offer expired"),
    "need.posted": _l("posted a need"),
    "need.edited": _l("edited a need"),
    "need.closed": _l("closed a need"),
    "need.expired": _l("a need expired"),
    "match.run": _l("ran the matching engine"),
    "match.confirmed": _l("confirmed a match"),
    "match.rejected": _l("rejected a proposal"),
    "match.cancelled": _l("cancelled a match"),
    "match.fulfilled": _l("recorded a receipt"),
    "match.noted": _l("left a note"),
    "match.assigned": _l("assigned to a colleague"),
    "notification.retried": _l("sent a failed message again"),
    "job.ran": _l("a scheduled job ran"),
    "job.failed": _l("a scheduled job failed"),
}
OBJECT_LABELS = {
    "user": _l("person"),
    "organisation": _l("organisation"),
    "invitation": _l("invitation"),
    "api_token": _l("API token"),
    "offer": _l("offer"),
    "need": _l("need"),
    "match": _l("match"),
    "match_run": _l("engine run"),
    "notification": _l("message"),
}
MAX_TEXT = 64


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What the audit list is narrowed to."""

    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    actor: int | None = None
    since: date | None = None
    until: date | None = None

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set)."""
        values = {
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "actor": self.actor,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {k: str(v) for k, v in values.items() if v is not None}


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def parse_audit_filters(args: Mapping[str, str]) -> AuditFilters:
    """Read the audit filters from a query string; anything invalid is ignored."""
    action = (args.get("action") or "")[:MAX_TEXT]
    object_type = args.get("object_type") or ""
    return AuditFilters(
        action=action or None,
        object_type=object_type if object_type in OBJECT_LABELS else None,
        object_id=_number(args.get("object_id")),
        actor=_number(args.get("actor")),
        since=_day(args.get("since")),
        until=_day(args.get("until")),
    )


def audit_query(filters: AuditFilters, staff: User | None = None) -> Select[AuditEvent]:
    """Audit events of the centre of `staff` (default: the signed-in person) by the
    filters, newest first."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor)).where(
        *audit_in_scope(staff))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.actor is not None:
        query = query.where(AuditEvent.actor_id == filters.actor)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _midnight(filters.until) + timedelta(days=1))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def action_label(action: str) -> str:
    """An action in words (its code when it has none yet)."""
    return str(ACTION_LABELS.get(action, action))


def object_label(event: AuditEvent) -> str:
    """Which object, in words: "match 12"."""
    if not event.object_type:
        return ""
    kind = str(OBJECT_LABELS.get(event.object_type, event.object_type))
    return f"{kind} {event.object_id}" if event.object_id is not None else kind


def actor_name(event: AuditEvent) -> str:
    """Who: their name and email, or the system."""
    if event.actor is None:
        return str(_l("the system"))
    return f"{event.actor.full_name} <{event.actor.email}>"


def details_text(event: AuditEvent) -> str:
    """The event's details as "key: value" pairs."""
    details: dict[str, Any] = event.details or {}
    return "; ".join(f"{k}: {v}" for k, v in details.items())
