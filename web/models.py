"""Database models: organisations, people, invitations and the audit trail."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import Model
from web.statuses import (
    STAFF_ROLES,
    MailMode,
    OrganisationKind,
    OrganisationStatus,
    Role,
    status_type,
)

if TYPE_CHECKING:
    from web.centres.models import Centre

ORGANISATION_KINDS = tuple(OrganisationKind)
ORGANISATION_STATUSES = tuple(OrganisationStatus)
ROLES = tuple(Role)
# How a person wants non-essential mail (digests, reminders): essential mail always goes.
MAIL_MODES = tuple(MailMode)
LANGUAGES = ("el", "en")
STAFF_CENTRE_CHECK = (
    "(role = 'staff' AND centre_id IS NOT NULL) OR (role <> 'staff' AND centre_id IS NULL)"
)


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (stored the same on every database)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    """A fresh random token naming a person's sessions and remember cookies."""
    return secrets.token_urlsafe(32)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(Model):
    """A member NGO, a donor company or the centre itself; staff verify it before it posts."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(status_type(OrganisationKind, "kind"))
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[str | None] = mapped_column(String(32))
    place_id: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[OrganisationStatus] = mapped_column(
        status_type(OrganisationStatus, "status"), default=OrganisationStatus.PENDING, index=True
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The name in English where it differs (the English pages show it).
    name_en: Mapped[str] = mapped_column(String(160), default="", server_default="")

    members: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id", order_by="User.id"
    )

    @property
    def is_approved(self) -> bool:
        """True once staff have verified the organisation."""
        return self.status == OrganisationStatus.APPROVED

    def display_name(self, language: str) -> str:
        """The name in `language`: the English one on English pages where there is one."""
        return name_in(language, self.name, self.name_en)


def name_in(language: str, name: str, name_en: str | None) -> str:
    """An organisation's name in `language`, from its two names (rows carry no methods)."""
    return name_en if language == "en" and name_en else name


class User(UserMixin, Model):
    """A person who signs in: an individual donor, a representative, or centre staff."""

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        # Staff work for one centre; the deployment's admin, donors and NGOs for none.
        CheckConstraint(STAFF_CENTRE_CHECK, name="staff_centre"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[Role] = mapped_column(status_type(Role, "role"))
    language: Mapped[str] = mapped_column(String(2), default="el")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    mail_mode: Mapped[MailMode] = mapped_column(
        status_type(MailMode, "mail_mode"),
        default=MailMode.IMMEDIATE,
        server_default=MailMode.IMMEDIATE.value,
    )
    # Representatives hear about their organisation's matches, whoever posted (each may opt out).
    colleague_mail: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Flask-Login's alternative id: in every session and remember cookie of this person.
    # Rotating it (sign-out, new password, deactivation) ends them all at once.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=new_session_token
    )
    # Kinds of message this person does not want mailed (the inbox still shows them).
    mail_kinds_off: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    erased_at: Mapped[datetime | None]
    # The centre a staff member works for (web/centres/): required for staff, else empty.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="members", foreign_keys=[organisation_id]
    )
    centre: Mapped[Centre | None] = relationship("Centre")

    def get_id(self) -> str:
        """What Flask-Login stores in the session and the remember cookie."""
        return self.session_token

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this person (the caller commits)."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before signing in
        """A deactivated account cannot sign in."""
        return self.active

    @property
    def is_staff(self) -> bool:
        """Centre staff and administrators."""
        return self.role in STAFF_ROLES

    @property
    def can_post(self) -> bool:
        """Individuals post at once; representatives once their organisation is approved."""
        if self.role not in (Role.DONOR, Role.NGO):
            return False
        return self.organisation is None or self.organisation.is_approved


class Invitation(Model):
    """A single-use, expiring link that lets a representative bring in a colleague."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])


class AuditEvent(Model):
    """Who did what to which object, and when."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The centre whose staff may read it (None: the deployment admin only).
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)

    actor: Mapped[User | None] = relationship()


class ApiToken(Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
