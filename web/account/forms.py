"""Forms of one's own account: reset, new address, erasure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from web.auth.forms import REQUIRED, _email_field
from web.passwords import MAX_LENGTH


def _current_password() -> PasswordField:
    return PasswordField(
        _l("Your current password"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = _email_field(_l("Email"))


class ResetPasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)],
        description=_l("At least 8 characters. A passphrase of a few words is best."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class EmailChangeForm(FlaskForm):
    """A new address, with the password as proof."""

    email = _email_field(_l("New email address"))
    password = _current_password()


class EraseForm(FlaskForm):
    """Erasing an account asks for the password and an explicit yes."""

    password = _current_password()
    understood = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
