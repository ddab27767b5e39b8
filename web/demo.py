"""Fictional demo organisations and people for `seed-demo` (read from config/demo_people.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from web.auth.services import centre_organisation, normalise_email
from web.config import CONFIG_DIR
from web.extensions import db
from web.models import Organisation, User, utcnow
from web.passwords import hash_password

DEMO_FILE = CONFIG_DIR / "demo_people.toml"
DEMO_PASSWORD = "komvos-demo-2026"


@dataclass
class SeedSummary:
    """What `seed_demo` created, and a login of each role to try."""

    organisations: int = 0
    users: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.organisations} organisations, {self.users} people"


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
    centre = centre_organisation()
    for person in data["staff"]:
        _add_user(person, "staff", centre, password_hash, summary)
    for section, kind, status in (
        ("ngo", "ngo", "approved"),
        ("company", "company", "approved"),
        ("pending_ngo", "ngo", "pending"),
    ):
        for entry in data.get(section, []):
            organisation = _add_organisation(entry, kind, status)
            summary.organisations += 1
            role = "ngo" if kind == "ngo" else "donor"
            for person in entry["representatives"]:
                _add_user(person, role, organisation, password_hash, summary)
    for person in data["individual"]:
        _add_user(person, "donor", None, password_hash, summary)
    db.session.commit()
    summary.logins = _sample_logins(data)
    return summary


def _add_organisation(entry: dict[str, Any], kind: str, status: str) -> Organisation:
    organisation = Organisation(
        kind=kind,
        name=entry.get("name_el") or entry["name_en"],
        description=entry.get("description", ""),
        sector=entry.get("sector"),
        place_id=entry.get("place"),
        phone=entry.get("phone", ""),
        email=normalise_email(entry["representatives"][0]["email"]),
        website=entry.get("website", ""),
        status=status,
        decided_at=utcnow() if status != "pending" else None,
    )
    db.session.add(organisation)
    return organisation


def _add_user(
    person: dict[str, Any],
    role: str,
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
        ("NGO", data["ngo"][0]["representatives"][0]["email"]),
        ("company", data["company"][0]["representatives"][0]["email"]),
        ("individual", data["individual"][0]["email"]),
        ("pending NGO", data["pending_ngo"][0]["representatives"][0]["email"]),
    ]
