"""Registration, sign-in and invitations: thin views over `web.auth.services`."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from web import throttle
from web.account.forms import EmailChangeForm
from web.api import auth as tokens
from web.auth import (
    organisation_views,  # noqa: F401  # its routes join `bp`
    services,
)
from web.auth.blueprint import bp, person_from, show_error
from web.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    OrganisationForm,
    PersonForm,
    TokenForm,
)
from web.auth.login import roles_required, signed_in_user
from web.main.views import safe_next
from web.notifications.kinds import KIND_LABELS, choosable_kinds
from web.validation import InvalidInput
from web.views_common import ActionForm

# The blueprint its routes join, which the app factory mounts.
__all__ = ["bp"]


@bp.get("/register")
def register() -> str:
    """Choose how to register: as an individual, a company or an NGO."""
    return render_template("auth/register.html")


@bp.route("/register/individual", methods=["GET", "POST"])
@throttle.registration
def register_individual() -> str | Response | tuple[str, int]:
    """An individual donor opens an account and may post at once."""
    form = PersonForm()
    if form.validate_on_submit():
        try:
            user = services.register_individual(person_from(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome to Komvos. You can now offer what you would like to give."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register_person.html", form=form), 422 if form.errors else 200


@bp.route("/register/<any(company, ngo):kind>", methods=["GET", "POST"])
@throttle.registration
def register_organisation(kind: str) -> str | Response | tuple[str, int]:
    """A company or NGO registers with its first representative; staff then verify it."""
    form = OrganisationForm()
    if form.validate_on_submit():
        details = services.OrganisationDetails(
            name=form.organisation_name.data or "",
            name_en=form.organisation_name_en.data or "",
            kind=kind,
            sector=form.sector.data or None,
            place_id=form.place.data,
            phone=form.organisation_phone.data or "",
            website=form.website.data or "",
            description=form.description.data or "",
            centre_slug=form.centre.data or "",
        )
        try:
            user = services.register_organisation(details, person_from(form))
        except InvalidInput as error:
            show_error(form, error)
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
def login() -> str | Response | tuple[str, int]:
    """Sign in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        # A language chosen on the page before signing in wins over the stored one.
        chosen = session.get("language")
        user = services.authenticate(
            form.email.data or "",
            form.password.data or "",
            chosen if chosen in current_app.config["LANGUAGES"] else None,
        )
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
    user = signed_in_user()
    services.sign_out_everywhere(user)
    session["language"] = user.language  # the pages stay in the person's language
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


def _account_page(status: int = 200, **forms: Any) -> tuple[str, int]:
    page = render_template(
        "auth/account.html",
        tokens=tokens.active_tokens(signed_in_user()),
        form=forms.get("form") or TokenForm(),
        password_form=forms.get("password_form") or ChangePasswordForm(),
        email_form=EmailChangeForm(prefix="new"),
        mail_kinds=choosable_kinds(signed_in_user()),
        kind_labels=KIND_LABELS,
        new_secret=forms.get("new_secret"),
    )
    return page, status


@bp.get("/account")
@login_required
def account() -> tuple[str, int]:
    """The account page: preferences, password, personal API tokens, one's own data."""
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    """Change the password; every other session and remember cookie stops working."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = signed_in_user()
        try:
            services.change_password(
                user, form.current_password.data or "", form.password.data or ""
            )
        except InvalidInput as error:
            getattr(form, error.field).errors = [error.message]
        else:
            login_user(user)  # this session goes on under the new token
            flash(
                _("Your password is changed. You are signed out on every other device."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _account_page(422, password_form=form)


@bp.post("/staff/people/<id:user_id>/<any(deactivate, activate):action>")
@roles_required("admin")
def set_person_active(user_id: int, action: str) -> Response:
    """An administrator deactivates a person (signed out everywhere at once) or lets them
    back in."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        person = services.set_active(signed_in_user(), user_id, action == "activate")
    except LookupError:
        abort(404)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        if person.active:
            flash(_("%(name)s can sign in again.", name=person.full_name), "success")
        else:
            flash(
                _("%(name)s is deactivated and signed out everywhere.", name=person.full_name),
                "success",
            )
    return redirect(safe_next(request.form.get("next")) or url_for("staff.organisations"))


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
    return _account_page(200 if secret else 422, form=form, new_secret=secret)


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
