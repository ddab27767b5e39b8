"""Emergencies over JSON: the public sees those in force; staff declare, read and close."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import abort, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from web import throttle
from web.api.auth import BEARER, OPTIONAL_BEARER, caller_key, optional_api_user, require_api_user
from web.api.schemas import UtcDateTime
from web.clock import today
from web.emergencies import calls, services
from web.emergencies.schemas import EmergencyInput
from web.validation import InvalidInput, json_strict
from web.views_common import documented_errors

EmergencyIn = json_strict(EmergencyInput)
blp = Blueprint("emergencies_api", __name__, url_prefix="/api/v1/emergencies",
                description="Emergencies")
throttle.api(blp, caller_key)


@blp.before_request
def _staff_for_changes() -> None:
    """Declaring and closing need a staff token, before the body is even read."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        g.api_user = _staff()


class TallyOut(Schema):
    """How many, and their quantities per unit."""

    count = fields.Integer(required=True)
    quantities = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ReportOut(Schema):
    """What happened in the emergency's scope while it lasted."""

    from_ = fields.String(data_key="from", attribute="from", required=True)
    until = fields.String(required=True)
    asked = fields.Nested(TallyOut, required=True)
    offered = fields.Nested(TallyOut, required=True)
    confirmed = fields.Nested(TallyOut, required=True)
    delivered = fields.Nested(TallyOut, required=True)


class EmergencyOut(Schema):
    """An emergency; its report only for staff (kept once closed, so far while open)."""

    id = fields.Integer(required=True)
    title_el = fields.String(required=True)
    title_en = fields.String(required=True)
    message_el = fields.String(required=True)
    message_en = fields.String(required=True)
    sectors = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    areas = fields.List(fields.String(), required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    state = fields.Method("state_of", required=True, metadata={
        "description": "upcoming | active | ended (past its expected end) | closed"})
    closed_at = UtcDateTime(allow_none=True)
    report = fields.Method("report_of", allow_none=True)

    def state_of(self, emergency: Any) -> str:
        """The emergency's state today."""
        return str(emergency.state(today()))

    def report_of(self, emergency: Any) -> Any:
        """The report, for staff."""
        caller = optional_api_user()
        if caller is None or not caller.is_staff:
            return None
        return ReportOut().dump(services.report_of(emergency))


class EmergencyList(Schema):
    """Emergencies, newest first."""

    items = fields.List(fields.Nested(EmergencyOut), required=True)


def _staff() -> Any:
    user = require_api_user()
    if not user.is_staff:
        abort(403)
    return user


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("body", "Send a JSON object.")
    return body


@blp.get("")
@blp.response(200, EmergencyList)
@blp.doc(operationId="listEmergencies", **OPTIONAL_BEARER)
def list_emergencies() -> dict[str, Any]:
    """Emergencies in force (public); a staff token gets every one of its centre's, with
    reports."""
    caller = optional_api_user()
    staff = caller if caller is not None and caller.is_staff else None
    found = services.list_emergencies(staff)
    if staff is None:
        found = [e for e in found if e.is_active(today())]
    return {"items": found}


@blp.post("")
@blp.arguments(EmergencyIn, as_kwargs=False)
@blp.response(201, EmergencyOut)
@blp.doc(operationId="declareEmergency", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
def declare(_data: dict[str, Any]) -> Any:
    """Staff declare an emergency; the first batch of donors is called at once, the rest by
    `flask emergencies call`."""
    emergency = services.declare_emergency(g.api_user, _body())
    calls.call_donors(emergency)
    return emergency


@blp.get("/<id:emergency_id>")
@blp.response(200, EmergencyOut)
@blp.doc(operationId="getEmergency", **OPTIONAL_BEARER)
@documented_errors(blp, HTTPStatus.NOT_FOUND)
def get_emergency(emergency_id: int) -> Any:
    """One emergency: in force for anyone, any of their centre's for staff (another
    centre's answers 404)."""
    caller = optional_api_user()
    try:
        if caller is not None and caller.is_staff:
            return services.get_emergency(emergency_id, caller)
        return services.public_emergency(emergency_id)
    except LookupError:
        abort(404)


@blp.post("/<id:emergency_id>/close")
@blp.response(200, EmergencyOut)
@blp.doc(operationId="closeEmergency", **BEARER)
@documented_errors(blp, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
def close(emergency_id: int) -> Any:
    """Staff close an emergency (closing twice changes nothing); its report is kept."""
    try:
        return services.close_emergency(g.api_user, emergency_id)
    except LookupError:
        abort(404)
