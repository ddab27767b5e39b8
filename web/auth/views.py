"""Registration, sign-in and invitations: thin views over `web.auth.services`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from web import throttle
from web.api import auth as tokens
from web.auth import services
from web.auth.forms import (
    AcceptInvitationForm,
    InvitationForm,
    LoginForm,
    OrganisationForm,
    PersonForm,
    TokenForm,
)
from web.auth.login import representative_required, signed_in_user
from web.main.views import safe_next
from web.validation import InvalidInput

bp = Blueprint("auth", __name__)


def _person(form: PersonForm) -> services.Person:
    return services.Person(
        full_name=form.full_name.data or "",
        email=form.email.data or "",
        password=form.password.data or "",
        phone=form.phone.data or "",
        language=form.language.data or "el",
    )


def _show_error(form: PersonForm, error: InvalidInput) -> None:
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@bp.get("/register")
def register() -> str:
    """Choose how to register: as an individual, a company or an NGO."""
    return render_template("auth/register.html")


@bp.route("/register/individual", methods=["GET", "POST"])
@throttle.registration
def register_individual() -> str | Response:
    """An individual donor opens an account and may post at once."""
    form = PersonForm()
    if form.validate_on_submit():
        try:
            user = services.register_individual(_person(form))
        except InvalidInput as error:
            _show_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome to Komvos. You can now offer what you would like to give."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register_person.html", form=form), 422 if form.errors else 200


@bp.route("/register/<any(company, ngo):kind>", methods=["GET", "POST"])
@throttle.registration
def register_organisation(kind: str) -> str | Response:
    """A company or NGO registers with its first representative; staff then verify it."""
    form = OrganisationForm()
    if form.validate_on_submit():
        details = services.OrganisationDetails(
            name=form.organisation_name.data or "",
            kind=kind,
            sector=form.sector.data or None,
            place_id=form.place.data,
            phone=form.organisation_phone.data or "",
            website=form.website.data or "",
            description=form.description.data or "",
        )
        try:
            user = services.register_organisation(details, _person(form))
        except InvalidInput as error:
            _show_error(form, error)
        else:
            login_user(user)
            flash(
                _(
                    "Thank you. The centre's staff will verify your organisation; "
                    "you can post once they approve it."
                ),
                "success",
            )
            return redirect(url_for("auth.organisation"))
    status = 422 if form.errors else 200
    return render_template("auth/register_organisation.html", form=form, kind=kind), status


@bp.route("/login", methods=["GET", "POST"])
@throttle.sign_in
def login() -> str | Response:
    """Sign in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            landing = url_for("staff.dashboard") if user.is_staff else url_for("main.home")
            return redirect(safe_next(request.args.get("next")) or landing)
        form.password.errors = [_("Wrong email or password.")]
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out."""
    services.record_logout(signed_in_user())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


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
        invitations=services.organisation_invitations(org) if org.is_approved else [],
        form=InvitationForm(),
    )


@bp.post("/organisation/invitations")
@representative_required
def invite() -> str | Response:
    """Invite a colleague; the single-use link is shown once to pass on."""
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            invitation, token = services.create_invitation(signed_in_user(), form.email.data or "")
        except InvalidInput as error:
            form.email.errors = [error.message]
        else:
            link = url_for("auth.accept_invitation", token=token, _external=True)
            return render_template("auth/invitation_created.html", invitation=invitation, link=link)
    org = current_user.organisation
    return render_template(
        "auth/organisation.html",
        organisation=org,
        invitations=services.organisation_invitations(org),
        form=form,
    ), 422


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response:
    """The invited colleague opens their account through the link."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    form.email.data = invitation.email
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, _person(form))
        except InvalidInput as error:
            _show_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome to Komvos."), "success")
            return redirect(url_for("auth.organisation"))
    status = 422 if form.errors else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


@bp.get("/account")
@login_required
def account() -> str:
    """The account page: personal API tokens."""
    return render_template(
        "auth/account.html",
        tokens=tokens.active_tokens(signed_in_user()),
        form=TokenForm(),
        new_secret=None,
    )


@bp.post("/account/tokens")
@login_required
@throttle.token_creation
def create_token() -> tuple[str, int]:
    """Make a personal API token; its secret is shown this once."""
    form = TokenForm()
    user = signed_in_user()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = tokens.create_token(user, form.name.data or "")
        except InvalidInput as error:
            form.name.errors = [error.message]
    page = render_template(
        "auth/account.html", tokens=tokens.active_tokens(user), form=form, new_secret=secret
    )
    return page, 200 if secret else 422


@bp.post("/account/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    """Revoke one of your tokens."""
    try:
        tokens.revoke_token(signed_in_user(), token_id)
    except LookupError:
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.account"))
