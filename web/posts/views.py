"""Pages for offers and needs: thin views over `web.posts.services`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.login import login_manager, refuse_unless_approved, signed_in_user
from web.http_cache import public_cached
from web.i18n import current_language
from web.posts import services
from web.posts.labels import KIND_LABELS, STATUS_LABELS, URGENCY_LABELS
from web.posts.models import NEED_ROLES, OFFER_ROLES, URGENCIES, Need, Offer
from web.reference import SECTORS
from web.validation import Conflict, InvalidFields, InvalidInput
from web.views_common import ActionForm, page_number

bp = Blueprint("posts", __name__)
OFFER_FIELDS = (
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "lot",
    "place",
    "reach_km",
    "available_from",
    "available_until",
    "conditions",
)
NEED_FIELDS = (
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "urgency",
    "needed_by",
    "place",
    "reach_km",
)


def poster_required(roles: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only a signed-in person of `roles` whose organisation (if any) is approved gets in."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            refuse_unless_approved(current_user)
            return view(*args, **kwargs)

        return guarded

    return decorate


def _resolve(kind: str, text: str) -> str:
    """A category or place id from what the person typed (an id, a label or a synonym)."""
    registry = current_app.extensions["komvos.taxonomy" if kind == "category" else "komvos.places"]
    if not text or text in registry:
        return text
    found = registry.search(text, limit=1)
    return found[0].id if found else text


def _submitted(fields: tuple[str, ...]) -> dict[str, Any]:
    raw: dict[str, Any] = {name: request.form.get(name, "") for name in fields}
    raw["category"] = _resolve("category", raw["category"].strip())
    raw["place"] = _resolve("place", raw["place"].strip())
    category = current_app.extensions["komvos.taxonomy"].categories.get(raw["category"])
    if request.form.get("details_shown") == category_key(category):
        # The poster saw the details of this category on the form: what is ticked is theirs.
        raw["attributes"] = {name: request.form.getlist(f"detail-{name}")
                             for name in category.attributes}
    return raw


def category_key(category: Any) -> str:
    """Which category's details a form shows ("" when none)."""
    return category.id if category is not None and category.attributes else ""


def _offer_input() -> dict[str, Any]:
    raw = _submitted(OFFER_FIELDS)
    raw["remote"] = "remote" in request.form
    raw["restrict_sectors"] = request.form.getlist("restrict_sectors")
    return raw


def _render_form(
    template: str, values: dict[str, Any], errors: dict[str, Any], **extra: Any
) -> Any:
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    language = current_language()
    category = taxonomy.categories.get(values.get("category", ""))
    place = places.places.get(values.get("place", ""))
    shown = dict(values)
    if category is not None:
        shown["category"] = category.label(language)
    if place is not None:
        shown["place"] = place.name(language)
    status = 422 if errors else 200
    return render_template(
        template,
        values=shown,
        errors=errors,
        form=ActionForm(),
        units=taxonomy.units,
        sectors=SECTORS,
        urgencies=URGENCIES,
        urgency_labels=URGENCY_LABELS,
        category=category,
        attributes=taxonomy.attributes,
        details_for=category_key(category),
        **extra,
    ), status


def _values_of(post: Offer | Need) -> dict[str, Any]:
    values = {
        name: getattr(post, name, "") for name in OFFER_FIELDS + NEED_FIELDS if hasattr(post, name)
    }
    values.update(category=post.category_id, place=post.place_id, version=post.version,
                  attributes=post.attributes or {})
    if isinstance(post, Offer):
        values.update(remote=post.remote, restrict_sectors=post.restrict_sectors)
    return {k: ("" if v is None else v) for k, v in values.items()}


# Offers -------------------------------------------------------------------------------------


def _chosen_need(raw: str | None) -> Need | None:
    """The open need a donor is offering for (`?need=` or the form's hidden field), if any."""
    if not raw or not raw.isdigit() or len(raw) > 10:
        return None
    try:
        return services.open_need(int(raw))
    except LookupError:
        return None


@bp.route("/offers/new", methods=["GET", "POST"])
@poster_required(OFFER_ROLES)
def new_offer() -> Any:
    """A donor or a member NGO posts an offer; `?category=` prefills it, `?need=` ties it to
    an open need."""
    chosen = _chosen_need(request.values.get("need"))
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _offer_input()
        try:
            offer = services.post_offer(signed_in_user(), raw, chosen_need=chosen)
        except InvalidFields as error:
            return _render_form(
                "posts/offer_form.html", raw, error.errors, offer=None, chosen_need=chosen
            )
        flash(
            _(
                "Thank you. Your offer is posted. What happens next: the engine proposes "
                "needs that fit, the centre's staff confirm, and you are told by email and in "
                "your inbox."
            ),
            "success",
        )
        return redirect(url_for("posts.my_offers", _anchor=f"offer-{offer.id}"))
    category = request.args.get("category", "")
    values: dict[str, Any] = {
        "category": category if category in current_app.extensions["komvos.taxonomy"] else "",
        "lot": 1,
        "reach_km": 10,
    }
    if chosen is not None:
        values.update(
            category=chosen.category_id,
            title=chosen.title,
            quantity=chosen.remaining_quantity,
            unit=chosen.unit,
            place=chosen.place_id,
        )
    return _render_form("posts/offer_form.html", values, {}, offer=None, chosen_need=chosen)


