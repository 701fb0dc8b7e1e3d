"""Who is within reach of an open refuge, and when: the coverage measure of
the staff's observatory. Pure: places, opening hours and moments in, shares
of the population out.

A person at a point is within reach at a moment when a refuge open at that
moment lies within a walk of `minutes` at `speed_kmh`; the walk follows
streets, so the straight line it allows is shorter by a detour factor:
reach = speed × minutes / detour.

The conventions, and where they come from:
- 10 minutes: the walk urban planning calls "a short walk" (the 10-minute
  neighbourhood, the 800 m "pedsheds" of transport planning);
- 4.5 km/h: the speed behind every "minutes on foot" of this product
  (`core.walking`), the usual planning figure (about 1.25 m/s); 3 km/h for
  older people or someone hurt, 5 km/h for a brisk walk (the Highway
  Capacity Manual's pedestrian speeds range from 0.8 to 1.4 m/s);
- 1.3: the usual ratio of street distance to straight line in European
  towns (route "circuity" studies find 1.2 to 1.4).
With the defaults the reach is 577 m in a straight line.

A refuge is open at a moment by the public page's rules: the hours, read in
Europe/Paris with French public holidays (`core.hours`); a refuge whose
hours are unknown is not counted as open. The ceiling counts every public
refuge as open at every moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from angela.core import hours
from angela.core.population import Grid
from angela.core.walking import WALKING_SPEED_KMH

WALK_MINUTES = 10
SPEEDS_KMH = (3.0, WALKING_SPEED_KMH, 5.0)
DETOUR = 1.3
HOURS_PER_WEEK = 168


def reach_m(
    minutes: float = WALK_MINUTES, speed_kmh: float = WALKING_SPEED_KMH, detour: float = DETOUR
) -> float:
    """Return the straight-line distance, in metres, that a walk of
    `minutes` at `speed_kmh` covers along streets longer by `detour`."""
    if minutes <= 0 or speed_kmh <= 0 or detour < 1:
        raise ValueError("minutes and speed must be positive, the detour at least 1")
    return speed_kmh * 1000 / 60 * minutes / detour


def week_moments(day: date) -> list[datetime]:
    """Return the 168 hours, Monday 00:00 to Sunday 23:00, of the week of
    `day`, on the wall clock in Paris. On the night the clocks go forward,
    "02:00" does not exist and stands for the instant after the gap; when
    they go back it stands for the first of its two instants."""
    monday = day - timedelta(days=day.weekday())
    return [
        datetime.combine(monday + timedelta(days=index // 24), time(index % 24), hours.PARIS)
        for index in range(HOURS_PER_WEEK)
    ]


def day_moments(day: date) -> list[datetime]:
    """Return the 24 hours of `day` on the wall clock in Paris."""
    return [datetime(day.year, day.month, day.day, hour, tzinfo=hours.PARIS) for hour in range(24)]


def next_public_holiday(today: date) -> date | None:
    """Return the first French public holiday on or after `today` (within a
    year), by the same holiday rules as the opening hours."""
    holidays = hours.parse("PH")
    start = datetime(today.year, today.month, today.day, 12, tzinfo=hours.PARIS)
    for offset in range(hours.HORIZON_DAYS):
        if hours.state_at(holidays, start + timedelta(days=offset)) is True:
            return today + timedelta(days=offset)
    return None


def open_masks(opening_hours: Sequence[str | None], moments: Sequence[datetime]) -> np.ndarray:
    """Return, for each refuge's hours, whether it is open at each moment:
    a boolean array (refuges × moments). Unknown or unreadable hours count
    as closed; each distinct text is evaluated once."""
    rows: dict[str | None, np.ndarray] = {}
    masks = np.zeros((len(opening_hours), len(moments)), dtype=bool)
    for index, text in enumerate(opening_hours):
        if text not in rows:
            rows[text] = _open_row(text, moments)
        masks[index] = rows[text]
    return masks


def _open_row(text: str | None, moments: Sequence[datetime]) -> np.ndarray:
    row = np.zeros(len(moments), dtype=bool)
    if not text:
        return row
    try:
        parsed = hours.parse(text)
    except hours.HoursError:
        return row
    for index, moment in enumerate(moments):
        row[index] = hours.state_at(parsed, moment) is True
    return row


@dataclass(frozen=True)
class Places:
    """Refuges (or candidates) on the grid's plane."""

    x: np.ndarray
    y: np.ndarray


def covered_points(grid: Grid, places: Places, masks: np.ndarray, radius: float) -> np.ndarray:
    """Return, for each sample point of `grid` and each moment, whether an
    open place (per `masks`, places × moments) is within `radius`: a
    boolean array (points × moments)."""
    moments = masks.shape[1]
    # One bit per moment, the places' bits OR-ed into the points in reach:
    # a few machine words per point and place, whatever the number of hours.
    words = _pack(masks)
    bits = np.zeros((len(grid.points_x), words.shape[1]), dtype=np.uint64)
    for index in range(len(places.x)):
        if not words[index].any():
            continue
        near = grid.within(float(places.x[index]), float(places.y[index]), radius)
        bits[near] |= words[index]
    return _unpack(bits, moments)


def _pack(masks: np.ndarray) -> np.ndarray:
    width = -(-masks.shape[1] // 64) * 64
    padded = np.zeros((masks.shape[0], width), dtype=bool)
    padded[:, : masks.shape[1]] = masks
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64)


def _unpack(bits: np.ndarray, moments: int) -> np.ndarray:
    as_bytes = bits.view(np.uint8).reshape(bits.shape[0], -1)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :moments].astype(bool)


@dataclass(frozen=True)
class Table:
    """People within reach per commune and moment, and the people of each
    commune (the territory is their sum)."""

    communes: tuple[str, ...]
    covered: np.ndarray  # communes × moments, people
    people: np.ndarray  # communes

    def shares(self) -> np.ndarray:
        """Return the covered share of each commune's people at each moment."""
        shares: np.ndarray = self.covered / self.people[:, None]
        return shares

    def territory(self) -> np.ndarray:
        """Return the territory's covered share at each moment."""
        shares: np.ndarray = self.covered.sum(axis=0) / self.people.sum()
        return shares


def table(grid: Grid, covered: np.ndarray) -> Table:
    """Return the people within reach per commune at each moment, each cell
    counted by the share of its sample points within reach."""
    per_cell = grid.cell_shares(covered)
    people = np.array([cell.population for cell in grid.cells])
    codes = sorted({cell.commune_code for cell in grid.cells})
    member = np.array([[cell.commune_code == code for cell in grid.cells] for code in codes])
    return Table(
        communes=tuple(codes),
        covered=member.astype(float) @ (per_cell * people[:, None]),
        people=member.astype(float) @ people,
    )
