"""config/taxonomy.toml read, validated and linked: sectors, units, attributes, categories."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matching.attributes import AttributeSpec
from web.reference.files import Checker, DataFileError, read_toml
from web.reference.taxonomy import KINDS, SECTORS, Attribute, Category, Taxonomy, Unit


def load_taxonomy(path: Path | str) -> Taxonomy:
    """Read and validate the taxonomy file; raise `DataFileError` naming a bad entry."""
    path = Path(path)
    data = read_toml(path)
    units = _load_units(path.name, data.get("units"))
    raw = data.get("category")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(f"{path.name}: no [[category]] entries")
    categories: dict[str, Category] = {}
    for number, entry in enumerate(raw, start=1):
        category = _read_category(path.name, number, entry, units)
        if category.id in categories:
            raise DataFileError(f"{path.name}: category '{category.id}' is defined twice")
        categories[category.id] = category
    attributes = _load_attributes(path.name, data.get("attributes", {}))
    return Taxonomy(units, _link_categories(path.name, categories, attributes), attributes)


def _load_attributes(file_name: str, raw: Any) -> dict[str, Attribute]:
    if not isinstance(raw, dict):
        raise DataFileError(f"{file_name}: [attributes] must be a table")
    attributes = {}
    for name, entry in raw.items():
        check = Checker(file_name, f"attribute '{name}'", entry)
        values = entry.get("value")
        if not isinstance(values, list) or not values:
            raise check.fail("needs [[attributes.NAME.value]] entries")
        ids, phrases, labels, offers_only = [], {}, {}, set()
        for number, value in enumerate(values, start=1):
            value_check = Checker(file_name, f"attribute '{name}' value #{number}", value)
            value_id = value_check.text("id").casefold()
            ids.append(value_id)
            if value.get("offers_only", False) is True:
                offers_only.add(value_id)
            phrases[value_id] = value_check.words("words")
            labels[value_id] = {"el": value_check.text("label_el"),
                                "en": value_check.text("label_en")}
        kinds = check.words("kinds")
        if any(kind not in KINDS for kind in kinds):
            raise check.fail(f"'kinds' must name kinds among {', '.join(KINDS)}")
        keywords = check.words("keywords")
        try:
            spec = AttributeSpec(
                name=name, values=tuple(ids), phrases=phrases, keywords=keywords,
                strict=bool(entry.get("strict", False)),
                default=frozenset(v.casefold() for v in check.words("default")),
                offers_only=frozenset(offers_only),
                background=frozenset(v.casefold() for v in check.words("background")))
        except ValueError as error:
            raise check.fail(str(error)) from error
        if len(set(ids)) != len(ids):
            raise check.fail("lists a value twice")
        attributes[name] = Attribute(
            spec, {"el": check.text("label_el"), "en": check.text("label_en")}, labels, kinds,
            modifier=bool(entry.get("modifier", False)))
    return attributes


def _load_units(file_name: str, raw: Any) -> dict[str, Unit]:
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(f"{file_name}: no [units] table")
    units = {}
    for name, entry in raw.items():
        check = Checker(file_name, f"unit '{name}'", entry)
        units[name] = Unit(
            name=name,
            dimension=check.slug("dimension"),
            factor=check.number("factor", 1e-9, 1e9),
            labels={"el": check.text("label_el"), "en": check.text("label_en")},
        )
    return units


def _read_category(file_name: str, number: int, entry: Any, units: Mapping[str, Unit]) -> Category:
    name = entry.get("id") if isinstance(entry, dict) else None
    check = Checker(file_name, f"category '{name}'" if name else f"category #{number}", entry)
    unit = check.text("unit")
    if unit not in units:
        raise check.fail(f"unit '{unit}' is not defined in [units]")
    synonyms = check.words("synonyms_el") + check.words("synonyms_en")
    return Category(
        id=check.slug("id"),
        parent=check.slug("parent", optional=True) or None,
        kind=check.choice("kind", KINDS),
        sector=check.choice("sector", SECTORS),
        unit=unit,
        labels={"el": check.text("label_el"), "en": check.text("label_en")},
        synonyms=synonyms,
        related=check.words("related"),
        attributes=check.words("attributes"),
        attribute_values=_fixed_values(check, entry.get("attribute_values", {})),
        units=_accepted_units(check, units),
        counts_as=_counts_as(check, entry.get("counts_as", {}), units),
    )


def _counts_as(check: Checker, raw: Any, units: Mapping[str, Unit]) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
            isinstance(v, str) and v in units and k in units for k, v in raw.items()):
        raise check.fail("'counts_as' must map units of [units] to units of [units]")
    return dict(raw)


def _fixed_values(check: Checker, raw: Any) -> dict[str, frozenset[str]]:
    if not isinstance(raw, dict):
        raise check.fail("'attribute_values' must be a table of attribute = [values]")
    fixed = {}
    for name, values in raw.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise check.fail(f"attribute_values.{name} must be a value or a list of values")
        fixed[name] = frozenset(v.casefold() for v in values)
    return fixed


def _accepted_units(check: Checker, units: Mapping[str, Unit]) -> tuple[str, ...]:
    accepted = check.words("units")
    for unit in accepted:
        if unit not in units:
            raise check.fail(f"unit '{unit}' is not defined in [units]")
    return accepted


def _link_categories(file_name: str, categories: dict[str, Category],
                     attributes: Mapping[str, Attribute]) -> dict[str, Category]:
    """Check parents, related ids and attributes, reject cycles, and give every category
    its path and the attributes it inherits."""
    linked = {}
    for category in categories.values():
        prefix = f"{file_name}: category '{category.id}'"
        for other in category.related:
            if other not in categories:
                raise DataFileError(f"{prefix}: related category '{other}' does not exist")
        path = [category.id]
        node = category
        while node.parent is not None:
            if node.parent not in categories:
                raise DataFileError(f"{prefix}: parent '{node.parent}' does not exist")
            parent = categories[node.parent]
            if parent.kind != node.kind:
                raise DataFileError(f"{file_name}: category '{node.id}': kind differs from parent")
            if parent.id in path:
                raise DataFileError(f"{prefix}: its parents form a cycle")
            path.append(parent.id)
            node = parent
        full_path = tuple(reversed(path))
        linked[category.id] = Category(
            **{f: getattr(category, f) for f in Category.__slots__
               if f not in ("path", "attributes", "attribute_values")},
            path=full_path,
            **_inherited(prefix, [categories[c] for c in full_path], attributes),
        )
    return linked


def _inherited(prefix: str, lineage: list[Category], attributes: Mapping[str, Attribute]
               ) -> dict[str, Any]:
    """A category's attributes and implied values: its kind's, its ancestors', its own."""
    names = [a.name for a in attributes.values() if lineage[-1].kind in a.kinds]
    fixed: dict[str, frozenset[str]] = {}
    for node in lineage:
        names.extend(node.attributes)
        fixed.update(node.attribute_values)
    for name in [*names, *fixed]:
        if name not in attributes:
            raise DataFileError(f"{prefix}: attribute '{name}' is not defined in [attributes]")
    for name, values in fixed.items():
        unknown = sorted(values - set(attributes[name].spec.values))
        if unknown:
            raise DataFileError(f"{prefix}: attribute '{name}' has no value {unknown[0]!r}")
    return {"attributes": tuple(dict.fromkeys([*names, *fixed])), "attribute_values": fixed}
