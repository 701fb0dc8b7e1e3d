"""Where to recruit the next refuges: among candidate places, the one that,
open at the hours the staff choose, would bring the most people within
reach for the most hours of the week; then the next one given the first
(greedy maximal coverage: each pick gets at least 1 − 1/e of the best
possible gain of that many picks, the classic bound for this problem).
Pure: works on the sample points of `core.population`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from angela.core.coverage import Places
from angela.core.population import Grid


@dataclass(frozen=True)
class Pick:
    candidate: int  # index in the candidates given
    gain: float  # person-hours per week it adds, given the picks before it


def recruit(
    grid: Grid,
    covered: np.ndarray,
    candidates: Places,
    hours_open: np.ndarray,
    radius: float,
    picks: int = 5,
) -> list[Pick]:
    """Return up to `picks` candidates in the order greedy maximal coverage
    takes them, each with its marginal gain; `covered` (points × moments)
    is today's coverage, `hours_open` (moments) when a new refuge would be
    open. Stops early when no candidate adds anything."""
    # For each point, the hours a new refuge would cover that nothing covers now.
    missing = (~covered[:, hours_open]).sum(axis=1).astype(float)
    reach = [
        grid.within(float(candidates.x[index]), float(candidates.y[index]), radius)
        for index in range(len(candidates.x))
    ]
    chosen: list[Pick] = []
    while len(chosen) < picks:
        gains = np.array([float(grid.weights[near] @ missing[near]) for near in reach])
        best = int(np.argmax(gains)) if len(gains) else -1
        if best < 0 or gains[best] <= 0:
            break
        chosen.append(Pick(best, float(gains[best])))
        missing[reach[best]] = 0
    return chosen
