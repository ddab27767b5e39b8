"""The error a service raises for bad input: which field, and what to tell the person."""

from __future__ import annotations

from typing import Any


class InvalidInput(ValueError):
    """Input that breaks a rule; nothing was written."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidFields(ValueError):
    """Several fields broke rules: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Conflict(RuntimeError):
    """Someone changed the object since the editor read it; nothing was written."""


def plain_messages(errors: Any) -> Any:
    """Turn lazy translated messages into strings of the request's language.

    Each field maps to a list of messages: marshmallow keeps a lone lazy message (such as
    "required") bare, and a template joining it would space out its letters.
    """
    if isinstance(errors, dict):
        return {key: _as_list(plain_messages(value)) for key, value in errors.items()}
    if isinstance(errors, list):
        return [plain_messages(value) for value in errors]
    return str(errors)


def _as_list(messages: Any) -> Any:
    return [messages] if isinstance(messages, str) else messages
