"""The fields a post's schema is made of: bounded text, whole numbers, dates and choices,
each with a message a poster understands (translated when it is shown)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from web.clock import today
from web.validation import Text

REQUIRED = _l("This field is required.")
MAX_TITLE = 120
MAX_DESCRIPTION = 4000
MAX_CONDITIONS = 2000
EARLIEST_DATE = date(2000, 1, 1)
DAYS_AHEAD = 5 * 365  # a date further ahead is a typo, and overflows date arithmetic


def messages(**extra: Any) -> dict[str, Any]:
    """The messages of a field: required and null say the same; `extra` adds others."""
    return {"required": REQUIRED, "null": REQUIRED, **extra}


def text(
    low: int = 0, high: int = MAX_DESCRIPTION, multiline: bool = False, **kwargs: Any
) -> fields.String:
    """A bounded string of one line (or of several); blank counts as missing when `low` > 0."""
    message = (
        _l("Between %(min)d and %(max)d characters.", min=low, max=high)
        if low
        else _l("At most %(max)d characters.", max=high)
    )
    return Text(
        multiline=multiline,
        validate=validate.Length(min=low, max=high, error=message),
        error_messages=messages(invalid=_l("Enter text.")),
        **kwargs,
    )


class WholeNumber(fields.Integer):
    """An integer from JSON or a form; 1.5 is refused, not truncated."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


class LocalNumber:
    """A number that prints in the request's language (1.000.000 in Greek, 1,000,000 in
    English) when a lazy message is finally rendered."""

    def __init__(self, value: int):
        self.value = value

    def __str__(self) -> str:
        return str(format_decimal(self.value))


def whole_number(low: int, high: int, **kwargs: Any) -> fields.Integer:
    """A bounded integer."""
    return WholeNumber(
        strict=False,
        validate=validate.Range(
            min=low,
            max=high,
            error=_l(
                "Enter a whole number from %(min)d to %(max)s.",
                min=low,
                max=LocalNumber(high),
            ),
        ),
        error_messages=messages(invalid=_l("Enter a whole number.")),
        **kwargs,
    )


def _within_date_bounds(value: date) -> None:
    latest = today() + timedelta(days=DAYS_AHEAD)
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            str(
                _l(
                    "Choose a date from %(first)s to %(last)s.",
                    first=EARLIEST_DATE.isoformat(),
                    last=latest.isoformat(),
                )
            )
        )


def calendar_date(**kwargs: Any) -> fields.Date:
    """A date in ISO form (YYYY-MM-DD), as date inputs send it, within sensible bounds."""
    return fields.Date(
        validate=_within_date_bounds,
        error_messages=messages(invalid=_l("Enter a date.")),
        metadata={"description": "From 2000-01-01 to five years from today"},
        **kwargs,
    )


def choice(options: tuple[str, ...] | list[str], **kwargs: Any) -> fields.String:
    """One of a fixed set of values."""
    return fields.String(
        validate=validate.OneOf(options, error=_l("Choose one of the listed values.")),
        error_messages=messages(),
        **kwargs,
    )


def coordinate(low: float, high: float) -> fields.Float:
    """A latitude or longitude within Greece's wider area."""
    return fields.Float(
        allow_nan=False,
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=low, max=high, error=_l("Coordinates must lie in Greece.")),
        error_messages=messages(invalid=_l("Enter a number.")),
    )
