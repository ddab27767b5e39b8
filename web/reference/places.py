"""The gazetteer of places, searchable by any name in any script."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matching.search import Entry, TermIndex

PLACE_KINDS = ("municipality", "neighbourhood")

@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: a municipality of Greece or a neighbourhood within one."""

    id: str
    kind: str
    names: Mapping[str, str]
    alt_names: tuple[str, ...]
    municipality: str
    regional_unit: str
    lat: float
    lon: float

    def name(self, language: str) -> str:
        """The name in `language`, falling back to English."""
        return self.names.get(language) or self.names["en"]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every name people may use for it."""
        return (*self.names.values(), *self.alt_names)


class Gazetteer:
    """The places of Greece, with lookup by any name in any script.

    Of places that explain a query equally well, those of the home region (the centre's
    own) come first, municipalities before neighbourhoods: `Ampelokipoi` is the Athens
    neighbourhood, `Ampelokipoi Thessaloniki` the municipality there."""

    def __init__(
        self,
        places: Mapping[str, Place],
        regional_units: Mapping[str, Mapping[str, str]],
        regions: Mapping[str, Mapping[str, str]] | None = None,
        unit_regions: Mapping[str, str] | None = None,
        home_region: str | None = None,
    ):
        self.places = dict(places)
        self.regional_units = dict(regional_units)
        self.regions = dict(regions or {})
        self.unit_regions = dict(unit_regions or {})
        self.home_region = home_region
        self._index = TermIndex(
            Entry(p.id, p.terms, self._context(p), self._rank(p)) for p in self.places.values()
        )

    def region(self, place: Place) -> str | None:
        """The id of the region (periphery) a place lies in, if the file names regions."""
        return self.unit_regions.get(place.regional_unit)

    def _rank(self, place: Place) -> int:
        """Which of equally good hits comes first: home region, then municipalities."""
        away = self.home_region is not None and self.region(place) != self.home_region
        return 2 * away + (place.kind != "municipality")

    def _context(self, place: Place) -> tuple[str, ...]:
        """The names of what a place lies in: its municipality, regional unit and region."""
        municipality = self.places.get(place.municipality)
        names = tuple(municipality.terms) if municipality and municipality is not place else ()
        region = self.regions.get(self.region(place) or "", {})
        return (
            names
            + tuple(self.regional_units.get(place.regional_unit, {}).values())
            + tuple(region.values())
        )

    def __getitem__(self, place_id: str) -> Place:
        return self.places[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def __len__(self) -> int:
        return len(self.places)

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose name matches `query` (a neighbourhood with its municipality, any
        script, misspelt), best first."""
        return [self.places[h.id] for h in self._index.search(query, limit)]

    def municipalities(self) -> list[Place]:
        """The municipalities, those of the home region first, each part by English name."""
        found = [p for p in self.places.values() if p.kind == "municipality"]
        return sorted(found, key=lambda p: (self._rank(p), p.names["en"]))
