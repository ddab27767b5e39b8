"""Today's date where the centre works (Athens), the one clock the web layer reads."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> date:
    """The calendar date now in the centre's time zone."""
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Athens"))
    return datetime.now(zone).date()
