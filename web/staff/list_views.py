"""Staff lists of needs, offers and matches, with the filters their exports share."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlalchemy import or_, select

from web.auth.login import signed_in_user, staff_required
from web.centres.scope import organisations_in_scope
from web.extensions import db
from web.listing import MATCH_SHOWN, NEED_SHOWN, OFFER_SHOWN, ListFilters, parse_filters
from web.matches.labels import MATCH_STATUS_LABELS
from web.models import Organisation
from web.posts.labels import STATUS_LABELS, URGENCY_LABELS
from web.posts.models import STATUSES, URGENCIES
from web.posts.services import paginate
from web.reference import SECTORS
from web.staff import bp
from web.staff.lists import LISTED_MATCH_STATUSES, list_query
from web.statuses import OrganisationKind, OrganisationStatus, PostStatus
from web.views_common import page_number

PER_PAGE = 50
SHOWN = {"needs": NEED_SHOWN, "offers": OFFER_SHOWN, "matches": MATCH_SHOWN}


# The status filter of the staff's lists: "open" stands for partly matched posts too.
LISTED_POST_STATUSES = (
    PostStatus.OPEN, PostStatus.MATCHED, PostStatus.FULFILLED, PostStatus.WITHDRAWN,
    PostStatus.EXPIRED,
)

def filter_choices() -> dict[str, Any]:
    """What the filter forms offer: sectors, places, urgencies, organisations (the centre's
    members, and donor companies, who are national)."""
    members = organisations_in_scope()
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.APPROVED,
               Organisation.kind != OrganisationKind.CENTRE,
               *([or_(Organisation.kind == OrganisationKind.COMPANY, *members)]
                 if members else []))
        .order_by(Organisation.name)
    ).all()
    return {
        "sectors": SECTORS,
        "urgencies": URGENCIES,
        "urgency_labels": URGENCY_LABELS,
        "organisations": organisations,
    }


def render_list(kind: str, filters: ListFilters, statuses: tuple[str, ...], **extra: Any) -> str:
    """One page of a staff list with its filters and export links."""
    query = list_query(kind, filters, signed_in_user()).options(*SHOWN.get(kind, ()))
    found = paginate(query, page_number(), PER_PAGE)
    return render_template(
        f"staff/{kind}.html",
        page=found,
        filters=filters,
        statuses=statuses,
        kind=kind,
        **filter_choices(),
        **extra,
    )


@bp.get("/needs")
@staff_required
def needs() -> str:
    """Needs by sector, category, area, urgency and status; open ones by default."""
    filters = parse_filters(request.args, STATUSES)
    return render_list("needs", filters, LISTED_POST_STATUSES, status_labels=STATUS_LABELS)


@bp.get("/offers")
@staff_required
def offers() -> str:
    """Offers by sector, category, area and status, listed beside a map of their areas."""
    filters = parse_filters(request.args, STATUSES)
    return render_list("offers", filters, LISTED_POST_STATUSES, status_labels=STATUS_LABELS)


@bp.get("/matches/all")
@staff_required
def matches() -> str:
    """Decided matches: confirmed and waiting for delivery, received, cancelled, rejected."""
    filters = parse_filters(request.args, LISTED_MATCH_STATUSES)
    return render_list("matches", filters, LISTED_MATCH_STATUSES, status_labels=MATCH_STATUS_LABELS)
