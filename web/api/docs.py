"""A readable page for the API at /api/docs: Swagger UI, vendored, over our OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs_page", __name__)


@bp.get("/api/docs")
def api_docs() -> str:
    """The API's endpoints, schemas and examples, to read and to try with one's token."""
    return render_template("api/docs.html")
