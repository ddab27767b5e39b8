"""URL converters shared by every feature."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL `integer`: a larger id can name no row


def digits_up_to(highest: int) -> str:
    """A regular expression for the whole numbers 1 to `highest`, without leading zeros."""
    limit = str(highest)
    shorter = [f"[1-9]\\d{{0,{len(limit) - 2}}}"] if len(limit) > 1 else []
    same_length = []
    for position, digit in enumerate(limit):
        lowest = 1 if position == 0 else 0
        if int(digit) > lowest:
            rest = len(limit) - position - 1
            same_length.append(f"{limit[:position]}[{lowest}-{int(digit) - 1}]\\d{{{rest}}}")
    return "(?:" + "|".join([*shorter, *same_length, limit]) + ")"


class IdConverter(IntegerConverter):
    """`<id:name>`: a database id, 1 to 2^31-1; anything else does not match (404).

    The bound is in the pattern itself: a value refused only after matching would make
    werkzeug answer 405 for a path whose other methods exist.
    """

    regex = digits_up_to(MAX_ID)

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    """How the OpenAPI document describes an `<id:...>` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def init_app(app: Flask) -> None:
    """Register the converters before any blueprint binds its rules."""
    app.url_map.converters["id"] = IdConverter
