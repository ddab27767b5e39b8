"""Committees' use cases: seats of staff, where a post goes, telling members of urgent needs.

A post's committees are computed from its category's sector, never stored: moving basic goods
to another committee in config/committees.toml moves every post at once, old ones included.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from web.audit import record_event
from web.centres.scope import staff_in_scope
from web.committees.models import CommitteeMember
from web.committees.registry import Committee, Committees
from web.committees.scope import seats_of
from web.emergencies.scope import emergency_scope_matches
from web.extensions import db
from web.i18n import unit_label
from web.models import User
from web.notifications.outbox import notify
from web.posts.models import Need, Offer
from web.validation import InvalidInput

URGENT = ("high", "emergency")


def committees() -> Committees:
    """The centre's committees, as config/committees.toml declares them."""
    return current_app.extensions["komvos.committees"]  # type: ignore[no-any-return]


def committee_ids_of(user: User) -> list[str]:
    """The committees `user` sits on, in the file's order."""
    seats = set(seats_of(user.id))
    return [c.id for c in committees().all if c.id in seats]


def sectors_of(user: User) -> set[str]:
    """The sectors `user`'s committees follow (empty: no committee)."""
    return committees().sectors_of(committee_ids_of(user))


def members_of(committee_id: str, centre_id: int | None = None,
               staff: User | None = None) -> list[User]:
    """Active staff on the committee, by name: every centre has the five committees, and
    its staff's seats make its own (`centre_id`, or the centre of `staff`)."""
    within = [User.centre_id == centre_id] if centre_id is not None else staff_in_scope(staff)
    return list(db.session.scalars(
        select(User)
        .join(CommitteeMember, CommitteeMember.user_id == User.id)
        .where(CommitteeMember.committee_id == committee_id, User.active.is_(True), *within)
        .order_by(User.full_name, User.id)))


def committees_for(post: Offer | Need) -> list[Committee]:
    """The committees a need or an offer goes to, by its category's sector."""
    category = current_app.extensions["komvos.taxonomy"].categories.get(post.category_id)
    return committees().for_sector(category.sector) if category else []


def _committee(committee_id: str) -> Committee:
    if committee_id not in committees():
        raise InvalidInput("committee", gettext(
            "Not a committee: %(id)s (one of %(ids)s).", id=committee_id,
            ids=", ".join(c.id for c in committees().all)))
    return committees()[committee_id]


def add_member(actor: User | None, user: User, committee_id: str) -> bool:
    """Seat a staff member on a committee; False when already there."""
    if not user.is_staff:
        raise InvalidInput("user", gettext("Only the centre's staff sit on committees."))
    _committee(committee_id)
    if committee_id in committee_ids_of(user):
        return False
    db.session.add(CommitteeMember(committee_id=committee_id, user_id=user.id))
    record_event("committee.member_added", actor=actor, target=user, committee=committee_id)
    db.session.commit()
    return True


def remove_member(actor: User | None, user: User, committee_id: str) -> bool:
    """Take a staff member off a committee; False when not there."""
    _committee(committee_id)
    seat = db.session.scalar(select(CommitteeMember).where(
        CommitteeMember.user_id == user.id, CommitteeMember.committee_id == committee_id))
    if seat is None:
        return False
    db.session.delete(seat)
    record_event("committee.member_removed", actor=actor, target=user, committee=committee_id)
    db.session.commit()
    return True


def set_seats(actor: User, user: User, committee_ids: list[str]) -> None:
    """The staff page: `user` sits exactly on `committee_ids` (one commit)."""
    if not user.is_staff:
        raise InvalidInput("user", gettext("Only the centre's staff sit on committees."))
    wanted = {_committee(i).id for i in committee_ids}
    current = set(committee_ids_of(user))
    for committee_id in sorted(wanted - current):
        db.session.add(CommitteeMember(committee_id=committee_id, user_id=user.id))
        record_event("committee.member_added", actor=actor, target=user, committee=committee_id)
    for seat in db.session.scalars(select(CommitteeMember).where(
            CommitteeMember.user_id == user.id,
            CommitteeMember.committee_id.in_(sorted(current - wanted)))):
        db.session.delete(seat)
        record_event("committee.member_removed", actor=actor, target=user,
                     committee=seat.committee_id)
    db.session.commit()


def staff_people(staff: User | None = None) -> list[User]:
    """Every active staff member (of the centre of `staff`, default the signed-in person)
    and, for the deployment's admin, every administrator too, by name."""
    return list(db.session.scalars(
        select(User).where(User.role.in_(("staff", "admin")), User.active.is_(True),
                           *staff_in_scope(staff))
        .order_by(User.full_name, User.id)))


def tell_of_urgent_need(need: Need) -> int:
    """Tell the members of the need's committees of an urgent need (or one in an active
    emergency's scope) in the caller's transaction; during an emergency the mail goes at
    once, whatever a member chose for digests ("never" still means never)."""
    in_emergency = bool(emergency_scope_matches(need))
    if need.urgency not in URGENT and not in_emergency:
        return 0
    told: set[int] = set()
    for committee in committees_for(need):
        for member in members_of(committee.id, centre_id=need.centre_id):
            if member.id in told:
                continue
            told.add(member.id)
            with force_locale(member.language):
                context = {
                    "title": need.title,
                    "organisation": need.organisation.display_name(member.language),
                    "quantity": need.quantity,
                    "unit": unit_label(need.unit),
                    "committee": committee.name(member.language),
                    "urgency": need.urgency,
                }
            notify(member, "urgent_need", context, link=f"/needs/{need.id}",
                   dedupe_key=f"urgent_need:{need.id}:{member.id}", immediate=in_emergency)
    return len(told)
