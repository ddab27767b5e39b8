"""Inviting a colleague into one's organisation, and the colleague's joining through the
single-use link. Each commits once, with its audit rows."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update

from web.audit import record_event
from web.auth.services import (
    Person,
    check_person,
    commit_new_account,
    email_taken,
    new_user,
    normalise_email,
)
from web.extensions import db
from web.models import Invitation, Organisation, User, utcnow
from web.statuses import OrganisationKind, Role
from web.validation import InvalidInput


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(inviter: User, email: str) -> tuple[Invitation, str]:
    """Invite a colleague into the inviter's organisation; returns the row and the secret."""
    if inviter.organisation is None or not inviter.organisation.is_approved:
        raise PermissionError("only representatives of an approved organisation invite")
    if email_taken(email):
        raise InvalidInput("email", str(_l("An account with this email already exists.")))
    token = secrets.token_urlsafe(32)
    days = int(current_app.config["INVITATION_DAYS"])
    invitation = Invitation(
        organisation=inviter.organisation,
        email=normalise_email(email),
        token_hash=_token_hash(token),
        invited_by=inviter,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    record_event("invitation.created", actor=inviter, target=invitation, email=invitation.email)
    db.session.commit()
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The open, unexpired invitation behind a link, or None."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(token: str, person: Person) -> User:
    """Create the invited representative's account and spend the invitation, once."""
    invitation = find_invitation(token)
    if invitation is None:
        raise InvalidInput("token", str(_l("This invitation is invalid, used or expired.")))
    person = Person(
        full_name=person.full_name,
        email=invitation.email,
        password=person.password,
        phone=person.phone,
        language=person.language,
    )
    check_person(person)
    organisation = invitation.organisation
    role = Role.NGO if organisation.kind == OrganisationKind.NGO else Role.DONOR
    user = new_user(person, role, organisation)
    db.session.add(user)
    db.session.flush()
    # Conditional update: of two people using the same link at once, only one gets in.
    spent = cast(CursorResult[Any], db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user.id)
    )).rowcount
    if spent != 1:
        db.session.rollback()
        raise InvalidInput("token", str(_l("This invitation is invalid, used or expired.")))
    record_event("invitation.accepted", actor=user, target=invitation)
    record_event("user.registered", actor=user, target=user, kind="invitation")
    commit_new_account()
    return user


def organisation_invitations(organisation: Organisation) -> list[Invitation]:
    """The organisation's invitations, newest first."""
    query = select(Invitation).where(Invitation.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id)))
