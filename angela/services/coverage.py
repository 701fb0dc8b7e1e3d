"""The coverage week of the current public directory, for the staff's
observatory: who is within reach of an open refuge at each of the 168
hours of this week and the 24 hours of the next public holiday, per
commune and for the territory, with the ceiling (every public refuge open).

The cache: each process keeps the weeks it computed in memory (in the
app's extensions), keyed by (directory revision, Paris day, speed). A
merchant change moves the revision and midnight moves the day, so a stale
week is never served; older keys are dropped when a new one is computed.
A lock makes each key computed at most once, however many requests ask at
the same time. What the page derives from a week (the holes at an hour,
the recruiting picks for some hours) is kept with it the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

import numpy as np
from flask import Flask, current_app

from angela.core import coverage, holes, recruiting
from angela.core.coverage import HOURS_PER_WEEK, Places
from angela.core.hours import paris_today
from angela.core.population import CELL_M, Grid, territory_cells, to_grid_many
from angela.core.refuges import Refuge
from angela.services.directory import directory

EXTENSION_KEY = "angela.coverage"
Derived = TypeVar("Derived")


@cache
def territory_grid() -> Grid:
    """Return the population grid of the territory (built once per process)."""
    return Grid(territory_cells())


@dataclass
class Week:
    """One week of coverage at one speed (the holiday's hours after the 168)."""

    revision: int
    day: date
    speed_kmh: float
    radius: float
    moments: list[datetime]
    holiday: date | None
    communes: tuple[str, ...]
    people: np.ndarray  # per commune
    shares: np.ndarray  # communes × moments
    territory: np.ndarray  # moments
    ceiling: np.ndarray  # per commune: every public refuge open
    ceiling_territory: float
    refuges: list[Refuge]
    masks: np.ndarray  # refuges × moments
    packed: np.ndarray  # points × bytes: each point's coverage, one bit per moment
    derived: dict[Any, Any] = field(default_factory=dict)

    def covered(self) -> np.ndarray:
        """Return each sample point's coverage at each moment (points × moments)."""
        bits = np.unpackbits(self.packed, axis=1, bitorder="little")
        return bits[:, : len(self.moments)].astype(bool)

    def covered_at(self, moment: int) -> np.ndarray:
        """Return each sample point's coverage at one moment."""
        return ((self.packed[:, moment // 8] >> (moment % 8)) & 1).astype(bool)

    def average(self, shares: np.ndarray) -> float:
        """Return the time-weighted average of a row of shares over the week's 168 hours."""
        return float(shares[:HOURS_PER_WEEK].mean())

    def worst(self, shares: np.ndarray, count: int = 5) -> list[int]:
        """Return the `count` hours of the week with the lowest shares, lowest first."""
        return [int(m) for m in np.argsort(shares[:HOURS_PER_WEEK], kind="stable")[:count]]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = {"lock": threading.Lock(), "weeks": {}}


def week(speed_kmh: float) -> Week:
    """Return the coverage week of the current directory at `speed_kmh`
    (one of `core.coverage.SPEEDS_KMH`), computed once per key (see above).

    Raises ValueError for another speed."""
    if speed_kmh not in coverage.SPEEDS_KMH:
        raise ValueError(f"unknown speed: {speed_kmh}")
    snapshot = directory()
    key = (snapshot.revision, paris_today(), speed_kmh)
    store = current_app.extensions[EXTENSION_KEY]
    with store["lock"]:
        weeks: dict[tuple[int, date, float], Week] = store["weeks"]
        if key not in weeks:
            for old in [k for k in weeks if k[:2] != key[:2]]:
                del weeks[old]
            weeks[key] = compute(list(snapshot.refuges), key[1], speed_kmh, key[0])
        return weeks[key]


def compute(refuges: Sequence[Refuge], day: date, speed_kmh: float, revision: int = 0) -> Week:
    """Return the coverage week of `refuges` (public ones) for the week of `day`."""
    grid = territory_grid()
    radius = coverage.reach_m(speed_kmh=speed_kmh)
    holiday = coverage.next_public_holiday(day)
    moments = coverage.week_moments(day) + (coverage.day_moments(holiday) if holiday else [])
    places = _places(refuges)
    masks = coverage.open_masks([refuge.opening_hours for refuge in refuges], moments)
    # The ceiling does not change with the hour: one more moment, with every
    # refuge open, measured in the same pass over the refuges.
    always = np.ones((len(refuges), 1), dtype=bool)
    both = coverage.covered_points(grid, places, np.hstack([masks, always]), radius)
    measure = coverage.table(grid, both)
    shares, territory = measure.shares(), measure.territory()
    covered = both[:, : len(moments)]
    return Week(
        revision=revision, day=day, speed_kmh=speed_kmh, radius=radius, moments=moments,
        holiday=holiday, communes=measure.communes, people=measure.people,
        shares=shares[:, :-1], territory=territory[:-1],
        ceiling=shares[:, -1], ceiling_territory=float(territory[-1]),
        refuges=list(refuges), masks=masks,
        packed=np.packbits(covered, axis=1, bitorder="little"),
    )  # fmt: skip


def _places(refuges: Sequence[Refuge]) -> Places:
    lats = np.array([refuge.lat for refuge in refuges], dtype=float)
    lons = np.array([refuge.lon for refuge in refuges], dtype=float)
    return Places(*to_grid_many(lats, lons)) if len(refuges) else Places(lats, lons)


def derive(week: Week, key: Any, make: Callable[[], Derived]) -> Derived:
    """Return what `make` derives from `week`, computed once per key and week."""
    store = current_app.extensions[EXTENSION_KEY]
    with store["lock"]:
        if key not in week.derived:
            week.derived[key] = make()
        return week.derived[key]  # type: ignore[no-any-return]


def holes_at(week: Week, moment: int, largest: int = 5) -> list[holes.Hole]:
    """Return the largest coverage holes at `moment` (see `core.holes`)."""
    return derive(
        week,
        ("holes", moment, largest),
        lambda: holes.holes(territory_grid(), week.covered(), moment, week.radius, largest),
    )


def hours_open(week: Week, opening_hours: str) -> int:
    """Return how many of the week's 168 hours `opening_hours` are open."""
    return int(coverage.open_masks([opening_hours], week.moments[:HOURS_PER_WEEK])[0].sum())


@dataclass(frozen=True)
class Candidate:
    lat: float
    lon: float
    commune_code: str
    label: str  # the address, or "" for a cell centre


def cell_candidates() -> list[Candidate]:
    """Return the populated cells' centres as candidate places."""
    return [Candidate(cell.lat, cell.lon, cell.commune_code, "") for cell in territory_cells()]


def recruit(
    week: Week, opening_hours: str, candidates: Sequence[Candidate] | None = None
) -> list[tuple[Candidate, float]]:
    """Return up to 5 candidates (cell centres by default) in the order
    greedy maximal coverage picks them, with their marginal gains in
    person-hours per week, for a refuge open at `opening_hours`."""
    chosen = cell_candidates() if candidates is None else list(candidates)

    def make() -> list[tuple[Candidate, float]]:
        hours_open = coverage.open_masks([opening_hours], week.moments[:HOURS_PER_WEEK])[0]
        if candidates is None:  # the cells' own centres, without a projection
            cells = territory_cells()
            x = np.array([cell.x + CELL_M / 2 for cell in cells])
            y = np.array([cell.y + CELL_M / 2 for cell in cells])
            places = Places(x, y)
        else:
            places = Places(
                *to_grid_many(np.array([c.lat for c in chosen]), np.array([c.lon for c in chosen]))
            )
        covered = week.covered()[:, :HOURS_PER_WEEK]
        picks = recruiting.recruit(territory_grid(), covered, places, hours_open, week.radius)
        return [(chosen[pick.candidate], pick.gain) for pick in picks]

    if candidates is not None:  # pasted addresses: not worth keeping
        return make()
    return derive(week, ("recruit", opening_hours), make)
