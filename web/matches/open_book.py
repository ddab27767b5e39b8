"""The open book as the engine reads it: open offers and needs in bulk, as rows of the columns
the engine and the donors' restrictions need (Core selects, not ORM objects: a full run reads
200k of them), and, per process, an index of them for proposing for one new offer or need
without a scan of every open row.

The index (`matching.OpenIndex`, through the bridge) is kept per side and per open-book
version: the day and the latest `updated_at` of the side's posts when it was built. A post
that was posted, edited, matched, withdrawn or expired since has a later `updated_at` (every
UPDATE of a post sets it), so a request reads those rows afresh beside what the index gives,
and the index is rebuilt once `REBUILD_AFTER` rows have changed since. What the index gives
is only who could pair: every value the engine receives is read from the database in the
request, so a stale entry can only add a row to read, never change a proposal. A row changed
in the minutes before the index was built (`LATE_COMMIT`) is read afresh only when it is no
longer the version the index holds: a late commit gives it another `updated_at`. Once those
minutes have passed since the build, the rows that committed late are known and read beside
it from then on, and nothing else from before its stamp is (`Book.settle`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Dialect,
    Text,
    cast,
    func,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.types import TypeDecorator

from web.clock import today
from web.database import among
from web.extensions import db
from web.matches import bridge
from web.models import utcnow
from web.posts.models import ACTIVE_STATUSES, Need, Offer

# JSON columns are read as text and decoded once per distinct value: most posts' are `{}` or
# `[]`, and decoding 400k of them one by one was most of the time of reading 100k offers.
# The decoded values are shared between rows: read them, never change them.
_JSON = frozenset({"concepts", "attributes", "restrict_sectors", "restrict_areas"})
_DECODED_AT_MOST = 1 << 17


class _SharedJSON(TypeDecorator[Any]):
    """JSON as text, each distinct text decoded once."""

    impl = Text
    cache_ok = True
    seen: ClassVar[dict[str, Any]] = {}

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        found = self.seen.get(value)
        if found is None:
            if len(self.seen) >= _DECODED_AT_MOST:
                self.seen.clear()
            found = self.seen[value] = json.loads(value)
        return found


# Columns offers and needs share that the engine reads (bridge.engine_offer / engine_need).
_SHARED = ("id", "kind", "category_id", "text_category_id", "title", "description",
           "concepts", "attributes", "quantity", "unit", "place_id", "latitude", "longitude",
           "reach_km", "per", "organisation_id")
OFFER_OWN = ("lot", "remote", "available_from", "available_until", "donor_id",
             "restrict_sectors", "restrict_areas", "chosen_need_id")
NEED_OWN = ("urgency", "needed_by")
# Rows changed since an index was built that a request reads beside it; past this many,
# the index is rebuilt (a few seconds at 100k open, once).
REBUILD_AFTER = 2000
# How often a process counts what changed since it built an index (a query per request
# otherwise); between two counts a request reads at most a second's changes more.
COUNT_EVERY_S = 1.0
# A change flushed this long before it committed is still seen: a row's `updated_at` is
# set at its flush, so a transaction that commits later than another one that read the
# latest `updated_at` could otherwise slip under it.
LATE_COMMIT = timedelta(minutes=2)


def offer_is_open(day: date) -> tuple[ColumnElement[bool], ...]:
    """Offers that can still give: active, with something left, not past their end."""
    return (Offer.status.in_(ACTIVE_STATUSES), Offer.committed_quantity < Offer.quantity,
            Offer.available_until.is_(None) | (Offer.available_until >= day))


def need_is_open(day: date) -> tuple[ColumnElement[bool], ...]:
    """Needs that still lack: active, not covered, not past their deadline."""
    return (Need.status.in_(ACTIVE_STATUSES), Need.committed_quantity < Need.quantity,
            Need.needed_by >= day)


@dataclass(frozen=True)
class Side:
    """Offers or needs, as this module reads them."""

    model: Any  # Offer or Need (typed loosely: `select` of a union of models loses both)
    own: tuple[str, ...]
    is_open: Callable[[date], tuple[ColumnElement[bool], ...]]

    def columns(self) -> list[Any]:
        """The columns the engine reads, and what is left as `remaining_quantity`."""
        model = self.model
        return [*(type_coerce(cast(getattr(model, n), Text), _SharedJSON()).label(n)
                  if n in _JSON else getattr(model, n)
                  for n in (*_SHARED, *self.own)),
                (model.quantity - model.committed_quantity).label("remaining_quantity")]


OFFERS = Side(Offer, OFFER_OWN, offer_is_open)
NEEDS = Side(Need, NEED_OWN, need_is_open)


def open_rows(side: Side, *conditions: Any) -> dict[int, Any]:
    """The side's open posts meeting `conditions`, by id: rows of the engine's columns; a
    recurring post as an object (its capacity is read from the period ledger)."""
    return _posts(side, select(*side.columns()).where(*side.is_open(today()), *conditions))


def _posts(side: Side, query: Any) -> dict[int, Any]:
    """The posts `query` (of `side.columns()`) reads, by id: rows, a recurring one as an
    object."""
    rows: dict[int, Any] = {row.id: row for row in db.session.execute(query)}
    recurring = [i for i, row in rows.items() if row.per is not None]
    if recurring:
        for post in db.session.scalars(select(side.model).where(side.model.id.in_(recurring))):
            rows[post.id] = post
    return rows


def engine_values(side: Side, rows: Iterable[Any]) -> list[Any]:
    """The engine's values of `rows` as they stand, nothing set aside (the index's)."""
    if side is OFFERS:
        return bridge.engine_offers(rows)
    return bridge.engine_needs(rows, {})


@dataclass
class Book:
    """An index of one side's open posts and the version it was built at."""

    day: date
    stamp: datetime | None  # the latest `updated_at` of the side's posts when built
    index: Any
    built_at: datetime  # this process's clock (UTC) just before the build read
    checked: float = 0.0  # when what changed since was last counted (time.monotonic)
    # The rows of the index changed after `since`, by id: the `updated_at` of the version
    # the index holds. Such a row is read afresh only once it has another.
    held: dict[int, datetime] = field(default_factory=dict)
    # Once every change flushed before the build has committed (`settle`): the rows whose
    # version is not the one the index holds though they changed before its stamp (late
    # commits), read beside it for as long as it lives.
    late: frozenset[int] | None = None

    @property
    def since(self) -> datetime:
        """Rows changed after this are read afresh beside the index: after the latest change
        the build saw, and, until the book is settled, for a late commit, after
        `LATE_COMMIT` before the build. Only a change flushed that close to the build can
        have committed after it: of posts written long before (a seed, an import, a quiet
        night), none is read again."""
        if self.stamp is None:
            return datetime.min
        if self.late is not None:
            return self.stamp
        return min(self.stamp, self.built_at - LATE_COMMIT)

    def settle(self, side: Side) -> None:
        """`LATE_COMMIT` after the build, every change flushed before it has committed: the
        rows changed in the window before the stamp that the index does not hold as they
        are are now known, once, and a request reads only those and what changed after
        the stamp (not every row written in the minutes before the build, each time)."""
        if self.late is not None or self.stamp is None or utcnow() < self.built_at + LATE_COMMIT:
            return
        model = side.model
        window = db.session.execute(select(model.id, model.updated_at).where(
            model.updated_at > self.since, model.updated_at <= self.stamp)).all()
        self.late = frozenset(i for i, at in window if self.held.get(i) != at)
        self.held = {i: at for i, at in self.held.items() if at > self.stamp}


