"""URL converters shared by every feature."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL `integer`: a larger id can name no row


class IdConverter(IntegerConverter):
    """`<id:name>`: a database id, 1 to 2^31-1; anything else does not match (404)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    """How the OpenAPI document describes an `<id:...>` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def init_app(app: Flask) -> None:
    """Register the converters before any blueprint binds its rules."""
    app.url_map.converters["id"] = IdConverter
