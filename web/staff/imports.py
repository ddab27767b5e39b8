"""Imports of needs (an NGO's) and offers (a donor's) from CSV or XLSX.

Each row is read the way the forms read a post (`import_files`), validated by the same schema
and posted by the same service. Nothing is kept unless every row is valid; a row whose
reference was imported before is left alone, so a file can be imported twice without
duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from web.audit import record_event
from web.centres.scope import may_see
from web.clock import today
from web.extensions import db
from web.matches.bridge import MatchingError
from web.matches.services import propose_for_need, propose_for_offer
from web.models import Organisation, User
from web.posts.models import Need, Offer
from web.posts.schemas import load_post
from web.posts.services import NEED, OFFER, post
from web.staff.exports import Column, csv_chunks, xlsx_chunks
from web.staff.import_files import FIELD_LABELS, FIELDS, IMPORT_KINDS, Row, raw_post, read_rows
from web.statuses import Role
from web.validation import InvalidFields, InvalidInput

__all__ = ["FIELD_LABELS", "FIELDS", "IMPORT_KINDS", "ImportResult", "import_posts"]


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


def representative(organisation_id: int | None, kind: str, staff: User | None = None) -> User:
    """A representative of the organisation who may post `kind` (InvalidInput if none, or
    if needs would go to another centre than that of `staff`)."""
    organisation = db.session.get(Organisation, organisation_id or 0)
    if kind == "needs" and staff is not None and not may_see(staff, organisation):
        organisation = None  # another centre's member: its needs are not ours to post
    role = Role.NGO if kind == "needs" else Role.DONOR
    members = organisation.members if organisation is not None else []
    able = [m for m in members if m.role == role and m.active and m.can_post]
    if not able:
        raise InvalidInput(
            "organisation", _("Choose an approved organisation with a representative.")
        )
    return able[0]


def poster_for(user: User, organisation_id: int | None, kind: str) -> User:
    """Who posts the rows: the person, or for staff a representative of the organisation."""
    return representative(organisation_id, kind, user) if user.is_staff else user


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
    side = NEED if kind == "needs" else OFFER
    made: list[Need | Offer] = []
    try:
        for row in rows:
            row.read = raw_post(row)
            if row.duplicate or row.errors:
                continue
            try:
                data = load_post(side.schema(), row.read)
                item = post(side, poster, data, propose=False, commit=False)
            except InvalidFields as error:
                row.errors.update({k: _words(v) for k, v in error.errors.items()})
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


def _words(messages: object) -> list[str]:
    """A field's messages as a flat list of sentences, however the schema nested them."""
    if isinstance(messages, dict):
        return [w for value in messages.values() for w in _words(value)]
    if isinstance(messages, list):
        return [w for value in messages for w in _words(value)]
    return [str(messages)]


def _propose_for(ids: list[int], kind: str) -> None:
    """After the import is saved: the engine proposes for each new post (a failure leaves
    the posts standing; the next full run proposes for them)."""
    propose = propose_for_need if kind == "needs" else propose_for_offer
    try:
        for post_id in ids:
            propose(post_id)
        db.session.commit()  # whether or not the engine's functions commit themselves
    except MatchingError:  # pragma: no cover - logged; a full run catches up
        db.session.rollback()
        current_app.logger.exception("proposals after an import failed")


def template_columns(kind: str) -> list[Column]:
    """The columns of the template, headed in the reader's language."""
    return [
        Column(FIELD_LABELS[name], lambda row, name=name: row.get(name, ""))  # type: ignore[misc]  # a lambda with a default
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
