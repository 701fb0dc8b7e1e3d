"""The territory: the 20 communes of Melun Val de Seine and their boundaries.

Pure geometry (shapely) over the boundary file shipped in `angela/data/`; no
Flask, no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from angela.core.i18n import N_

BOUNDARIES_FILE = "communes-melun-val-de-seine.geojson"
ATTRIBUTION = N_(
    "Contours des communes : IGN – ADMIN EXPRESS COG (édition 2018), via "
    "france-geojson (Grégoire David). Populations : INSEE, populations légales "
    "2023. Licence Ouverte / Open Licence (Etalab)."
)

# The names people read, where the town spells itself differently from INSEE.
DISPLAY_NAMES = {"77152": "Dammarie-lès-Lys"}


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    population: int
    lat: float  # a point well inside the commune
    lon: float
    boundary: BaseGeometry


@cache
def communes() -> tuple[Commune, ...]:
    """Return the 20 communes sorted by display name."""
    raw = resources.files("angela").joinpath("data", BOUNDARIES_FILE).read_text("utf-8")
    found = []
    for feature in json.loads(raw)["features"]:
        props = feature["properties"]
        boundary = shape(feature["geometry"])
        shapely.prepare(boundary)
        inside = polylabel(boundary, tolerance=0.0001)
        found.append(
            Commune(
                code=props["code"],
                name=DISPLAY_NAMES.get(props["code"], props["nom"]),
                population=int(props["population"]),
                lat=round(inside.y, 6),
                lon=round(inside.x, 6),
                boundary=boundary,
            )
        )
    return tuple(sorted(found, key=lambda commune: _sort_key(commune.name)))


@cache
def communes_by_code() -> dict[str, Commune]:
    """Return the communes keyed by INSEE code."""
    return {commune.code: commune for commune in communes()}


def commune_at(lat: float, lon: float) -> Commune | None:
    """Return the commune containing the point (its border included), or
    None outside the territory."""
    boundaries, ordered = _boundaries()
    # One vectorised test against the 20 prepared boundaries; a point on a
    # shared border belongs to the first commune by name.
    hits = shapely.intersects_xy(boundaries, lon, lat).nonzero()[0]
    return ordered[int(hits[0])] if len(hits) else None


@cache
def _boundaries() -> tuple[np.ndarray, tuple[Commune, ...]]:
    ordered = communes()
    return np.array([commune.boundary for commune in ordered]), ordered


@cache
def outline() -> dict[str, Any]:
    """Return the territory's outline (the union of the 20 communes) as a
    GeoJSON geometry, for devices that tell "inside" from "outside" alone."""
    union = unary_union([commune.boundary for commune in communes()])
    geometry: dict[str, Any] = json.loads(shapely.to_geojson(union))
    return geometry


def _sort_key(name: str) -> str:
    # "Le Mée" is filed under M, "La Rochette" under R, as people look for them.
    for article in ("Le ", "La "):
        if name.startswith(article):
            name = name[len(article) :]
    return name.casefold().replace("é", "e").replace("è", "e")
