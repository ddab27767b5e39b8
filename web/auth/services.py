"""Use cases for accounts and organisations. Each commits once, with its audit rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError

from web.audit import record_event
from web.centres.models import Centre, CentreMember
from web.centres.scope import organisations_in_scope, scoped
from web.centres.services import by_slug, centres_for_place, default_centre
from web.extensions import db
from web.models import Organisation, User, utcnow
from web.notifications.outbox import notify
from web.passwords import hash_password, needs_rehash, password_problem, verify_password
from web.statuses import OrganisationKind, OrganisationStatus, Role
from web.validation import InvalidInput


@dataclass(frozen=True, slots=True)
class Person:
    """What we ask of anyone who opens an account."""

    full_name: str
    email: str
    password: str
    phone: str = ""
    language: str = "el"


@dataclass(frozen=True, slots=True)
class OrganisationDetails:
    """What we ask of an organisation that registers."""

    name: str
    kind: str
    name_en: str = ""
    sector: str | None = None
    place_id: str | None = None
    phone: str = ""
    website: str = ""
    description: str = ""
    # The centre it registers with ("": the one whose area holds its place, else the first).
    centre_slug: str = ""


def normalise_email(email: str) -> str:
    """Addresses are compared and stored trimmed and lower-case."""
    return email.strip().lower()


def email_taken(email: str) -> bool:
    """True when an account already uses this address."""
    found = db.session.scalar(select(User.id).where(User.email == normalise_email(email)))
    return found is not None


def check_person(person: Person) -> None:
    """InvalidInput naming the field when the email is taken or the password is weak."""
    if email_taken(person.email):
        raise InvalidInput("email", str(_l("An account with this email already exists.")))
    problem = password_problem(person.password, person.email)
    if problem:
        raise InvalidInput("password", problem)


def new_user(person: Person, role: str, organisation: Organisation | None) -> User:
    """A new account of `role` for `person` (not yet added to the session)."""
    return User(
        email=normalise_email(person.email),
        password_hash=hash_password(person.password),
        full_name=person.full_name.strip(),
        phone=person.phone.strip(),
        role=role,
        language=person.language,
        organisation=organisation,
    )


def commit_new_account() -> None:
    """Commit; a concurrent registration with the same email loses cleanly."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput(
            "email", str(_l("An account with this email already exists."))
        ) from error


def register_individual(person: Person) -> User:
    """Open an account for an individual donor, who may post at once."""
    check_person(person)
    user = new_user(person, "donor", None)
    db.session.add(user)
    db.session.flush()
    record_event("user.registered", actor=user, target=user, kind="individual")
    commit_new_account()
    return user


def register_organisation(details: OrganisationDetails, person: Person) -> User:
    """Register a company or an NGO with its first representative; staff approve it later."""
    if details.kind not in ("ngo", "company"):
        raise InvalidInput("kind", str(_l("Choose an NGO or a company.")))
    check_person(person)
    centre = _centre_to_join(details)
    organisation = Organisation(
        kind=details.kind,
        name=details.name.strip(),
        name_en=details.name_en.strip(),
        sector=details.sector,
        place_id=details.place_id,
        phone=details.phone.strip(),
        email=normalise_email(person.email),
        website=details.website.strip(),
        description=details.description.strip(),
        status="pending",
    )
    role = Role.NGO if details.kind == OrganisationKind.NGO else Role.DONOR
    user = new_user(person, role, organisation)
    db.session.add_all([organisation, user, CentreMember(centre=centre, organisation=organisation)])
    db.session.flush()
    # Its centre's staff see the registration in their audit trail.
    record_event("organisation.registered", actor=user, target=organisation, kind=details.kind,
                 centre_id=centre.id)
    record_event("user.registered", actor=user, target=user, kind=details.kind,
                 centre_id=centre.id)
    commit_new_account()
    return user


def authenticate(email: str, password: str, language: str | None = None) -> User | None:
    """The user these credentials belong to, or None; both outcomes are audited. A language
    the person chose on the page before signing in is saved as theirs."""
    user: User | None = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        record_event("auth.login_failed", actor=user, email=normalise_email(email)[:254])
        db.session.commit()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    if language is not None and language != user.language:
        user.language = language
        record_event("user.language_changed", actor=user, target=user, language=language)
    record_event("auth.login", actor=user, target=user)
    db.session.commit()
    return user


