"""Offers and needs over JSON: create, read, update, withdraw; lists with filters and pages.

Both sides are served by one set of operations (`_serve`), each told its side once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import abort, g, request
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema
from sqlalchemy.orm import defer

from web import throttle
from web.api.auth import BEARER, caller_key, require_api_user
from web.api.schemas import (
    NeedOut,
    NeedQuery,
    OfferOut,
    PostQuery,
    PublicNeedOut,
    page_of,
)
from web.http_cache import CONDITIONAL_PARAMETERS, PUBLIC_HEADERS, public_cached
from web.pagination import page_body
from web.personal_answers import personal_kept
from web.posts import services
from web.posts.schemas import NeedChanges, NeedInput, OfferChanges, OfferInput
from web.posts.sides import NEED, OFFER, Side
from web.validation import InvalidInput, json_strict
from web.views_common import documented_errors

offers_blp = Blueprint("offers", __name__, url_prefix="/api/v1/offers", description="Offers")
needs_blp = Blueprint("needs", __name__, url_prefix="/api/v1/needs", description="Needs")
open_needs_blp = Blueprint(
    "open_needs", __name__, url_prefix="/api/v1/open-needs", description="Open needs (public)"
)


@dataclass(frozen=True, slots=True)
class ApiSide:
    """How the API speaks of one side: its blueprint, schemas, operation names and words."""

    side: Side
    blueprint: Blueprint
    plural: str  # in operation ids: listOffers
    query: type[Schema]
    input: type[Schema]
    changes: type[Schema]
    out: type[Schema]
    end_verb: str  # withdraw | close
    list_doc: str
    create_doc: str
    get_doc: str
    end_doc: str


# The API refuses "10" for a number; the pages' forms, which send only text, do not.
SIDES = (
    ApiSide(
        side=OFFER,
        blueprint=offers_blp,
        plural="Offers",
        query=PostQuery,
        input=json_strict(OfferInput),
        changes=json_strict(OfferChanges),
        out=OfferOut,
        end_verb="withdraw",
        list_doc="Your offers (a company's are shared by its representatives), newest first.",
        create_doc="Post an offer: a donor's, or a member NGO's for other members (never "
        "proposed to\n    the organisation's own needs).",
        get_doc="One of your offers.",
        end_doc="Withdraw an open offer (it stays, with status `withdrawn`).",
    ),
    ApiSide(
        side=NEED,
        blueprint=needs_blp,
        plural="Needs",
        query=NeedQuery,
        input=json_strict(NeedInput),
        changes=json_strict(NeedChanges),
        out=NeedOut,
        end_verb="close",
        list_doc="Your organisation's needs, most urgent and soonest first.",
        create_doc="Post a need for your organisation.",
        get_doc="One of your organisation's needs.",
        end_doc="Close an open need (it stays, with status `withdrawn`).",
    ),
)


def _authenticate() -> None:
    g.api_user = require_api_user()


for _blueprint in (offers_blp, needs_blp):
    _blueprint.before_request(_authenticate)
for _blueprint in (offers_blp, needs_blp, open_needs_blp):
    throttle.api(_blueprint, caller_key)


def _links(operation: str, parameter: str) -> dict[str, Any]:
    """OpenAPI links from a create's 201 to the read of what it made."""
    return {
        "responses": {
            201: {
                "links": {
                    "read": {
                        "operationId": operation,
                        "parameters": {parameter: "$response.body#/id"},
                    }
                }
            }
        }
    }


def _require_json_object() -> None:
    """A change comes as a JSON object: no body at all is refused, not taken as no change.
    (The schema, which loaded the body already, cannot tell an empty body from `{}`.)"""
    if not isinstance(request.get_json(silent=True), dict):
        raise InvalidInput("body", "Send a JSON object.")


def _owned(side: Side, user: Any, object_id: int) -> Any:
    try:
        return services.get_post(side, user, object_id)
    except LookupError:
        abort(404)


def _named(name: str, doc: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give an operation its endpoint name and its documented summary."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.__name__ = view.__qualname__ = name
        view.__doc__ = doc
        return view

    return decorate


def _serve(api: ApiSide) -> None:
    """Register the operations on one side: list, create, read, change, withdraw."""
    blp, side, one = api.blueprint, api.side, api.side.name
    title = one.title()
    path, parameter = f"/<id:{one}_id>", f"{one}_id"

    @blp.get("")
    @personal_kept
    @blp.arguments(api.query, location="query", unknown=RAISE)
    @blp.response(200, page_of(api.out))
    @blp.doc(operationId=f"list{api.plural}", **BEARER)
    @documented_errors(blp, HTTPStatus.UNAUTHORIZED)
    @_named(f"list_{one}s", api.list_doc)
    def list_posts(args: dict[str, Any]) -> dict[str, Any]:
        page, per_page = args.pop("page"), args.pop("per_page")
        # Written are the posts' own columns (ids of whose they are, no objects), never the
        # words the engine reads from them.
        shown = (defer(side.model.concepts),)
        return page_body(services.list_posts(side, g.api_user, args, page, per_page, shown))

    @blp.post("")
    @blp.arguments(api.input, as_kwargs=False)
    @blp.response(201, api.out)
    @blp.doc(operationId=f"create{title}", **BEARER, **_links(f"get{title}", parameter))
    @documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    @_named(f"create_{one}", api.create_doc)
    def create_post(data: dict[str, Any]) -> Any:
        try:
            return services.post(side, g.api_user, data)
        except PermissionError:
            abort(403)

    @blp.get(path)
    @blp.response(200, api.out)
    @blp.doc(operationId=f"get{title}", **BEARER)
    @documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
    @_named(f"get_{one}", api.get_doc)
    def get_post(**ids: int) -> Any:
        return _owned(side, g.api_user, ids[parameter])

    @blp.patch(path)
    @blp.arguments(api.changes(partial=True), as_kwargs=False)
    @blp.response(200, api.out)
    @blp.doc(operationId=f"update{title}", **BEARER)
    @documented_errors(
        blp,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
    )
    @_named(
        f"update_{one}",
        f"Change an open {one}; send only what changes (and `version` to refuse lost updates).",
    )
    def update_post(changes: dict[str, Any], **ids: int) -> Any:
        user = g.api_user
        _require_json_object()
        version = changes.pop("version", None)
        _owned(side, user, ids[parameter])
        try:
            return services.update_post(side, user, ids[parameter], changes, version)
        except PermissionError:
            abort(403)

    @blp.delete(path)
    @blp.response(200, api.out)
    @blp.doc(operationId=f"{api.end_verb}{title}", **BEARER)
    @documented_errors(
        blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY
    )
    @_named(f"{api.end_verb}_{one}", api.end_doc)
    def end_post(**ids: int) -> Any:
        _owned(side, g.api_user, ids[parameter])
        return services.withdraw_post(side, g.api_user, ids[parameter])


for _api_side in SIDES:
    _serve(_api_side)


@open_needs_blp.get("")
@public_cached()
@open_needs_blp.arguments(NeedQuery, location="query", unknown=RAISE)
@open_needs_blp.response(200, page_of(PublicNeedOut), headers=PUBLIC_HEADERS)
@open_needs_blp.alt_response(304, description="Not modified since the ETag or date sent")
@open_needs_blp.doc(operationId="listOpenNeeds", parameters=CONDITIONAL_PARAMETERS)
def list_open_needs(args: dict[str, Any]) -> dict[str, Any]:
    """Open needs of every organisation, as the public page shows them."""
    args.pop("status", None)
    page, per_page = args.pop("page"), args.pop("per_page")
    return page_body(services.open_needs(args, page, per_page))
