"""The coverage week as the staff read it: hours named in French, shares as
percentages, the hours a hole stays open summarised in a few words, the
heat map's colour scale, the hours a candidate refuge would open, and the
week table for Excel. Pure: numbers in, words out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

from angela.core import french, spreadsheet
from angela.core.coverage import HOURS_PER_WEEK, SPEEDS_KMH
from angela.core.hours import WEEKDAYS
from angela.core.merchant_csv import escape_cell

# The day names of the opening hours, Monday first like the week.
DAYS = WEEKDAYS
HOLIDAY_ROW = 7  # the day index of the next public holiday's 24 hours
NBSP = "\u00a0"
# The heat map's classes, light to dark (sequential, readable in greyscale
# too); each cell also carries its figure and a <title>, so colour is never
# the only carrier. Upper bounds of each class, in shares.
SCALE = (
    (0.2, "#fff4d6", "#1b1b1b"),
    (0.4, "#fdd49e", "#1b1b1b"),
    (0.6, "#fc8d59", "#1b1b1b"),
    (0.8, "#d7301f", "#ffffff"),
    (1.0, "#7f0000", "#ffffff"),
)
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:h]([0-5]\d)")


def hour_text(hour: int) -> str:
    """« 23 h », « 0 h »: the French way of writing an hour on the clock."""
    return f"{hour}{NBSP}h"


def moment_text(index: int, holiday: date | None = None) -> str:
    """« samedi 23 h » for an hour of the week (0 = Monday 0 h), « jour
    férié (25 décembre) 23 h » for one of the holiday's hours after them."""
    day, hour = divmod(index, 24)
    if day == HOLIDAY_ROW:
        when = f" ({french.day_text(holiday).rsplit(' ', 1)[0]})" if holiday else ""
        return f"jour férié{when} {hour_text(hour)}"
    return f"{DAYS[day]} {hour_text(hour)}"


def percent_text(share: float) -> str:
    """« 42 % »: a share rounded to the unit, as French typography writes it."""
    return f"{round(share * 100)}{NBSP}%"


def colours(share: float) -> tuple[str, str]:
    """Return the (fill, text) colours of a share on the heat map."""
    for upper, fill, ink in SCALE:
        if share <= upper:
            return fill, ink
    return SCALE[-1][1], SCALE[-1][2]


def hours_in_words(moments: Iterable[int]) -> str:
    """Summarise hours of the week (0–167; later ones are ignored) honestly:
    « toutes les heures », « de 22 h à 7 h chaque jour » when every day has
    the same hours, else a count with the longest stretch."""
    week = sorted({m for m in moments if 0 <= m < HOURS_PER_WEEK})
    if len(week) == HOURS_PER_WEEK:
        return "toutes les heures de la semaine"
    if not week:
        return "à aucune autre heure de la semaine"
    daily = {m % 24 for m in week}
    if len(week) == 7 * len(daily):
        return f"{_daily_ranges(sorted(daily))} chaque jour"
    start, length = _longest_stretch(set(week))
    stretch = f"du {moment_text(start)} au {moment_text((start + length) % HOURS_PER_WEEK)}"
    plural = "s" if len(week) > 1 else ""
    return f"{len(week)} heure{plural} sur 168, dont sans interruption {stretch}"


def _daily_ranges(hours: list[int]) -> str:
    if len(hours) == 24:
        return "à toute heure"
    # Ranges on the clock's circle: a range may run past midnight.
    starts = [h for h in hours if (h - 1) % 24 not in hours]
    parts = []
    for start in starts:
        end = start
        while (end + 1) % 24 in hours:
            end = (end + 1) % 24
        parts.append(f"de {hour_text(start)} à {hour_text((end + 1) % 24)}")
    return " et ".join(parts)


def _longest_stretch(week: set[int]) -> tuple[int, int]:
    # The week wraps: Sunday 23 h is followed by Monday 0 h.
    best = (min(week), 0)
    for start in (m for m in week if (m - 1) % HOURS_PER_WEEK not in week):
        length = 1
        while (start + length) % HOURS_PER_WEEK in week:
            length += 1
        if length > best[1]:
            best = (start, length)
    return best


def daily_hours(start: str, end: str) -> str:
    """Return the opening hours « every day from `start` to `end` » (HH:MM,
    the end may be past midnight) in the OpenStreetMap syntax.

    Raises ValueError, in French, on a time that is not HH:MM."""
    times = []
    for label, text in (("de début", start), ("de fin", end)):
        found = _CLOCK.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"L'heure {label} doit s'écrire HH:MM, par exemple 18:00.")
        times.append(f"{int(found.group(1)):02d}:{found.group(2)}")
    if times[0] == times[1]:
        return "24/7"
    return f"Mo-Su {times[0]}-{times[1]}"


def person_hours_text(gain: float) -> str:
    """« 12 400 personnes × heures »: a gain in person-hours, rounded to the hundred."""
    rounded = int(round(gain, -2 if gain >= 100 else 0))
    return f"{rounded:,}".replace(",", NBSP) + f"{NBSP}personnes × heures"


def week_csv(
    rows: Sequence[tuple[str, str, float, Sequence[float]]],
    holiday: date | None,
    notes: Sequence[str],
) -> str:
    """Return the week table for French Excel (BOM, semicolons, decimal
    commas): one row per (name, code, people, shares), shares in percent
    for the 168 hours then the holiday's; `notes` follow the table."""
    hours = [moment_text(m) for m in range(HOURS_PER_WEEK)]
    if holiday is not None:
        hours += [moment_text(HOLIDAY_ROW * 24 + h, holiday) for h in range(24)]
    header = ["Commune", "Code INSEE", "Habitants", "Moyenne de la semaine (%)", *hours]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=spreadsheet.EXCEL_SEPARATOR, lineterminator="\r\n")
    writer.writerow(header)
    for name, code, people, shares in rows:
        week = shares[:HOURS_PER_WEEK]
        average = sum(week) / len(week)
        figures = [_decimal(share * 100) for share in (average, *shares)]
        writer.writerow([escape_cell(name), code, _decimal(people, 0), *figures])
    writer.writerow([])
    for note in notes:
        writer.writerow([note])
    return "\ufeff" + out.getvalue()


def _decimal(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def speed_param(speed_kmh: float) -> str:
    """« 4.5 », « 3 »: a speed as the page's links carry it."""
    return f"{speed_kmh:g}"


def speed_text(speed_kmh: float) -> str:
    """« 4,5 km/h »: a speed as French readers write it."""
    return f"{speed_kmh:g}".replace(".", ",") + f"{NBSP}km/h"


def parse_speed(text: str) -> float | None:
    """Return the observatory's speed that `text` names (« 4.5 », « 4,5 »), else None."""
    try:
        asked = float(text.replace(",", ".").strip())
    except ValueError:
        return None
    return next((speed for speed in SPEEDS_KMH if speed == asked), None)
