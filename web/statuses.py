"""Every status (and the other closed vocabularies of the models) as one `StrEnum` each.

A member equals its string (`MatchStatus.CONFIRMED == "confirmed"`), so templates, JSON and
the API read the same values as before; the columns are typed with `status_type`, which
stores the value, checks it on the way in (a bad string fails before it reaches the
database) and adds the CHECK constraint the migrations create.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class OrganisationKind(StrEnum):
    """What an organisation is to the centre."""

    NGO = "ngo"
    COMPANY = "company"
    CENTRE = "centre"


class OrganisationStatus(StrEnum):
    """Where staff are in verifying an organisation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Role(StrEnum):
    """What a person does here: gives, asks for a member NGO, or works at the centre."""

    DONOR = "donor"
    NGO = "ngo"
    STAFF = "staff"
    ADMIN = "admin"


class MailMode(StrEnum):
    """How a person wants non-essential mail (digests, reminders)."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


class PostStatus(StrEnum):
    """Where an offer or a need stands."""

    OPEN = "open"
    PARTLY_MATCHED = "partly_matched"
    MATCHED = "matched"
    FULFILLED = "fulfilled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class MatchStatus(StrEnum):
    """Where a match stands: the engine proposes, staff decide, the NGO records receipt."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    FULFILLED = "fulfilled"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class RunTrigger(StrEnum):
    """What started a run of the engine."""

    OFFER = "offer"
    NEED = "need"
    FULL = "full"
    RELEASED = "released"


class RunRequestStatus(StrEnum):
    """Where a queued full run stands: waiting for a worker, running, done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class NotificationStatus(StrEnum):
    """Where a message's mail stands (see web.notifications.models.Notification)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DIGEST = "digest"
    SKIPPED = "skipped"


class ServiceStatus(StrEnum):
    """Where staff are in approving a member's standing service."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# Open or partly matched: a post that can still be edited, matched or withdrawn.
ACTIVE_POST_STATUSES = (PostStatus.OPEN, PostStatus.PARTLY_MATCHED)
# Only these consume an offer's and a need's quantity.
LEDGER_STATUSES = (MatchStatus.CONFIRMED, MatchStatus.FULFILLED)
LIVE_STATUSES = (MatchStatus.PROPOSED, MatchStatus.CONFIRMED)
STAFF_ROLES = (Role.STAFF, Role.ADMIN)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def status_type(enum: type[StrEnum], column: str, length: int = 16) -> sa.Enum:
    """A VARCHAR column holding one of `enum`'s values, with a CHECK constraint named
    `ck_<table>_<column>` (the naming convention's), loaded as the enum's members."""
    return sa.Enum(
        enum,
        native_enum=False,
        validate_strings=True,
        values_callable=_values,
        create_constraint=True,
        length=length,
        name=column,
    )
