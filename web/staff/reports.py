"""Reports for funders and committees: for a period (and perhaps one sector or area), what
was asked, offered, confirmed and received, by sector, area, NGO and donor.

Companies are named; individual donors are only counted, never named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from web.centres.scope import area_of, needs_in_scope
from web.extensions import db
from web.matches.models import LEDGER_STATUSES, Match
from web.models import Organisation, User
from web.posts.models import Need, Offer
from web.reference import SECTORS
from web.statuses import MatchStatus, OrganisationKind

DEFAULT_DAYS = 90
MEASURES = ("asked", "offered", "confirmed", "received")
INDIVIDUALS = "individuals"


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """The period (inclusive dates) and an optional sector and area."""

    since: date
    until: date
    sector: str | None = None
    area: str | None = None

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments."""
        found = {"since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.sector:
            found["sector"] = self.sector
        if self.area:
            found["area"] = self.area
        return found


@dataclass
class Counts:
    """How many needs were asked, offers offered, matches confirmed and received."""

    asked: int = 0
    offered: int = 0
    confirmed: int = 0
    received: int = 0

    def values(self) -> list[int]:
        """The four figures, in MEASURES order."""
        return [self.asked, self.offered, self.confirmed, self.received]


@dataclass
class Report:
    """Every table of a report."""

    filters: ReportFilters
    total: Counts = field(default_factory=Counts)
    by_sector: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_area: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_ngo: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_donor: dict[int | str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    individuals: set[int] = field(default_factory=set)
    names: dict[int, str] = field(default_factory=dict)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def parse_report_filters(args: Mapping[str, str], day: date) -> ReportFilters:
    """The report's period and filters from a query string; the last 90 days by default."""
    until = _day(args.get("until")) or day
    since = _day(args.get("since")) or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        since, until = until, since
    sector = args.get("sector") or None
    area = args.get("area") or None
    places = current_app.extensions["komvos.places"]
    return ReportFilters(
        since=since,
        until=until,
        sector=sector if sector in SECTORS else None,
        area=area if area in places and places[area].kind == "municipality" else None,
    )


def _where(filters: ReportFilters) -> tuple[Any, Any]:
    start = datetime.combine(filters.since, datetime.min.time())
    end = datetime.combine(filters.until + timedelta(days=1), datetime.min.time())
    return start, end


class _Classifier:
    """Sector and area (municipality) of a post, and whether it passes the filters."""

    def __init__(self, filters: ReportFilters) -> None:
        self.taxonomy = current_app.extensions["komvos.taxonomy"]
        self.places = current_app.extensions["komvos.places"]
        self.filters = filters

    def __call__(self, category_id: str, place_id: str) -> tuple[str, str] | None:
        category = self.taxonomy.categories.get(category_id)
        place = self.places.places.get(place_id)
        sector = category.sector if category else ""
        area = place.municipality if place else place_id
        if self.filters.sector and sector != self.filters.sector:
            return None
        if self.filters.area and area != self.filters.area:
            return None
        return sector, area


def _donor_key(organisation_id: int | None, kind: str | None) -> int | str:
    company = organisation_id is not None and kind == OrganisationKind.COMPANY
    return organisation_id if company and organisation_id is not None else INDIVIDUALS


def build_report(filters: ReportFilters, staff: User | None = None) -> Report:
    """Count what was asked, offered, confirmed and received in the period, for the centre
    of `staff` (default: the signed-in person): its needs and their matches, and the offers
    made within its area."""
    report = Report(filters)
    classify = _Classifier(filters)
    start, end = _where(filters)
    centre = needs_in_scope(staff)
    needs = db.session.execute(
        select(Need.category_id, Need.place_id, Need.organisation_id).where(
            Need.created_at >= start, Need.created_at < end, *centre
        )
    ).all()
    organisation_id: int | None  # a need's is always set, an offer's not
    for category_id, place_id, organisation_id in needs:
        if (where := classify(category_id, place_id)) is not None:
            _add(report, "asked", where, organisation_id, None)
    offers = db.session.execute(
        select(Offer.category_id, Offer.place_id, Offer.organisation_id, Offer.donor_id).where(
            Offer.created_at >= start, Offer.created_at < end
        )
    ).all()
    kinds = _organisation_kinds()
    area = area_of(staff)
    for category_id, place_id, organisation_id, donor_id in offers:
        if area is not None and not area(place_id):
            continue
        if (where := classify(category_id, place_id)) is not None:
            donor = _donor_key(organisation_id, kinds.get(organisation_id or 0))
            _add(report, "offered", where, None, donor)
            if donor == INDIVIDUALS:
                report.individuals.add(donor_id)
    _count_matches(report, classify, kinds, start, end, centre)
    report.names = _organisation_names(report)
    return report


def _count_matches(
    report: Report, classify: _Classifier, kinds: dict[int, str], start: Any, end: Any,
    centre: list[Any],
) -> None:
    rows = db.session.execute(
        select(
            Match.status,
            Match.confirmed_at,
            Match.fulfilled_at,
            Need.category_id,
            Need.place_id,
            Need.organisation_id,
            Offer.organisation_id,
            Offer.donor_id,
        )
        .join(Need, Match.need_id == Need.id)
        .join(Offer, Match.offer_id == Offer.id)
        .where(Match.status.in_(LEDGER_STATUSES), *centre)
    ).all()
    for status, confirmed, fulfilled, category, place, ngo, company, donor_id in rows:
        where = classify(category, place)
        if where is None:
            continue
        donor = _donor_key(company, kinds.get(company or 0))
        if donor == INDIVIDUALS:
            report.individuals.add(donor_id)
        if confirmed is not None and start <= confirmed < end:
            _add(report, "confirmed", where, ngo, donor)
        if status == MatchStatus.FULFILLED and fulfilled is not None and start <= fulfilled < end:
            _add(report, "received", where, ngo, donor)


def _add(
    report: Report, measure: str, where: tuple[str, str], ngo: int | None, donor: int | str | None
) -> None:
    sector, area = where
    for counts in (report.total, report.by_sector[sector], report.by_area[area]):
        setattr(counts, measure, getattr(counts, measure) + 1)
    if ngo is not None:
        counts = report.by_ngo[ngo]
        setattr(counts, measure, getattr(counts, measure) + 1)
    if donor is not None:
        counts = report.by_donor[donor]
        setattr(counts, measure, getattr(counts, measure) + 1)


def _organisation_kinds() -> dict[int, str]:
    rows = db.session.execute(select(Organisation.id, Organisation.kind)).all()
    return {organisation_id: kind for organisation_id, kind in rows}


def _organisation_names(report: Report) -> dict[int, str]:
    ids = [*report.by_ngo, *(k for k in report.by_donor if isinstance(k, int))]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    ).all()
    return {organisation_id: name for organisation_id, name in rows}


def ordered(table: Mapping[Any, Counts]) -> list[tuple[Any, Counts]]:
    """Rows with the most asked and received first."""
    return sorted(table.items(), key=lambda item: (-item[1].received, -item[1].asked, str(item[0])))
