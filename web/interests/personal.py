"""A person's interests in their personal-data export, and forgotten when they are erased."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from web.extensions import db
from web.interests.models import Interest, InterestSent


def exported(user_id: int, email: str) -> list[dict[str, Any]]:
    """The person's saved interests, and any a public address of theirs subscribed."""
    rows = db.session.scalars(
        select(Interest)
        .where(or_(Interest.user_id == user_id, Interest.email == email))
        .order_by(Interest.id)
    )
    return [
        {
            "id": i.id,
            "kind": i.kind,
            "categories": list(i.categories or []),
            "areas": list(i.areas or []),
            "urgent_nearby": i.urgent_nearby,
            "frequency": i.frequency,
            "language": i.language,
            "by_address": i.user_id is None,
            "confirmed_at": i.confirmed_at.isoformat() if i.confirmed_at else None,
            "created_at": i.created_at.isoformat(),
        }
        for i in rows
    ]


def forget(user_id: int, email: str) -> None:
    """Delete the person's interests and the log of needs told to them (the caller commits)."""
    db.session.execute(
        delete(Interest).where(or_(Interest.user_id == user_id, Interest.email == email))
    )
    db.session.execute(
        delete(InterestSent).where(
            InterestSent.recipient.in_((f"user:{user_id}", f"email:{email}"))
        )
    )
