"""Coverage holes at a moment: the places, one walk across, where the most
people are out of reach of any open refuge, largest first, each with the
hours of the week when most of its people stay out of reach. Pure.

A hole is the disc of the reach around a populated cell's centre: the
first is the disc holding the most people out of reach; the next is found
among the people not yet counted, so holes never count anyone twice. (A
whole night-time territory out of reach would otherwise be one "hole" of
tens of thousands of people, which tells the staff nothing about where.)"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from angela.core.population import CELL_M, Grid

# A hole stays open at the moments when at least this share of its people is out of reach.
MOSTLY = 0.5


@dataclass(frozen=True)
class Hole:
    centre: int  # index of the cell at its centre
    commune_code: str  # where most of its people out of reach live
    people: float  # out of reach at the moment asked
    lat: float
    lon: float
    moments: tuple[int, ...]  # when at least half its people are out of reach


def holes(
    grid: Grid, covered: np.ndarray, moment: int, radius: float, largest: int = 5
) -> list[Hole]:
    """Return up to `largest` holes at `moment`, from the coverage of each
    sample point at each moment (`covered`, points × moments)."""
    out = np.where(covered[:, moment], 0.0, grid.weights)
    centres = [grid.within(cell.x + CELL_M / 2, cell.y + CELL_M / 2, radius) for cell in grid.cells]
    found: list[Hole] = []
    while len(found) < largest:
        people = np.array([out[near].sum() for near in centres])
        best = int(np.argmax(people)) if len(people) else -1
        if best < 0 or people[best] <= 0:
            break
        found.append(_hole(grid, covered, best, centres[best], out))
        out[centres[best]] = 0
    return found


def _hole(grid: Grid, covered: np.ndarray, centre: int, near: np.ndarray, out: np.ndarray) -> Hole:
    communes: defaultdict[str, float] = defaultdict(float)  # people out of reach
    for cell, weight in zip(grid.point_cell[near], out[near], strict=True):
        communes[grid.cells[cell].commune_code] += float(weight)
    everyone = grid.weights[near]
    out_at = everyone @ ~covered[near]
    return Hole(
        centre=centre,
        commune_code=max(communes, key=lambda code: communes[code]),
        people=float(out[near].sum()),
        lat=grid.cells[centre].lat,
        lon=grid.cells[centre].lon,
        moments=tuple(int(m) for m in np.flatnonzero(out_at >= MOSTLY * everyone.sum())),
    )
