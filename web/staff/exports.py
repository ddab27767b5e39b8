"""Exports of lists as CSV (UTF-8 with a BOM, so Excel shows Greek) or XLSX (typed cells).

Both are streamed: rows are read from the database in batches and written as they come; an
XLSX is built by openpyxl's write-only workbook, which keeps rows on disk, then sent in chunks.
Headings and values are in the language of the person exporting.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Response, current_app, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from web.clock import today
from web.extensions import db
from web.i18n import category_label, place_name, sector_label, unit_label
from web.listing import ListFilters
from web.matches.labels import MATCH_STATUS_LABELS
from web.matches.models import Match
from web.models import User
from web.posts.labels import KIND_LABELS, STATUS_LABELS, URGENCY_LABELS
from web.posts.models import Need, Offer
from web.staff.lists import list_query
from web.statuses import OrganisationKind, OrganisationStatus

BATCH = 500
CHUNK = 64 * 1024
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an export: its heading and how to read its value from a row."""

    heading: Any
    value: Callable[[Any], Any]


def _category_sector(category_id: str) -> str:
    category = current_app.extensions["komvos.taxonomy"].categories.get(category_id)
    return sector_label(category.sector) if category else ""


def _post_columns() -> list[Column]:
    return [
        Column(_l("Number"), lambda p: p.id),
        Column(_l("Title"), lambda p: p.title),
        Column(_l("Kind"), lambda p: str(KIND_LABELS.get(p.kind, p.kind))),
        Column(_l("Sector"), lambda p: _category_sector(p.category_id)),
        Column(_l("Category"), lambda p: category_label(p.category_id)),
        Column(_l("Area"), lambda p: place_name(p.place_id)),
        Column(_l("Quantity"), lambda p: p.quantity),
        Column(_l("Still free"), lambda p: p.remaining_quantity),
        Column(_l("Unit"), lambda p: unit_label(p.unit)),
        Column(_l("Status"), lambda p: str(STATUS_LABELS.get(p.status, p.status))),
        Column(_l("Posted on"), lambda p: p.created_at),
    ]


def need_columns(user: User) -> list[Column]:
    """The columns of a needs export."""
    return [
        *_post_columns(),
        Column(_l("Organisation"), lambda n: n.organisation.name),
        Column(_l("Urgency"), lambda n: str(URGENCY_LABELS.get(n.urgency, n.urgency))),
        Column(_l("Needed by"), lambda n: n.needed_by),
    ]


def _donor_name(offer: Offer) -> str:
    return offer.organisation.name if offer.organisation else offer.donor.full_name


def offer_columns(user: User) -> list[Column]:
    """The columns of an offers export (staff and the donor see the donor's name)."""
    return [
        *_post_columns(),
        Column(_l("Donor"), _donor_name),
        Column(_l("Available from"), lambda o: o.available_from),
        Column(_l("Available until"), lambda o: o.available_until),
    ]


def _other_side(user: User, match: Match, side: str) -> str:
    """A side's name: staff always see it, the other side once the match was confirmed."""
    if user.is_staff or match.contacts_visible:
        return _donor_name(match.offer) if side == "offer" else match.need.organisation.name
    return ""


def _decided_by(user: User, match: Match) -> str:
    return match.decided_by.full_name if user.is_staff and match.decided_by else ""


def match_columns(user: User) -> list[Column]:
    """The columns of a matches export."""
    return [
        Column(_l("Number"), lambda m: m.id),
        Column(_l("Status"), lambda m: str(MATCH_STATUS_LABELS.get(m.status, m.status))),
        Column(_l("Offer"), lambda m: m.offer.title),
        Column(_l("Donor"), lambda m: _other_side(user, m, "offer")),
        Column(_l("Need"), lambda m: m.need.title),
        Column(_l("Organisation"), lambda m: _other_side(user, m, "need")),
        Column(_l("Sector"), lambda m: _category_sector(m.need.category_id)),
        Column(_l("Category"), lambda m: category_label(m.need.category_id)),
        Column(_l("Area"), lambda m: place_name(m.need.place_id)),
        Column(_l("Quantity"), lambda m: m.need_quantity),
        Column(_l("Unit"), lambda m: unit_label(m.need.unit)),
        Column(_l("Received"), lambda m: m.received_quantity),
        Column(_l("Proposed on"), lambda m: m.created_at),
        Column(_l("Confirmed on"), lambda m: m.confirmed_at),
        Column(_l("Received on"), lambda m: m.fulfilled_at),
        Column(_l("Cancelled on"), lambda m: m.cancelled_at),
        Column(_l("Decided by"), lambda m: _decided_by(user, m)),
    ]


