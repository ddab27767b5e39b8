"""Errors raised by the matching engine; the web turns them into HTTP answers."""

from __future__ import annotations


class MatchingError(ValueError):
    """Base class of every error the engine raises on bad input."""


class PolicyError(MatchingError):
    """A weight or limit is missing, of the wrong type or out of range; `key` names it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


class InputError(MatchingError):
    """An offer or need is malformed (bad quantity, unknown kind, duplicate id, ...)."""
