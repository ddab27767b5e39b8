"""The JSON API under /api/v1 (flask-smorest), described at /api/v1/openapi.json and shown
to people at /api/docs."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_smorest import Api

from web.extensions import csrf
from web.routing import IdConverter, id_parameter_schema


class KomvosApi(Api):
    """flask-smorest, leaving error responses to `web.errors` (JSON under /api, pages elsewhere)."""

    def _register_error_handlers(self) -> None:
        pass


api = KomvosApi()
api.register_converter(IdConverter, id_parameter_schema)

API_SETTINGS = {
    "API_TITLE": "Komvos API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Offers, needs, categories and places. Authenticate with a personal "
            "token from your account page: `Authorization: Bearer <token>`.",
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    },
}


# No document of ours nests deeper; a deeper one is refused before anything recurses into it.
MAX_JSON_DEPTH = 32


def refuse_unreadable_json() -> None:
    """A JSON body that does not parse, or nests too deep, is a 400 before any view runs."""
    if not request.path.startswith("/api/") or not request.is_json or not request.get_data():
        return
    try:
        body = request.get_json()  # cached: the views and webargs read the same parse
    except RecursionError:
        abort(400)
    if json_depth(body) > MAX_JSON_DEPTH:
        abort(400)


def json_depth(value: Any) -> int:
    """How deep arrays and objects nest in `value` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_JSON_DEPTH:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def init_app(app: Flask) -> None:
    """Mount the API blueprints and serve the OpenAPI document."""
    from web.api import (
        committees,
        directory,
        docs,
        emergencies,
        interests,
        matches,
        posts,
        reference,
    )

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api.init_app(app)
    app.before_request(refuse_unreadable_json)
    app.register_blueprint(docs.bp)
    blueprints = (
        reference.blp,
        posts.offers_blp,
        posts.needs_blp,
        posts.open_needs_blp,
        matches.blp,
        directory.blp,
        interests.blp,
        committees.blp,
        emergencies.blp,
    )
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
