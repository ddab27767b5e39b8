"""Reading an import file (CSV or XLSX) into rows keyed by field, and each row's values as
the forms would read them (category, place, unit and urgency found by the same search)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from web.database import plain_text
from web.posts.labels import URGENCY_LABELS

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
        return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]  # a loaded workbook has an active sheet
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
