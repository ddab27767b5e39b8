"""One page of a list: Flask-SQLAlchemy's pagination, with the bounds every list shares."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

from web.extensions import db

MAX_PER_PAGE = 100
# What a list view or an API answer receives: items, total, page, per_page, pages.
Page = Pagination


class _Counted(SelectPagination):
    """A page whose total is counted up to `count_up_to` + 1 rows, no further, when given:
    counting a long list then costs no more than that (the page says "more than ...").
    With `rows`, a select of columns: its items are rows, and its total is counted on its
    first column alone (the others may be subqueries, not worth running for a count)."""

    def _query_items(self) -> list[Any]:
        if not self._query_args["rows"]:
            return super()._query_items()
        rows = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(rows).all())

    def _query_count(self) -> int:
        query = self._query_args["select"]
        if self._query_args["rows"]:
            query = query.with_only_columns(query.selected_columns[0])
        else:
            query = query.options(lazyload("*"))  # nothing eager in a count
        query = query.order_by(None)
        if self._query_args["count_up_to"] is not None:
            query = query.limit(int(self._query_args["count_up_to"]) + 1)
        counted = select(func.count()).select_from(query.subquery())
        return int(self._query_args["session"].execute(counted).scalar() or 0)


def paginate(
    query: Select[Any], page: int, per_page: int, count_up_to: int | None = None,
    rows: bool = False,
) -> Pagination:
    """Run `query` for one page, with the total count (at most `count_up_to` + 1, when
    given); with `rows`, `query` selects columns and the page's items are rows. Numbers out
    of bounds are brought within them (the API's schemas refuse them first, naming the
    field); a page past the last is empty."""
    return _Counted(
        select=query, session=db.session(), page=max(page, 1),
        per_page=min(max(per_page, 1), MAX_PER_PAGE), max_per_page=MAX_PER_PAGE,
        error_out=False, count_up_to=count_up_to, rows=rows,
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
