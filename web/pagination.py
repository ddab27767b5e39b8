"""One page of a list: Flask-SQLAlchemy's pagination, with the bounds every list shares."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from web.extensions import db

MAX_PER_PAGE = 100
# What a list view or an API answer receives: items, total, page, per_page, pages.
Page = Pagination


def paginate(query: Select[Any], page: int, per_page: int) -> Pagination:
    """Run `query` for one page, with the total count. Numbers out of bounds are brought
    within them (the API's schemas refuse them first, naming the field); a page past the
    last is empty."""
    return db.paginate(
        query,
        page=max(page, 1),
        per_page=min(max(per_page, 1), MAX_PER_PAGE),
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )


def page_body(found: Pagination) -> dict[str, Any]:
    """A page as the API answers it: `pages` is at least one, even for an empty list."""
    return {
        "items": found.items,
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": max(found.pages, 1),
    }
