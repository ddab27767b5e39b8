"""What an offer or a need may contain: one set of rules for the pages and the API.

Type and bounds checks are marshmallow fields; the rules that need the taxonomy, the places
or today's date run in `validates_schema`. Messages are translated when they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    missing,
    pre_load,
    validate,
    validates_schema,
)

from web.clock import today
from web.i18n import current_language
from web.posts.fields import (
    MAX_CONDITIONS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    REQUIRED,
    calendar_date,
    choice,
    coordinate,
    messages,
    text,
    whole_number,
)
from web.posts.labels import KIND_LABELS
from web.posts.models import MAX_QUANTITY, MAX_REACH_KM, URGENCIES
from web.recurrence import PERS, RECURRING_KINDS
from web.reference import KINDS, SECTORS
from web.validation import InvalidFields, plain_messages

__all__ = ["REQUIRED", "NeedChanges", "NeedInput", "OfferChanges", "OfferInput", "PostInput",
           "check_post", "load_post"]


class PostInput(Schema):
    """Fields offers and needs share."""

    class Meta:
        ordered = True

    category = text(
        1, 64, load_default=None,
        metadata={"description": "Category id (see /categories). May be left out when the "
                  "title and description make the category clear (see /categories/suggest): "
                  "the answer's `category` and `category_suggested` say which was chosen"})
    kind = choice(
        KINDS, load_default=None, metadata={"description": "Must equal the category's kind"}
    )
    title = text(3, MAX_TITLE, required=True)
    description = text(0, MAX_DESCRIPTION, multiline=True, load_default="")
    quantity = whole_number(1, MAX_QUANTITY, required=True)
    unit = text(
        1, 32, load_default=None, metadata={"description": "Defaults to the category's unit"}
    )
    place = text(1, 64, required=True, metadata={"description": "Place id (see /places)"})
    latitude = coordinate(34.0, 42.0)
    longitude = coordinate(19.0, 30.0)
    reach_km = whole_number(0, MAX_REACH_KM, load_default=10)
    per = choice(
        PERS, load_default=None, allow_none=True,
        metadata={"description": "For a skill or service given (or needed) again and again: "
                  "`week` or `month`. The quantity is then per week or month, between the "
                  "offer's `available_from` and `available_until` (required) or until the "
                  "need's `needed_by`; it renews every period. Null or left out: once."})
    attributes = fields.Dict(
        keys=fields.String(validate=validate.Length(max=32)),
        values=fields.List(fields.String(validate=validate.Length(max=32)),
                           validate=validate.Length(max=60)),
        load_default=None, validate=validate.Length(max=20),
        metadata={"description": "Values of the category's attributes (see /categories), "
                  "e.g. {\"nappy_size\": [\"4\"]}; those not given are read from the title and "
                  "description. An empty list says: not stated."},
    )

    @pre_load
    def drop_blanks(self, data: Any, **kwargs: Any) -> Any:
        """Blank form fields count as not given; surrounding spaces go.

        In a change (a partial load) a blank field is given as its default, as it would be
        in a whole post, so the change says "back to the default" instead of nothing."""
        if not isinstance(data, dict):
            return data
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    if not kwargs.get("partial") or key not in self.load_fields:
                        continue
                    value = _blank_as(self.load_fields[key])
                    if value is missing:
                        continue
            cleaned[key] = value
        return cleaned

    @validates_schema(skip_on_field_errors=False)
    def check_rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        """The rules that need the taxonomy, the places or today's date.

        A whole post gets its derived values (kind, unit, start) filled in; a change is only
        checked, so that it holds nothing but what was sent."""
        checked = dict(data) if kwargs.get("partial") else data
        errors: dict[str, list[Any]] = {}
        self.check_common(checked, errors)
        self.check_specific(checked, errors)
        if errors:
            raise ValidationError(errors)

    def check_common(self, data: dict[str, Any], errors: dict[str, list[Any]]) -> None:
        """Category known, kind and unit agree with it, place known, coordinates paired."""
        taxonomy = current_app.extensions["komvos.taxonomy"]
        places = current_app.extensions["komvos.places"]
        if not data.get("category") and "title" in data:
            self.suggest_category(taxonomy, data)
        category = taxonomy.categories.get(data.get("category") or "")
        if category is None and ("category" in data or "title" in data):
            errors["category"] = [_l("Choose a category from the list.")]
        if category is not None:
            if data.get("kind") and data["kind"] != category.kind:
                errors["kind"] = [
                    _l("This category is for %(kind)s.", kind=KIND_LABELS[category.kind])
                ]
            data["kind"] = category.kind
            data["unit"] = data.get("unit") or category.unit
            if not taxonomy.accepts_unit(category, data["unit"]):
                labels = [taxonomy.units[u].labels[current_language()]
                          for u in taxonomy.accepted_units(category)]
                errors["unit"] = [_l("For this category use one of: %(units)s.",
                                     units=", ".join(labels))]
            problem = _attribute_problem(taxonomy, category, data.get("attributes"))
            if problem:
                errors["attributes"] = [problem]
        if "place" in data and data["place"] not in places:
            errors["place"] = [_l("We do not know this place; try the municipality's name.")]
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            errors["longitude"] = [_l("Give both latitude and longitude, or neither.")]
        if data.get("per") and data.get("kind") and data["kind"] not in RECURRING_KINDS:
            errors["per"] = [_l("Only skills and services can be given every week or month.")]

    def check_specific(self, data: dict[str, Any], errors: dict[str, list[Any]]) -> None:
        """Rules of one side only."""

    def suggest_category(self, taxonomy: Any, data: dict[str, Any]) -> None:
        """Choose the category from the title and description when they make it clear."""
        suggestions = taxonomy.suggest(data["title"], data.get("description", ""),
                                       data.get("kind"))
        chosen = taxonomy.confident(suggestions)
        if chosen is not None:
            data["category"] = chosen.id
            data["category_suggested"] = True


def _blank_as(field: fields.Field[Any]) -> Any:
    """What a blank value of `field` means: its default, or null (refused) when required."""
    if field.required:
        return None
    default = field.load_default
    return default() if callable(default) else default


def load_post(schema: PostInput, raw: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` (a form's text, a file's row) as clean values; InvalidFields names each field."""
    try:
        return dict(schema.load(dict(raw)))
    except ValidationError as error:
        raise InvalidFields(plain_messages(error.messages)) from error


