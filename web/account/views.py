"""Recovering an account, changing its address, one's own data: thin views over
`web.account.recovery` and `web.account.personal_data`."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from web import throttle
from web.account import personal_data, recovery
from web.account.forms import EmailChangeForm, EraseForm, ForgotPasswordForm, ResetPasswordForm
from web.auth.login import signed_in_user
from web.validation import InvalidInput
from web.views_common import ActionForm

bp = Blueprint("account", __name__)


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttle.password_reset
def forgot_password() -> Any:
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data or "")
        return render_template("account/reset_sent.html", email=form.email.data)
    return render_template("account/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@throttle.password_reset
def reset_password(token: str) -> Any:
    """Choose a new password through the link; every session ends, then sign in again."""
    if recovery.user_for_reset(token) is None:
        return render_template("account/link_invalid.html", kind="reset"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.password.data or "")
        except InvalidInput as error:
            form.password.errors = [error.message]
        else:
            logout_user()
            flash(
                _("Your password is changed and you are signed out everywhere. Sign in with it."),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("account/reset.html", form=form), 422 if form.errors else 200


@bp.post("/account/email")
@login_required
def request_email_change() -> Any:
    """Send a confirmation link to a new address."""
    form = EmailChangeForm(prefix="new")
    if form.validate_on_submit():
        try:
            recovery.request_email_change(
                signed_in_user(), form.password.data or "", form.email.data or ""
            )
        except InvalidInput as error:
            getattr(form, error.field).errors = [error.message]
        else:
            flash(
                _(
                    "We sent a link to %(email)s. Your address changes when you open it.",
                    email=form.email.data,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("account/email.html", form=form), 422


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Any:
    """Confirm the new address (a GET only asks; the POST changes it)."""
    pending = recovery.pending_email_change(token)
    if pending is None:
        return render_template("account/link_invalid.html", kind="email"), 404
    user, new_email = pending
    if ActionForm().validate_on_submit():
        signed_in_here = current_user.is_authenticated and current_user.id == user.id
        try:
            user = recovery.confirm_email_change(token)
        except InvalidInput as error:
            flash(error.message, "error")
            return redirect(url_for("main.home"))
        if signed_in_here:
            login_user(user)  # this browser stays signed in under the new token
        flash(_("Your email address is now %(email)s.", email=user.email), "success")
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
    return render_template(
        "account/confirm_email.html", new_email=new_email, person=user, form=ActionForm()
    )


@bp.get("/account/data.json")
@login_required
def export_data() -> Response:
    """Everything Komvos holds about the signed-in person, as a JSON download."""
    body = json.dumps(personal_data.export(signed_in_user()), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="komvos-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
def erase() -> Any:
    """Erase one's account: says first what happens, then asks for the password."""
    user = signed_in_user()
    if user.is_staff:
        abort(403)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            personal_data.erase(user, form.password.data or "")
        except InvalidInput as error:
            getattr(form, error.field).errors = [error.message]
        else:
            session["language"] = user.language  # the next pages stay in their language
            logout_user()
            flash(
                _("Your account is erased. What you gave and received stays, without you."),
                "success",
            )
            return redirect(url_for("main.home"))
    consequences = personal_data.erasure_consequences(user)
    status = 422 if form.errors else 200
    return render_template("account/erase.html", form=form, consequences=consequences), status
