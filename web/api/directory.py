"""The public directory of member services over JSON (no representative's personal data)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from web import throttle
from web.api.schemas import PageQuery, page_of
from web.directory import services
from web.directory.schemas import language_codes
from web.reference import SECTORS
from web.throttle import client_address
from web.validation import Text

blp = Blueprint("directory_api", __name__, url_prefix="/api/v1/directory",
                description="Directory of member services (public)")
throttle.api(blp, client_address)


def _known_place(value: str) -> None:
    if value not in current_app.extensions["komvos.places"]:
        raise ValidationError("Not a place id (see /places).")


def _known_language(value: str) -> None:
    if value not in language_codes():
        raise ValidationError("Not a language value (see the `language` attribute).")


class DirectoryQuery(PageQuery):
    """Search and filters of the directory."""

    q = Text(validate=validate.Length(max=200), metadata={
        "description": "What is looked for, in Greek, English or Greeklish"})
    sector = fields.String(validate=validate.OneOf(tuple(SECTORS)))
    area = fields.String(validate=_known_place, metadata={"description": "Place id served"})
    language = fields.String(validate=_known_language)


class MemberOut(Schema):
    """The organisation's public contact."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True)
    website = fields.String(required=True)


class ServiceOut(Schema):
    """A standing service of a member organisation."""

    id = fields.Integer(required=True)
    organisation = fields.Nested(MemberOut, required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    sector = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    areas = fields.List(fields.String(), required=True)
    place = fields.String(attribute="place_id", allow_none=True)
    languages = fields.List(fields.String(), required=True)
    hours = fields.String(required=True)
    eligibility = fields.String(required=True)
    contact = fields.String(required=True)


@blp.get("")
@blp.arguments(DirectoryQuery, location="query", unknown=RAISE)
@blp.response(200, page_of(ServiceOut))
@blp.doc(operationId="listMemberServices")
def list_services(args: dict[str, Any]) -> dict[str, Any]:
    """Approved services of approved members, by organisation; searched and filtered."""
    page, per_page = args.pop("page"), args.pop("per_page")
    found = services.search_directory(args)
    start = (page - 1) * per_page
    return {
        "items": found[start:start + per_page],
        "total": len(found),
        "page": page,
        "per_page": per_page,
        "pages": max((len(found) + per_page - 1) // per_page, 1),
    }
