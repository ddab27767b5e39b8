"""The JSON API under /api/v1 (flask-smorest), described at /api/v1/openapi.json and shown
to people at /api/docs."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from web.extensions import csrf


class KomvosApi(Api):  # type: ignore[misc]
    """flask-smorest, leaving error responses to `web.errors` (JSON under /api, pages elsewhere)."""

    def _register_error_handlers(self) -> None:
        pass


api = KomvosApi()

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


def init_app(app: Flask) -> None:
    """Mount the API blueprints and serve the OpenAPI document."""
    from web.api import docs, matches, posts, reference

    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api.init_app(app)
    app.register_blueprint(docs.bp)
    blueprints = (
        reference.blp,
        posts.offers_blp,
        posts.needs_blp,
        posts.open_needs_blp,
        matches.blp,
    )
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
