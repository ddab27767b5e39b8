"""The centre's committees as data (config/committees.toml), validated at start-up."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web.reference import SECTORS, DataFileError

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
# The sector no committee follows of its own: the file names the committee that takes it.
ROUTED_SECTOR = "basic_goods"


@dataclass(frozen=True, slots=True)
class Committee:
    """One of the centre's working groups and the sectors it follows."""

    id: str
    names: Mapping[str, str]
    sectors: frozenset[str]

    def name(self, language: str) -> str:
        """The committee's name in `language` (English where there is no other)."""
        return self.names.get(language) or self.names["en"]


class Committees:
    """Every committee, in the file's order, and which follow a sector."""

    def __init__(self, committees: list[Committee]) -> None:
        self.all = tuple(committees)
        self.by_id = {c.id: c for c in committees}

    def __contains__(self, committee_id: object) -> bool:
        return committee_id in self.by_id

    def __getitem__(self, committee_id: str) -> Committee:
        return self.by_id[committee_id]

    def for_sector(self, sector: str) -> list[Committee]:
        """The committees a post of `sector` goes to."""
        return [c for c in self.all if sector in c.sectors]

    def sectors_of(self, committee_ids: list[str] | set[str] | tuple[str, ...]) -> set[str]:
        """Every sector the named committees follow."""
        return {s for i in committee_ids if i in self.by_id for s in self.by_id[i].sectors}


def _fail(path: Path, entry: str, message: str) -> DataFileError:
    return DataFileError(f"{path}: {entry}: {message}")


def _committee(path: Path, n: int, raw: Any) -> Committee:
    entry = f"committee #{n}"
    if not isinstance(raw, Mapping):
        raise _fail(path, entry, "must be a table")
    committee_id = raw.get("id")
    if not isinstance(committee_id, str) or not _ID.match(committee_id):
        raise _fail(path, entry, f"id must be lower-case letters, digits, _ or -, not "
                    f"{committee_id!r}")
    entry = f"committee {committee_id!r}"
    unknown = set(raw) - {"id", "name", "sectors"}
    if unknown:
        raise _fail(path, entry, f"unknown key {sorted(unknown)[0]!r}")
    names = raw.get("name")
    if not isinstance(names, Mapping) or not all(
            isinstance(names.get(lang), str) and names[lang].strip() for lang in ("el", "en")):
        raise _fail(path, entry, "name needs el and en")
    sectors = raw.get("sectors")
    if not isinstance(sectors, list) or not sectors:
        raise _fail(path, entry, "sectors must be a non-empty list")
    for sector in sectors:
        if sector not in SECTORS or sector == ROUTED_SECTOR:
            raise _fail(path, entry, f"unknown sector {sector!r} (basic goods go through the "
                        "top-level basic_goods key)")
    return Committee(committee_id, dict(names), frozenset(sectors))


def parse_committees(path: Path, data: Mapping[str, Any]) -> Committees:
    """Validate the parsed file; raise DataFileError naming the entry at fault."""
    unknown = set(data) - {"committee", ROUTED_SECTOR}
    if unknown:
        raise _fail(path, "top level", f"unknown key {sorted(unknown)[0]!r}")
    raw = data.get("committee")
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "committee", "give at least one [[committee]]")
    found = [_committee(path, n, item) for n, item in enumerate(raw, start=1)]
    ids = [c.id for c in found]
    for committee_id in ids:
        if ids.count(committee_id) > 1:
            raise _fail(path, f"committee {committee_id!r}", "id appears twice")
    routed = data.get(ROUTED_SECTOR)
    if routed not in ids:
        raise _fail(path, ROUTED_SECTOR, f"must name a committee id ({', '.join(ids)}), not "
                    f"{routed!r}")
    found = [Committee(c.id, c.names, c.sectors | {ROUTED_SECTOR}) if c.id == routed else c
             for c in found]
    for sector in SECTORS:
        if not any(sector in c.sectors for c in found):
            raise _fail(path, f"sector {sector!r}", "no committee follows it")
    return Committees(found)


def load_committees(path: Path | str) -> Committees:
    """Read and validate config/committees.toml."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as error:
        raise DataFileError(f"{path}: the committees file does not exist") from error
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path}: not valid TOML: {error}") from error
    return parse_committees(path, data)
