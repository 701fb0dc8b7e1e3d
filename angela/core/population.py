"""Where people live: the INSEE 200 m population grid of the territory
(Filosofi 2019, shipped in `angela/data/`), and which parts of it lie within
a given distance of a point.

Distances are measured on the grid's own plane, ETRS89-LAEA (EPSG:3035),
where the cells are exact 200 m squares. LAEA keeps areas exactly; its
distance error here, about 600 km from the projection's centre, is the
scale factor's departure from 1 along and across the radius, at most 0.11 %
(0.7 m at 600 m), which the tests check against geodesic distances.

Each cell is read as `STEPS` × `STEPS` sample points at the centres of equal
sub-squares, each carrying an equal share of the cell's people: the part of
a cell within reach is the share of its points within reach. Against the
exact area of a square cut by a disc (shapely), this is off by at most
`SAMPLING_ERROR` of the cell's people, for the radii the observatory uses
(`tests/test_population.py` measures it).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from pyproj import Transformer

GRID_FILE = "population-200m-melun-val-de-seine.csv"
ATTRIBUTION = "Source : Insee, Filosofi 2019, données carroyées à 200 m"
CELL_M = 200.0
STEPS = 10
# The bound on the difference between the sampled and the exact share
# of a cell within reach of one refuge, for radii from 300 m to 1 km.
SAMPLING_ERROR = 0.04

_CELL_ID = re.compile(r"CRS3035RES200mN(\d+)E(\d+)")
_TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
_FROM_GRID = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class Cell:
    cell_id: str
    commune_code: str
    lat: float  # the centre, as the file gives it
    lon: float
    population: float
    x: float  # the lower-left corner in EPSG:3035, from the identifier
    y: float


def read_cells(text: str) -> list[Cell]:
    """Return the cells of a grid file's text; raise ValueError on a row
    whose identifier is not an INSEE 200 m cell."""
    cells = []
    for row in csv.DictReader(io.StringIO(text)):
        found = _CELL_ID.fullmatch(row["cell_id"])
        if found is None:
            raise ValueError(f"not an INSEE 200 m cell: {row['cell_id']!r}")
        cells.append(
            Cell(
                cell_id=row["cell_id"],
                commune_code=row["commune_code"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=float(row["population"]),
                x=float(found.group(2)),
                y=float(found.group(1)),
            )
        )
    return cells


@cache
def territory_cells() -> tuple[Cell, ...]:
    """Return the populated cells of the 20 communes."""
    text = resources.files("angela").joinpath("data", GRID_FILE).read_text("utf-8")
    return tuple(read_cells(text))


def to_grid(lat: float, lon: float) -> tuple[float, float]:
    """Return the point's (x, y) in metres on the grid's plane."""
    x, y = _TO_GRID.transform(lon, lat)
    return float(x), float(y)


def to_grid_many(lats: np.ndarray, lons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the points' x and y arrays on the grid's plane."""
    x, y = _TO_GRID.transform(lons, lats)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_degrees(x: float, y: float) -> tuple[float, float]:
    """Return (lat, lon) of a point of the grid's plane."""
    lon, lat = _FROM_GRID.transform(x, y)
    return float(lat), float(lon)


class Grid:
    """The cells' sample points on one lattice of pitch 200 m / `steps`, so
    that the points near a place are found by slicing an array."""

    def __init__(self, cells: list[Cell] | tuple[Cell, ...], steps: int = STEPS):
        if not cells:
            raise ValueError("a grid needs at least one cell")
        self.cells = tuple(cells)
        self.steps = steps
        self.pitch = CELL_M / steps
        corner_x = np.array([cell.x for cell in self.cells])
        corner_y = np.array([cell.y for cell in self.cells])
        self.origin = (float(corner_x.min()), float(corner_y.min()))
        # Lattice column and row of each cell's first point.
        cell_col = np.rint((corner_x - self.origin[0]) / self.pitch).astype(np.int64)
        cell_row = np.rint((corner_y - self.origin[1]) / self.pitch).astype(np.int64)
        offsets = np.arange(steps)
        cols = (cell_col[:, None, None] + offsets[None, None, :]).repeat(steps, axis=1)
        rows = (cell_row[:, None, None] + offsets[None, :, None]).repeat(steps, axis=2)
        self.cols, self.rows = cols.ravel(), rows.ravel()
        self.points_x = self.origin[0] + (self.cols + 0.5) * self.pitch
        self.points_y = self.origin[1] + (self.rows + 0.5) * self.pitch
        self.point_cell = np.repeat(np.arange(len(self.cells)), steps * steps)
        populations = np.array([cell.population for cell in self.cells])
        self.weights = np.repeat(populations / (steps * steps), steps * steps)
        self.lattice = np.full((self.rows.max() + 1, self.cols.max() + 1), -1, dtype=np.int64)
        if (self.lattice[self.rows, self.cols] != -1).any():
            raise ValueError("two cells share a square")
        self.lattice[self.rows, self.cols] = np.arange(len(self.points_x))

    @property
    def population(self) -> float:
        return float(self.weights.sum())

    def within(self, x: float, y: float, radius: float) -> np.ndarray:
        """Return the indices of the sample points at most `radius` metres
        from (x, y) on the grid's plane (the boundary counts as within)."""
        ox, oy = self.origin
        col_low = max(math.floor((x - radius - ox) / self.pitch - 0.5), 0)
        col_high = min(math.ceil((x + radius - ox) / self.pitch - 0.5), self.lattice.shape[1] - 1)
        row_low = max(math.floor((y - radius - oy) / self.pitch - 0.5), 0)
        row_high = min(math.ceil((y + radius - oy) / self.pitch - 0.5), self.lattice.shape[0] - 1)
        if col_low > col_high or row_low > row_high:
            return np.empty(0, dtype=np.int64)
        window = self.lattice[row_low : row_high + 1, col_low : col_high + 1]
        dx = ox + (np.arange(col_low, col_high + 1) + 0.5) * self.pitch - x
        dy = oy + (np.arange(row_low, row_high + 1) + 0.5) * self.pitch - y
        near = (dy[:, None] ** 2 + dx[None, :] ** 2 <= radius * radius) & (window >= 0)
        return window[near]

    def cell_shares(self, covered: np.ndarray) -> np.ndarray:
        """Return, from one flag per sample point (or one row of flags per
        point), the share of each cell's points flagged."""
        points = self.steps * self.steps
        per_cell = covered.reshape(len(self.cells), points, *covered.shape[1:])
        shares: np.ndarray = per_cell.sum(axis=1, dtype=np.int32) / points
        return shares
