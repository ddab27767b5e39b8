"""Read-only categories and places, searchable in Greek, Greeklish and English."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE

from web import database, throttle
from web.api.schemas import (
    CategoryOut,
    CategorySearchQuery,
    HealthOut,
    PlaceOut,
    SearchQuery,
    SuggestionsOut,
    SuggestQuery,
)
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
@blp.arguments(CategorySearchQuery, location="query", unknown=RAISE)
@blp.response(200, CategoryOut(many=True))
@blp.doc(operationId="listCategories")
def categories(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Categories that best explain `q` (several words in any order, Greek, English or
    Greeklish, any case and accents, inflected or misspelt), best first; of `kind` when given
    (the first ones without `q`)."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    language = args["lang"] or current_language()
    query, limit, kind = args["q"].strip(), args["limit"], args["kind"]
    if query:
        found = [(taxonomy[h.id], h.score) for h in taxonomy.hits(query, limit, kind)]
    else:
        found = [(c, None) for c in taxonomy.categories.values()
                 if kind is None or c.kind == kind][:limit]
    return [{**category_view(taxonomy, c, language), "score": score} for c, score in found]


@blp.get("/categories/suggest")
@blp.arguments(SuggestQuery, location="query", unknown=RAISE)
@blp.response(200, SuggestionsOut)
@blp.doc(operationId="suggestCategories")
def suggest(args: dict[str, Any]) -> dict[str, Any]:
    """The three categories a post's text is most likely about, with a confidence and the
    attribute values it states; `chosen` is the one a post sent without a category gets."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    language = args["lang"] or current_language()
    title, _, description = args["text"].strip().partition("\n")
    suggestions = taxonomy.suggest(title, description, args["kind"])
    chosen = taxonomy.confident(suggestions)
    return {
        "items": [
            {**category_view(taxonomy, s.category, language), "confidence": s.confidence,
             "read": {k: sorted(v) for k, v in
                      taxonomy.read_attributes(s.category, args["text"]).items()}}
            for s in suggestions
        ],
        "chosen": chosen.id if chosen else None,
    }


def category_view(taxonomy: Any, category: Any, language: str) -> dict[str, Any]:
    """A category as the API shows it, in `language`."""
    return {
        "id": category.id,
        "label": category.label(language),
        "kind": category.kind,
        "sector": category.sector,
        "unit": category.unit,
        "units": taxonomy.accepted_units(category),
        "path": list(category.path),
        "attributes": [
            {
                "id": name,
                "label": taxonomy.attributes[name].label(language),
                "strict": taxonomy.attributes[name].spec.strict,
                "values": [{"id": v, "label": taxonomy.attributes[name].value_label(v, language)}
                           for v in taxonomy.attributes[name].spec.values],
            }
            for name in category.attributes
        ],
    }


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
