"""The donor's page for a recurring commitment: its schedule, and pausing or ending it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user
from web.matches import schedule, schedule_words
from web.matches.sides import gives, staff_reaches
from web.matches.transitions import get_match
from web.matches.views import bp
from web.validation import InvalidFields, InvalidInput
from web.views_common import ActionForm

bp.record_once(lambda state: schedule_words.init_app(state.app))  # type: ignore[arg-type]  # a Flask app at run time


def _page(match_id: int, errors: dict[str, list[str]] | None = None,
          values: dict[str, Any] | None = None) -> Any:
    user = signed_in_user()
    try:
        match = get_match(match_id)
    except LookupError:
        abort(404)
    if not (staff_reaches(user, match) or gives(user, match)) or not match.recurring:
        abort(404)
    return render_template("matches/schedule.html", match=match, form=ActionForm(),
                           errors=errors or {}, values=values or {}), 422 if errors else 200


@bp.get("/matches/<id:match_id>/schedule")
@login_required
def commitment(match_id: int) -> Any:
    """A recurring commitment's schedule, with the forms to pause or end it."""
    return _page(match_id)


def _change(match_id: int, action: str) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = {k: v.strip() for k, v in request.form.items() if k in ("from", "until") and v.strip()}
    shown = {f"{action}_{k}": v for k, v in raw.items()}
    try:
        if action == "pause":
            data = schedule.load_schedule_change(schedule.PauseInput(), raw)
            schedule.pause_commitment(signed_in_user(), match_id, data["from_"], data["until"])
            flash(_("The commitment is paused; the weeks or months it gives up are free "
                    "again, and both sides are told."), "success")
        else:
            data = schedule.load_schedule_change(schedule.EndInput(), raw)
            schedule.end_commitment(signed_in_user(), match_id, data["from_"])
            flash(_("The commitment is ended; what it gives up is free again, and both sides "
                    "are told."), "success")
    except InvalidFields as error:
        return _page(match_id, {f"{action}_{k}": v for k, v in error.errors.items()}, shown)
    except InvalidInput as error:
        return _page(match_id, {f"{action}_{error.field}": [error.message]}, shown)
    except LookupError:
        abort(404)
    return redirect(url_for("matches.mine") + f"#match-{match_id}")


@bp.post("/matches/<id:match_id>/pause")
@login_required
def pause(match_id: int) -> Response:
    """The donor pauses a recurring commitment between two dates."""
    return _change(match_id, "pause")  # type: ignore[no-any-return]


@bp.post("/matches/<id:match_id>/end")
@login_required
def end(match_id: int) -> Response:
    """The donor ends a recurring commitment from a date."""
    return _change(match_id, "end")  # type: ignore[no-any-return]
