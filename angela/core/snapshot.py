"""The snapshot for devices: what the public page needs to find the nearest
open refuge on the phone, with no request that carries the position.

For each public refuge, its public fields and the stretches of time it is
open (or its hours say "unknown") from the start of today in Europe/Paris
until `HORIZON_DAYS` later, as UTC instants, computed with the same
opening-hours evaluation as the API (`core.hours`): public holidays, hours
past midnight and the clock changes are already applied, so the phone only
compares instants. Everything else the ranking needs travels with it: the
walking speed, the "nearby" threshold and the territory's outline.

The content depends only on the data revision and the date, so every server
process builds the same bytes for it, and one strong ETag holds across them.
Pure: the public face serialises it and serves it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from angela.core import hours, territory, walking
from angela.core.refuges import Directory, Refuge

FORMAT = 1
# Rebuilt at least daily, so a snapshot always reaches at least 8 days
# ahead of any moment it is served at.
HORIZON_DAYS = 9

Instant = str  # "2026-11-29T13:02:00Z"
Stretch = list[Instant | None]  # [start, end]; end None when it never ends


def window(today: date) -> tuple[datetime, datetime]:
    """Return the stretch of time a snapshot built on `today` covers: from
    today's midnight in Europe/Paris to midnight `HORIZON_DAYS` later."""
    start = datetime.combine(today, time(0), tzinfo=hours.PARIS)
    end = datetime.combine(today + timedelta(days=HORIZON_DAYS), time(0), tzinfo=hours.PARIS)
    return start, end


def utc(moment: datetime) -> Instant:
    """Return `moment` as a UTC instant to the second, "…Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def schedule(opening_hours: str | None, start: datetime, end: datetime) -> dict[str, Any]:
    """Return whether the hours are known, and the open and unknown stretches
    between `start` and `end` (see `hours.intervals`)."""
    parsed = None
    if opening_hours:
        try:
            parsed = hours.parse(opening_hours)
        except hours.HoursError:
            parsed = None  # the API says "unknown" for these too
    if parsed is None:
        return {"hours_known": False, "open_intervals": [], "unknown_intervals": []}
    found = hours.intervals(parsed, start, end)

    def stretches(state: bool | None) -> list[Stretch]:
        return [
            [utc(item.start), utc(item.end) if item.end else None]
            for item in found
            if item.open is state
        ]

    return {
        "hours_known": True,
        "open_intervals": stretches(True),
        "unknown_intervals": stretches(None),
    }


def build(
    directory: Directory,
    today: date,
    revision: int,
    public_fields: Callable[[Refuge], dict[str, Any]],
) -> dict[str, Any]:
    """Return the snapshot of `directory` for `today`; `public_fields` gives
    each refuge's object as the API shows it, without its open status."""
    start, end = window(today)
    schedules: dict[str | None, dict[str, Any]] = {}
    refuges = []
    for refuge in directory.refuges:
        text = refuge.opening_hours
        if text not in schedules:
            schedules[text] = schedule(text, start, end)
        refuges.append({**public_fields(refuge), **schedules[text]})
    return {
        "format": FORMAT,
        "generated_at": utc(start),
        "valid_until": utc(end),
        "revision": revision,
        "walking_speed_kmh": walking.WALKING_SPEED_KMH,
        "walk_limit_minutes": walking.WALK_LIMIT_MINUTES,
        "territory": territory.outline(),
        "communes": [
            {"code": c.code, "name": c.name, "lat": c.lat, "lon": c.lon}
            for c in territory.communes()
        ],
        "refuges": refuges,
    }
