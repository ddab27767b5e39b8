"""A representative's organisation: its page, inviting colleagues, joining by invitation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from web.auth import invitations
from web.auth.blueprint import bp, person_from, show_error
from web.auth.forms import AcceptInvitationForm, InvitationForm
from web.auth.login import representative_required, signed_in_user
from web.validation import InvalidInput


@bp.get("/organisation")
@login_required
def organisation() -> str:
    """A representative's organisation: its status, its people, its invitations."""
    if current_user.organisation is None or current_user.is_staff:
        abort(404)
    org = current_user.organisation
    return render_template(
        "auth/organisation.html",
        organisation=org,
        invitations=invitations.organisation_invitations(org) if org.is_approved else [],
        form=InvitationForm(),
    )


@bp.post("/organisation/invitations")
@representative_required
def invite() -> str | Response | tuple[str, int]:
    """Invite a colleague; the single-use link is shown once to pass on."""
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            email = form.email.data or ""
            invitation, token = invitations.create_invitation(signed_in_user(), email)
        except InvalidInput as error:
            form.email.errors = [error.message]
        else:
            link = url_for("auth.accept_invitation", token=token, _external=True)
            return render_template("auth/invitation_created.html", invitation=invitation, link=link)
    org = current_user.organisation
    return render_template(
        "auth/organisation.html",
        organisation=org,
        invitations=invitations.organisation_invitations(org),
        form=form,
    ), 422


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response | tuple[str, int]:
    """The invited colleague opens their account through the link."""
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    form.email.data = invitation.email
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, person_from(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome to Komvos."), "success")
            return redirect(url_for("auth.organisation"))
    status = 422 if form.errors else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status
