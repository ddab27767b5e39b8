"""What a post's own words say: its attributes, the categories it names, where it points.

Read once when a post is saved (and again when its words or category change), stored on the
row, and handed to the engine by the bridge, so a full run never reads texts again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from web.reference import Category, Taxonomy


@dataclass(frozen=True, slots=True)
class Reading:
    """The attributes stated (given by the poster, else read), the categories named and
    the category the words point to."""

    attributes: dict[str, list[str]]
    concepts: list[str]
    text_category: str | None


def read_post(taxonomy: Taxonomy, category: Category, title: str, description: str,
              given: Mapping[str, list[str]] | None = None, side: str = "offer") -> Reading:
    """Read an offer or a need (`side`); attributes the poster gave win over what the
    words say."""
    text = f"{title}\n{description}"
    stated = {name: sorted(values)
              for name, values in taxonomy.read_attributes(category, text, side).items()}
    for name, values in (given or {}).items():
        if values:
            stated[name] = sorted(values)
        else:
            stated.pop(name, None)
    covered = taxonomy.coverage(text)  # both readings below cover the whole text
    pointed = taxonomy.text_category(title, description, category.kind, category, covered)
    return Reading(
        attributes={name: stated[name] for name in sorted(stated)},
        concepts=taxonomy.concepts(text, covered),
        text_category=pointed.id if pointed is not None else None,
    )


def effective_attributes(taxonomy: Taxonomy, category: Category,
                         stated: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Every attribute of the category with the values the engine compares: what the post
    states and what its category implies, else the attribute's default (an empty set when
    nothing is known). How a skill is given is not among them: see `modes`."""
    result = {}
    for name in category.attributes:
        if name == "mode":
            continue
        spec = taxonomy.attributes[name].spec
        values = frozenset(stated.get(name) or ()) | category.attribute_values.get(
            name, frozenset())
        if values - spec.background:
            values -= spec.background
        result[name] = values or spec.default
    return result


def modes(stated: Mapping[str, Any], remote: bool) -> frozenset[str]:
    """How a post can be given or received: what its words say, else by its remote flag
    (an offer) or either way (a need, `remote` False and nothing said)."""
    said = frozenset(stated.get("mode") or ())
    if said:
        return said
    return frozenset({"online"}) if remote else frozenset()
