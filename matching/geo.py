"""Great-circle distances, and points on the sphere for a spatial index."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088

FloatArray = NDArray[np.float64]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def to_xyz(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Points on a sphere of the Earth's radius (km), one row each, for a k-d tree."""
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return EARTH_RADIUS_KM * np.column_stack(
        (cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi))
    )


def chord_km(arc_km: float) -> float:
    """Straight-line length of the chord under an arc of `arc_km` on the Earth's surface.

    A chord is never longer than its arc, so searching a k-d tree of `to_xyz` points
    within `chord_km(r)` finds exactly the points within great-circle distance r.
    """
    half_angle = min(arc_km / (2 * EARTH_RADIUS_KM), math.pi / 2)
    return 2 * EARTH_RADIUS_KM * math.sin(half_angle)


def arc_km(chord: FloatArray) -> FloatArray:
    """Great-circle distance for chord lengths from `to_xyz` points."""
    ratio = np.clip(chord / (2 * EARTH_RADIUS_KM), 0.0, 1.0)
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(ratio)
    return result
