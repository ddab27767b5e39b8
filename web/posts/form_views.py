"""The poster's forms: post, edit, withdraw or close an offer or a need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user
from web.i18n import current_language
from web.posts import services
from web.posts.blueprint import bp, poster_required
from web.posts.labels import PER_LABELS, URGENCY_LABELS
from web.posts.models import URGENCIES, Need, Offer
from web.posts.schemas import PostInput, load_post
from web.posts.sides import NEED, OFFER, Side, side_of
from web.reference import SECTORS
from web.validation import Conflict, InvalidFields, InvalidInput
from web.views_common import ActionForm

# Fields kept off the forms (set through the API or a file), or read as checkboxes.
_NOT_TYPED = ("latitude", "longitude", "restrict_areas", "remote", "restrict_sectors")


@dataclass(frozen=True, slots=True)
class FormSide:
    """How the pages speak of one side: its form, its list, what a poster is told."""

    side: Side
    template: str
    listed_at: str  # the endpoint of the poster's own list
    posted: Any
    updated: Any


FORMS = {
    "offer": FormSide(
        OFFER,
        "posts/offer_form.html",
        "posts.my_offers",
        _l(
            "Thank you. Your offer is posted. What happens next: the engine proposes "
            "needs that fit, the centre's staff confirm, and you are told by email and in "
            "your inbox."
        ),
        _l("Your offer is updated."),
    ),
    "need": FormSide(
        NEED,
        "posts/need_form.html",
        "posts.our_needs",
        _l(
            "The need is posted. What happens next: the engine proposes offers that fit, "
            "the centre's staff confirm, and you are told by email and in your inbox."
        ),
        _l("The need is updated."),
    ),
}


def _resolve(kind: str, text: str) -> str:
    """A category or place id from what the person typed (an id, a label or a synonym)."""
    registry = current_app.extensions["komvos.taxonomy" if kind == "category" else "komvos.places"]
    if not text or text in registry:
        return text
    found = registry.search(text, limit=1)
    return found[0].id if found else text


def _submitted(side: Side) -> dict[str, Any]:
    """What the form sent, as the schema reads it."""
    typed = [name for name in side.fields if name not in _NOT_TYPED]
    raw: dict[str, Any] = {name: request.form.get(name, "") for name in typed}
    raw["category"] = _resolve("category", raw["category"].strip())
    raw["place"] = _resolve("place", raw["place"].strip())
    category = current_app.extensions["komvos.taxonomy"].categories.get(raw["category"])
    if request.form.get("details_shown") == category_key(category):
        # The poster saw the details of this category on the form: what is ticked is theirs.
        raw["attributes"] = {name: request.form.getlist(f"detail-{name}")
                             for name in category.attributes}
    if side is OFFER:
        raw["remote"] = "remote" in request.form
        raw["restrict_sectors"] = request.form.getlist("restrict_sectors")
    return raw


def category_key(category: Any) -> str:
    """Which category's details a form shows ("" when none)."""
    return category.id if category is not None and category.attributes else ""


def _render_form(
    form: FormSide, values: dict[str, Any], errors: dict[str, Any], item: Any, **extra: Any
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
        form.template,
        values=shown,
        errors=errors,
        form=ActionForm(),
        units=taxonomy.units,
        sectors=SECTORS,
        urgencies=URGENCIES,
        urgency_labels=URGENCY_LABELS,
        per_labels=PER_LABELS,
        category=category,
        attributes=taxonomy.attributes,
        details_for=category_key(category),
        **{form.side.name: item},
        **extra,
    ), status


def _values_of(item: Offer | Need) -> dict[str, Any]:
    values = side_of(item).values_of(item)
    values.update(version=item.version, attributes=item.attributes or {})
    return {k: ("" if v is None else v) for k, v in values.items()}


def _form_changes(schema: PostInput, raw: dict[str, Any]) -> dict[str, Any]:
    """An edit form loaded as a whole post: its fields (a blank one back to its default)
    change; what the form does not show (coordinates, areas) keeps its stored value."""
    data = load_post(schema, raw)
    kept = {*raw, "category_suggested"}
    return {name: value for name, value in data.items() if name in kept}


