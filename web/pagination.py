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


class _CountedUpTo(SelectPagination):
    """A page whose total is counted up to `count_up_to` + 1 rows, no further: counting a
    long list then costs no more than that (the page says "more than ...")."""

    def _query_count(self) -> int:
        limit = int(self._query_args["count_up_to"]) + 1
        rows = self._query_args["select"].options(lazyload("*")).order_by(None).limit(limit)
        counted = select(func.count()).select_from(rows.subquery())
        return int(self._query_args["session"].execute(counted).scalar() or 0)


class _RowsCountedUpTo(_CountedUpTo):
    """The same for a select of columns: its items are rows, and its total is counted on
    its first column alone (the others may be subqueries, not worth running for a count)."""

    def _query_items(self) -> list[Any]:
        rows = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(rows).all())

    def _query_count(self) -> int:
        limit = int(self._query_args["count_up_to"]) + 1
        query = self._query_args["select"]
        rows = query.with_only_columns(query.selected_columns[0]).order_by(None).limit(limit)
        counted = select(func.count()).select_from(rows.subquery())
        return int(self._query_args["session"].execute(counted).scalar() or 0)


def paginate_rows(
    query: Select[Any], page: int, per_page: int, count_up_to: int | None = None
) -> Pagination:
    """`paginate` for a select of columns: a page of rows (counted up to `count_up_to` + 1,
    default all of them)."""
    return _RowsCountedUpTo(
        select=query, session=db.session(), page=max(page, 1),
        per_page=min(max(per_page, 1), MAX_PER_PAGE), max_per_page=MAX_PER_PAGE,
        error_out=False, count_up_to=count_up_to if count_up_to is not None else 10**9,
    )


def paginate(
    query: Select[Any], page: int, per_page: int, count_up_to: int | None = None
) -> Pagination:
    """Run `query` for one page, with the total count (at most `count_up_to` + 1, when
    given). Numbers out of bounds are brought within them (the API's schemas refuse them
    first, naming the field); a page past the last is empty."""
    if count_up_to is not None:
        return _CountedUpTo(
            select=query, session=db.session(), page=max(page, 1),
            per_page=min(max(per_page, 1), MAX_PER_PAGE), max_per_page=MAX_PER_PAGE,
            error_out=False, count_up_to=count_up_to,
        )
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
