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
    )
    db.session.add(event)
    return event
