"""The audit trail: every sign-in, registration, decision and invitation leaves a row."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from web.extensions import db
from web.models import AuditEvent, User


def record_event(
    action: str,
    actor: User | None = None,
    target: Any = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit row to the session; the caller's transaction commits it."""
    event = AuditEvent(
        action=action,
        actor=actor,
        object_type=type(target).__tablename__ if target is not None else "",
        object_id=getattr(target, "id", None),
        details=details,
        ip_address=request.remote_addr or "" if has_request_context() else "",
        centre_id=_centre_of(actor, target, details),
    )
    db.session.add(event)
    return event


def _centre_of(actor: User | None, target: Any, details: dict[str, Any]) -> int | None:
    """The centre whose staff may read the event: the one named, the target's (a match's:
    its need's), else the acting staff member's; None (the admin only) for national ones."""
    if details.get("centre_id") is not None:
        return int(details["centre_id"])
    for source in (target, getattr(target, "need", None), actor):
        centre_id = getattr(source, "centre_id", None)
        if centre_id is not None:
            return int(centre_id)
    return None
