"""Offers and needs over JSON: create, read, update, withdraw; lists with filters and pages."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import abort, g, request
from flask_smorest import Blueprint
from marshmallow import RAISE

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
from web.posts import services
from web.posts.schemas import NeedChanges, NeedInput, OfferChanges, OfferInput
from web.validation import InvalidInput, json_strict
from web.views_common import documented_errors

# The API refuses "10" for a number; the pages' forms, which send only text, do not.
OfferIn, OfferChangesIn = json_strict(OfferInput), json_strict(OfferChanges)
NeedIn, NeedChangesIn = json_strict(NeedInput), json_strict(NeedChanges)

offers_blp = Blueprint("offers", __name__, url_prefix="/api/v1/offers", description="Offers")
needs_blp = Blueprint("needs", __name__, url_prefix="/api/v1/needs", description="Needs")
open_needs_blp = Blueprint(
    "open_needs", __name__, url_prefix="/api/v1/open-needs", description="Open needs (public)"
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


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("body", "Send a JSON object.")
    return body


def _version(body: dict[str, Any]) -> int | None:
    version = body.pop("version", None)
    if version is not None and (
        not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**31
    ):
        raise InvalidInput("version", "A whole number from 1.")
    return version


def _page(found: services.Page[Any]) -> dict[str, Any]:
    return {
        "items": found.items,
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
    }


def _owned(getter: Any, user: Any, object_id: int) -> Any:
    try:
        return getter(user, object_id)
    except LookupError:
        abort(404)


# Offers -------------------------------------------------------------------------------------


@offers_blp.get("")
@offers_blp.arguments(PostQuery, location="query", unknown=RAISE)
@offers_blp.response(200, page_of(OfferOut))
@offers_blp.doc(operationId="listOffers", **BEARER)
@documented_errors(offers_blp, HTTPStatus.UNAUTHORIZED)
def list_offers(args: dict[str, Any]) -> dict[str, Any]:
    """Your offers (a company's are shared by its representatives), newest first."""
    user = g.api_user
    page, per_page = args.pop("page"), args.pop("per_page")
    return _page(services.list_offers(user, args, page, per_page))


@offers_blp.post("")
@offers_blp.arguments(OfferIn, as_kwargs=False)
@offers_blp.response(201, OfferOut)
@offers_blp.doc(operationId="createOffer", **BEARER, **_links("getOffer", "offer_id"))
@documented_errors(offers_blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
def create_offer(_data: dict[str, Any]) -> Any:
    """Post an offer: a donor's, or a member NGO's for other members (never proposed to
    the organisation's own needs)."""
    user = g.api_user
    try:
        return services.post_offer(user, _body())
    except PermissionError:
        abort(403)


@offers_blp.get("/<id:offer_id>")
@offers_blp.response(200, OfferOut)
@offers_blp.doc(operationId="getOffer", **BEARER)
@documented_errors(offers_blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def get_offer(offer_id: int) -> Any:
    """One of your offers."""
    return _owned(services.get_offer, g.api_user, offer_id)


@offers_blp.patch("/<id:offer_id>")
@offers_blp.arguments(OfferChangesIn(partial=True), as_kwargs=False)
@offers_blp.response(200, OfferOut)
@offers_blp.doc(operationId="updateOffer", **BEARER)
@documented_errors(
    offers_blp,
    HTTPStatus.UNAUTHORIZED,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
)
def update_offer(_data: dict[str, Any], offer_id: int) -> Any:
    """Change an open offer; send only what changes (and `version` to refuse lost updates)."""
    user = g.api_user
    body = _body()
    version = _version(body)
    _owned(services.get_offer, user, offer_id)
    try:
        return services.update_offer(user, offer_id, body, version)
    except PermissionError:
        abort(403)


@offers_blp.delete("/<id:offer_id>")
@offers_blp.response(200, OfferOut)
@offers_blp.doc(operationId="withdrawOffer", **BEARER)
@documented_errors(
    offers_blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY
)
def withdraw_offer(offer_id: int) -> Any:
    """Withdraw an open offer (it stays, with status `withdrawn`)."""
    user = g.api_user
    _owned(services.get_offer, user, offer_id)
    return services.withdraw_offer(user, offer_id)


# Needs --------------------------------------------------------------------------------------


@needs_blp.get("")
@needs_blp.arguments(NeedQuery, location="query", unknown=RAISE)
@needs_blp.response(200, page_of(NeedOut))
@needs_blp.doc(operationId="listNeeds", **BEARER)
@documented_errors(needs_blp, HTTPStatus.UNAUTHORIZED)
def list_needs(args: dict[str, Any]) -> dict[str, Any]:
    """Your organisation's needs, most urgent and soonest first."""
    user = g.api_user
    page, per_page = args.pop("page"), args.pop("per_page")
    return _page(services.list_needs(user, args, page, per_page))


@needs_blp.post("")
@needs_blp.arguments(NeedIn, as_kwargs=False)
@needs_blp.response(201, NeedOut)
@needs_blp.doc(operationId="createNeed", **BEARER, **_links("getNeed", "need_id"))
@documented_errors(needs_blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
def create_need(_data: dict[str, Any]) -> Any:
    """Post a need for your organisation."""
    user = g.api_user
    try:
        return services.post_need(user, _body())
    except PermissionError:
        abort(403)


@needs_blp.get("/<id:need_id>")
@needs_blp.response(200, NeedOut)
@needs_blp.doc(operationId="getNeed", **BEARER)
@documented_errors(needs_blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def get_need(need_id: int) -> Any:
    """One of your organisation's needs."""
    return _owned(services.get_need, g.api_user, need_id)


@needs_blp.patch("/<id:need_id>")
@needs_blp.arguments(NeedChangesIn(partial=True), as_kwargs=False)
@needs_blp.response(200, NeedOut)
@needs_blp.doc(operationId="updateNeed", **BEARER)
@documented_errors(
    needs_blp,
    HTTPStatus.UNAUTHORIZED,
    HTTPStatus.FORBIDDEN,
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
)
def update_need(_data: dict[str, Any], need_id: int) -> Any:
    """Change an open need; send only what changes (and `version` to refuse lost updates)."""
    user = g.api_user
    body = _body()
    version = _version(body)
    _owned(services.get_need, user, need_id)
    try:
        return services.update_need(user, need_id, body, version)
    except PermissionError:
        abort(403)


@needs_blp.delete("/<id:need_id>")
@needs_blp.response(200, NeedOut)
@needs_blp.doc(operationId="closeNeed", **BEARER)
@documented_errors(
    needs_blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY
)
def close_need(need_id: int) -> Any:
    """Close an open need (it stays, with status `withdrawn`)."""
    user = g.api_user
    _owned(services.get_need, user, need_id)
    return services.close_need(user, need_id)


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
    return _page(services.open_needs(args, page, per_page))
