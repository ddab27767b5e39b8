"""Forms of one's own account: reset, new address, erasure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from web.auth.forms import NewPasswordForm, current_password_field, email_field

# A reset link's page asks for the new password only: the link is the proof.
ResetPasswordForm = NewPasswordForm


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = email_field(_l("Email"))


class EmailChangeForm(FlaskForm):
    """A new address, with the password as proof."""

    email = email_field(_l("New email address"))
    password = current_password_field(_l("Your current password"))


class EraseForm(FlaskForm):
    """Erasing an account asks for the password and an explicit yes."""

    password = current_password_field(_l("Your current password"))
    understood = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
