"""Pages for offers and needs: thin views over `web.posts.services`. The lists and the
pages of one post are here; the poster's forms are in `form_views`."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask_login import current_user

from web.auth.login import refuse_unless_approved, signed_in_user
from web.extensions import login_manager
from web.http_cache import public_cached
from web.posts import (
    form_views,  # noqa: F401  # its routes join `bp`
    services,
)
from web.posts.blueprint import bp, poster_required
from web.posts.labels import KIND_LABELS, STATUS_LABELS, URGENCY_LABELS
from web.posts.models import URGENCIES
from web.posts.sides import NEED, OFFER
from web.reference import SECTORS
from web.views_common import ActionForm, page_number

# The blueprint its routes join, which the app factory mounts.
__all__ = ["bp"]


@bp.get("/offers/mine")
@poster_required(OFFER)
def my_offers() -> str:
    """The donor's (or the organisation's) offers with their status and what is left."""
    found = services.list_posts(OFFER, signed_in_user(), {}, page_number(), 20)
    return render_template(
        "posts/my_offers.html",
        page=found,
        form=ActionForm(),
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
    )


@bp.get("/needs/ours")
@poster_required(NEED)
def our_needs() -> str:
    """The organisation's needs, with how much of each is covered."""
    found = services.list_posts(NEED, signed_in_user(), {}, page_number(), 20)
    return render_template(
        "posts/our_needs.html",
        page=found,
        form=ActionForm(),
        status_labels=STATUS_LABELS,
        urgency_labels=URGENCY_LABELS,
    )


@bp.get("/offers/<id:offer_id>")
def offer_page(offer_id: int) -> Any:
    """One open offer as member NGOs and staff see it: what is available and where; the donor
    only by organisation, never a person's contact before staff confirm a match."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        if current_user.role != "ngo":
            abort(403)
        refuse_unless_approved(current_user)
    try:
        offer = services.open_offer(offer_id)
    except LookupError:
        abort(404)
    return render_template("posts/offer_page.html", offer=offer, kind_labels=KIND_LABELS)


@bp.get("/needs/<id:need_id>")
@public_cached()
def need_page(need_id: int) -> str:
    """The public page of one open need: what is still lacking and where, no personal data."""
    try:
        need = services.open_need(need_id)
    except LookupError:
        abort(404)
    return render_template(
        "posts/need_page.html",
        need=need,
        urgency_labels=URGENCY_LABELS,
        kind_labels=KIND_LABELS,
    )


@bp.get("/needs")
@public_cached()
def open_needs() -> str:
    """The public page: open needs, filterable, with no personal data."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    filters = {
        "sector": request.args.get("sector") if request.args.get("sector") in SECTORS else None,
        "category": request.args.get("category")
        if request.args.get("category") in taxonomy
        else None,
        "place": request.args.get("place") if request.args.get("place") in places else None,
        "urgency": request.args.get("urgency")
        if request.args.get("urgency") in URGENCIES
        else None,
    }
    found = services.open_needs(filters, page_number(), 20)
    return render_template(
        "posts/open_needs.html",
        page=found,
        filters=filters,
        sectors=SECTORS,
        urgencies=URGENCIES,
        urgency_labels=URGENCY_LABELS,
        kind_labels=KIND_LABELS,
    )
