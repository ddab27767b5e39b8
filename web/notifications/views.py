"""The inbox, mail preferences and one-click unsubscribe."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import CursorResult, func, select, update
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.extensions import csrf, db
from web.models import utcnow
from web.notifications import mail_admin, preferences, previews
from web.notifications.models import STATUSES, Notification
from web.notifications.outbox import PRIVATE_KINDS
from web.pagination import paginate
from web.validation import InvalidInput
from web.views_common import ActionForm, page_number

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_count() -> int:
    """Unread notifications of the signed-in person (0 for visitors)."""
    if not current_user.is_authenticated:
        return 0
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == current_user.id,
                Notification.read_at.is_(None),
                Notification.kind.not_in(PRIVATE_KINDS),
            )
        )
        or 0
    )


@bp.get("/inbox")
@login_required
def inbox() -> str:
    """Every notification, newest first."""
    page = page_number()
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id, Notification.kind.not_in(PRIVATE_KINDS))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render_template(
        "notifications/inbox.html", page=paginate(query, page, 20), form=ActionForm()
    )


@bp.post("/inbox/<id:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> Response:
    """Mark one notification read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    changed = cast(CursorResult[Any], db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == current_user.id)
        .values(read_at=func.coalesce(Notification.read_at, utcnow()))
        .execution_options(synchronize_session=False)
    )).rowcount
    if not changed:
        abort(404)
    db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.post("/inbox/read")
@login_required
def mark_all_read() -> Response:
    """Mark everything read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.post("/account/preferences")
@login_required
def save_preferences() -> Response:
    """Language and mail preferences."""
    if not ActionForm().validate_on_submit():
        abort(400)
    user = signed_in_user()
    try:
        preferences.save_preferences(
            user,
            request.form.get("language", user.language),
            request.form.get("mail_mode", user.mail_mode),
            request.form.get("colleague_mail") == "on",
            request.form.getlist("mail_kind") if "mail_kinds_shown" in request.form else None,
        )
        flash(_("Your preferences are saved."), "success")
    except InvalidInput:  # only a tampered form gets here
        flash(_("Choose one of the listed values."), "error")
    return redirect(url_for("auth.account"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> tuple[str, int] | str:
    """One click turns digests and reminders off (RFC 8058), with no sign-in."""
    user = preferences.user_from_token(token)
    if user is None:
        return render_template("notifications/unsubscribe.html", done=False, invalid=True), 404
    if request.method == "POST":
        preferences.unsubscribe(user)
        return render_template("notifications/unsubscribe.html", done=True, invalid=False)
    return render_template("notifications/unsubscribe.html", done=False, invalid=False, token=token)


@bp.get("/staff/mail")
@staff_required
def mail_status() -> str:
    """Every message with its status, attempts and last error; failed ones can be retried."""
    filters = mail_admin.parse_mail_filters(request.args)
    return render_template(
        "notifications/mail_status.html",
        page=paginate(mail_admin.mail_query(filters), page_number(), 50),
        filters=filters,
        counts=mail_admin.status_counts(),
        statuses=STATUSES,
        form=ActionForm(),
    )


@bp.post("/staff/mail/<id:notification_id>/retry")
@staff_required
def retry(notification_id: int) -> Response:
    """Send a failed message again."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if mail_admin.retry_message(signed_in_user(), notification_id):
            flash(_("The message will be sent again in a moment."), "success")
        else:
            flash(_("Only a failed message can be sent again."), "error")
    except LookupError:
        abort(404)
    return redirect(url_for("notifications.mail_status", **request.args))  # type: ignore[arg-type]  # the filters, as str values


@bp.get("/staff/mail/templates")
@staff_required
def mail_templates() -> str:
    """How each kind of message reads, in Greek and in English, as plain text."""
    return render_template("notifications/mail_templates.html", kinds=previews.previews())
