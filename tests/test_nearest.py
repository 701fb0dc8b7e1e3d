"""The nearest index against an independent brute force (geopy's geodesic)."""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from angela.core.nearest import NearestIndex, _point_to_ecef, geodesic_m, to_ecef
from tests.places import FONTAINEBLEAU_CHATEAU, MELUN_STATION, MELUN_TOWN_HALL, PARIS_NOTRE_DAME


def brute_force(points, lat, lon, limit, accept=None):
    """Every point's distance with geopy, sorted by (distance, key)."""
    ranked = sorted(
        (geodesic((lat, lon), (p_lat, p_lon)).meters, key)
        for key, (p_lat, p_lon) in enumerate(points)
        if accept is None or accept(key)
    )
    return ranked[:limit]


def assert_same_ranking(found, expected):
    assert len(found) == len(expected)
    for (distance, _), (want, _) in zip(found, expected, strict=True):
        assert distance == pytest.approx(want, abs=1e-3)
    # Keys must agree wherever distances are not (numerically) tied.
    distances = [round(d, 3) for d, _ in expected]
    for i, ((_, key), (_, want_key)) in enumerate(zip(found, expected, strict=True)):
        if distances.count(distances[i]) == 1:
            assert key == want_key


# Around the territory, and across France, with clusters and exact duplicates.
territory_lat = st.floats(48.40, 48.70)
territory_lon = st.floats(2.40, 2.80)
france_lat = st.floats(41.3, 51.1)
france_lon = st.floats(-5.2, 9.6)
position = st.one_of(st.tuples(territory_lat, territory_lon), st.tuples(france_lat, france_lon))


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(position, min_size=0, max_size=60).flatmap(
        lambda ps: st.just(ps + ps[: len(ps) // 4])  # some exact duplicates
    ),
    origin=position,
    limit=st.integers(1, 20),
)
def test_nearest_equals_brute_force(points, origin, limit):
    index = NearestIndex(list(range(len(points))), [p[0] for p in points], [p[1] for p in points])
    found = [(d, index.keys[pos]) for d, pos in index.nearest(*origin, limit)]
    assert_same_ranking(found, brute_force(points, *origin, limit))


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(st.tuples(territory_lat, territory_lon), min_size=1, max_size=40),
    origin=st.tuples(territory_lat, territory_lon),
    limit=st.integers(1, 8),
    modulus=st.integers(2, 5),
)
def test_nearest_with_a_filter_equals_brute_force(points, origin, limit, modulus):
    index = NearestIndex(list(range(len(points))), [p[0] for p in points], [p[1] for p in points])

    def accept(key):
        return key % modulus == 0

    found = [(d, index.keys[pos]) for d, pos in index.nearest(*origin, limit, accept)]
    assert_same_ranking(found, brute_force(points, *origin, limit, accept))


def test_degrees_are_not_a_plane():
    # At 48.5°N a degree of longitude is ~74 km and of latitude ~111 km: the
    # point nearer "in degrees" (0.009° north) is farther on the ground than
    # the one 0.010° east.
    north = (MELUN_TOWN_HALL[0] + 0.009, MELUN_TOWN_HALL[1])
    east = (MELUN_TOWN_HALL[0], MELUN_TOWN_HALL[1] + 0.010)
    index = NearestIndex([1, 2], [north[0], east[0]], [north[1], east[1]])
    (_, first), _ = index.nearest(*MELUN_TOWN_HALL, 2)
    assert index.keys[first] == 2


def test_distances_are_exact_to_the_metre():
    for a, b in [(MELUN_TOWN_HALL, MELUN_STATION), (MELUN_TOWN_HALL, PARIS_NOTRE_DAME)]:
        assert geodesic_m(*a, *b) == pytest.approx(geodesic(a, b).meters, abs=0.001)


def test_empty_index_and_small_limits():
    assert NearestIndex([], [], []).nearest(*MELUN_TOWN_HALL, 5) == []
    single = NearestIndex([7], [FONTAINEBLEAU_CHATEAU[0]], [FONTAINEBLEAU_CHATEAU[1]])
    assert [single.keys[p] for _, p in single.nearest(*MELUN_TOWN_HALL, 5)] == [7]
    assert single.nearest(*MELUN_TOWN_HALL, 0) == []


def test_many_points_at_the_same_place_are_ordered_by_key():
    keys = [9, 3, 5, 1, 7, 2, 8]
    index = NearestIndex(keys, [MELUN_STATION[0]] * 7, [MELUN_STATION[1]] * 7)
    found = index.nearest(*MELUN_TOWN_HALL, 4)
    assert [index.keys[p] for _, p in found] == [1, 2, 3, 5]


def test_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        NearestIndex([1, 2], [48.5], [2.6])


@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_the_scalar_and_vector_conversions_agree(lat, lon):
    vector = to_ecef(np.array([lat]), np.array([lon]))[0]
    assert _point_to_ecef(lat, lon) == pytest.approx(tuple(vector), abs=1e-6)
