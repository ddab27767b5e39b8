"""The donor pauses or ends a recurring commitment, releasing the periods it gives up.

A period is released when it starts within the pause (from its first to its last day), or
on or after the day the commitment ends; periods already under way stay as promised. Each
commits once, with its audit row and the messages to both sides; the engine then proposes
what was freed, in a savepoint of the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, cast

from flask_babel import format_date, gettext
from marshmallow import Schema, ValidationError
from sqlalchemy import CursorResult, update

from web.audit import record_event
from web.clock import today
from web.extensions import db
from web.matches import ledger
from web.matches.models import Match
from web.matches.proposing import repropose_after_release
from web.matches.sides import gives, staff_reaches
from web.matches.transitions import get_match, notify_sides
from web.models import User
from web.posts.fields import calendar_date
from web.recurrence import period_start
from web.statuses import MatchStatus
from web.validation import InvalidFields, InvalidInput, plain_messages


def _commitment(user: User, match_id: int) -> Match:
    """A confirmed recurring match the user may reschedule (LookupError: not theirs)."""
    match = get_match(match_id)
    if not (staff_reaches(user, match) or gives(user, match)):
        raise LookupError(match_id)
    if match.status != MatchStatus.CONFIRMED or not match.recurring or match.ended_on:
        raise InvalidInput("status", gettext(
            "Only a confirmed recurring commitment can be paused or ended."))
    return match


def _not_past(field: str, day: date) -> None:
    if day < today():
        raise InvalidInput(field, gettext("The date must not be in the past."))


def _move(match: Match, released: list[date], **values: object) -> bool:
    """Write the new schedule if nobody changed the match meanwhile, then release."""
    conditions = [Match.id == match.id, Match.status == MatchStatus.CONFIRMED,
                  Match.ended_on.is_(None)]
    if "paused_from" in values:
        conditions.append(Match.paused_from.is_(None))
    changed = cast(CursorResult[Any], db.session.execute(
        update(Match)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )).rowcount
    if changed != 1:
        db.session.rollback()
        raise InvalidInput("status", gettext("This commitment was changed meanwhile."))
    ledger.give_back(match, match.quantity, match.need_quantity, released)
    return True


def _finish(
    user: User, match: Match, action: str, released: list[date], **details: object
) -> Match:
    record_event(action, actor=user, target=match,
                 released=[d.isoformat() for d in released], **details)
    notify_sides(match, "rescheduled")
    repropose_after_release(match.offer_id, match.need_id)
    db.session.commit()
    db.session.refresh(match)
    return match


def pause_commitment(user: User, match_id: int, starts: date, ends: date) -> Match:
    """The donor (or staff) pauses a recurring commitment from `starts` to `ends`; each
    period starting within is released. One pause per commitment."""
    match = _commitment(user, match_id)
    _not_past("from", starts)
    if ends < starts:
        raise InvalidInput("until", gettext("The end must not be before the start."))
    if match.paused_from is not None:
        raise InvalidInput("from", gettext(
            "This commitment is already paused from %(start)s to %(end)s.",
            start=format_date(match.paused_from), end=format_date(match.paused_until)))
    released = [p for p in match.counted_periods() if starts <= p <= ends]
    if not released:
        raise InvalidInput("until", gettext(
            "No week or month of this commitment starts within these dates: a pause "
            "releases each one that starts within it."))
    _move(match, released, paused_from=starts, paused_until=ends)
    return _finish(user, match, "match.paused", released, start=starts.isoformat(),
                   end=ends.isoformat())


def end_commitment(user: User, match_id: int, day: date) -> Match:
    """The donor (or staff) ends a recurring commitment on `day`: the periods starting on
    or after it are released; those begun before stay as promised."""
    match = _commitment(user, match_id)
    _not_past("from", day)
    assert match.per is not None and match.period_from is not None
    released = [p for p in match.counted_periods() if p >= day]
    last = period_start(day - timedelta(days=1), match.per)
    if last < match.period_from:
        raise InvalidInput("from", gettext(
            "It has not begun by then: cancel it instead."))
    if not released:
        raise InvalidInput("from", gettext("It ends before that date anyway."))
    _move(match, released, period_until=last, ended_on=day)
    return _finish(user, match, "match.ended", released, day=day.isoformat())


class PauseInput(Schema):
    """A pause: its first and last day."""

    from_ = calendar_date(required=True, data_key="from")
    until = calendar_date(required=True)


class EndInput(Schema):
    """The day a commitment ends: periods starting on or after it are released."""

    from_ = calendar_date(load_default=today, data_key="from")


def load_schedule_change(schema: Schema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A page's or the API's pause or end as clean values; InvalidFields names each field."""
    try:
        return dict(schema.load(dict(raw)))
    except ValidationError as error:
        raise InvalidFields(plain_messages(error.messages)) from error
