"""A signed-in donor's saved interests over JSON (`/api/v1/interests`, bearer token)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from web import throttle
from web.api.auth import BEARER, caller_key, require_api_user
from web.api.schemas import UtcDateTime
from web.interests import services
from web.interests.models import FREQUENCIES
from web.reference import KINDS
from web.validation import json_strict
from web.views_common import documented_errors

blp = Blueprint(
    "interests_api", __name__, url_prefix="/api/v1/interests",
    description="Saved interests: needs you want to hear about, and how often",
)
throttle.api(blp, caller_key)


@blp.before_request
def _authenticate() -> None:
    g.api_user = require_api_user()


_CODE = fields.String(validate=validate.Length(min=1, max=64))


class InterestInput(Schema):
    """An interest: kind, categories and areas (codes from /categories and /places),
    anything urgent in those areas, and how often to write."""

    class Meta:
        unknown = RAISE

    kind = fields.String(
        allow_none=True, validate=validate.OneOf(KINDS),
        metadata={"description": "goods, skill or service; null or missing: any"},
    )
    categories = fields.List(_CODE, validate=validate.Length(max=services.MAX_CHOICES),
                             metadata={"description": "Category ids; a parent covers its children"})
    areas = fields.List(
        _CODE, validate=validate.Length(max=services.MAX_CHOICES),
        metadata={"description": "Place ids; a municipality covers its neighbourhoods"},
    )
    urgent_nearby = fields.Boolean(
        metadata={"description": "Also any urgent need (high or emergency) in those areas"})
    frequency = fields.String(validate=validate.OneOf(FREQUENCIES),
                              metadata={"description": "immediate, daily (default) or weekly"})


class InterestChanges(InterestInput):
    """What changes in an interest: any of its fields."""


InterestIn, InterestChangesIn = json_strict(InterestInput), json_strict(InterestChanges)


class InterestOut(Schema):
    """A saved interest."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, allow_none=True)
    categories = fields.List(fields.String(), required=True)
    areas = fields.List(fields.String(), required=True)
    urgent_nearby = fields.Boolean(required=True)
    frequency = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    last_sent_at = UtcDateTime(required=True, allow_none=True)


class InterestList(Schema):
    """Every saved interest of the caller, oldest first."""

    items = fields.List(fields.Nested(InterestOut), required=True)


def _owned(interest_id: int) -> Any:
    try:
        return services.get_interest(g.api_user, interest_id)
    except LookupError:
        abort(404)


@blp.get("")
@blp.response(200, InterestList)
@blp.doc(operationId="listInterests", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED)
def list_interests() -> dict[str, Any]:
    """Your saved interests."""
    return {"items": services.interests_of(g.api_user)}


@blp.post("")
@blp.arguments(InterestIn, as_kwargs=False)
@blp.response(201, InterestOut)
@blp.doc(operationId="createInterest", **BEARER)
@documented_errors(
    blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.UNPROCESSABLE_ENTITY
)
def create_interest(data: dict[str, Any]) -> Any:
    """Save an interest (donors and member organisations that offer)."""
    try:
        return services.save_interest(g.api_user, data)
    except PermissionError:
        abort(403)


@blp.get("/<id:interest_id>")
@blp.response(200, InterestOut)
@blp.doc(operationId="getInterest", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def get_interest(interest_id: int) -> Any:
    """One of your interests."""
    return _owned(interest_id)


@blp.patch("/<id:interest_id>")
@blp.arguments(InterestChangesIn(partial=True), as_kwargs=False)
@blp.response(200, InterestOut)
@blp.doc(operationId="updateInterest", **BEARER)
@documented_errors(
    blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY
)
def update_interest(data: dict[str, Any], interest_id: int) -> Any:
    """Change an interest; send only what changes."""
    _owned(interest_id)
    return services.update_interest(g.api_user, interest_id, data)


@blp.delete("/<id:interest_id>")
@blp.response(204)
@blp.doc(operationId="deleteInterest", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def delete_interest(interest_id: int) -> None:
    """Forget an interest; it sends nothing more."""
    _owned(interest_id)
    services.delete_interest(g.api_user, interest_id)
