"""Use cases of the directory: a member describes or changes a service, staff approve or
reject it, the public searches what is approved, a need finds members who provide it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload

from web.audit import record_event
from web.centres.scope import may_see, organisations_in_scope
from web.directory.models import MemberService
from web.directory.schemas import ServiceInput
from web.extensions import db
from web.matches.models import Match
from web.models import Organisation, User, utcnow
from web.posts.models import Need
from web.statuses import MatchStatus, OrganisationStatus, ServiceStatus
from web.validation import InvalidFields, plain_messages

_FIELDS = ("title", "description", "sector", "categories", "areas", "languages", "hours",
           "eligibility", "contact")


def _validated(raw: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return dict(ServiceInput().load(dict(raw)))
    except ValidationError as error:
        raise InvalidFields(plain_messages(error.messages)) from error


def _require_member(user: User) -> None:
    if user.role != "ngo" or user.organisation_id is None or not user.can_post:
        raise PermissionError("only representatives of approved members describe services")


def _apply(service: MemberService, data: Mapping[str, Any]) -> None:
    for name in _FIELDS:
        setattr(service, name, data[name])
    service.place_id = data["place"] or None
    # Every change waits for staff before the public sees it.
    service.status, service.decided_by_id, service.decided_at = ServiceStatus.PENDING, None, None


def services_of(user: User) -> list[MemberService]:
    """The services of `user`'s organisation, any status, newest first."""
    if user.role != "ngo" or user.organisation_id is None:
        return []
    query = select(MemberService).where(MemberService.organisation_id == user.organisation_id)
    return list(db.session.scalars(query.order_by(MemberService.id.desc())))


def get_own_service(user: User, service_id: int) -> MemberService:
    """A service of `user`'s organisation; another's is as good as missing (LookupError)."""
    service = db.session.get(MemberService, service_id)
    if service is None or user.organisation_id != service.organisation_id or user.role != "ngo":
        raise LookupError(service_id)
    return service


def describe_service(user: User, raw: Mapping[str, Any]) -> MemberService:
    """A member's representative describes a standing service; staff review it."""
    _require_member(user)
    data = _validated(raw)
    service = MemberService(organisation_id=user.organisation_id)
    _apply(service, data)
    db.session.add(service)
    db.session.flush()
    record_event("service.described", actor=user, target=service)
    db.session.commit()
    return service


def change_service(user: User, service_id: int, raw: Mapping[str, Any]) -> MemberService:
    """Change a service; it leaves the public directory until staff approve the change."""
    _require_member(user)
    service = get_own_service(user, service_id)
    _apply(service, _validated(raw))
    record_event("service.changed", actor=user, target=service)
    db.session.commit()
    return service


def decide_service(staff: User, service_id: int, approve: bool) -> MemberService:
    """Staff approve a service (or its change) for the public directory, or reject it."""
    if not staff.is_staff:
        raise PermissionError("only staff decide on services")
    service = db.session.get(MemberService, service_id)
    if service is None or not may_see(staff, service.organisation):
        raise LookupError(service_id)  # missing, or another centre's member's
    service.status = ServiceStatus.APPROVED if approve else ServiceStatus.REJECTED
    service.decided_by_id, service.decided_at = staff.id, utcnow()
    record_event(f"service.{service.status}", actor=staff, target=service)
    db.session.commit()
    return service


def pending_services(staff: User | None = None) -> list[MemberService]:
    """Services of the members of the centre of `staff` (default: the signed-in person)
    waiting for a decision, oldest first."""
    query = select(MemberService).where(
        MemberService.status == "pending",
        MemberService.organisation_id.in_(select(Organisation.id).where(
            *organisations_in_scope(staff))))
    query = query.options(joinedload(MemberService.organisation))
    return list(db.session.scalars(query.order_by(MemberService.updated_at, MemberService.id)))


def _public() -> Select[MemberService]:
    return (
        select(MemberService)
        .join(Organisation, MemberService.organisation_id == Organisation.id)
        .where(MemberService.status == ServiceStatus.APPROVED,
               Organisation.status == OrganisationStatus.APPROVED)
        .options(contains_eager(MemberService.organisation))
    )


def _areas_of(place_id: str) -> set[str]:
    place = current_app.extensions["komvos.places"].places.get(place_id)
    if place is None:
        return {place_id}
    return {place.id, place.municipality, place.regional_unit} - {None, ""}


def _serves(service: MemberService, area: str) -> bool:
    served = set(service.areas) | ({service.place_id} if service.place_id else set())
    return not served or bool(
        {a for s in served for a in _areas_of(s)} & _areas_of(area))


def _covers(service: MemberService, category_ids: set[str]) -> bool:
    """A service's category is one asked for, below one (asked: legal help; given: asylum
    procedures) or above one (given: legal help; asked: asylum procedures)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    given = [set(taxonomy[c].path) for c in service.categories if c in taxonomy]
    asked = [set(taxonomy[c].path) for c in category_ids if c in taxonomy]
    return any(c in path for path in given for c in category_ids) or any(
        c in path for path in asked for c in service.categories)


def search_directory(filters: Mapping[str, Any],
                     listed: list[MemberService] | None = None) -> list[MemberService]:
    """Approved services of approved members: `q` searched with the taxonomy (Greek,
    English, Greeklish, typos) and in titles; `sector`, `area`, `language` filter.
    `listed` is every public service, when the caller has read them already."""
    if listed is None:
        listed = public_services()
    found = list(listed)
    if filters.get("sector"):
        found = [s for s in found if s.sector == filters["sector"]]
    if filters.get("language"):
        found = [s for s in found if filters["language"] in s.languages]
    if filters.get("area"):
        found = [s for s in found if _serves(s, filters["area"])]
    query = (filters.get("q") or "").strip()
    if query:
        taxonomy = current_app.extensions["komvos.taxonomy"]
        wanted = {c.id for c in taxonomy.search(query, limit=5)}
        words = query.casefold()
        found = [s for s in found if _covers(s, wanted) or words in s.title.casefold()
                 or words in s.organisation.name.casefold()]
    return found


def public_services() -> list[MemberService]:
    """Every approved service of an approved member, by member, with its organisation."""
    return list(db.session.scalars(_public().order_by(Organisation.name, MemberService.id)))


def waiting_need_ids(organisation_id: int) -> set[int]:
    """The organisation's needs that a proposal waits for (one query for a page of them)."""
    query = (
        select(Match.need_id)
        .join(Need, Match.need_id == Need.id)
        .where(Need.organisation_id == organisation_id, Match.status == MatchStatus.PROPOSED)
        .distinct()
    )
    return set(db.session.scalars(query))


def uncovered(need: Need, waiting: set[int] | None = None) -> bool:
    """An open need that no confirmed match or waiting proposal covers (`waiting`: the ids
    of the needs proposals wait for, when the caller has read them already)."""
    if not need.is_active or need.committed_quantity > 0:
        return False
    if waiting is None:
        waiting = waiting_need_ids(need.organisation_id)
    return need.id not in waiting


def fitting_services(need: Need, listed: list[MemberService] | None = None) -> list[MemberService]:
    """Members whose standing services fit a need: its category (or a broader one), its
    area, and its language if it names one; never the need's own organisation."""
    wanted = {need.category_id} | ({need.text_category_id} if need.text_category_id else set())
    languages = set((need.attributes or {}).get("language", ()))
    return [
        s for s in search_directory({"area": need.place_id}, listed)
        if s.organisation_id != need.organisation_id and _covers(s, wanted)
        and (not languages or languages & set(s.languages))
    ]
