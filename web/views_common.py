"""Small pieces every feature's views share."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import request
from flask_smorest import Blueprint as ApiBlueprint
from flask_wtf import FlaskForm

MAX_PAGE = 100_000


class ActionForm(FlaskForm):
    """A form that carries only its CSRF token; the services validate the fields."""


def page_number() -> int:
    """The `?page=` of a list, 1 when missing or out of bounds."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1


def documented_errors(blueprint: ApiBlueprint, *codes: HTTPStatus) -> Any:
    """Document the error responses an API operation can give (the shared error schema)."""

    def decorate(view: Any) -> Any:
        for code in codes:
            view = blueprint.alt_response(int(code), response=code.name)(view)
        return view

    return decorate
