"""What a member sends to describe a service: checked once, here, for pages and API alike."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates

from web.reference import SECTORS
from web.validation import Text


def language_codes() -> list[str]:
    """The languages a service may be given in: the taxonomy's language values."""
    attribute = current_app.extensions["komvos.taxonomy"].attributes.get("language")
    return sorted(attribute.value_labels) if attribute is not None else []


class ServiceInput(Schema):
    """A standing service of a member organisation."""

    title = Text(required=True, validate=validate.Length(min=3, max=120))
    description = Text(multiline=True, load_default="", validate=validate.Length(max=2000))
    sector = fields.String(required=True, validate=validate.OneOf(SECTORS))
    categories = fields.List(fields.String(), required=True,
                             validate=validate.Length(min=1, max=10))
    areas = fields.List(fields.String(), load_default=list, validate=validate.Length(max=20))
    place = fields.String(load_default=None, allow_none=True)
    languages = fields.List(fields.String(), load_default=list, validate=validate.Length(max=20))
    hours = Text(load_default="", validate=validate.Length(max=200))
    eligibility = Text(multiline=True, load_default="", validate=validate.Length(max=500))
    contact = Text(load_default="", validate=validate.Length(max=200))

    @validates("categories")
    def _categories(self, value: list[str], **_: Any) -> None:
        taxonomy = current_app.extensions["komvos.taxonomy"]
        if any(c not in taxonomy for c in value):
            raise ValidationError(str(_l("Choose categories from the list.")))

    @validates("areas")
    def _areas(self, value: list[str], **_: Any) -> None:
        places = current_app.extensions["komvos.places"]
        if any(p not in places for p in value):
            raise ValidationError(str(_l("Choose areas from the list.")))

    @validates("place")
    def _place(self, value: str | None, **_: Any) -> None:
        if value and value not in current_app.extensions["komvos.places"]:
            raise ValidationError(str(_l("Choose areas from the list.")))

    @validates("languages")
    def _languages(self, value: list[str], **_: Any) -> None:
        if any(v not in language_codes() for v in value):
            raise ValidationError(str(_l("Choose languages from the list.")))
