"""What every card of the staff's review queue shares, made once per request: the weights
column of the score table, the options of "who looks after it" and of the organisation
filter (a card only marks its chosen one)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markupsafe import Markup

from web.i18n import format_decimal, org_name
from web.matches.labels import COMPONENT_LABELS
from web.models import Organisation, User
from web.reference.fragments import chosen


def words(labels: Mapping[str, Any]) -> dict[str, str]:
    """Lazy labels translated once for the page (each card shows them again)."""
    return {code: str(label) for code, label in labels.items()}


def weight_texts(weights: Mapping[str, float]) -> dict[str, str]:
    """Each score component's weight, written in this request's language."""
    return {name: format_decimal(round(weights.get(name, 0), 2)) for name in COMPONENT_LABELS}


def organisation_options(organisations: Iterable[Organisation]) -> Callable[[int | None], Markup]:
    """The `<option>`s of the organisation filter, rendered once; called with an id, that one
    selected."""
    return _options((o.id, org_name(o)) for o in organisations)


def person_options(people: Iterable[User]) -> Callable[[int | None], Markup]:
    """The `<option>`s of these people, rendered once; called with an id, that one selected."""
    return _options((person.id, person.full_name) for person in people)


def _options(choices: Iterable[tuple[int, str]]) -> Callable[[int | None], Markup]:
    rendered = Markup("").join(
        Markup('<option value="{}">{}</option>').format(value, label) for value, label in choices
    )
    return lambda value: chosen(rendered, value)
