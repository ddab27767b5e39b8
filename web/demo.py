"""Fictional demo organisations and people for `seed-demo` (read from config/demo_people.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from web.auth.services import centre_organisation, normalise_email
from web.centres.models import Centre, CentreMember
from web.centres.services import CentreDetails, default_centre
from web.clock import today
from web.config import CONFIG_DIR
from web.directory.services import decide_service, describe_service
from web.extensions import db
from web.matches.services import run_matching
from web.models import Organisation, User, utcnow
from web.passwords import hash_password
from web.posts.schemas import NeedInput, OfferInput, load_post
from web.posts.services import NEED, OFFER, post
from web.statuses import OrganisationKind, OrganisationStatus, Role, RunTrigger

DEMO_FILE = CONFIG_DIR / "demo_people.toml"
POSTS_FILE = CONFIG_DIR / "demo_posts.toml"
DEMO_PASSWORD = "komvos-demo-2026"


@dataclass
class SeedSummary:
    """What `seed_demo` created, and a login of each role to try."""

    organisations: int = 0
    users: int = 0
    offers: int = 0
    needs: int = 0
    proposals: int = 0
    services: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.organisations} organisations, {self.users} people, "
            f"{self.offers} offers, {self.needs} needs, {self.proposals} proposals, "
            f"{self.services} directory services"
        )


def database_is_empty() -> bool:
    """True when nobody has an account yet."""
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo_people() -> dict[str, Any]:
    """The demo file, parsed."""
    with DEMO_FILE.open("rb") as handle:
        return tomllib.load(handle)


def seed_demo() -> SeedSummary:
    """Create the demo staff, organisations and people; deterministic, in one transaction."""
    data = load_demo_people()
    # One hash for every demo account: seeding stays quick, and they share one password.
    password_hash = hash_password(DEMO_PASSWORD)
    summary = SeedSummary()
    centres = _add_centres(data.get("centre", []))
    centre = centre_organisation()
    for person in data["staff"]:
        staff = _add_user(person, Role.STAFF, centre, password_hash, summary)
        staff.centre = centres[person.get("centre", "")]
    for person in data.get("admin", []):
        _add_user(person, Role.ADMIN, centre, password_hash, summary)
    for section, kind, status in (
        ("ngo", OrganisationKind.NGO, OrganisationStatus.APPROVED),
        ("company", OrganisationKind.COMPANY, OrganisationStatus.APPROVED),
        ("pending_ngo", OrganisationKind.NGO, OrganisationStatus.PENDING),
    ):
        for entry in data.get(section, []):
            organisation = _add_organisation(entry, kind, status)
            db.session.add(CentreMember(centre=centres[entry.get("centre", "")],
                                        organisation=organisation))
            summary.organisations += 1
            role = Role.NGO if kind == OrganisationKind.NGO else Role.DONOR
            for person in entry["representatives"]:
                _add_user(person, role, organisation, password_hash, summary)
    for person in data["individual"]:
        _add_user(person, Role.DONOR, None, password_hash, summary)
    db.session.commit()
    _seed_posts(summary)
    summary.logins = _sample_logins(data)
    return summary


def _add_centres(entries: list[dict[str, Any]]) -> dict[str, Centre]:
    """The demo's centres by slug; "" names the first (Athens, as the migration made it)."""
    first = default_centre()
    found = {"": first, first.slug: first}
    for entry in entries:
        centre = found.get(entry["slug"]) or Centre(slug=entry["slug"])
        for name in CentreDetails.__slots__:
            if name in entry:
                setattr(centre, name, entry[name])
        db.session.add(centre)
        found[centre.slug] = centre
    db.session.flush()
    return found


def _seed_posts(summary: SeedSummary) -> None:
    """Post the demo offers and needs through the same services people use."""
    with POSTS_FILE.open("rb") as handle:
        posts = tomllib.load(handle)
    start = today()
    for entry in posts.get("offer", []):
        donor = _user(entry["donor"])
        raw = {k: entry[k] for k in _OFFER_KEYS if k in entry}
        raw["available_from"] = (start + timedelta(days=entry["available_from"])).isoformat()
        raw["available_until"] = (start + timedelta(days=entry["available_until"])).isoformat()
        raw["restrict_sectors"] = entry.get("sectors", [])
        post(OFFER, donor, load_post(OfferInput(), raw), propose=False)
        summary.offers += 1
    for entry in posts.get("need", []):
        poster = _user(entry["poster"])
        raw = {k: entry[k] for k in _NEED_KEYS if k in entry}
        raw["needed_by"] = (start + timedelta(days=entry["needed_by"])).isoformat()
        post(NEED, poster, load_post(NeedInput(), raw), propose=False)
        summary.needs += 1
    # One full run proposes for everything at once (better and quicker than one by one).
    summary.proposals = run_matching(RunTrigger.FULL).proposals
    _seed_services(posts.get("service", []), summary)


def _seed_services(entries: list[dict[str, Any]], summary: SeedSummary) -> None:
    """Describe the demo members' services and approve them, through the same services."""
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF).order_by(User.id))
    for entry in entries:
        raw = {k: v for k, v in entry.items() if k != "representative"}
        service = describe_service(_user(entry["representative"]), raw)
        if staff is not None:
            decide_service(staff, service.id, approve=True)
        summary.services += 1


_OFFER_KEYS = (
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "lot",
    "place",
    "reach_km",
    "remote",
    "conditions",
)
_NEED_KEYS = (
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "urgency",
    "place",
    "reach_km",
)


def _user(email: str) -> User:
    user: User | None = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise LookupError(f"demo_posts.toml names {email}, who is not in demo_people.toml")
    return user


def _add_organisation(
    entry: dict[str, Any], kind: OrganisationKind, status: OrganisationStatus
) -> Organisation:
    organisation = Organisation(
        kind=kind,
        name=entry.get("name_el") or entry["name_en"],
        name_en=entry.get("name_en", "") if entry.get("name_el") else "",
        description=entry.get("description", ""),
        sector=entry.get("sector"),
        place_id=entry.get("place"),
        phone=entry.get("phone", ""),
        email=normalise_email(entry["representatives"][0]["email"]),
        website=entry.get("website", ""),
        status=status,
        decided_at=utcnow() if status != OrganisationStatus.PENDING else None,
    )
    db.session.add(organisation)
    return organisation


def _add_user(
    person: dict[str, Any],
    role: Role,
    organisation: Organisation | None,
    password_hash: str,
    summary: SeedSummary,
) -> User:
    user = User(
        email=normalise_email(person["email"]),
        password_hash=password_hash,
        full_name=person["full_name"],
        phone=person.get("phone", ""),
        role=role,
        language=person.get("language", "el"),
        organisation=organisation,
    )
    db.session.add(user)
    summary.users += 1
    return user


def _sample_logins(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("staff", data["staff"][0]["email"]),
        *[(f"staff ({p['centre']})", p["email"]) for p in data["staff"] if p.get("centre")][:1],
        *[("admin", p["email"]) for p in data.get("admin", [])][:1],
        ("NGO", data["ngo"][0]["representatives"][0]["email"]),
        ("company", data["company"][0]["representatives"][0]["email"]),
        ("individual", data["individual"][0]["email"]),
        ("pending NGO", data["pending_ngo"][0]["representatives"][0]["email"]),
    ]