@bp.get("/offers/mine")
@poster_required(OFFER_ROLES)
def my_offers() -> str:
    """The donor's (or the organisation's) offers with their status and what is left."""
    found = services.list_offers(signed_in_user(), {}, page_number(), 20)
    return render_template(
        "posts/my_offers.html",
        page=found,
        form=ActionForm(),
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
    )


def _owned(getter: Callable[..., Any], object_id: int) -> Any:
    try:
        return getter(signed_in_user(), object_id)
    except LookupError:
        abort(404)


@bp.route("/offers/<id:offer_id>/edit", methods=["GET", "POST"])
@poster_required(OFFER_ROLES)
def edit_offer(offer_id: int) -> Any:
    """Change an open offer."""
    offer = _owned(services.get_offer, offer_id)
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _offer_input()
        try:
            services.update_offer(signed_in_user(), offer_id, raw, _version())
        except InvalidFields as error:
            return _render_form("posts/offer_form.html", raw, error.errors, offer=offer)
        except (InvalidInput, Conflict) as error:
            return _render_form("posts/offer_form.html", raw, _problem(error), offer=offer)
        flash(_("Your offer is updated."), "success")
        return redirect(url_for("posts.my_offers"))
    return _render_form("posts/offer_form.html", _values_of(offer), {}, offer=offer)


@bp.route("/offers/<id:offer_id>/withdraw", methods=["GET", "POST"])
@poster_required(OFFER_ROLES)
def withdraw_offer(offer_id: int) -> Any:
    """Take an offer back: the page asks first and says what stays promised."""
    offer = _owned(services.get_offer, offer_id)
    if request.method == "GET":
        if not offer.is_active:
            return redirect(url_for("posts.my_offers", _anchor=f"offer-{offer_id}"))
        return render_template("posts/withdraw_offer.html", offer=offer, form=ActionForm())
    if ActionForm().validate_on_submit():
        try:
            services.withdraw_offer(signed_in_user(), offer_id)
            flash(_("The offer is withdrawn. Matches already confirmed still stand."), "success")
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("posts.my_offers", _anchor=f"offer-{offer_id}"))


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _problem(error: InvalidInput | Conflict) -> dict[str, list[str]]:
    if isinstance(error, Conflict):
        return {"form": [_("Someone else changed this meanwhile. Reload it and try again.")]}
    return {"form": [error.message]}


# Needs --------------------------------------------------------------------------------------


@bp.route("/needs/new", methods=["GET", "POST"])
@poster_required(NEED_ROLES)
def new_need() -> Any:
    """An NGO representative posts a need for the organisation."""
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _submitted(NEED_FIELDS)
        try:
            need = services.post_need(signed_in_user(), raw)
        except InvalidFields as error:
            return _render_form("posts/need_form.html", raw, error.errors, need=None)
        flash(
            _(
                "The need is posted. What happens next: the engine proposes offers that fit, "
                "the centre's staff confirm, and you are told by email and in your inbox."
            ),
            "success",
        )
        return redirect(url_for("posts.our_needs", _anchor=f"need-{need.id}"))
    return _render_form(
        "posts/need_form.html", {"urgency": "normal", "reach_km": 10}, {}, need=None
    )


@bp.get("/needs/ours")
@poster_required(NEED_ROLES)
def our_needs() -> str:
    """The organisation's needs, with how much of each is covered."""
    found = services.list_needs(signed_in_user(), {}, page_number(), 20)
    return render_template(
        "posts/our_needs.html",
        page=found,
        form=ActionForm(),
        status_labels=STATUS_LABELS,
        urgency_labels=URGENCY_LABELS,
    )


@bp.route("/needs/<id:need_id>/edit", methods=["GET", "POST"])
@poster_required(NEED_ROLES)
def edit_need(need_id: int) -> Any:
    """Change an open need."""
    need = _owned(services.get_need, need_id)
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _submitted(NEED_FIELDS)
        try:
            services.update_need(signed_in_user(), need_id, raw, _version())
        except InvalidFields as error:
            return _render_form("posts/need_form.html", raw, error.errors, need=need)
        except (InvalidInput, Conflict) as error:
            return _render_form("posts/need_form.html", raw, _problem(error), need=need)
        flash(_("The need is updated."), "success")
        return redirect(url_for("posts.our_needs"))
    return _render_form("posts/need_form.html", _values_of(need), {}, need=need)


@bp.post("/needs/<id:need_id>/close")
@poster_required(NEED_ROLES)
def close_need(need_id: int) -> Response:
    """Close a need the organisation no longer has."""
    _owned(services.get_need, need_id)
    if ActionForm().validate_on_submit():
        try:
            services.close_need(signed_in_user(), need_id)
            flash(_("The need is closed."), "success")
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("posts.our_needs"))


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
