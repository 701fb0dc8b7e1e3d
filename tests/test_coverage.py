"""The coverage measure: who is within reach of an open refuge, and when,
checked against plain loops over geodesic distances, against the exact
area of a square cut by a disc, and against hand-built weeks."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from geopy.distance import geodesic
from shapely.geometry import Point, box

from angela.core import coverage, hours, population
from angela.core.coverage import Places
from angela.core.population import Cell, Grid

MELUN_TOWN_HALL = (48.5393, 2.6608)


@pytest.fixture(scope="module")
def grid() -> Grid:
    return Grid(population.territory_cells())


def places(*points: tuple[float, float]) -> Places:
    x, y = population.to_grid_many(
        np.array([lat for lat, _ in points]), np.array([lon for _, lon in points])
    )
    return Places(x, y)


def test_the_grid_file_holds_the_territory_people(grid: Grid) -> None:
    assert len(grid.cells) == 1270
    assert grid.population == pytest.approx(126_746.5)
    assert {cell.commune_code for cell in grid.cells} == {
        "77038", "77039", "77040", "77152", "77252", "77253", "77255", "77269", "77285",
        "77288", "77306", "77378", "77389", "77394", "77407", "77410", "77447", "77487",
        "77518", "77528",
    }  # fmt: skip


def test_the_cell_identifier_gives_the_corner_of_the_square_around_the_given_centre(
    grid: Grid,
) -> None:
    for cell in grid.cells[::50]:
        lat, lon = population.to_degrees(cell.x + 100, cell.y + 100)
        assert geodesic((lat, lon), (cell.lat, cell.lon)).m < 0.5


def test_the_default_reach_is_ten_minutes_at_four_and_a_half_km_h_with_a_detour() -> None:
    assert coverage.reach_m() == pytest.approx(576.92, abs=0.01)
    assert coverage.reach_m(10, 3.0) == pytest.approx(384.62, abs=0.01)
    with pytest.raises(ValueError):
        coverage.reach_m(10, 4.5, 0.9)


def brute_force_share(
    grid: Grid, refuges: list[tuple[float, float]], open_: list[bool], radius: float
) -> float:
    """The covered share of the territory's people: plain loops, geodesic
    distance from every sample point to every open refuge."""
    covered = 0.0
    for index in range(len(grid.points_x)):
        lat, lon = population.to_degrees(float(grid.points_x[index]), float(grid.points_y[index]))
        for refuge, is_open in zip(refuges, open_, strict=True):
            if is_open and geodesic((lat, lon), refuge).m <= radius:
                covered += float(grid.weights[index])
                break
    return covered / grid.population


@pytest.mark.parametrize("seed", range(4))
def test_the_measure_agrees_with_plain_loops_over_geodesic_distances(seed: int) -> None:
    rng = random.Random(seed)
    # A part of the grid near Melun, so that plain loops stay affordable.
    cells = [
        cell
        for cell in population.territory_cells()
        if geodesic((cell.lat, cell.lon), MELUN_TOWN_HALL).m < 1500
    ]
    small = Grid(cells, steps=4)
    refuges = [
        (MELUN_TOWN_HALL[0] + rng.uniform(-0.012, 0.012),
         MELUN_TOWN_HALL[1] + rng.uniform(-0.018, 0.018))
        for _ in range(rng.randint(1, 6))
    ]  # fmt: skip
    moments = rng.randint(1, 4)
    masks = np.array([[rng.random() < 0.6 for _ in range(moments)] for _ in refuges])
    radius = coverage.reach_m(rng.choice([5, 10, 15]), rng.choice(coverage.SPEEDS_KMH))
    covered = coverage.covered_points(small, places(*refuges), masks, radius)
    shares = coverage.table(small, covered).territory()
    for moment in range(moments):
        expected = brute_force_share(small, refuges, list(masks[:, moment]), radius)
        # The plane's distances differ from geodesic ones by < 0.11 %: only
        # a point within a metre of the edge of the reach could disagree.
        assert shares[moment] == pytest.approx(expected, abs=0.004)


def test_a_point_exactly_at_the_reach_is_within_it_and_one_just_beyond_is_not() -> None:
    cell = Cell("CRS3035RES200mN2850000E3780000", "77288", 0, 0, 100.0, 3780000, 2850000)
    grid = Grid([cell], steps=2)  # points at 50 m and 150 m from the corner
    radius = 500.0
    at_edge = Places(np.array([3780050.0 - radius]), np.array([2850050.0]))
    covered = coverage.covered_points(grid, at_edge, np.ones((1, 1), bool), radius)
    assert covered[:, 0].tolist() == [True, False, False, False]
    beyond = Places(np.array([3780050.0 - radius - 0.01]), np.array([2850050.0]))
    covered = coverage.covered_points(grid, beyond, np.ones((1, 1), bool), radius)
    assert not covered.any()


def test_a_cell_half_inside_the_reach_counts_half_its_people() -> None:
    cell = Cell("CRS3035RES200mN2850000E3780000", "77288", 0, 0, 80.0, 3780000, 2850000)
    grid = Grid([cell])
    # A very large disc whose edge runs down the middle of the square.
    radius = 1_000_000.0
    centre = Places(np.array([3780100.0 - radius]), np.array([2850100.0]))
    covered = coverage.covered_points(grid, centre, np.ones((1, 1), bool), radius)
    assert coverage.table(grid, covered).covered[0, 0] == pytest.approx(40.0)


def test_no_refuge_covers_nobody_and_all_open_is_the_ceiling(grid: Grid) -> None:
    none = coverage.covered_points(
        grid, Places(np.empty(0), np.empty(0)), np.zeros((0, 3), bool), 577
    )
    assert not none.any()
    refuges = places(MELUN_TOWN_HALL, (48.5300, 2.6500))
    some = np.array([[True, False, False], [False, True, False]])
    covered = coverage.covered_points(grid, refuges, some, 577)
    ceiling = coverage.covered_points(grid, refuges, np.ones((2, 3), bool), 577)
    shares, top = (
        coverage.table(grid, covered).territory(),
        coverage.table(grid, ceiling).territory(),
    )
    assert shares[2] == 0
    assert 0 < shares[0] < top[0] and 0 < shares[1] < top[1]
    assert top[0] == top[1] == top[2]


def exact_share(cell: Cell, x: float, y: float, radius: float) -> float:
    square = box(cell.x, cell.y, cell.x + 200, cell.y + 200)
    return square.intersection(Point(x, y).buffer(radius, 2048)).area / square.area


def test_the_sampled_share_of_a_cell_is_within_the_stated_error_of_the_exact_area() -> None:
    rng = random.Random(7)
    cell = Cell("CRS3035RES200mN2850000E3780000", "77288", 0, 0, 1.0, 3780000, 2850000)
    grid = Grid([cell])
    errors = []
    for _ in range(400):
        radius = rng.uniform(300, 1000)
        angle, reach = rng.uniform(0, 2 * math.pi), radius + rng.uniform(-150, 150)
        x = cell.x + 100 + reach * math.cos(angle)
        y = cell.y + 100 + reach * math.sin(angle)
        sampled = coverage.covered_points(
            grid, Places(np.array([x]), np.array([y])), np.ones((1, 1), bool), radius
        )
        errors.append(sampled.mean() - exact_share(cell, x, y, radius))
    assert max(map(abs, errors)) <= population.SAMPLING_ERROR
    # The errors have either sign: over many cells they mostly cancel.
    assert abs(sum(errors) / len(errors)) <= 0.002


def test_the_opening_hours_decide_the_moments_a_refuge_counts() -> None:
    # A bar open Friday and Saturday evenings until 02:00, a week in November.
    moments = coverage.week_moments(date(2026, 11, 25))
    masks = coverage.open_masks(["Fr-Sa 18:00-02:00", None, "n'importe quoi"], moments)
    index = {(m.strftime("%a"), m.hour): i for i, m in enumerate(moments)}
    bar = masks[0]
    assert bar[index[("Sat", 1)]]  # Friday night, after midnight
    assert bar[index[("Sat", 23)]]
    assert bar[index[("Sun", 1)]]  # Saturday night, after midnight
    assert not bar[index[("Sun", 3)]]
    assert not bar[index[("Fri", 17)]] and bar[index[("Fri", 18)]]
    assert bar.sum() == 2 * 8  # two evenings of eight hours
    assert not masks[1].any() and not masks[2].any()  # unknown hours are not open


def test_the_week_runs_monday_to_sunday_on_the_paris_clock_across_the_clock_change() -> None:
    moments = coverage.week_moments(date(2026, 10, 25))  # clocks go back that Sunday
    assert len(moments) == 168
    assert moments[0] == datetime(2026, 10, 19, 0, tzinfo=hours.PARIS)
    sunday_two = moments[6 * 24 + 2]
    assert sunday_two.utcoffset() == timedelta(hours=2)  # the first of the two 02:00
    masks = coverage.open_masks(["Su 02:00-03:00"], moments)
    assert masks[0].tolist().count(True) == 1 and masks[0][6 * 24 + 2]
    spring = coverage.week_moments(date(2027, 3, 28))
    # 02:00 does not exist that night: it stands for 03:00 summer time.
    assert spring[6 * 24 + 2].timestamp() == spring[6 * 24 + 3].timestamp()


def test_the_next_public_holiday_follows_the_french_calendar() -> None:
    assert coverage.next_public_holiday(date(2026, 11, 29)) == date(2026, 12, 25)
    assert coverage.next_public_holiday(date(2026, 11, 11)) == date(2026, 11, 11)
    assert coverage.next_public_holiday(date(2026, 12, 26)) == date(2027, 1, 1)
