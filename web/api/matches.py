"""Matches over JSON: each side's list, staff decisions, receipts, cancellations, and the
schedule of recurring commitments (pause, end)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from web import throttle
from web.api.auth import BEARER, caller_key, require_api_user
from web.api.schemas import PageQuery, UtcDateTime, page_of
from web.clock import today
from web.listing import ListFilters
from web.matches import queries, schedule, services
from web.matches.schedule_words import schedule_of
from web.pagination import page_body
from web.validation import Text
from web.views_common import documented_errors

blp = Blueprint("matches_api", __name__, url_prefix="/api/v1/matches", description="Matches")
throttle.api(blp, caller_key)


@blp.before_request
def _authenticate() -> None:
    g.api_user = require_api_user()


class MatchOut(Schema):
    """A match as either side sees it; contacts only once confirmed."""

    id = fields.Integer(required=True)
    offer_id = fields.Integer(required=True)
    need_id = fields.Integer(required=True)
    quantity = fields.Integer(required=True, metadata={"description": "In the offer's unit"})
    need_quantity = fields.Integer(required=True, metadata={"description": "In the need's unit"})
    received_quantity = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    score = fields.Float()
    breakdown = fields.Dict(keys=fields.String(), values=fields.Float())
    created_at = UtcDateTime()
    confirmed_at = UtcDateTime(allow_none=True)
    contact = fields.Method("other_side", allow_none=True)
    per = fields.String(allow_none=True, metadata={
        "description": "`week` or `month` when a side recurs; null otherwise"})
    period_from = fields.Date(allow_none=True, metadata={
        "description": "The first day of the first period it counts in"})
    period_until = fields.Date(allow_none=True, metadata={
        "description": "The first day of the last period it counts in"})
    paused_from = fields.Date(allow_none=True)
    paused_until = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    recurring = fields.Boolean(metadata={
        "description": "A commitment of `quantity` every week or month, from `period_from` "
                       "to `period_until`, less the periods starting within the pause"})
    schedule = fields.Function(schedule_of, metadata={
        "description": "The schedule in words, in the caller's language"})
    side = fields.Method(
        "side_of",
        allow_none=True,
        metadata={"description": "giving or receiving (an NGO may be either); none for staff"},
    )

    def side_of(self, match: Any) -> str | None:
        """Which side of the match the caller is on."""
        if services.receives(g.api_user, match):
            return "receiving"
        return "giving" if services.gives(g.api_user, match) else None

    def other_side(self, match: Any) -> dict[str, str] | None:
        """The other side's organisation and contact person, once confirmed."""
        if not match.contacts_visible:
            return None
        if services.receives(g.api_user, match):
            person, organisation = match.offer.donor, match.offer.organisation
        else:
            person, organisation = match.need.poster, match.need.organisation
        return {
            "organisation": organisation.name if organisation else "",
            "person": person.full_name,
            "email": person.email,
            "phone": person.phone or (organisation.phone if organisation else ""),
        }


class ConfirmIn(Schema):
    """Confirm as proposed, or for less."""

    quantity = fields.Integer(strict=True, validate=validate.Range(min=1, max=1_000_000))


class ReasonIn(Schema):
    """Why a match is rejected or cancelled."""

    reason = Text(multiline=True, required=True, validate=validate.Length(min=1, max=1000))


class ReceiptIn(Schema):
    """What actually arrived, in the need's unit."""

    received = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=1, max=1_000_000)
    )


def _run(action: Any, *args: Any) -> Any:
    try:
        return action(g.api_user, *args)
    except PermissionError:
        abort(403)
    except LookupError:
        abort(404)


@blp.get("")
@blp.arguments(PageQuery, location="query", unknown=RAISE)
@blp.response(200, page_of(MatchOut))
@blp.doc(operationId="listMatches", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED)
def list_matches(args: dict[str, Any]) -> dict[str, Any]:
    """Your matches: a donor's offers', an NGO's needs' and offers' (staff: the proposals to
    review, those of their centre's needs)."""
    user = g.api_user
    if user.is_staff:
        found = queries.review_queue(ListFilters(), args["page"], args["per_page"], staff=user)
    else:
        found = queries.matches_of(user, args["page"], args["per_page"])
    return page_body(found)


@blp.post("/<id:match_id>/confirm")
@blp.arguments(ConfirmIn, required=False)
@blp.response(200, MatchOut)
@blp.doc(operationId="confirmMatch", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
def confirm(body: dict[str, Any], match_id: int) -> Any:
    """Staff confirm a proposal (idempotent); without a body, for the proposed quantity."""
    return _run(services.confirm_match, match_id, body.get("quantity"))


@blp.post("/<id:match_id>/reject")
@blp.arguments(ReasonIn)
@blp.response(200, MatchOut)
@blp.doc(operationId="rejectMatch", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
def reject(body: dict[str, Any], match_id: int) -> Any:
    """Staff reject a proposal."""
    return _run(services.reject_match, match_id, body["reason"])


@blp.post("/<id:match_id>/receipt")
@blp.arguments(ReceiptIn)
@blp.response(200, MatchOut)
@blp.doc(operationId="recordReceipt", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def receipt(body: dict[str, Any], match_id: int) -> Any:
    """The NGO records what arrived."""
    return _run(services.record_receipt, match_id, body["received"])


@blp.post("/<id:match_id>/cancel")
@blp.arguments(ReasonIn)
@blp.response(200, MatchOut)
@blp.doc(operationId="cancelMatch", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def cancel(body: dict[str, Any], match_id: int) -> Any:
    """Either side or staff cancel a confirmed match."""
    return _run(services.cancel_match, match_id, body["reason"])


@blp.post("/<id:match_id>/pause")
@blp.arguments(schedule.PauseInput)
@blp.response(200, MatchOut)
@blp.doc(operationId="pauseCommitment", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def pause(body: dict[str, Any], match_id: int) -> Any:
    """The donor (or staff) pauses a confirmed recurring commitment from `from` to `until`:
    each week or month starting within is released and both sides are told. Once per
    commitment; 422 names the field (`from`, `until`, or `status` when it is not a confirmed
    recurring commitment)."""
    return _run(schedule.pause_commitment, match_id, body["from_"], body["until"])


@blp.post("/<id:match_id>/end")
@blp.arguments(schedule.EndInput, required=False)
@blp.response(200, MatchOut)
@blp.doc(operationId="endCommitment", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
def end(body: dict[str, Any], match_id: int) -> Any:
    """The donor (or staff) ends a confirmed recurring commitment from `from` (today when
    left out): each week or month starting on or after it is released and both sides are
    told; 422 names the field."""
    return _run(schedule.end_commitment, match_id, body.get("from_") or today())