def _chosen_need(raw: str | None) -> Need | None:
    """The open need a donor is offering for (`?need=` or the form's hidden field), if any."""
    if not raw or not raw.isdigit() or len(raw) > 10:
        return None
    try:
        return services.open_need(int(raw))
    except LookupError:
        return None


def _owned(side: Side, object_id: int) -> Any:
    try:
        return services.get_post(side, signed_in_user(), object_id)
    except LookupError:
        abort(404)


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _problem(error: InvalidInput | Conflict) -> dict[str, list[str]]:
    if isinstance(error, Conflict):
        return {"form": [_("Someone else changed this meanwhile. Reload it and try again.")]}
    return {"form": [error.message]}


def _first_values(side: Side, chosen: Need | None) -> dict[str, Any]:
    """What a new post's form starts with: `?category=` on an offer, or the chosen need."""
    if side is NEED:
        return {"urgency": "normal", "reach_km": 10}
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
    return values


def _new(form: FormSide) -> Any:
    """Post on `form`'s side; an offer may be tied to an open need (`?need=`)."""
    side = form.side
    chosen = _chosen_need(request.values.get("need")) if side is OFFER else None
    extra = {"chosen_need": chosen} if side is OFFER else {}
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _submitted(side)
        try:
            data = load_post(side.schema(), raw)
            item = services.post(side, signed_in_user(), data, chosen_need=chosen)
        except InvalidFields as error:
            return _render_form(form, raw, error.errors, None, **extra)
        flash(str(form.posted), "success")
        return redirect(url_for(form.listed_at, _anchor=f"{side.name}-{item.id}"))
    return _render_form(form, _first_values(side, chosen), {}, None, **extra)


def _edit(form: FormSide, post_id: int) -> Any:
    """Change an open post on `form`'s side."""
    side = form.side
    item = _owned(side, post_id)
    if request.method == "POST" and ActionForm().validate_on_submit():
        raw = _submitted(side)
        try:
            changes = _form_changes(side.schema(), raw)
            services.update_post(side, signed_in_user(), post_id, changes, _version())
        except InvalidFields as error:
            return _render_form(form, raw, error.errors, item)
        except (InvalidInput, Conflict) as error:
            return _render_form(form, raw, _problem(error), item)
        flash(str(form.updated), "success")
        return redirect(url_for(form.listed_at))
    return _render_form(form, _values_of(item), {}, item)


def _register(form: FormSide) -> None:
    """The new and edit pages of one side."""
    one = form.side.name
    guard = poster_required(form.side)

    def new_post() -> Any:
        return _new(form)

    def edit_post(**ids: int) -> Any:
        return _edit(form, ids[f"{one}_id"])

    new_post.__doc__ = f"Post a new {one} (an offer: `?category=` prefills it, `?need=` ties it)."
    edit_post.__doc__ = f"Change an open {one}."
    methods = ["GET", "POST"]
    bp.add_url_rule(f"/{one}s/new", f"new_{one}", guard(new_post), methods=methods)
    edit_rule = f"/{one}s/<id:{one}_id>/edit"
    bp.add_url_rule(edit_rule, f"edit_{one}", guard(edit_post), methods=methods)


for _form in FORMS.values():
    _register(_form)


@bp.route("/offers/<id:offer_id>/withdraw", methods=["GET", "POST"])
@poster_required(OFFER)
def withdraw_offer(offer_id: int) -> Any:
    """Take an offer back: the page asks first and says what stays promised."""
    offer = _owned(OFFER, offer_id)
    if request.method == "GET":
        if not offer.is_active:
            return redirect(url_for("posts.my_offers", _anchor=f"offer-{offer_id}"))
        return render_template("posts/withdraw_offer.html", offer=offer, form=ActionForm())
    if ActionForm().validate_on_submit():
        try:
            services.withdraw_post(OFFER, signed_in_user(), offer_id)
            flash(_("The offer is withdrawn. Matches already confirmed still stand."), "success")
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("posts.my_offers", _anchor=f"offer-{offer_id}"))


@bp.post("/needs/<id:need_id>/close")
@poster_required(NEED)
def close_need(need_id: int) -> Response:
    """Close a need the organisation no longer has."""
    _owned(NEED, need_id)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw_post(NEED, signed_in_user(), need_id)
            flash(_("The need is closed."), "success")
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("posts.our_needs"))
