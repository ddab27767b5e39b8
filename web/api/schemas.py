"""What the API returns, and the bounded query parameters of its lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from web.api.writing import writer
from web.clock import today
from web.matches.periods import this_period
from web.posts.models import STATUSES, URGENCIES
from web.reference import KINDS, SECTORS

ID = validate.Length(max=64)


class UtcDateTime(fields.DateTime):
    """A moment with its UTC offset (`...+00:00`): the database keeps UTC without one."""

    naive_is_utc = True  # how web.api.writing knows to write it so

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class PageQuery(Schema):
    """Which page of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PostQuery(PageQuery):
    """Filters every list of offers or needs accepts."""

    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "As of today, like `status` in the answers: `open` and `partly_matched` "
                       "leave out posts past their date, `expired` takes them in"})
    kind = fields.String(validate=validate.OneOf(KINDS))
    sector = fields.String(validate=validate.OneOf(tuple(SECTORS)))
    category = fields.String(
        validate=ID, metadata={"description": "A category id; includes its children"}
    )
    place = fields.String(
        validate=ID,
        metadata={"description": "A place id; a municipality includes its neighbourhoods"},
    )


class NeedQuery(PostQuery):
    """Filters of needs."""

    urgency = fields.String(validate=validate.OneOf(URGENCIES))


class SearchQuery(Schema):
    """A search of categories or places."""

    q = fields.String(load_default="", validate=validate.Length(max=100))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    lang = fields.String(load_default=None, validate=validate.OneOf(("el", "en")))


class CategorySearchQuery(SearchQuery):
    """A search of categories, perhaps of one kind."""

    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))


class SuggestQuery(Schema):
    """A post's title and description, to suggest its category."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=4120),
                         metadata={"description": "The title, then the description"})
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    lang = fields.String(load_default=None, validate=validate.OneOf(("el", "en")))


class PostOut(Schema):
    """Fields offers and needs share."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    category = fields.String(attribute="category_id", required=True)
    title = fields.String(required=True)
    description = fields.String()
    quantity = fields.Integer(required=True)
    unit = fields.String(required=True)
    committed_quantity = fields.Integer()
    remaining_quantity = fields.Integer()
    place = fields.String(attribute="place_id", required=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    reach_km = fields.Integer()
    attributes = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "Attribute values stated by the poster or read from the text"})
    category_suggested = fields.Boolean(
        metadata={"description": "True when the category was chosen from the title and "
                  "description because none was sent"})
    status = fields.String(
        attribute="current_status", required=True, validate=validate.OneOf(STATUSES),
        metadata={"description": "Where it stands as of today: an open or partly matched post "
                  "past its deadline (a need) or end (an offer) is `expired`, whether or not "
                  "the daily expiry job has stored that yet"})
    version = fields.Integer(required=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    per = fields.String(allow_none=True, metadata={
        "description": "`week` or `month` for a recurring skill or service (the quantity is "
                       "per period); null: once"})
    this_period = fields.Method("period_now", allow_none=True, metadata={
        "description": "For a recurring post: the current period's first day (`start`), "
                       "what confirmed matches hold of it (`committed`) and what is `left`"})

    def period_now(self, post: Any) -> dict[str, Any] | None:
        """The current week's or month's figures of a recurring post."""
        if post.per is None:
            return None
        start, held = this_period(post, today())
        return {"start": start.isoformat(), "committed": held,
                "left": max(post.quantity - held, 0)}


class OfferOut(PostOut):
    """An offer, as its donor sees it."""

    lot = fields.Integer()
    remote = fields.Boolean()
    available_from = fields.Date()
    available_until = fields.Date(allow_none=True)
    conditions = fields.String()
    restrict_sectors = fields.List(fields.String())
    restrict_areas = fields.List(fields.String())


class NeedOut(PostOut):
    """A need, as its organisation sees it."""

    urgency = fields.String(required=True)
    needed_by = fields.Date(required=True)
    organisation_id = fields.Integer()


class PublicNeedOut(Schema):
    """An open need as the public sees it: no person's name, email or phone."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    category = fields.String(attribute="category_id", required=True)
    title = fields.String(required=True)
    description = fields.String()
    remaining_quantity = fields.Integer(required=True)
    unit = fields.String(required=True)
    urgency = fields.String(required=True)
    needed_by = fields.Date(required=True)
    place = fields.String(attribute="place_id", required=True)
    organisation = fields.String(attribute="organisation.name", metadata={"description": "The NGO"})


class _Page(Schema):
    """A page of items, written by `web.api.writing` (the same output as Marshmallow's)."""

    write_item: Any = None

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        if many or not isinstance(obj, dict) or set(obj) != _PAGE_KEYS:
            return super().dump(obj, many=many)
        write = type(self).write_item
        return {"items": [write(item) for item in obj["items"]],
                **{key: int(obj[key]) for key in ("total", "page", "per_page", "pages")}}


_PAGE_KEYS = {"items", "total", "page", "per_page", "pages"}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """An envelope schema for one page of `item_schema`."""
    name = item_schema.__name__.removesuffix("Out") + "Page"
    return type(
        name,
        (_Page,),
        {
            "write_item": staticmethod(writer(item_schema)),
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
        },
    )


class AttributeOut(Schema):
    """An attribute of a category and its values."""

    id = fields.String(required=True)
    label = fields.String(required=True)
    values = fields.List(fields.Dict(), required=True,
                         metadata={"description": "Each value's `id` and `label`"})
    strict = fields.Boolean(metadata={"description": "Both sides must state it to match"})


class CategoryOut(Schema):
    """A category of the taxonomy."""

    id = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True)
    sector = fields.String(required=True)
    unit = fields.String(required=True)
    units = fields.List(fields.String(), metadata={"description": "Units it accepts"})
    path = fields.List(fields.String())
    attributes = fields.List(fields.Nested(AttributeOut))
    score = fields.Float(allow_none=True, metadata={
        "description": "How much of the query it explains, 0-1 (null without a query)"})


class SuggestionOut(CategoryOut):
    """A category suggested for a text, how likely, and the attribute values read."""

    confidence = fields.Float(required=True)
    read = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                       metadata={"description": "Attribute values the text states"})


class SuggestionsOut(Schema):
    """Suggested categories, best first, and the one confident enough to be chosen."""

    items = fields.List(fields.Nested(SuggestionOut), required=True)
    chosen = fields.String(allow_none=True, metadata={
        "description": "The id a post without a category would get, or null"})


class PlaceOut(Schema):
    """A place of the gazetteer."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    municipality = fields.String()
    lat = fields.Float()
    lon = fields.Float()


class HealthOut(Schema):
    """Whether the service can serve: each part checked, and what failed."""

    status = fields.String(required=True, validate=validate.OneOf(("ok", "unavailable")))
    categories = fields.Integer(required=True, metadata={"description": "Categories loaded"})
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.OneOf(("ok", "unavailable"))),
        required=True,
        metadata={"description": "Each part (`database`, `reference_data`): ok or unavailable"},
    )


class ItemsOut(Schema):
    """A plain list."""

    items = fields.List(fields.Dict(), required=True)
