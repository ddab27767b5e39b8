"""Reference data rendered once: the `<option>` lists of the category, place and sector
pickers, built per language and per loaded taxonomy or gazetteer, then reused by every
request (a page only marks its chosen value)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup

from web.reference.taxonomy import SECTORS

# (kind, id of the registry, language) -> (the registry, its options). The registry is kept
# beside its options, so an id is never reused for another one while its entry lives; a
# registry loaded again (its file changed) gets new entries.
_RENDERED: dict[tuple[str, int, str], tuple[Any, Markup]] = {}


def _render(choices: Iterable[tuple[str, str]]) -> Markup:
    return Markup("").join(
        Markup('<option value="{}">{}</option>').format(value, label) for value, label in choices
    )


def _category_choices(taxonomy: Any, language: str) -> list[tuple[str, str]]:
    found = [(c.id, c.label(language)) for c in taxonomy.categories.values()]
    return sorted(found, key=lambda choice: choice[1])


def _place_choices(places: Any, language: str) -> list[tuple[str, str]]:
    found = [(p.id, p.name(language)) for p in places.places.values()]
    return sorted(found, key=lambda choice: choice[1])


def _sector_choices(_sectors: Any, language: str) -> list[tuple[str, str]]:
    return [(code, labels[language]) for code, labels in SECTORS.items()]


_CHOICES: dict[str, Callable[[Any, str], list[tuple[str, str]]]] = {
    "category": _category_choices,
    "place": _place_choices,
    "sector": _sector_choices,
}


def options(kind: str, registry: Any, language: str) -> Markup:
    """Every option of a picker (`category`, `place` or `sector`) in `language`, none chosen."""
    key = (kind, id(registry), language)
    found = _RENDERED.get(key)
    if found is None or found[0] is not registry:
        found = (registry, _render(_CHOICES[kind](registry, language)))
        _RENDERED[key] = found
    return found[1]


def chosen(rendered: Markup, value: str | int | None) -> Markup:
    """`rendered` options with `value` marked selected (unchanged when it is not among them)."""
    if value in (None, ""):
        return rendered
    option = str(Markup('<option value="{}">').format(value))
    return Markup(str(rendered).replace(option, option[:-1] + " selected>", 1))

