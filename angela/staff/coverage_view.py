"""What the coverage page shows, from a computed week: the heat map's rows,
the sentences' figures, the communes' table, the holes and the map's
layers at the chosen hour, and the week table for Excel. Presentation
only: every figure comes from `services.coverage`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from angela.core import coverage_words as words
from angela.core import territory
from angela.core.coverage import HOURS_PER_WEEK, WALK_MINUTES
from angela.core.holes import Hole
from angela.core.population import ATTRIBUTION, CELL_M, territory_cells, to_degrees
from angela.core.refuges import Refuge
from angela.services import coverage
from angela.services.coverage import Week


@dataclass(frozen=True)
class HeatCell:
    moment: int
    share: float
    fill: str
    ink: str
    title: str


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    people: float
    average: float
    lowest: float
    lowest_moment: int
    ceiling: float
    out_now: float  # people out of reach at the chosen hour


@dataclass(frozen=True)
class HoleView:
    commune: str
    people: float
    lat: float
    lon: float
    when: str


def commune_name(code: str) -> str:
    commune = territory.communes_by_code().get(code)
    return commune.name if commune else code


def page(week: Week, commune: str, moment: int) -> dict[str, Any]:
    """Return the figures of the page for one commune (or "" for the
    territory) and one hour (an index into the week's moments)."""
    if commune:
        index = week.communes.index(commune)
        shares, ceiling, people = week.shares[index], float(week.ceiling[index]), week.people[index]
    else:
        shares, ceiling, people = week.territory, week.ceiling_territory, week.people.sum()
    return {
        "week": week,
        "place": commune_name(commune) if commune else "le territoire",
        "people": float(people),
        "heat": heat_rows(shares, week),
        "average": week.average(shares),
        "ceiling": ceiling,
        "worst": [(m, float(shares[m])) for m in week.worst(shares)],
        "share_now": float(shares[moment]),
        "moment_text": words.moment_text(moment, week.holiday),
        "communes": commune_rows(week, moment),
        "holes": [_hole_view(hole) for hole in coverage.holes_at(week, moment)],
        "open_refuges": open_refuges(week, moment),
        "radius": round(week.radius),
        "minutes": WALK_MINUTES,
    }


def _hole_view(hole: Hole) -> HoleView:
    when = words.hours_in_words(hole.moments)
    return HoleView(commune_name(hole.commune_code), hole.people, hole.lat, hole.lon, when)


def heat_rows(shares: np.ndarray, week: Week) -> list[tuple[int, str, list[HeatCell]]]:
    """Return the heat map's rows: (day index, day name, 24 cells); the
    holiday's row last when the week has one."""
    days = len(shares) // 24
    rows = []
    for day in range(days):
        name = words.moment_text(day * 24, week.holiday).rsplit(" ", 1)[0]
        cells = []
        for hour in range(24):
            m = day * 24 + hour
            fill, ink = words.colours(float(shares[m]))
            title = f"{words.moment_text(m, week.holiday)} : {words.percent_text(shares[m])}"
            cells.append(HeatCell(m, float(shares[m]), fill, ink, title))
        rows.append((day, name, cells))
    return rows


def commune_rows(week: Week, moment: int) -> list[CommuneRow]:
    """Return one row per commune, by name."""
    rows = []
    for index, code in enumerate(week.communes):
        shares = week.shares[index]
        lowest = int(np.argmin(shares[:HOURS_PER_WEEK]))
        rows.append(
            CommuneRow(
                code, commune_name(code), float(week.people[index]), week.average(shares),
                float(shares[lowest]), lowest, float(week.ceiling[index]),
                float(week.people[index] * (1 - shares[moment])),
            )
        )  # fmt: skip
    return sorted(rows, key=lambda row: territory.communes_by_code()[row.code].name)


def open_refuges(week: Week, moment: int) -> list[tuple[Refuge, str]]:
    """Return the refuges open at the moment with their commune's name, by commune and name."""
    found = [
        (refuge, commune_name(refuge.commune_code))
        for refuge, is_open in zip(week.refuges, week.masks[:, moment], strict=True)
        if is_open
    ]
    return sorted(found, key=lambda pair: (pair[1], pair[0].name))


@cache
def _corners(index: int) -> list[list[float]]:
    cell = territory_cells()[index]
    points = ((0, 0), (CELL_M, 0), (CELL_M, CELL_M), (0, CELL_M))
    return [
        [round(value, 6) for value in to_degrees(cell.x + dx, cell.y + dy)] for dx, dy in points
    ]


def map_layers(week: Week, moment: int) -> dict[str, Any]:
    """Return the map's layers at the moment: the populated cells with
    people out of reach (corners as [lat, lon], people) and the open refuges."""
    grid = coverage.territory_grid()
    shares = grid.cell_shares(week.covered_at(moment))
    cells = []
    for index, cell in enumerate(grid.cells):
        out = cell.population * (1 - float(shares[index]))
        if out >= 0.5:  # a cell whose last person is within reach is no hole
            cells.append({"corners": _corners(index), "people": round(out)})
    refuges = [
        {"name": refuge.name, "lat": refuge.lat, "lon": refuge.lon}
        for refuge, _commune in open_refuges(week, moment)
    ]
    return {"moment": words.moment_text(moment, week.holiday), "cells": cells, "refuges": refuges}


def conventions(week: Week) -> str:
    """The measure's conventions in one sentence (the page and the CSV)."""
    return (
        f"À portée : un refuge ouvert à moins de {WALK_MINUTES} minutes à pied à "
        f"{words.speed_text(week.speed_kmh)}, les rues allongeant le trajet de 30 % "
        f"(facteur de détour 1,3), soit {round(week.radius)} m à vol d'oiseau."
    )


def week_csv(week: Week) -> str:
    """Return the week table for Excel: the territory, then each commune."""
    rows = [("Territoire (20 communes)", "", float(week.people.sum()), list(week.territory))]
    for row in commune_rows(week, 0):
        index = week.communes.index(row.code)
        rows.append((row.name, row.code, row.people, list(week.shares[index])))
    notes = [
        f"Part des habitants à portée d'un refuge ouvert, semaine du "
        f"{week.moments[0]:%d/%m/%Y}, données du {week.day:%d/%m/%Y}.",
        conventions(week),
        ATTRIBUTION,
    ]
    return words.week_csv(rows, week.holiday, notes)
