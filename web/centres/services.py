"""Centres' use cases: the centre of a need, of a place, memberships, creating a centre."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from web.audit import record_event
from web.centres.models import Centre, CentreMember
from web.extensions import db
from web.models import Organisation, User
from web.statuses import Role
from web.validation import InvalidInput

# The centre a deployment starts with (the migration creates it; an empty test database
# creates it on first use, as `centre_organisation` does the centre's organisation).
FIRST_CENTRE = {
    "slug": "athens",
    "name_el": "Κέντρο Συντονισμού για θέματα Μεταναστών και Προσφύγων (ΚΣΜΠ)",
    "name_en": "Athens Coordination Centre for Migrant and Refugee issues",
    "tagline_el": "Δήμος Αθηναίων · Κέντρο Συντονισμού για θέματα Μεταναστών και Προσφύγων",
    "tagline_en": "City of Athens · Coordination Centre for Migrant and Refugee issues",
    "area": ["attica"],
}


@dataclass(frozen=True, slots=True)
class CentreDetails:
    """What the admin's form (or the demo) gives of a centre."""

    slug: str
    name_el: str
    name_en: str
    tagline_el: str = ""
    tagline_en: str = ""
    email: str = ""
    phone: str = ""
    area: list[str] = field(default_factory=list)


def all_centres() -> list[Centre]:
    """Every centre, oldest first."""
    return list(db.session.scalars(select(Centre).order_by(Centre.id)))


def default_centre() -> Centre:
    """The deployment's first centre, created on first use."""
    centre = db.session.scalar(select(Centre).order_by(Centre.id).limit(1))
    if centre is None:
        centre = Centre(**FIRST_CENTRE)
        db.session.add(centre)
        db.session.flush()
    return centre


def by_slug(slug: str) -> Centre | None:
    """The centre of that slug, if any."""
    return db.session.scalar(select(Centre).where(Centre.slug == slug))


def run_scope(user: User) -> str:
    """The scope of the full runs `user` asks for and sees: their centre's slug, or "" (the
    whole deployment) for the deployment's admin."""
    if user.role == Role.ADMIN or user.centre_id is None:
        return ""
    return db.session.scalar(select(Centre.slug).where(Centre.id == user.centre_id)) or ""


def in_area(centre: Centre, place_id: str | None) -> bool:
    """Whether the place lies in the centre's area (itself, its municipality, regional unit
    or region listed)."""
    gazetteer = current_app.extensions["komvos.places"]
    place = gazetteer.places.get(place_id or "")
    if place is None:
        return False
    around = {place.id, place.municipality, place.regional_unit, gazetteer.region(place)}
    return bool(around & set(centre.area or ()))


def centres_for_place(place_id: str | None) -> list[Centre]:
    """The centres whose area holds the place."""
    return [c for c in all_centres() if in_area(c, place_id)]


def centres_of(organisation_id: int | None) -> list[Centre]:
    """The centres an organisation is a member of, in the order it joined."""
    if organisation_id is None:
        return []
    return list(db.session.scalars(
        select(Centre).join(CentreMember, CentreMember.centre_id == Centre.id)
        .where(CentreMember.organisation_id == organisation_id).order_by(CentreMember.id)))


def centre_for_need(organisation: Organisation | None, place_id: str | None) -> Centre:
    """The centre whose staff review a new need: the organisation's centre; of several, the
    one whose area holds the need's place, else its first membership."""
    member_of = centres_of(organisation.id if organisation is not None else None)
    if not member_of:
        member_of = centres_for_place(place_id) or [default_centre()]
    return next((c for c in member_of if in_area(c, place_id)), member_of[0])


def join(actor: User | None, organisation: Organisation, centre: Centre) -> bool:
    """Make the organisation a member of the centre (the caller commits); False if it was."""
    if centre.id is not None and centre in centres_of(organisation.id):
        return False
    db.session.add(CentreMember(centre=centre, organisation=organisation))
    record_event("centre.member_added", actor=actor, target=organisation,
                 centre=centre.slug, centre_id=centre.id)
    return True


def leave(actor: User | None, organisation: Organisation, centre: Centre) -> bool:
    """End the organisation's membership of the centre (the caller commits)."""
    found = db.session.scalar(select(CentreMember).where(
        CentreMember.organisation_id == organisation.id, CentreMember.centre_id == centre.id))
    if found is None:
        return False
    db.session.delete(found)
    record_event("centre.member_removed", actor=actor, target=organisation,
                 centre=centre.slug, centre_id=centre.id)
    return True


def check_details(details: CentreDetails, centre: Centre | None = None) -> None:
    """InvalidInput naming the field: a taken slug, an unknown place in the area."""
    taken = by_slug(details.slug)
    if taken is not None and taken is not centre:
        raise InvalidInput("slug", gettext("Another centre already uses this short name."))
    gazetteer = current_app.extensions["komvos.places"]
    known = set(gazetteer.places) | set(gazetteer.regional_units) | set(gazetteer.regions)
    unknown = [i for i in details.area if i not in known]
    if unknown or not details.area:
        raise InvalidInput("area", gettext(
            "Not a place, regional unit or region: %(ids)s.", ids=", ".join(unknown) or "—"))


def save_centre(actor: User | None, details: CentreDetails, centre: Centre | None = None) -> Centre:
    """Create a centre or change one, with its audit row (one commit)."""
    check_details(details, centre)
    is_new = centre is None
    centre = centre or Centre()
    for name in CentreDetails.__slots__:
        setattr(centre, name, getattr(details, name))
    db.session.add(centre)
    db.session.flush()
    record_event("centre.created" if is_new else "centre.changed", actor=actor, target=centre,
                 slug=centre.slug)
    db.session.commit()
    return centre


def add_member(actor: User, centre: Centre, organisation_id: int) -> Organisation:
    """The admin makes an organisation a member of the centre (one commit)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise InvalidInput("organisation", gettext("Choose an organisation."))
    join(actor, organisation, centre)
    db.session.commit()
    return organisation


def remove_member(actor: User, centre: Centre, organisation_id: int) -> bool:
    """The admin ends a membership (one commit); the needs it posted stay the centre's."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not leave(actor, organisation, centre):
        raise LookupError(organisation_id)
    db.session.commit()
    return True


def members(centre: Centre) -> list[Organisation]:
    """The centre's member organisations, by name."""
    return list(db.session.scalars(
        select(Organisation).join(CentreMember, CentreMember.organisation_id == Organisation.id)
        .where(CentreMember.centre_id == centre.id).order_by(Organisation.name)))


def staff_of(centre: Centre) -> list[User]:
    """The centre's staff, by name."""
    return list(db.session.scalars(
        select(User).where(User.centre_id == centre.id).order_by(User.full_name, User.id)))


def resolve_area(text: str) -> list[str]:
    """Area ids from what the admin typed (ids or names, separated by commas); an unknown
    one is kept as typed, for `check_details` to name."""
    gazetteer = current_app.extensions["komvos.places"]
    found: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        known = (part in gazetteer.places or part in gazetteer.regional_units
                 or part in gazetteer.regions)
        hits = [] if known else gazetteer.search(part, limit=1)
        found.append(part if known or not hits else hits[0].id)
    return found
