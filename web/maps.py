"""Maps beside lists: where a place is, for the markers the pages draw from their lists."""

from __future__ import annotations

from flask import Flask, current_app


def place_point(place_id: str | None) -> tuple[float, float] | None:
    """A place's latitude and longitude from the gazetteer, or None if it is unknown."""
    place = current_app.extensions["komvos.places"].places.get(place_id or "")
    return (place.lat, place.lon) if place else None


def init_app(app: Flask) -> None:
    """Give templates `place_point`."""
    app.jinja_env.globals.update(place_point=place_point)