def book(side: Side) -> Book:
    """The side's index for today, rebuilt when too much changed since it was built."""
    books: dict[str, Book] = current_app.extensions.setdefault("komvos.open_books", {})
    name = side.model.__tablename__
    kept, day, now = books.get(name), today(), time.monotonic()
    if kept is not None and kept.day == day and now - kept.checked >= COUNT_EVERY_S:
        kept.checked = now
        if _changed_since(side, kept.stamp) > REBUILD_AFTER:
            kept = None
        else:
            kept.settle(side)
    if kept is None or kept.day != day:
        built_at = utcnow()
        stamp = db.session.scalar(select(func.max(side.model.updated_at)))
        rows = _posts(side, select(*side.columns(), side.model.updated_at)
                      .where(*side.is_open(day)))
        kept = Book(day, stamp, bridge.open_index(engine_values(side, rows.values())),
                    built_at, checked=now)
        kept.held = {i: row.updated_at for i, row in rows.items() if row.updated_at > kept.since}
        books[name] = kept
    return kept


def warm_books() -> None:
    """Build both sides' indexes now (a web worker before its first request: at 100k open
    posts a side takes seconds, which the first posting request would otherwise wait for)."""
    book(OFFERS)
    book(NEEDS)


def forget_books() -> None:
    """Build every index afresh at its next use."""
    current_app.extensions.get("komvos.open_books", {}).clear()


def _changed_since(side: Side, stamp: datetime | None) -> int:
    """How many of the side's posts changed after `stamp` (counted up to REBUILD_AFTER + 1)."""
    if stamp is None:
        return 0 if db.session.scalar(select(side.model.id).limit(1)) is None else 1
    changed = (select(side.model.id).where(side.model.updated_at > stamp)
               .limit(REBUILD_AFTER + 1).subquery())
    return int(db.session.scalar(select(func.count()).select_from(changed)) or 0)


def near_posts(side: Side, item: Any, compatible: ColumnElement[bool],
               whole_groups: bool = False,
               also: ColumnElement[bool] | None = None) -> tuple[dict[int, Any], set[int]]:
    """The side's open posts that could pair with the engine value `item`, by id (rows of
    the engine's columns, a recurring post as an object: see `open_rows`), and the ids the
    index found: what it finds near `item`, and every compatible post changed since it was
    built. `whole_groups`: every member of the compatible groups, not only the nearest open
    needs of a remote offer (for when one of those cannot take it); `also`: posts to read
    whatever the index says (the need a donor offered for)."""
    kept = book(side)
    found = {int(value.id) for value in
             bridge.near(kept.index, item, None if whole_groups else kept.day)}
    model, is_open, columns = side.model, side.is_open(kept.day), side.columns()
    indexed = sorted(found)
    since = model.updated_at > kept.since
    changed = (*is_open, since, compatible, ~among(model.id, indexed))
    # One statement, each part on its own index (an OR of them scanned the whole table),
    # each row in one part only.
    parts = [select(*columns).where(*is_open, among(model.id, indexed))]
    if kept.held:
        # What changed since the index was built, as two narrow columns first: of the rows
        # changed just before it, those it holds as they are now need no second reading.
        fresh = [i for i, at in db.session.execute(select(model.id, model.updated_at)
                                                   .where(*changed)) if kept.held.get(i) != at]
        if fresh:
            parts.append(select(*columns).where(*is_open, among(model.id, fresh)))
    else:
        parts.append(select(*columns).where(*changed))
    late = sorted((kept.late or frozenset()) - found)
    if late:  # (those changed since are read above)
        parts.append(select(*columns).where(*is_open, ~since, compatible, among(model.id, late)))
    if also is not None:
        parts.append(select(*columns).where(*is_open, also))
    return _posts(side, union_all(*parts) if len(parts) > 1 else parts[0]), found
