"""Read-only categories and places, searchable in Greek, Greeklish and English."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE

from web import database, throttle
from web.api.schemas import CategoryOut, HealthOut, PlaceOut, SearchQuery
from web.i18n import current_language
from web.throttle import client_address

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="Categories and places")
throttle.api(blp, client_address)


@blp.get("/health")
@blp.response(200, HealthOut, description="Every part works")
@blp.alt_response(503, schema=HealthOut, description="A part named in `checks` failed")
@blp.doc(operationId="health")
def health() -> tuple[dict[str, Any], int]:
    """Readiness: the database answers and the reference data is loaded (else 503)."""
    taxonomy = current_app.extensions.get("komvos.taxonomy")
    checks = {
        "database": "ok" if database.reachable() else "unavailable",
        "reference_data": "ok" if taxonomy else "unavailable",
    }
    healthy = all(state == "ok" for state in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "categories": len(taxonomy) if taxonomy else 0,
        "checks": checks,
    }
    return body, 200 if healthy else 503


@blp.get("/categories")
@blp.arguments(SearchQuery, location="query", unknown=RAISE)
@blp.response(200, CategoryOut(many=True))
@blp.doc(operationId="listCategories")
def categories(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Categories matching `q` in any language or script (the first ones without `q`)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    language = args["lang"] or current_language()
    query, limit = args["q"].strip(), args["limit"]
    found = taxonomy.search(query, limit) if query else list(taxonomy.categories.values())[:limit]
    return [
        {
            "id": c.id,
            "label": c.label(language),
            "kind": c.kind,
            "sector": c.sector,
            "unit": c.unit,
            "path": list(c.path),
        }
        for c in found
    ]


@blp.get("/places")
@blp.arguments(SearchQuery, location="query", unknown=RAISE)
@blp.response(200, PlaceOut(many=True))
@blp.doc(operationId="listPlaces")
def places(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Places matching `q` in any language or script (municipalities without `q`)."""
    gazetteer = current_app.extensions["komvos.places"]
    language = args["lang"] or current_language()
    query, limit = args["q"].strip(), args["limit"]
    found = gazetteer.search(query, limit) if query else gazetteer.municipalities()[:limit]
    return [
        {
            "id": p.id,
            "name": p.name(language),
            "kind": p.kind,
            "municipality": p.municipality,
            "lat": p.lat,
            "lon": p.lon,
        }
        for p in found
    ]
