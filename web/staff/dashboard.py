"""The staff's dashboard: open work, gaps per sector and area, waiting decisions, deliveries.

Only reads. Every figure comes with the filters of the list behind it, so the page can link
each number to the rows it counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from web.centres.scope import needs_in_scope
from web.extensions import db
from web.listing import URGENT, ListFilters, post_status_conditions
from web.matches.models import Match
from web.models import User, utcnow
from web.posts.models import Need, Offer
from web.reference import SECTORS
from web.statuses import MatchStatus

WEEKS = 12
URGENT_SHOWN = 10
# Ages of waiting work, in days: [from, to); None is open-ended.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 1), (1, 3), (3, 7), (7, None))


@dataclass(frozen=True, slots=True)
class Gap:
    """What open needs of one sector, area and unit still lack."""

    sector: str
    area: str
    unit: str
    lacking: int
    needs: int

    @property
    def filters(self) -> ListFilters:
        """The needs this row counts."""
        return ListFilters(sector=self.sector, place=self.area, uncovered=True)


@dataclass(frozen=True, slots=True)
class AgeCount:
    """How many items have waited between `from_days` and `to_days` days."""

    from_days: int
    to_days: int | None
    count: int


@dataclass(frozen=True, slots=True)
class Waiting:
    """Work waiting for someone, by age."""

    total: int
    oldest: datetime | None
    by_age: tuple[AgeCount, ...]


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Every figure of the staff's dashboard."""

    open_needs: int
    open_offers: int
    uncovered_needs: int
    gaps: tuple[Gap, ...]
    gaps_by_sector: dict[str, int]
    urgent: tuple[Need, ...]
    proposals: Waiting
    undelivered: Waiting
    weeks: tuple[date, ...]
    deliveries: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _count(model: type[Offer] | type[Need], *conditions: Any) -> int:
    query = select(func.count()).select_from(model).where(*conditions)
    return int(db.session.scalar(query) or 0)


def _open_uncovered(centre: list[Any]) -> list[Any]:
    return [post_status_conditions(Need, None), Need.committed_quantity < Need.quantity, *centre]


def _in_sectors(model: type[Offer] | type[Need], sectors: set[str] | None) -> list[Any]:
    """Conditions keeping posts of `sectors` (none: every post)."""
    if sectors is None:
        return []
    taxonomy = current_app.extensions["komvos.taxonomy"]
    return [model.category_id.in_(sorted(c.id for c in taxonomy.categories.values()
                                         if c.sector in sectors))]


def gaps(centre: list[Any]) -> list[Gap]:
    """Quantity still lacking per sector, area (municipality) and unit, most needs first."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    rows = db.session.execute(
        select(
            Need.category_id,
            Need.place_id,
            Need.unit,
            func.sum(Need.quantity - Need.committed_quantity),
            func.count(),
        )
        .where(*_open_uncovered(centre))
        .group_by(Need.category_id, Need.place_id, Need.unit)
    ).all()
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for category_id, place_id, unit, lacking, count in rows:
        category = taxonomy.categories.get(category_id)
        place = places.places.get(place_id)
        cell = totals[
            (category.sector if category else "", place.municipality if place else place_id, unit)
        ]
        cell[0] += int(lacking)
        cell[1] += int(count)
    found = [Gap(s, a, u, lacking, count) for (s, a, u), (lacking, count) in totals.items()]
    return sorted(found, key=lambda g: (-g.needs, -g.lacking, g.sector, g.area, g.unit))


def oldest_urgent(centre: list[Any], limit: int = URGENT_SHOWN,
                  sectors: set[str] | None = None) -> list[Need]:
    """Open high-urgency and emergency needs still lacking something, oldest first."""
    query = (
        select(Need)
        .where(*_open_uncovered(centre), Need.urgency.in_(URGENT), *_in_sectors(Need, sectors))
        .order_by(Need.created_at, Need.id)
        .limit(limit)
        .options(joinedload(Need.organisation))
    )
    return list(db.session.scalars(query))


def waiting(column: Any, status: str, now: datetime, sectors: set[str] | None = None,
            centre: tuple[Any, ...] = ()) -> Waiting:
    """Matches in `status`, how old the oldest is, and how many fall in each age bucket."""
    query = select(column).where(Match.status == status)
    if sectors is not None or centre:
        query = query.join(Need, Match.need_id == Need.id).where(
            *_in_sectors(Need, sectors), *centre)
    stamps = [s for s in db.session.scalars(query) if s]
    buckets = []
    for low, high in AGE_BUCKETS:
        start = now - timedelta(days=low)
        end = now - timedelta(days=high) if high is not None else None
        count = sum(1 for s in stamps if s <= start and (end is None or s > end))
        buckets.append(AgeCount(low, high, count))
    return Waiting(len(stamps), min(stamps) if stamps else None, tuple(buckets))


def week_starts(day: date, weeks: int = WEEKS) -> tuple[date, ...]:
    """The Mondays of the last `weeks` weeks, the current one last."""
    monday = day - timedelta(days=day.weekday())
    return tuple(monday - timedelta(weeks=n) for n in reversed(range(weeks)))


def deliveries(weeks: tuple[date, ...], centre: list[Any]) -> dict[str, tuple[int, ...]]:
    """Received (fulfilled) matches per sector and week; sectors with none are left out."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    start = datetime.combine(weeks[0], datetime.min.time())
    end = datetime.combine(weeks[-1] + timedelta(days=7), datetime.min.time())
    rows = db.session.execute(
        select(Match.fulfilled_at, Need.category_id)
        .join(Need, Match.need_id == Need.id)
        .where(
            Match.status == MatchStatus.FULFILLED,
            Match.fulfilled_at >= start,
            Match.fulfilled_at < end,
            *centre,
        )
    ).all()
    counts: dict[str, list[int]] = {}
    for fulfilled_at, category_id in rows:
        assert fulfilled_at is not None  # the query keeps fulfilled matches of these weeks
        category = taxonomy.categories.get(category_id)
        sector = category.sector if category else ""
        index = (fulfilled_at.date() - weeks[0]).days // 7
        counts.setdefault(sector, [0] * len(weeks))[index] += 1
    return {s: tuple(counts[s]) for s in (*SECTORS, "") if s in counts}


