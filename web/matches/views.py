"""Pages of matches: the staff's review queue, runs and health; each side's matches."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import escape
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.centres.scope import centre_of, organisations_in_scope
from web.centres.services import run_scope
from web.committees.scope import open_on_mine
from web.extensions import db
from web.i18n import format_decimal
from web.listing import parse_filters
from web.matches import cards, ledger, notes, queries, queue_cards, run_queue, run_words, services
from web.matches.labels import MATCH_STATUS_LABELS
from web.matches.models import MatchRun
from web.models import Organisation, utcnow
from web.personal_answers import personal_kept
from web.posts.models import URGENCIES
from web.reference import SECTORS
from web.statuses import OrganisationKind, OrganisationStatus, Role
from web.validation import InvalidInput
from web.views_common import ActionForm, page_number

bp = Blueprint("matches", __name__)


_ANCHOR = re.compile(r"^match-[0-9]{1,9}$")
# Each proposal in the queue carries its reasons, score table, notes and forms: 10 a page
# keep it quick (the page says so); its total is counted up to 500, then "more than 500".
QUEUE_PAGE = 10
QUEUE_COUNTED_UP_TO = 500


def _back_to_queue(anchor: str = "") -> Response:
    """The queue as it was: same filters, sort and page, scrolled to the card after."""
    target = url_for("matches.queue", **request.args)  # type: ignore[arg-type]  # the filters, as str values
    return redirect(target + (f"#{anchor}" if _ANCHOR.match(anchor) else ""))


@bp.get("/staff/matches")
@staff_required
@personal_kept
def queue() -> str:
    """Proposals to review, most valuable first, each with why it was proposed."""
    staff = signed_in_user()
    filters = open_on_mine(parse_filters(request.args), request.args, staff)
    fairness = services.received_recently()
    found = queries.review_queue_rows(filters, page_number(), QUEUE_PAGE, QUEUE_COUNTED_UP_TO,
                                      staff=staff)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_en)
        .where(Organisation.status == OrganisationStatus.APPROVED,
               Organisation.kind != OrganisationKind.CENTRE, *organisations_in_scope(staff))
        .order_by(Organisation.name)
    ).all()
    form = ActionForm()
    csrf_field = form.csrf_token() if hasattr(form, "csrf_token") else ""
    colleague_options = queue_cards.person_options(notes.colleagues())
    shared = queue_cards.shared(staff, fairness, format_decimal(services.median_received(fairness)))
    here = request.args.to_dict()
    return render_template(
        "matches/queue.html",
        page=found,
        filters=filters,
        csrf_field=csrf_field,
        cards=cards.cards(
            found.items, notes.notes_of(found.items), shared,
            {"csrf": str(csrf_field), "here": str(escape(queue_cards.query_string(here)))},
            colleague_options, queries.queue_matches),
        count_up_to=QUEUE_COUNTED_UP_TO,
        urgency_labels=shared.urgency_labels,
        sectors=SECTORS,
        urgencies=URGENCIES,
        organisation_options=queue_cards.organisation_options(organisations),
        mine=notes.assigned_count(staff),
        me=staff,
        here=here,
    )


def _quantity(match_id: int) -> int | None:
    raw = request.form.get(f"quantity-{match_id}", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 7:
        raise InvalidInput("quantity", _("Enter a whole number."))
    return int(raw)


@bp.post("/staff/matches/confirm")
@staff_required
def confirm() -> Response:
    """Confirm one proposal (perhaps for less) or several at once."""
    if not ActionForm().validate_on_submit():
        abort(400)
    only = request.form.get("only", "")
    chosen = [only] if only else request.form.getlist("match_id")
    ids = [int(i) for i in chosen if i.isdigit() and len(i) < 10][:200]
    if not ids:
        flash(_("Choose at least one proposal."), "error")
        return _back_to_queue()
    staff = signed_in_user()
    done, refused = 0, []
    for match_id in ids:
        try:
            services.confirm_match(staff, match_id, _quantity(match_id))
            done += 1
        except InvalidInput as error:
            refused.append(f"#{match_id}: {error.message}")
        except LookupError:
            refused.append(f"#{match_id}: {_('Not found.')}")
    if done:
        flash(_("%(n)d confirmed.", n=done), "success")
    for message in refused:
        flash(message, "error")
    return _back_to_queue(request.form.get(f"next-{only}", "") if only else "")


@bp.post("/staff/matches/<id:match_id>/reject")
@staff_required
def reject(match_id: int) -> Response:
    """Turn a proposal down, with a reason."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.reject_match(signed_in_user(), match_id, request.form.get("reason", ""))
        flash(_("The proposal is rejected."), "success")
    except InvalidInput as error:
        flash(error.message, "error")
        return _back_to_queue(f"match-{match_id}")
    except LookupError:
        abort(404)
    return _back_to_queue(request.form.get("next", ""))


