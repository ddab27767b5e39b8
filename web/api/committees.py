"""The centre's committees over JSON: public names and sectors; members for staff."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from web import throttle
from web.api.auth import OPTIONAL_BEARER, caller_key, optional_api_user
from web.committees import services

blp = Blueprint("committees_api", __name__, url_prefix="/api/v1/committees",
                description="The centre's committees")
throttle.api(blp, caller_key)


class CommitteeMemberOut(Schema):
    """A staff member on a committee."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class CommitteeOut(Schema):
    """A committee, the sectors it follows and (for staff) its members."""

    id = fields.String(required=True)
    name_el = fields.String(required=True)
    name_en = fields.String(required=True)
    sectors = fields.List(fields.String(), required=True)
    members = fields.List(fields.Nested(CommitteeMemberOut), allow_none=True, metadata={
        "description": "Only for staff tokens; null otherwise"})


class CommitteeList(Schema):
    """Every committee, in the centre's order."""

    items = fields.List(fields.Nested(CommitteeOut), required=True)


@blp.get("")
@blp.response(200, CommitteeList)
@blp.doc(operationId="listCommittees", **OPTIONAL_BEARER)
def list_committees() -> dict[str, Any]:
    """The committees and the sectors each follows (a need or offer goes to the committees
    of its category's sector); a staff token also gets their members of its own centre."""
    caller = optional_api_user()
    staff = caller is not None and caller.is_staff
    return {"items": [{
        "id": c.id, "name_el": c.name("el"), "name_en": c.name("en"),
        "sectors": sorted(c.sectors),
        "members": [{"id": m.id, "name": m.full_name, "email": m.email}
                    for m in services.members_of(c.id, staff=caller)] if staff else None,
    } for c in services.committees().all]}
