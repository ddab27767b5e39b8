"""What every card of the staff's review queue shares, made once per request: the weights
column of the score table, the labels, the fairness figures, the emergencies in force, the
options of "who looks after it" and of the organisation filter (a card only marks its chosen
one), the page's query string."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import current_app, url_for
from markupsafe import Markup

from web.centres.scope import centre_of
from web.clock import today
from web.emergencies.scope import active_emergencies, emergency_factor, emergency_scope_matches
from web.i18n import current_language, format_decimal
from web.matches.cards import Shared
from web.matches.labels import COMPONENT_LABELS
from web.models import User, name_in
from web.posts.labels import URGENCY_LABELS
from web.reference.fragments import chosen


def shared(staff: User, fairness: Mapping[int, int], median: str) -> Shared:
    """What the cards of `staff`'s page share, in this request's language."""
    return Shared(
        language=current_language(), centre_id=centre_of(staff), me_id=staff.id, today=today(),
        fairness=fairness, median=median,
        weight_texts=weight_texts(current_app.extensions["komvos.policy"].weights),
        component_labels=words(COMPONENT_LABELS), urgency_labels=words(URGENCY_LABELS),
        emergency_factor=emergency_factor(),
        emergencies=tuple(
            (e.id, e.title_el, e.title_en, e.centre_id, tuple(e.sectors or ()),
             tuple(e.categories or ()), tuple(e.areas or ()))
            for e in active_emergencies()),
        need_emergencies=emergency_scope_matches,
    )


def query_string(args: Mapping[str, str]) -> str:
    """The page's query string as `url_for` appends it to an address ("" or "?..."): the
    forms of a card send their decision back to the same page."""
    bare = url_for("matches.queue")
    return url_for("matches.queue", **args)[len(bare):]  # type: ignore[arg-type]  # the filters, as str values


def words(labels: Mapping[str, Any]) -> dict[str, str]:
    """Lazy labels translated once for the page (each card shows them again)."""
    return {code: str(label) for code, label in labels.items()}


def weight_texts(weights: Mapping[str, float]) -> dict[str, str]:
    """Each score component's weight, written in this request's language."""
    return {name: format_decimal(round(weights.get(name, 0), 2)) for name in COMPONENT_LABELS}


def organisation_options(organisations: Iterable[Any]) -> Callable[[int | None], Markup]:
    """The `<option>`s of the organisation filter, rendered once; called with an id, that one
    selected. `organisations`: rows of their id, name and English name."""
    language = current_language()
    return _options((o.id, name_in(language, o.name, o.name_en)) for o in organisations)


def person_options(people: Iterable[Any]) -> Callable[[int | None], Markup]:
    """The `<option>`s of these people (anything with an id and a full name), rendered once;
    called with an id, that one selected."""
    return _options((person.id, person.full_name) for person in people)


def _options(choices: Iterable[tuple[int, str]]) -> Callable[[int | None], Markup]:
    rendered = Markup("").join(
        Markup('<option value="{}">{}</option>').format(value, label) for value, label in choices
    )
    return lambda value: chosen(rendered, value)
