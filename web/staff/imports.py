"""Imports of needs (an NGO's) and offers (a donor's) from CSV or XLSX.

Each row is read the way the forms read a post: category and place found by the same search,
validated by the same schema, posted by the same service. Nothing is kept unless every row is
valid; a row whose reference was imported before is left alone, so a file can be imported
twice without duplicates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select

from matching import MatchingError
from web.audit import record_event
from web.clock import today
from web.database import plain_text
from web.extensions import db
from web.matches.services import propose_for_need, propose_for_offer
from web.models import Organisation, User
from web.posts.labels import URGENCY_LABELS
from web.posts.models import Need, Offer
from web.posts.services import post_need, post_offer
from web.staff.exports import Column, csv_chunks, xlsx_chunks
from web.validation import InvalidFields, InvalidInput

IMPORT_KINDS = ("needs", "offers")
MAX_ROWS = 2000
MAX_BYTES = 1_000_000
FIELDS = {
    "needs": (
        "reference",
        "title",
        "category",
        "description",
        "quantity",
        "unit",
        "place",
        "urgency",
        "needed_by",
    ),
    "offers": (
        "reference",
        "title",
        "category",
        "description",
        "quantity",
        "unit",
        "place",
        "reach_km",
        "lot",
        "available_from",
        "available_until",
        "conditions",
    ),
}
FIELD_LABELS = {
    "reference": _l("Your reference"),
    "title": _l("Title"),
    "category": _l("Category"),
    "description": _l("Description"),
    "quantity": _l("Quantity"),
    "unit": _l("Unit"),
    "place": _l("Area"),
    "urgency": _l("Urgency"),
    "needed_by": _l("Needed by"),
    "reach_km": _l("How far you can deliver (km)"),
    "lot": _l("Smallest lot"),
    "available_from": _l("Available from"),
    "available_until": _l("Available until (optional)"),
    "conditions": _l("Conditions for the centre's staff (optional)"),
}


@dataclass
class Row:
    """One row of a file as it will be read, and what is wrong with it."""

    number: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    duplicate: bool = False
    read: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The poster's own reference of the row."""
        return self.values.get("reference", "")


@dataclass
class ImportResult:
    """What a preview found, or an import did."""

    kind: str
    rows: list[Row]
    imported: int = 0
    problem: str = ""

    @property
    def valid(self) -> bool:
        """Every row can be imported (and there is at least one)."""
        return bool(self.rows) and not self.problem and not any(r.errors for r in self.rows)

    @property
    def new_rows(self) -> int:
        """Rows not imported before."""
        return sum(1 for r in self.rows if not r.duplicate)


# Reading files ------------------------------------------------------------------------------


def _header_key(kind: str, text: str) -> str | None:
    wanted = plain_text(text.strip())
    for name in FIELDS[kind]:
        names = {name}
        for language in ("el", "en"):
            with force_locale(language):
                names.add(str(FIELD_LABELS[name]))
        if wanted in {plain_text(n) for n in names}:
            return name
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(filename: str, content: bytes) -> list[list[Any]]:
    """The cells of the first sheet of an XLSX, or of a CSV (comma or semicolon)."""
    if filename.lower().endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def read_rows(kind: str, filename: str, content: bytes) -> tuple[list[Row], str]:
    """The file's rows keyed by field, or a message saying why it cannot be read."""
    if len(content) > MAX_BYTES:
        return [], _("The file is larger than 1 MB; split it into smaller files.")
    try:
        table = _table(filename, content)
    except (ValueError, KeyError, OSError, csv.Error, zipfile.BadZipFile, InvalidFileException):
        return [], _("The file cannot be read. Use the template, saved as CSV or XLSX.")
    table = [row for row in table if any(_cell_text(c) for c in row)]
    if not table:
        return [], _("The file has no rows.")
    keys = [_header_key(kind, _cell_text(c)) for c in table[0]]
    missing = [n for n in ("title", "category", "quantity", "place") if n not in keys]
    if missing:
        names = ", ".join(str(FIELD_LABELS[n]) for n in missing)
        return [], _("The first row must name the columns; missing: %(names)s.", names=names)
    if len(table) - 1 > MAX_ROWS:
        return [], _("At most %(n)d rows at a time.", n=MAX_ROWS)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {k: _cell_text(c) for k, c in zip(keys, cells, strict=False) if k}
        rows.append(Row(number, values))
    return rows, ""


# Reading values as the forms do --------------------------------------------------------------


def _resolve(registry: Any, text: str) -> str:
    """An id from an id, a label or a synonym, found by the forms' search."""
    if not text or text in registry:
        return text
    found = registry.search(text, limit=1)
    return str(found[0].id) if found else text


def _unit(text: str) -> str:
    units = current_app.extensions["komvos.taxonomy"].units
    wanted = plain_text(text)
    for name, unit in units.items():
        if wanted in {plain_text(name), *(plain_text(v) for v in unit.labels.values())}:
            return str(name)
    return text


def _urgency(text: str) -> str:
    wanted = plain_text(text)
    for code, label in URGENCY_LABELS.items():
        for language in ("el", "en"):
            with force_locale(language):
                if wanted in (code, plain_text(str(label))):
                    return code
    return text