@bp.post("/staff/matches/<id:match_id>/note")
@staff_required
def note(match_id: int) -> Response:
    """Leave a note on a proposal or a match."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        notes.add_note(signed_in_user(), match_id, request.form.get("note", ""))
        flash(_("The note is saved."), "success")
    except InvalidInput as error:
        flash(error.message, "error")
    except LookupError:
        abort(404)
    return _back_to_queue(f"match-{match_id}")


@bp.post("/staff/matches/<id:match_id>/assign")
@staff_required
def assign(match_id: int) -> Response:
    """Give a proposal or a match to a colleague, or to nobody."""
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = request.form.get("assignee", "")
    assignee = int(raw) if raw.isdigit() and len(raw) < 10 else None
    try:
        match = notes.assign_match(signed_in_user(), match_id, assignee)
        if match.assigned_to is not None:
            flash(_("Assigned to %(name)s.", name=match.assigned_to.full_name), "success")
        else:
            flash(_("Nobody is assigned now."), "success")
    except InvalidInput as error:
        flash(error.message, "error")
    except LookupError:
        abort(404)
    return _back_to_queue(f"match-{match_id}")


@bp.post("/staff/matches/run")
@staff_required
def run() -> Response:
    """Ask for a re-optimisation of everything open: queued for a run worker, not run here."""
    if not ActionForm().validate_on_submit():
        abort(400)
    staff = signed_in_user()
    _request, joined = services.enqueue_run(run_scope(staff), staff)
    if joined:
        flash(_("A run was already queued; it includes your request. The engine will run "
                "within a minute; proposals appear in the queue when it finishes."), "success")
    else:
        flash(_("Queued: the engine will run within a minute; proposals appear in the queue "
                "when it finishes."), "success")
    return redirect(url_for("matches.runs"))


@bp.get("/staff/runs")
@staff_required
def runs() -> str:
    """The engine's recent runs."""
    staff = signed_in_user()
    scope, centre_id = run_scope(staff), centre_of(staff)
    mine = () if centre_id is None else (
        or_(MatchRun.centre_id == centre_id, MatchRun.centre_id.is_(None)),)
    found = db.session.scalars(
        select(MatchRun).where(*mine).order_by(MatchRun.id.desc()).limit(100)).all()
    return render_template(
        "matches/runs.html",
        runs=found,
        run_request=services.latest_request(scope),
        under_way=run_queue.running_request(scope),
        now=utcnow(),
        form=ActionForm(),
        reach=run_words.reach_of(found),
        words=run_words,
    )


@bp.get("/staff/health")
@staff_required
def health() -> str:
    """Whether the ledger adds up."""
    return render_template("matches/health.html", violations=ledger.violations())


@bp.get("/matches")
@login_required
def mine() -> str:
    """A donor's or an NGO's matches (given and received) with their timeline; contacts
    once confirmed."""
    if current_user.role not in (Role.DONOR, Role.NGO):
        abort(403)
    user = signed_in_user()
    found = queries.matches_of(user, page_number())
    events = services.timelines(found.items)
    return render_template(
        "matches/mine.html",
        page=found,
        form=ActionForm(),
        timeline=lambda match: events[match.id],
        status_labels=MATCH_STATUS_LABELS,
        receives=lambda match: services.receives(user, match),
    )


@bp.post("/matches/<id:match_id>/cancel")
@login_required
def cancel(match_id: int) -> Response:
    """Either side (or staff) calls off a confirmed match, with a reason."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_match(signed_in_user(), match_id, request.form.get("reason", ""))
        flash(_("The match is cancelled."), "success")
    except InvalidInput as error:
        flash(error.message, "error")
    except LookupError:
        abort(404)
    target = "matches.queue" if current_user.is_staff else "matches.mine"
    return redirect(url_for(target))


@bp.post("/matches/<id:match_id>/receipt")
@login_required
def receipt(match_id: int) -> Response:
    """The NGO records what actually arrived."""
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = request.form.get("received", "").strip()
    received = int(raw) if raw.isdigit() and len(raw) <= 7 else 0  # 0 is refused with a message
    try:
        services.record_receipt(
            signed_in_user(), match_id, received, request.form.get("short_reason", "")
        )
        flash(_("Thank you. The receipt is recorded."), "success")
    except InvalidInput as error:
        flash(error.message, "error")
    except LookupError:
        abort(404)
    return redirect(url_for("matches.mine"))
