"""What staff send to declare an emergency: checked once, here, for the page and the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from web.clock import today
from web.reference import SECTORS
from web.validation import Text

MAX_DAYS_AHEAD = 5 * 366


def _in_range(value: date) -> None:
    if not date(2000, 1, 1) <= value <= today() + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(str(_l("Give a date between today and five years ahead.")))


class EmergencyInput(Schema):
    """An emergency: titles and messages in both languages, its scope and its dates."""

    title_el = Text(required=True, validate=validate.Length(min=3, max=120))
    title_en = Text(required=True, validate=validate.Length(min=3, max=120))
    message_el = Text(multiline=True, required=True, validate=validate.Length(min=3, max=2000))
    message_en = Text(multiline=True, required=True, validate=validate.Length(min=3, max=2000))
    sectors = fields.List(fields.String(validate=validate.OneOf(tuple(SECTORS))),
                          load_default=list, validate=validate.Length(max=len(SECTORS)))
    categories = fields.List(fields.String(validate=validate.Length(max=64)),
                             load_default=list, validate=validate.Length(max=30))
    areas = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list,
                        validate=validate.Length(max=66), metadata={
                            "description": "Municipality ids (see /places); empty: all"})
    starts_on = fields.Date(load_default=None, allow_none=True, validate=_in_range,
                            metadata={"description": "Default: today"})
    ends_on = fields.Date(required=True, validate=_in_range,
                          metadata={"description": "The expected end (inclusive)"})
    centre = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=64), metadata={
                               "description": "The centre's slug: the deployment's admin "
                               "chooses it; staff declare for their own centre (default: the "
                               "declarer's centre, or the first one for the admin)"})

    @validates("categories")
    def _categories(self, value: list[str], **_: Any) -> None:
        taxonomy = current_app.extensions["komvos.taxonomy"]
        if any(c not in taxonomy for c in value):
            raise ValidationError(str(_l("Choose categories from the list.")))

    @validates("areas")
    def _areas(self, value: list[str], **_: Any) -> None:
        places = current_app.extensions["komvos.places"].places
        if any(p not in places or places[p].kind != "municipality" for p in value):
            raise ValidationError(str(_l("Choose municipalities from the list.")))

    @validates_schema
    def _scope_and_dates(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("sectors") and not data.get("categories"):
            raise ValidationError(str(_l("Choose at least one sector or category.")),
                                  field_name="sectors")
        start = data.get("starts_on") or today()
        if data.get("ends_on") and data["ends_on"] < max(start, today()):
            raise ValidationError(str(_l("The expected end cannot be before the start or in "
                                         "the past.")), field_name="ends_on")