def raw_post(row: Row) -> dict[str, Any]:
    """The row as the posting service takes it: category, place, unit and urgency found."""
    taxonomy = current_app.extensions["komvos.taxonomy"]
    places = current_app.extensions["komvos.places"]
    raw: dict[str, Any] = {k: v for k, v in row.values.items() if k != "reference"}
    raw["category"] = _resolve(taxonomy, raw.get("category", ""))
    raw["place"] = _resolve(places, raw.get("place", ""))
    if raw.get("unit"):
        raw["unit"] = _unit(raw["unit"])
    if raw.get("urgency"):
        raw["urgency"] = _urgency(raw["urgency"])
    return raw


# Importing ----------------------------------------------------------------------------------


def representative(organisation_id: int | None, kind: str) -> User:
    """A representative of the organisation who may post `kind` (InvalidInput if none)."""
    organisation = db.session.get(Organisation, organisation_id or 0)
    role = "ngo" if kind == "needs" else "donor"
    members = organisation.members if organisation is not None else []
    able = [m for m in members if m.role == role and m.active and m.can_post]
    if not able:
        raise InvalidInput(
            "organisation", _("Choose an approved organisation with a representative.")
        )
    return able[0]


def poster_for(user: User, organisation_id: int | None, kind: str) -> User:
    """Who posts the rows: the person, or for staff a representative of the organisation."""
    return representative(organisation_id, kind) if user.is_staff else user


def _existing_references(kind: str, poster: User, references: Iterable[str]) -> set[str]:
    wanted = [r for r in references if r]
    if not wanted:
        return set()
    if kind == "needs":
        query = select(Need.external_ref).where(Need.organisation_id == poster.organisation_id)
        column = Need.external_ref
    else:
        owner = (
            Offer.organisation_id == poster.organisation_id
            if poster.organisation_id is not None
            else Offer.donor_id == poster.id
        )
        query = select(Offer.external_ref).where(owner)
        column = Offer.external_ref
    return set(db.session.scalars(query.where(column.in_(wanted))))


def _check_references(rows: list[Row], existing: set[str]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        reference = row.reference
        if len(reference) > 64:
            row.errors.setdefault("reference", []).append(_("At most 64 characters."))
        elif reference in seen:
            row.errors.setdefault("reference", []).append(
                _("The same reference is in row %(n)d.", n=seen[reference])
            )
        elif reference:
            seen[reference] = row.number
            row.duplicate = reference in existing


def import_posts(
    user: User,
    kind: str,
    filename: str,
    content: bytes,
    *,
    organisation_id: int | None = None,
    save: bool = False,
) -> ImportResult:
    """Read every row and post it; keep them only if `save` and every row is valid."""
    rows, problem = read_rows(kind, filename, content)
    result = ImportResult(kind, rows, problem=problem)
    if problem:
        return result
    poster = poster_for(user, organisation_id, kind)
    _check_references(rows, _existing_references(kind, poster, (r.reference for r in rows)))
    post = post_need if kind == "needs" else post_offer
    made: list[Need | Offer] = []
    try:
        for row in rows:
            row.read = raw_post(row)
            if row.duplicate or row.errors:
                continue
            try:
                item = post(poster, row.read, propose=False, commit=False)
            except InvalidFields as error:
                row.errors.update(error.errors)
                continue
            item.external_ref = row.reference or None
            made.append(item)
        if not (save and result.valid):
            return result
        record_event(f"{kind[:-1]}.imported", actor=user, rows=len(made), file=filename[:100])
        db.session.commit()
        result.imported = len(made)
    finally:
        if not result.imported:
            db.session.rollback()
    _propose_for([item.id for item in made], kind)
    return result


def _propose_for(ids: list[int], kind: str) -> None:
    """After the import is saved: the engine proposes for each new post (a failure leaves
    the posts standing; the next full run proposes for them)."""
    propose = propose_for_need if kind == "needs" else propose_for_offer
    for post_id in ids:
        try:
            propose(post_id)
        except MatchingError:  # pragma: no cover - logged; a full run catches up
            db.session.rollback()
            current_app.logger.exception("proposals after an import failed")


def template_columns(kind: str) -> list[Column]:
    """The columns of the template, headed in the reader's language."""
    return [
        Column(FIELD_LABELS[name], lambda row, name=name: row.get(name, ""))
        for name in FIELDS[kind]
    ]


def template_example(kind: str) -> list[dict[str, str]]:
    """One example row, so people see what goes where."""
    if kind == "needs":
        return [
            {
                "reference": "A-1",
                "title": _("Blankets for a family shelter"),
                "category": "κουβέρτες",
                "quantity": "40",
                "unit": "pieces",
                "place": "Κυψέλη",
                "urgency": "high",
                "needed_by": (today() + timedelta(days=14)).isoformat(),
            }
        ]
    return [
        {
            "reference": "A-1",
            "title": _("Wool blankets"),
            "category": "κουβέρτες",
            "quantity": "100",
            "unit": "pieces",
            "place": "Κυψέλη",
            "reach_km": "15",
            "lot": "1",
        }
    ]


def template_chunks(kind: str, fmt: str) -> Iterator[bytes]:
    """The template file: headings and one example row."""
    columns = template_columns(kind)
    if fmt == "csv":
        yield "\ufeff".encode()
        yield from csv_chunks(columns, template_example(kind))
    else:
        yield from xlsx_chunks(
            columns, template_example(kind), _("Needs") if kind == "needs" else _("Offers")
        )
