"""The nearest-point index: exact geodesic distances on the WGS84 ellipsoid,
fast at national scale.

Points are placed in 3-D (earth-centred coordinates on the ellipsoid) and
kept in a k-d tree. The straight-line chord between two points of the
ellipsoid is never longer than the geodesic between them, so once the
`limit`-th best geodesic distance found is shorter than the chord to every
point not yet examined, no other point can do better. Longitude and latitude
are never treated as a plane. Pure: numpy and scipy in, plain values out.
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Callable, Sequence

import numpy as np
from pyproj import Geod
from scipy.spatial import cKDTree

# WGS84, as geopy's `geodesic` uses it; pyproj runs the same algorithm
# (Karney's) in C, which the hot path needs.
WGS84 = Geod(ellps="WGS84")
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
# Room for floating-point error in the chords, far below a millimetre.
_CHORD_SLACK_M = 1e-6


def to_ecef(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Return earth-centred x, y, z in metres for points on the ellipsoid."""
    phi = np.radians(lat)
    lam = np.radians(lon)
    n = _A / np.sqrt(1 - _E2 * np.sin(phi) ** 2)
    return np.column_stack(
        (n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam), n * (1 - _E2) * np.sin(phi))
    )


def _point_to_ecef(lat: float, lon: float) -> tuple[float, float, float]:
    # The scalar twin of `to_ecef`, for the hot path (numpy is slow on one point).
    phi, lam = math.radians(lat), math.radians(lon)
    n = _A / math.sqrt(1 - _E2 * math.sin(phi) ** 2)
    return (
        n * math.cos(phi) * math.cos(lam),
        n * math.cos(phi) * math.sin(lam),
        n * (1 - _E2) * math.sin(phi),
    )


def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the geodesic distance in metres on the WGS84 ellipsoid."""
    return float(WGS84.inv(lon1, lat1, lon2, lat2)[2])


class NearestIndex:
    """Points with integer keys; `nearest` answers in increasing geodesic
    distance, ties broken by key."""

    def __init__(self, keys: Sequence[int], lats: Sequence[float], lons: Sequence[float]):
        if not len(keys) == len(lats) == len(lons):
            raise ValueError("keys, lats and lons must have the same length")
        self.keys = list(keys)
        self.lats = [float(value) for value in lats]
        self.lons = [float(value) for value in lons]
        self._tree = (
            cKDTree(to_ecef(np.asarray(self.lats), np.asarray(self.lons))) if self.keys else None
        )

    def __len__(self) -> int:
        return len(self.keys)

    def nearest(
        self,
        lat: float,
        lon: float,
        limit: int,
        accept: Callable[[int], bool] | None = None,
    ) -> list[tuple[float, int]]:
        """Return up to `limit` (distance in metres, position) pairs, nearest
        first; `accept(position)` may exclude points (e.g. closed places)."""
        if self._tree is None or limit < 1:
            return []
        origin = _point_to_ecef(lat, lon)
        size = len(self.keys)
        best: list[tuple[float, int, int]] = []  # (distance, key, position)
        # Positions already weighed: a wider query may order tied chords
        # differently, so its first rows are not always the ones seen before.
        examined: set[int] = set()
        wanted = min(size, limit + 4)
        while True:
            chords, positions = self._tree.query(origin, k=wanted)
            chords, positions = np.atleast_1d(chords), np.atleast_1d(positions)
            for chord, position in zip(chords.tolist(), positions.tolist(), strict=True):
                if len(best) == limit and chord > best[-1][0] + _CHORD_SLACK_M:
                    return [(distance, pos) for distance, _key, pos in best]
                if position in examined:
                    continue
                examined.add(position)
                if accept is not None and not accept(position):
                    continue
                distance = geodesic_m(lat, lon, self.lats[position], self.lons[position])
                insort(best, (distance, self.keys[position], position))
                del best[limit:]
            if wanted == size:
                return [(distance, pos) for distance, _key, pos in best]
            wanted = min(size, wanted * 4)
