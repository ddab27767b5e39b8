"""The JSON API's read-only reference endpoints (the full API grows under /api/v1)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from web.extensions import csrf
from web.i18n import current_language
from web.validation import InvalidInput

bp = Blueprint("api", __name__)
csrf.exempt(bp)
MAX_QUERY = 100
MAX_LIMIT = 50


def _query_and_limit() -> tuple[str, int]:
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY:
        raise InvalidInput("q", f"at most {MAX_QUERY} characters")
    raw_limit = request.args.get("limit", "10")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise InvalidInput("limit", f"a whole number from 1 to {MAX_LIMIT}")
    return query, int(raw_limit)


@bp.get("/health")
def health() -> dict[str, Any]:
    """Liveness: the app answers and its reference data is loaded."""
    return {"status": "ok", "categories": len(current_app.extensions["komvos.taxonomy"])}


@bp.get("/categories")
def categories() -> dict[str, Any]:
    """Categories matching `q` in any language or script (all of them without `q`)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    query, limit = _query_and_limit()
    language = request.args.get("lang") or current_language()
    found = taxonomy.search(query, limit) if query else list(taxonomy.categories.values())[:limit]
    return {
        "items": [
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
    }


@bp.get("/places")
def places() -> dict[str, Any]:
    """Places matching `q` in any language or script."""
    gazetteer = current_app.extensions["komvos.places"]
    query, limit = _query_and_limit()
    language = request.args.get("lang") or current_language()
    found = gazetteer.search(query, limit) if query else gazetteer.municipalities()[:limit]
    return {
        "items": [
            {"id": p.id, "name": p.name(language), "kind": p.kind, "lat": p.lat, "lon": p.lon,
             "municipality": p.municipality}
            for p in found
        ]
    }