def check_post(schema: PostInput, data: dict[str, Any]) -> None:
    """The rules of `schema` over clean values (a stored post and its changes), filling in
    what they derive; InvalidFields names each field that breaks one."""
    errors: dict[str, list[Any]] = {}
    schema.check_common(data, errors)
    schema.check_specific(data, errors)
    if errors:
        raise InvalidFields(plain_messages(errors))


def _attribute_problem(taxonomy: Any, category: Any, given: Any) -> Any:
    """A message when `given` names an attribute the category lacks or an unknown value."""
    for name, values in (given or {}).items():
        if name not in category.attributes:
            return _l("This category has no detail called %(name)s.", name=name)
        attribute = taxonomy.attributes[name]
        unknown = [v for v in values if v.casefold() not in attribute.spec.values]
        if unknown:
            return _l("%(value)s is not one of the values of %(name)s.", value=unknown[0],
                      name=attribute.label(current_language()))
    return None


class OfferInput(PostInput):
    """An offer, as a donor posts or edits it."""

    lot = whole_number(1, MAX_QUANTITY, load_default=1)
    remote = fields.Boolean(load_default=False, error_messages=messages(invalid=_l("Yes or no.")))
    available_from = calendar_date(load_default=None)
    available_until = calendar_date(load_default=None, allow_none=True)
    conditions = text(0, MAX_CONDITIONS, multiline=True, load_default="")
    restrict_sectors = fields.List(
        choice(tuple(SECTORS)), load_default=list, validate=validate.Length(max=len(SECTORS))
    )
    restrict_areas = fields.List(text(1, 64), load_default=list, validate=validate.Length(max=20))

    def check_specific(self, data: dict[str, Any], errors: dict[str, list[Any]]) -> None:
        """Lots divide the quantity; dates are in order; remote only for skills and services."""
        quantity, lot = data.get("quantity"), data.get("lot", 1)
        if quantity is not None and lot and (lot > quantity or quantity % lot):
            errors["lot"] = [_l("The quantity must be a whole number of lots.")]
        start = data.get("available_from") or today()
        data["available_from"] = start
        end: date | None = data.get("available_until")
        if end is not None and end < start:
            errors["available_until"] = [_l("The end must not be before the start.")]
        elif end is not None and end < today():
            errors["available_until"] = [_l("The end must not be in the past.")]
        if data.get("per") and "available_until" in data and end is None:
            errors["available_until"] = [
                _l("Say until when you can give it every week or month.")]
        if data.get("remote") and data.get("kind") == "goods":
            errors["remote"] = [_l("Goods cannot be given remotely.")]
        places = current_app.extensions["komvos.places"]
        unknown = [
            a
            for a in data.get("restrict_areas", [])
            if a not in places and a not in places.regional_units
        ]
        if unknown:
            errors["restrict_areas"] = [_l("Unknown areas: %(areas)s", areas=", ".join(unknown))]


class NeedInput(PostInput):
    """A need, as an NGO representative posts or edits it."""

    urgency = choice(URGENCIES, load_default="normal")
    needed_by = calendar_date(required=True)

    def check_specific(self, data: dict[str, Any], errors: dict[str, list[Any]]) -> None:
        """The deadline is not in the past."""
        needed_by = data.get("needed_by")
        if needed_by is not None and needed_by < today():
            errors["needed_by"] = [_l("The date must not be in the past.")]


class OfferChanges(OfferInput):
    """Changes to an offer: any subset of its fields, and the version they were made on."""

    version = whole_number(1, 2**31 - 1, metadata={"description": "Refuse if changed since"})


class NeedChanges(NeedInput):
    """Changes to a need: any subset of its fields, and the version they were made on."""

    version = whole_number(1, 2**31 - 1, metadata={"description": "Refuse if changed since"})
