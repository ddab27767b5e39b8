"""The one rule of who of the staff sees what: a staff member acts only on their centre's.

A centre owns its member organisations (`centre_member`), the needs posted through it
(`need.centre_id`) and so their matches and proposals (a match belongs to its need's centre),
its emergencies, its staff (and so their committee seats) and its audit events. Offers are
national: every centre's staff see them. The deployment's admin (role admin) sees every
centre's. Every staff list, reader, report and export narrows its query with the conditions
here; a reader of one object asks `may_see`, and an object of another centre answers as a
missing one does (LookupError, so 404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import false, or_, select

from web.centres.models import Centre, CentreMember
from web.centres.services import in_area
from web.emergencies.models import Emergency
from web.extensions import db
from web.matches.models import Match
from web.models import AuditEvent, Organisation, User
from web.posts.models import Need
from web.statuses import OrganisationKind, Role

T = TypeVar("T")
# A centre id no row has: what someone outside every centre sees of centre-owned rows.
NO_CENTRE = 0


def centre_of(user: Any = None) -> int | None:
    """The centre whose rows `user` (default: the signed-in person) acts on; None for the
    deployment's admin, who sees every centre's, and for work outside any request (the
    scheduler's jobs, the command line), which is the deployment's own."""
    if user is None:
        if not has_request_context():
            return None
        user = current_user
    if getattr(user, "role", None) == Role.ADMIN:
        return None
    return getattr(user, "centre_id", None) or NO_CENTRE


def _where(column: Any, user: Any) -> list[Any]:
    centre_id = centre_of(user)
    return [] if centre_id is None else [column == centre_id]


def needs_in_scope(user: Any = None) -> list[Any]:
    """Conditions on Need: the user's centre's needs. Queries that join a match's need use
    these for the match too."""
    return _where(Need.centre_id, user)


def matches_in_scope(user: Any = None) -> list[Any]:
    """Conditions on Match, with no join: matches of the centre's needs."""
    centre_id = centre_of(user)
    if centre_id is None:
        return []
    return [Match.need_id.in_(select(Need.id).where(Need.centre_id == centre_id))]


def members_of(centre_id: int) -> Any:
    """The ids of the centre's member organisations, as a subquery."""
    return select(CentreMember.organisation_id).where(CentreMember.centre_id == centre_id)


def organisations_in_scope(user: Any = None) -> list[Any]:
    """Conditions on Organisation: the centre's members."""
    centre_id = centre_of(user)
    return [] if centre_id is None else [Organisation.id.in_(members_of(centre_id))]


def audit_in_scope(user: Any = None) -> list[Any]:
    """Conditions on AuditEvent: the centre's events (national ones: the admin's only)."""
    return _where(AuditEvent.centre_id, user)


def emergencies_in_scope(user: Any = None) -> list[Any]:
    """Conditions on Emergency: the centre's own."""
    return _where(Emergency.centre_id, user)


def staff_in_scope(user: Any = None) -> list[Any]:
    """Conditions on User for the staff pages: the centre's staff (the admin sees all)."""
    centre_id = centre_of(user)
    if centre_id is None:
        return []
    return [User.centre_id == centre_id] if centre_id != NO_CENTRE else [false()]


def people_in_scope(column: Any, user: Any = None) -> list[Any]:
    """Conditions on a column holding a person's id (a message's recipient): the centre's
    staff, its members' representatives, and donors and addresses without an account (who
    are national); never another centre's staff or members."""
    centre_id = centre_of(user)
    if centre_id is None:
        return []
    people = select(User.id).where(or_(
        User.role == Role.DONOR, User.centre_id == centre_id,
        User.organisation_id.in_(members_of(centre_id))))
    return [or_(column.is_(None), column.in_(people))]


def area_of(user: Any = None) -> Callable[[str], bool] | None:
    """Whether a place lies in the user's centre's area (None: every place, for the admin);
    what national rows (offers) are narrowed by in a centre's reports."""
    centre_id = centre_of(user)
    if centre_id is None:
        return None
    centre = db.session.get(Centre, centre_id)
    return (lambda place_id: centre is not None and in_area(centre, place_id))


def _owner(thing: Any) -> int | None:
    if isinstance(thing, Match):
        return thing.need.centre_id
    return getattr(thing, "centre_id", None)


def may_see(user: Any, thing: Any) -> bool:
    """Whether `user`'s staff work reaches `thing` (a need, match, organisation, emergency,
    staff member or audit event; an offer is national)."""
    centre_id = centre_of(user)
    if centre_id is None or thing is None:
        return thing is not None
    if isinstance(thing, Organisation):
        if thing.kind == OrganisationKind.CENTRE:
            return True
        member = select(CentreMember.id).where(
            CentreMember.organisation_id == thing.id, CentreMember.centre_id == centre_id)
        return db.session.scalar(member.limit(1)) is not None
    if isinstance(thing, (Need, Match, Emergency, AuditEvent, User)):
        return _owner(thing) == centre_id
    return True


def scoped(user: Any, thing: T | None) -> T:
    """`thing` when `user` may act on it; LookupError (a 404, as for a missing id) if not."""
    if thing is None or not may_see(user, thing):
        raise LookupError("not in this centre")
    return thing
