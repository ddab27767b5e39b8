"""The fairness measure: what each NGO received lately, and what the median NGO did."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import func, select

from web.extensions import db
from web.matches.models import Match
from web.models import Organisation, utcnow
from web.posts.models import Need
from web.statuses import LEDGER_STATUSES, OrganisationKind, OrganisationStatus

FAIRNESS_DAYS = 90


def received_recently(organisation_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Confirmed or fulfilled matches per NGO in the last 90 days (the fairness measure)."""
    since = utcnow() - timedelta(days=FAIRNESS_DAYS)
    query = (
        select(Need.organisation_id, func.count(Match.id))
        .join(Match, Match.need_id == Need.id)
        .where(Match.status.in_(LEDGER_STATUSES), Match.confirmed_at >= since)
        .group_by(Need.organisation_id)
    )
    if organisation_ids is not None:
        query = query.where(Need.organisation_id.in_(list(organisation_ids)))
    return {org: count for org, count in db.session.execute(query).all()}


def median_received(counts: dict[int, int] | None = None) -> float:
    """What the median NGO received in the window (the fairness reference); `counts` of
    every NGO, when the caller has them already (`received_recently()`)."""
    counts = received_recently() if counts is None else counts
    ngo_ids = db.session.scalars(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.NGO,
            Organisation.status == OrganisationStatus.APPROVED,)
    ).all()
    values = sorted(counts.get(i, 0) for i in ngo_ids) or [0]
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
