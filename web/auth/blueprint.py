"""The auth blueprint, which the sign-in pages (`views`) and the organisation's pages
(`organisation_views`) share, and what their forms have in common."""

from __future__ import annotations

from flask import Blueprint, flash

from web.auth import services
from web.auth.forms import PersonForm
from web.validation import InvalidInput

bp = Blueprint("auth", __name__)


def person_from(form: PersonForm) -> services.Person:
    """The person a registration or an invitation's form describes."""
    return services.Person(
        full_name=form.full_name.data or "",
        email=form.email.data or "",
        password=form.password.data or "",
        phone=form.phone.data or "",
        language=form.language.data or "el",
    )


def show_error(form: PersonForm, error: InvalidInput) -> None:
    """Show a service's refusal at the field it names, or above the form."""
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
