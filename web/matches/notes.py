"""Staff's notes on proposals and matches, and who among them looks after each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from web.audit import record_event
from web.centres.scope import may_see, scoped, staff_in_scope
from web.extensions import db
from web.matches.models import Match, MatchNote
from web.models import User
from web.statuses import STAFF_ROLES, MatchStatus
from web.validation import InvalidInput

MAX_NOTE = 2000


def _staff_match(staff: User, match_id: int) -> Match:
    if not staff.is_staff:
        raise PermissionError("only staff write notes and assign")
    return scoped(staff, db.session.get(Match, match_id))  # another centre's: as if missing


def add_note(staff: User, match_id: int, body: str) -> MatchNote:
    """Leave a note on a proposal or a match for the colleagues who look at it next."""
    match = _staff_match(staff, match_id)
    body = body.strip()
    if not 1 <= len(body) <= MAX_NOTE:
        raise InvalidInput("note", gettext("Write the note in at most 2000 characters."))
    note = MatchNote(match=match, author=staff, body=body)
    db.session.add(note)
    record_event("match.noted", actor=staff, target=match, note=body[:200])
    db.session.commit()
    return note


def colleagues(staff: User | None = None) -> list[Any]:
    """Active staff of the centre of `staff` (default: the signed-in person), by name: whom
    a proposal can be given to, as rows of their id and full name."""
    query = select(User.id, User.full_name).where(
        User.role.in_(STAFF_ROLES), User.active.is_(True), *staff_in_scope(staff))
    return list(db.session.execute(query.order_by(User.full_name, User.id)).all())


def assign_match(staff: User, match_id: int, assignee_id: int | None) -> Match:
    """Give a proposal or match to a colleague (or to nobody, with None)."""
    match = _staff_match(staff, match_id)
    assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and (assignee is None or not assignee.is_staff
                                    or not may_see(staff, assignee)):
        raise InvalidInput("assignee", gettext("Choose one of the centre's staff."))
    match.assigned_to = assignee
    record_event(
        "match.assigned",
        actor=staff,
        target=match,
        assigned_to=assignee.full_name if assignee else "",
    )
    db.session.commit()
    return match


def notes_of(matches: Iterable[Match]) -> dict[int, list[MatchNote]]:
    """The notes of several matches at once, oldest first."""
    ids = [m.id for m in matches]
    found: dict[int, list[MatchNote]] = {i: [] for i in ids}
    if not ids:
        return found
    query = select(MatchNote).where(MatchNote.match_id.in_(ids)).options(
        joinedload(MatchNote.author))
    for note in db.session.scalars(query.order_by(MatchNote.created_at, MatchNote.id)):
        found[note.match_id].append(note)
    return found


def assigned_count(user: User) -> int:
    """Proposals assigned to `user` still waiting for a decision (the queue's "assigned to me")."""
    query = select(func.count()).where(
        Match.assigned_to_id == user.id, Match.status == MatchStatus.PROPOSED
    )
    return int(db.session.scalar(query) or 0)
