"""Forms for registering, signing in, inviting and deciding. Every message is translated."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from web.centres.services import all_centres
from web.i18n import current_language
from web.passwords import MAX_LENGTH, password_problem
from web.reference import SECTORS

REQUIRED = _l("This field is required.")
PHONE_PATTERN = r"^\+?[0-9 ()\-]{6,20}$"
LANGUAGE_CHOICES = [SelectChoice("el", "Ελληνικά"), SelectChoice("en", "English")]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field(label: Any) -> EmailField:
    """An email address, checked for form only (never looked up)."""
    return EmailField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Length(max=254, message=_l("At most %(max)d characters.")),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "email"},
    )


def _check_new_password(form: FlaskForm, field: PasswordField) -> None:
    email_field = getattr(form, "email", None)
    problem = password_problem(field.data or "", email_field.data if email_field else "")
    if problem:
        raise ValidationError(problem)


def current_password_field(label: Any) -> PasswordField:
    """The password one has now, asked as proof."""
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class LanguageForm(FlaskForm):
    """The header's language switch."""

    language = HiddenField(validators=[InputRequired(REQUIRED)])
    next = HiddenField()


class LoginForm(FlaskForm):
    """Sign in with email and password."""

    email = email_field(_l("Email"))
    password = current_password_field(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device"))


class PersonForm(FlaskForm):
    """The fields every new account has."""

    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=2, max=120, message=_l("Between %(min)d and %(max)d characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    email: StringField = email_field(_l("Email"))  # a HiddenField in AcceptInvitationForm
    phone = StringField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Regexp(
                PHONE_PATTERN,
                message=_l("Enter a phone number of digits, spaces and an optional +."),
            ),
        ],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), _check_new_password],
        description=_l("At least 8 characters. A passphrase of a few words is best."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    language = SelectField(_l("Language for emails and pages"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.language.data = current_language()


class OrganisationForm(PersonForm):
    """A company or NGO with its first representative."""

    organisation_name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=2, max=160, message=_l("Between %(min)d and %(max)d characters.")),
        ],
    )
    organisation_name_en = StringField(
        _l("Name in English (optional)"),
        validators=[
            Optional(),
            Length(min=2, max=160, message=_l("Between %(min)d and %(max)d characters.")),
        ],
        description=_l("Shown on the English pages, if it differs."),
    )
    sector = SelectField(_l("Main sector"), validators=[Optional()])
    centre = SelectField(_l("Coordination centre"), validators=[Optional()],
                         description=_l("Whose staff verify you; by default the centre of "
                                        "your area."))
    place = StringField(
        _l("Area"),
        validators=[Optional(), Length(max=64)],
        description=_l("Municipality or neighbourhood, e.g. Κυψέλη or Kypseli."),
    )
    organisation_phone = StringField(
        _l("Organisation phone"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(
                PHONE_PATTERN,
                message=_l("Enter a phone number of digits, spaces and an optional +."),
            ),
        ],
        render_kw={"inputmode": "tel"},
    )
    website = URLField(
        _l("Website (optional)"),
        validators=[
            Optional(),
            Length(max=200),
            Regexp(
                r"^https?://\S+\.\S+$", message=_l("Enter a web address starting with https://.")
            ),
        ],
    )
    description = TextAreaField(
        _l("What the organisation does"),
        validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.sector.choices = [SelectChoice("", str(_l("— choose —")))] + [
            SelectChoice(code, labels[language]) for code, labels in SECTORS.items()
        ]
        self.centre.choices = [SelectChoice("", str(_l("— the centre of my area —")))] + [
            SelectChoice(c.slug, c.name(language)) for c in all_centres()]

    def validate_place(self, field: StringField) -> None:
        """Accept any spelling of a known place and store its id."""
        if not field.data:
            field.data = None
            return
        places = current_app.extensions["komvos.places"]
        if field.data in places:
            return
        found = places.search(field.data, limit=1)
        if not found:
            raise ValidationError(_l("We do not know this place; try the municipality's name."))
        field.data = found[0].id


class InvitationForm(FlaskForm):
    """Invite a colleague by email."""

    email = email_field(_l("Colleague's email"))


class AcceptInvitationForm(PersonForm):
    """The invited person's account; the email comes from the invitation."""

    email = HiddenField()


class DecisionForm(FlaskForm):
    """Staff approve or reject an organisation."""

    reason = TextAreaField(
        _l("Reason (required to reject)"),
        validators=[Optional(), Length(max=1000, message=_l("At most %(max)d characters."))],
    )


class TokenForm(FlaskForm):
    """Name a new personal API token."""

    name = StringField(
        _l("Name of the token"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=80, message=_l("At most %(max)d characters.")),
        ],
        description=_l("For example: our stock system."),
    )


class NewPasswordForm(FlaskForm):
    """A new password, twice (a reset link's page, and the start of a change)."""

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


class ChangePasswordForm(NewPasswordForm):
    """A new password, given with the current one."""

    current_password = current_password_field(_l("Current password"))