def build_dashboard(day: date, now: datetime | None = None,
                    sectors: set[str] | None = None, staff: User | None = None) -> Dashboard:
    """Every figure of the dashboard of the centre of `staff` (default: the signed-in
    person), as of `day` (the centre's date) and `now` (UTC); with `sectors` (a staff
    member's committees) only the work of those sectors. Offers are national."""
    now = now or utcnow()
    centre = needs_in_scope(staff)
    found = [g for g in gaps(centre) if sectors is None or g.sector in sectors]
    by_sector: dict[str, int] = defaultdict(int)
    for gap in found:
        by_sector[gap.sector] += gap.needs
    weeks = week_starts(day)
    return Dashboard(
        open_needs=_count(Need, post_status_conditions(Need, None), *_in_sectors(Need, sectors),
                          *centre),
        open_offers=_count(Offer, post_status_conditions(Offer, None),
                           *_in_sectors(Offer, sectors)),
        uncovered_needs=_count(Need, *_open_uncovered(centre), *_in_sectors(Need, sectors)),
        gaps=tuple(found),
        gaps_by_sector={s: by_sector[s] for s in (*SECTORS, "") if by_sector.get(s)},
        urgent=tuple(oldest_urgent(centre, sectors=sectors)),
        proposals=waiting(Match.created_at, MatchStatus.PROPOSED, now, sectors, tuple(centre)),
        undelivered=waiting(Match.confirmed_at, MatchStatus.CONFIRMED, now, sectors,
                            tuple(centre)),
        weeks=weeks,
        deliveries={s: v for s, v in deliveries(weeks, centre).items()
                    if sectors is None or s in sectors},
    )


def chart_data(board: Dashboard, labels: dict[str, Any]) -> dict[str, Any]:
    """The charts' numbers for static/charts.js (the same as the tables on the page)."""
    sector_names = labels["sectors"]
    ages = labels["ages"]
    return {
        "gaps": {
            "type": "bar",
            "labels": [sector_names(s) for s in board.gaps_by_sector],
            "series": [{"label": labels["needs"], "values": list(board.gaps_by_sector.values())}],
        },
        "proposals": {
            "type": "bar",
            "labels": [ages(b) for b in board.proposals.by_age],
            "series": [
                {"label": labels["proposals"], "values": [b.count for b in board.proposals.by_age]}
            ],
        },
        "undelivered": {
            "type": "bar",
            "labels": [ages(b) for b in board.undelivered.by_age],
            "series": [
                {
                    "label": labels["matches"],
                    "values": [b.count for b in board.undelivered.by_age],
                }
            ],
        },
        "deliveries": {
            "type": "stacked",
            "labels": [labels["week"](w) for w in board.weeks],
            "series": [
                {"label": sector_names(s), "values": list(v)} for s, v in board.deliveries.items()
            ],
        },
    }
