"""The filters staff lists share (needs, offers, matches, the review queue, exports).

One place reads them from a query string and turns them into SQL conditions, so a list, its
export and a dashboard link that points at it always mean the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import joinedload, selectinload

from web.clock import today
from web.committees.scope import committee_choices, committee_sectors
from web.database import plain, plain_text
from web.matches.models import MATCH_STATUSES, Match
from web.models import utcnow
from web.posts.models import ACTIVE_STATUSES, STATUSES, URGENCIES, Need, Offer
from web.reference import SECTORS

SORTS = ("value", "urgency", "deadline", "age")
URGENT = ("high", "emergency")
MAX_DAYS = 10_000
MAX_TEXT = 100

# What lists (pages, API lists, exports) show of each row's relations, loaded with the rows in
# a fixed number of queries, never one query per row.
OFFER_SHOWN = (joinedload(Offer.organisation), joinedload(Offer.donor))
NEED_SHOWN = (joinedload(Need.organisation), joinedload(Need.poster))
MATCH_SHOWN = (
    selectinload(Match.offer).options(*OFFER_SHOWN),
    selectinload(Match.need).options(*NEED_SHOWN),
    joinedload(Match.assigned_to),
)


@dataclass(frozen=True, slots=True)
class ListFilters:
    """What a staff list is narrowed to; every field optional."""

    q: str = ""
    sector: str | None = None
    category: str | None = None
    place: str | None = None
    urgency: str | None = None
    urgent: bool = False
    status: str | None = None
    organisation: int | None = None
    uncovered: bool = False
    from_days: int | None = None
    to_days: int | None = None
    week: date | None = None
    assigned: int | None = None
    sort: str = "value"
    # "mine" (the signed-in staff member's committees), "all", or one committee's id.
    committee: str | None = None

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set), for links and redirects."""
        found: dict[str, str] = {}
        for name, value in asdict(self).items():
            if value in (None, "", False) or (name == "sort" and value == "value"):
                continue
            found[name] = "1" if value is True else str(value)
        return found

    def but(self, **changes: Any) -> ListFilters:
        """The same filters with some changed."""
        return replace(self, **changes)


def _number(raw: str | None, high: int = MAX_DAYS) -> int | None:
    if raw and raw.isdigit() and len(raw) < 10 and int(raw) <= high:
        return int(raw)
    return None


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def _choice(raw: str | None, allowed: Any) -> str | None:
    return raw if raw and raw in allowed else None


def parse_filters(args: Mapping[str, str], statuses: tuple[str, ...] = ()) -> ListFilters:
    """Read the filters from a query string; anything invalid is ignored, never an error."""
    places = current_app.extensions["komvos.places"]
    return ListFilters(
        q=(args.get("q") or "").strip()[:MAX_TEXT],
        sector=_choice(args.get("sector"), SECTORS),
        category=find_category((args.get("category") or "").strip()[:MAX_TEXT]),
        place=_choice(args.get("place"), places),
        urgency=_choice(args.get("urgency"), URGENCIES),
        urgent=args.get("urgent") == "1",
        status=_choice(args.get("status"), statuses),
        organisation=_number(args.get("organisation"), 2**31 - 1),
        uncovered=args.get("uncovered") == "1",
        from_days=_number(args.get("from_days")),
        to_days=_number(args.get("to_days")),
        week=_day(args.get("week")),
        assigned=_number(args.get("assigned"), 2**31 - 1),
        sort=_choice(args.get("sort"), SORTS) or "value",
        committee=_choice(args.get("committee"), committee_choices()),
    )


def find_category(text: str) -> str | None:
    """A category id from an id or from what someone typed (the forms' search)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    if not text or text in taxonomy:
        return text or None
    found = taxonomy.search(text, limit=1)
    return found[0].id if found else None


def category_ids(filters: ListFilters) -> list[str] | None:
    """The categories the sector and category filters allow (None: any)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    allowed: set[str] | None = None
    if filters.sector:
        allowed = {c.id for c in taxonomy.in_sector(filters.sector)}
    if filters.category:
        below = {c.id for c in taxonomy.categories.values() if filters.category in c.path}
        allowed = below if allowed is None else allowed & below
    followed = committee_sectors(filters.committee)
    if followed is not None:
        within = {c.id for c in taxonomy.categories.values() if c.sector in followed}
        allowed = within if allowed is None else allowed & within
    return None if allowed is None else sorted(allowed)


def place_ids(place: str) -> list[str]:
    """A place and, for a municipality, every neighbourhood in it."""
    places = current_app.extensions["komvos.places"]
    return sorted(p.id for p in places.places.values() if place in (p.id, p.municipality))


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text`, ignoring case and accents, LIKE's wildcards taken literally."""
    wanted = plain_text(text)
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return plain(column).like(f"%{escaped}%", escape="\\")


def post_conditions(model: type[Offer] | type[Need], filters: ListFilters) -> list[Any]:
    """Conditions on an offer or a need for the filters about a post."""
    conditions: list[Any] = []
    categories = category_ids(filters)
    if categories is not None:
        conditions.append(model.category_id.in_(categories))
    if filters.place:
        conditions.append(model.place_id.in_(place_ids(filters.place)))
    if filters.q:
        conditions.append(contains(model.title, filters.q))
    if filters.organisation:
        conditions.append(model.organisation_id == filters.organisation)
    if filters.uncovered:
        conditions.append(model.committed_quantity < model.quantity)
    if model is Need and filters.urgency:
        conditions.append(Need.urgency == filters.urgency)
    if model is Need and filters.urgent:
        conditions.append(Need.urgency.in_(URGENT))
    return conditions


def age_conditions(column: Any, filters: ListFilters, now: datetime | None = None) -> list[Any]:
    """`column` at least `from_days` and under `to_days` days old."""
    now = now or utcnow()
    conditions = []
    if filters.from_days is not None:
        conditions.append(column <= now - timedelta(days=filters.from_days))
    if filters.to_days is not None:
        conditions.append(column > now - timedelta(days=filters.to_days))
    return conditions


def week_conditions(column: Any, filters: ListFilters) -> list[Any]:
    """`column` within the seven days from `week`."""
    if filters.week is None:
        return []
    start = datetime.combine(filters.week, datetime.min.time())
    return [column >= start, column < start + timedelta(days=7)]


def match_conditions(filters: ListFilters) -> list[Any]:
    """Conditions on a match (joined to its offer and need) for the filters."""
    conditions = post_conditions(Need, filters.but(q="", organisation=None, place=None))
    if filters.place:
        ids = place_ids(filters.place)
        conditions.append(or_(Need.place_id.in_(ids), Offer.place_id.in_(ids)))
    if filters.q:
        conditions.append(or_(contains(Need.title, filters.q), contains(Offer.title, filters.q)))
    if filters.organisation:
        conditions.append(
            or_(
                Need.organisation_id == filters.organisation,
                Offer.organisation_id == filters.organisation,
            )
        )
    if filters.status in MATCH_STATUSES:
        conditions.append(Match.status == filters.status)
    if filters.assigned:
        conditions.append(Match.assigned_to_id == filters.assigned)
    return conditions


def post_status_conditions(model: type[Offer] | type[Need], status: str | None) -> Any:
    """`open` (the default) means active and not past its date; else that stored status."""
    if status and status != "open" and status in STATUSES:
        return model.status == status
    if model is Need:
        return and_(Need.status.in_(ACTIVE_STATUSES), Need.needed_by >= today())
    return and_(
        Offer.status.in_(ACTIVE_STATUSES),
        or_(Offer.available_until.is_(None), Offer.available_until >= today()),
    )
