"""config/places.toml read and validated: regions, regional units, municipalities and
neighbourhoods."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from web.reference.files import Checker, DataFileError, read_toml
from web.reference.places import PLACE_KINDS, Gazetteer, Place


def load_gazetteer(path: Path | str) -> Gazetteer:
    """Read and validate the places file; raise `DataFileError` naming a bad entry."""
    path = Path(path)
    data = read_toml(path)
    regions = _load_regions(path.name, data.get("regions"))
    regional_units, unit_regions = _load_regional_units(
        path.name, data.get("regional_units"), regions
    )
    home_region = data.get("home_region")
    if home_region is not None and home_region not in regions:
        raise DataFileError(
            f"{path.name}: home_region {home_region!r} is not one of [regions]"
        )
    raw = data.get("place")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(f"{path.name}: no [[place]] entries")
    places: dict[str, Place] = {}
    for number, entry in enumerate(raw, start=1):
        place = _read_place(path.name, number, entry, regional_units)
        if place.id in places:
            raise DataFileError(f"{path.name}: place '{place.id}' is defined twice")
        places[place.id] = place
    for place in places.values():
        municipality = places.get(place.municipality)
        if municipality is None or municipality.kind != "municipality":
            raise DataFileError(
                f"{path.name}: place '{place.id}': municipality '{place.municipality}' "
                "is not a municipality in this file"
            )
    return Gazetteer(places, regional_units, regions, unit_regions, home_region)


def _load_regions(file_name: str, raw: Any) -> dict[str, dict[str, str]]:
    """The optional [regions] table (peripheries), by id."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataFileError(f"{file_name}: [regions] is not a table")
    regions = {}
    for name, entry in raw.items():
        check = Checker(file_name, f"region '{name}'", entry)
        regions[name] = {"el": check.text("name_el"), "en": check.text("name_en")}
    return regions


def _load_regional_units(
    file_name: str, raw: Any, regions: Mapping[str, Any]
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The regional units' names, and each one's region when the file has [regions]."""
    if not isinstance(raw, dict) or not raw:
        raise DataFileError(f"{file_name}: no [regional_units] table")
    units, unit_regions = {}, {}
    for name, entry in raw.items():
        check = Checker(file_name, f"regional unit '{name}'", entry)
        units[name] = {"el": check.text("name_el"), "en": check.text("name_en")}
        if regions:
            unit_regions[name] = check.choice("region", regions)
    return units, unit_regions


def _read_place(
    file_name: str, number: int, entry: Any, regional_units: Mapping[str, Any]
) -> Place:
    name = entry.get("id") if isinstance(entry, dict) else None
    check = Checker(file_name, f"place '{name}'" if name else f"place #{number}", entry)
    return Place(
        id=check.slug("id"),
        kind=check.choice("kind", PLACE_KINDS),
        names={"el": check.text("name_el"), "en": check.text("name_en")},
        alt_names=check.words("alt_names"),
        municipality=check.slug("municipality"),
        regional_unit=check.choice("regional_unit", regional_units),
        lat=check.number("lat", 34.0, 42.0),
        lon=check.number("lon", 19.0, 30.0),
    )
