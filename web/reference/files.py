"""What reading the taxonomy and places files shares (taxonomy_file.py, places_file.py).

A malformed or inconsistent entry stops the app at start-up with a `DataFileError` that names
the file and the entry.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from matching.text import key

SLUG = re.compile(r"^[a-z0-9_]+$")


class DataFileError(ValueError):
    """A taxonomy or places file is malformed; the message names the file and entry."""


_LOADED: dict[tuple[Any, str, int], Any] = {}


def loaded_once(loader: Any, path: Path | str) -> Any:
    """`loader(path)`, read again only when the file changes (apps in one process share it;
    the loaded values are never modified)."""
    if not Path(path).is_file():
        return loader(path)  # it says which file is missing
    stat = Path(path).stat()
    cache_key = (loader, str(path), stat.st_mtime_ns)
    if cache_key not in _LOADED:
        _LOADED[cache_key] = loader(path)
    return _LOADED[cache_key]


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise DataFileError(f"{path.name}: file not found at {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path.name}: not valid TOML: {error}") from error


class Checker:
    """Collects the reads of one entry and names it in every error."""

    def __init__(self, file_name: str, what: str, entry: Any):
        if not isinstance(entry, dict):
            raise DataFileError(f"{file_name}: {what} is not a table")
        self.prefix = f"{file_name}: {what}"
        self.entry = entry

    def fail(self, message: str) -> DataFileError:
        return DataFileError(f"{self.prefix}: {message}")

    def text(self, name: str, optional: bool = False) -> str:
        value = self.entry.get(name)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{name}' must be a non-empty string")
        return value.strip()

    def slug(self, name: str, optional: bool = False) -> str:
        value = self.text(name, optional)
        if value and not SLUG.match(value):
            raise self.fail(f"'{name}' must be lower-case letters, digits and _, not {value!r}")
        return value

    def choice(self, name: str, allowed: Iterable[str]) -> str:
        value = self.text(name)
        if value not in allowed:
            raise self.fail(f"'{name}' is {value!r}; expected one of {', '.join(allowed)}")
        return value

    def words(self, name: str) -> tuple[str, ...]:
        value = self.entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"'{name}' must be a list of non-empty strings")
        if len({key(v) for v in value}) != len(value):
            raise self.fail(f"'{name}' lists the same word twice")
        return tuple(v.strip() for v in value)

    def number(self, name: str, low: float, high: float) -> float:
        value = self.entry.get(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(f"'{name}' must be a number")
        if not low <= value <= high:
            raise self.fail(f"'{name}' is {value}, outside {low}..{high}")
        return float(value)