def sign_out_everywhere(user: User) -> None:
    """Sign out: every session and remember cookie of the person stops working."""
    user.end_sessions()
    record_event("auth.logout", actor=user, target=user)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session ends."""
    if not verify_password(user.password_hash, current):
        raise InvalidInput("current_password", str(_l("This is not your current password.")))
    problem = password_problem(new, user.email)
    if problem:
        raise InvalidInput("password", problem)
    user.password_hash = hash_password(new)
    user.end_sessions()
    record_event("user.password_changed", actor=user, target=user)
    db.session.commit()


def set_active(admin: User, user_id: int, active: bool) -> User:
    """An administrator deactivates (or reactivates) a person; deactivation ends their
    sessions, remember cookies and the use of their API tokens."""
    if admin.role != "admin":
        raise PermissionError("only administrators deactivate people")
    user = db.session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise LookupError(user_id)
    if user.id == admin.id:
        raise InvalidInput("user", str(_l("You cannot deactivate your own account.")))
    user.active = active
    if not active:
        user.end_sessions()
    record_event("user.activated" if active else "user.deactivated", actor=admin, target=user)
    db.session.commit()
    return user


def pending_organisations() -> list[Organisation]:
    """Organisations waiting for staff, oldest first."""
    query = select(Organisation).where(Organisation.status == "pending")
    return list(db.session.scalars(query.order_by(Organisation.created_at, Organisation.id)))


def _centre_to_join(details: OrganisationDetails) -> Centre:
    """The centre chosen on the form, else the one whose area holds the place, else the
    first."""
    if details.centre_slug:
        chosen = by_slug(details.centre_slug)
        if chosen is None:
            raise InvalidInput("centre", str(_l("Choose one of the centres.")))
        return chosen
    return (centres_for_place(details.place_id) or [default_centre()])[0]


def list_organisations(status: str | None = None, staff: User | None = None) -> list[Organisation]:
    """Organisations (members of the centre of `staff`, default the signed-in person),
    optionally of one status, by name."""
    query = select(Organisation).where(Organisation.kind != "centre",
                                       *organisations_in_scope(staff))
    if status:
        query = query.where(Organisation.status == status)
    return list(db.session.scalars(query.order_by(func.lower(Organisation.name))))


def decide_organisation(
    organisation_id: int, staff: User, approve: bool, reason: str = ""
) -> Organisation:
    """Approve or reject a pending organisation; a second decision is refused."""
    if not staff.is_staff:
        raise PermissionError("only staff decide on organisations")
    if not approve and not reason.strip():
        raise InvalidInput("reason", str(_l("Say why the organisation is rejected.")))
    # Another centre's organisation is as good as missing.
    scoped(staff, db.session.get(Organisation, organisation_id))
    new_status = OrganisationStatus.APPROVED if approve else OrganisationStatus.REJECTED
    # Guarded on the current status, so two staff deciding at once cannot both win.
    changed = cast(CursorResult[Any], db.session.execute(
        update(Organisation)
        .where(Organisation.id == organisation_id, Organisation.status == "pending")
        .values(
            status=new_status,
            decided_at=utcnow(),
            decided_by_id=staff.id,
            decision_reason=reason.strip(),
        )
    )).rowcount
    if changed != 1:
        db.session.rollback()
        raise InvalidInput("status", str(_l("This organisation has already been decided.")))
    organisation = db.session.get(Organisation, organisation_id)
    assert organisation is not None
    db.session.refresh(organisation)
    record_event(f"organisation.{new_status}", actor=staff, target=organisation, reason=reason)
    _tell_representatives(organisation, new_status, reason)
    db.session.commit()
    return organisation


def _tell_representatives(organisation: Organisation, status: str, reason: str) -> None:
    """Every representative hears of the decision, in their own language."""
    for member in organisation.members:
        notify(
            member,
            f"organisation_{status}",
            {"name": organisation.name, "reason": reason.strip()},
            link="/organisation",
        )


def create_staff(email: str, full_name: str, password: str, admin: bool = False,
                 centre: Centre | None = None) -> User:
    """Make a centre's staff account (of `centre`, else the first centre), or the
    deployment's administrator's (of no centre)."""
    person = Person(full_name=full_name, email=email, password=password)
    check_person(person)
    works_for = None if admin else centre or default_centre()
    user = new_user(person, "admin" if admin else "staff", centre_organisation())
    user.centre = works_for
    db.session.add(user)
    db.session.flush()
    record_event("user.registered", actor=None, target=user, kind=user.role)
    commit_new_account()
    return user


def centre_organisation() -> Organisation:
    """The coordination centre's own organisation, created on first use."""
    centre = db.session.scalar(select(Organisation).where(Organisation.kind == "centre"))
    if centre is None:
        centre = Organisation(kind=OrganisationKind.CENTRE, name="Komvos coordination centre",
                              status=OrganisationStatus.APPROVED)
        db.session.add(centre)
    return centre


def set_language(user: User | None, language: str) -> None:
    """Remember a signed-in user's language choice."""
    if user is not None and user.language != language:
        user.language = language
        record_event("user.language_changed", actor=user, target=user, language=language)
        db.session.commit()
