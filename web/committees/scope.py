"""A staff list narrowed to committees: "mine", "all" or one committee, as sectors.

Lists open on "my committees" for staff who sit on any (`open_on_mine`); "all" is the same
list without the narrowing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from web.committees.models import CommitteeMember
from web.extensions import db

MINE, ALL = "mine", "all"


def committee_choices() -> tuple[str, ...]:
    """What a list's `committee` argument may say."""
    return (MINE, ALL, *current_app.extensions["komvos.committees"].by_id)


def seats_of(user_id: int) -> list[str]:
    """The ids of the committees a person sits on (asked once per request and person)."""
    known = g.setdefault("komvos_seats", {}) if has_request_context() else {}
    if user_id not in known:
        known[user_id] = list(db.session.scalars(
            select(CommitteeMember.committee_id).where(CommitteeMember.user_id == user_id)))
    return list(known[user_id])


def committee_sectors(value: str | None, user: Any = None) -> set[str] | None:
    """The sectors a `committee` filter allows (None: no narrowing)."""
    if not value or value == ALL:
        return None
    registry = current_app.extensions["komvos.committees"]
    if value != MINE:
        return registry.sectors_of([value])  # type: ignore[no-any-return]  # the registry answers sets of sector codes
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return None
    seats = seats_of(user.id)
    return registry.sectors_of(seats) if seats else None


def open_on_mine(filters: Any, args: Mapping[str, str], user: Any) -> Any:
    """`filters` narrowed to the user's committees unless the query chose otherwise."""
    if "committee" in args or not seats_of(user.id):
        return filters
    return filters.but(committee=MINE)