def organisation_columns(user: User) -> list[Column]:
    """The columns of an organisations export (staff only: it has contacts)."""
    kinds = {OrganisationKind.NGO: _l("NGO"), OrganisationKind.COMPANY: _l("Company")}
    statuses = {
        OrganisationStatus.PENDING: _l("Waiting"),
        OrganisationStatus.APPROVED: _l("Approved"),
        OrganisationStatus.REJECTED: _l("Rejected"),
    }
    return [
        Column(_l("Number"), lambda o: o.id),
        Column(_l("Name"), lambda o: o.name),
        Column(_l("Kind"), lambda o: str(kinds.get(o.kind, o.kind))),
        Column(_l("Status"), lambda o: str(statuses.get(o.status, o.status))),
        Column(_l("Sector"), lambda o: sector_label(o.sector)),
        Column(_l("Area"), lambda o: place_name(o.place_id)),
        Column(_l("Phone"), lambda o: o.phone),
        Column(_l("Email"), lambda o: o.email),
        Column(_l("Registered on"), lambda o: o.created_at),
    ]


COLUMNS = {
    "needs": need_columns,
    "offers": offer_columns,
    "matches": match_columns,
    "organisations": organisation_columns,
}
LOADS = {
    "needs": (joinedload(Need.organisation),),
    "offers": (joinedload(Offer.organisation), joinedload(Offer.donor)),
    "matches": (
        joinedload(Match.offer).joinedload(Offer.organisation),
        joinedload(Match.offer).joinedload(Offer.donor),
        joinedload(Match.need).joinedload(Need.organisation),
        joinedload(Match.decided_by),
    ),
    "organisations": (),
}


def rows_of(query: Select[Any], loads: Iterable[Any] = ()) -> Iterator[Any]:
    """The query's objects, fetched in batches so a long export stays small in memory."""
    statement = query.options(*loads).execution_options(yield_per=BATCH)
    yield from db.session.scalars(statement)


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def csv_chunks(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """A CSV file, UTF-8 with a BOM, a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.heading) for c in columns])
    for number, row in enumerate(rows, 1):
        writer.writerow([_csv_value(c.value(row)) for c in columns])
        if number % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl writes dates (its stubs say datetime)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def xlsx_chunks(columns: list[Column], rows: Iterable[Any], title: str) -> Iterator[bytes]:
    """An XLSX workbook of one sheet with typed dates and numbers, sent in chunks."""
    return workbook_chunks([(title, columns, rows)])


def workbook_chunks(sheets: Iterable[tuple[str, list[Column], Iterable[Any]]]) -> Iterator[bytes]:
    """An XLSX workbook of several sheets, written row by row to disk, then sent in chunks."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([str(c.heading) for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, c.value(row)) for c in columns])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk


def download(chunks: Iterator[bytes], fmt: str, name: str) -> Response:
    """Stream `chunks` as a download of a CSV or XLSX file named after `name` and today."""
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    filename = f"komvos-{name}-{today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def table_response(
    columns: list[Column], rows: Iterable[Any], fmt: str, name: str, title: str
) -> Response:
    """Stream a table as a CSV or XLSX download named `name`."""
    if fmt == "csv":
        return download(_with_bom(csv_chunks(columns, rows)), fmt, name)
    return download(xlsx_chunks(columns, rows, title), fmt, name)


def _with_bom(chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield "\ufeff".encode()
    yield from chunks


def export_list(kind: str, fmt: str, filters: ListFilters, user: User) -> Response:
    """A list (needs, offers, matches, organisations) by its filters, as `user` may see it."""
    titles = {
        "needs": _("Needs"),
        "offers": _("Offers"),
        "matches": _("Matches"),
        "organisations": _("Organisations"),
    }
    rows = rows_of(list_query(kind, filters, user), LOADS[kind])
    return table_response(COLUMNS[kind](user), rows, fmt, kind, titles[kind])
