"""The error a service raises for bad input: which field, and what to tell the person."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input that breaks a rule; nothing was written."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
