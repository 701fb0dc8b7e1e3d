"""Where to recruit next, and where the holes are: greedy picks checked
against exhaustive search on small cases."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from angela.core import coverage, holes, recruiting
from angela.core.coverage import Places
from angela.core.population import Cell, Grid


def row_of_cells(populations: list[float]) -> Grid:
    """Cells side by side along x, 200 m apart, in Melun."""
    return Grid(
        [
            Cell(f"CRS3035RES200mN2850000E{x}", "77288", 0, 0, people, x, 2850000)
            for x, people in zip(range(3780000, 3790000, 200), populations, strict=False)
        ],
        steps=4,
    )


def person_hours(grid: Grid, covered: np.ndarray) -> float:
    return float(grid.weights @ covered.sum(axis=1))


def test_each_greedy_pick_adds_the_most_and_the_picks_come_close_to_the_best_set() -> None:
    rng = random.Random(3)
    grid = row_of_cells([rng.choice([0.5, 10, 40, 200]) for _ in range(12)])
    moments = 6
    refuges = Places(np.array([3780300.0]), np.array([2850100.0]))
    today = coverage.covered_points(grid, refuges, np.ones((1, moments), bool), 250)
    candidates = Places(
        np.array([3780000.0 + 200 * i + 100 for i in range(12)]), np.full(12, 2850100.0)
    )
    hours_open = np.array([True, True, False, True, False, True])
    picks = recruiting.recruit(grid, today, candidates, hours_open, 250, picks=3)

    def with_new(chosen: tuple[int, ...]) -> float:
        mask = np.zeros((len(chosen), moments), bool)
        mask[:] = hours_open
        new = Places(candidates.x[list(chosen)], candidates.y[list(chosen)])
        return person_hours(grid, today | coverage.covered_points(grid, new, mask, 250))

    base = person_hours(grid, today)
    best_single = max(range(12), key=lambda c: (with_new((c,)), -c))
    assert picks[0].candidate == best_single
    assert picks[0].gain == pytest.approx(with_new((best_single,)) - base)
    chosen = tuple(pick.candidate for pick in picks)
    assert sum(pick.gain for pick in picks) == pytest.approx(with_new(chosen) - base)
    optimum = max(with_new(trio) for trio in itertools.combinations(range(12), 3)) - base
    assert with_new(chosen) - base >= (1 - 1 / math.e) * optimum
    # The marginal gains never grow: each pick counts only what is still missing.
    assert [pick.gain for pick in picks] == sorted((pick.gain for pick in picks), reverse=True)


def test_greedy_finds_the_best_pair_when_places_do_not_overlap() -> None:
    grid = row_of_cells([100, 0.5, 0.5, 50, 0.5, 0.5, 300, 0.5, 0.5])
    nobody = np.zeros((len(grid.points_x), 2), bool)
    candidates = Places(np.array([3780100.0, 3780700.0, 3781300.0]), np.full(3, 2850100.0))
    # A reach of 110 m takes in one whole cell and nothing of its neighbours.
    picks = recruiting.recruit(grid, nobody, candidates, np.ones(2, bool), 110, picks=5)
    assert [pick.candidate for pick in picks] == [2, 0, 1]
    assert [pick.gain for pick in picks] == pytest.approx([600, 200, 100])


def test_a_place_open_when_everyone_is_already_covered_adds_nothing() -> None:
    grid = row_of_cells([100, 100])
    everyone = np.ones((len(grid.points_x), 3), bool)
    candidates = Places(np.array([3780100.0]), np.array([2850100.0]))
    assert recruiting.recruit(grid, everyone, candidates, np.ones(3, bool), 500) == []


def test_the_largest_hole_comes_first_and_nobody_is_counted_twice() -> None:
    grid = row_of_cells([100, 100, 0.5, 0.5, 0.5, 0.5, 0.5, 300, 20])
    moments = 2
    # A refuge over the first two cells, open at the first moment only.
    covered = coverage.covered_points(
        grid, Places(np.array([3780200.0]), np.array([2850100.0])), np.array([[True, False]]), 250
    )
    found = holes.holes(grid, covered, 1, radius=110)
    assert found[0].centre == 7 and found[0].people == pytest.approx(300)
    assert found[0].moments == (0, 1)
    assert found[1].centre == 0 and found[1].people == pytest.approx(100)
    assert found[1].moments == (1,)
    total = sum(hole.people for hole in holes.holes(grid, covered, 1, radius=110, largest=50))
    assert total == pytest.approx(grid.population)
    assert holes.holes(grid, np.ones((len(grid.points_x), moments), bool), 0, 250) == []
