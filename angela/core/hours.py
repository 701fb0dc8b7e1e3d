"""Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in
Europe/Paris with French public holidays (opening-hours-py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, ParserError, State  # type: ignore[attr-defined]

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
# Beyond a year without change, say "no change" rather than search further.
HORIZON_DAYS = 366
# The longest `opening_hours` text accepted.
MAX_LENGTH = 500


def paris_today(now: datetime | None = None) -> date:
    """Return today's date in Europe/Paris."""
    return (now or datetime.now(PARIS)).astimezone(PARIS).date()


class HoursError(ValueError):
    """The text is not valid `opening_hours`; the message says why, in French."""


@dataclass(frozen=True)
class OpenStatus:
    open_now: bool | None  # None when the hours say nothing about this moment
    next_change: datetime | None  # in Europe/Paris, None when nothing changes


def parse(text: str) -> OpeningHours:
    """Return the parsed hours; raise HoursError with a readable reason."""
    if not text.strip():
        raise HoursError("les horaires sont vides")
    if len(text) > MAX_LENGTH:
        raise HoursError(f"les horaires dépassent {MAX_LENGTH} caractères")
    try:
        return OpeningHours(
            text,
            timezone=PARIS,
            country=COUNTRY,
            auto_country=False,
            auto_timezone=False,
            max_interval_days=HORIZON_DAYS,
        )
    except ParserError as error:
        raise HoursError(_readable(text, error)) from None


def status_at(hours: OpeningHours, moment: datetime) -> OpenStatus:
    """Return whether the place is open at `moment` (an aware datetime) and
    when that next changes."""
    local = moment.astimezone(PARIS)
    state, _comment = hours.state(local)
    open_now = None if state == State.UNKNOWN else state == State.OPEN
    change = hours.next_change(local)
    if change is not None:
        change = change.replace(tzinfo=PARIS) if change.tzinfo is None else change.astimezone(PARIS)
    return OpenStatus(open_now=open_now, next_change=change)


def _readable(text: str, error: Exception) -> str:
    message = str(error)
    column = re.search(r"-->\s*\d+:(\d+)", message)
    expected = re.search(r"=\s*(expected .*)$", message, re.MULTILINE)
    where = f" à la position {column.group(1)}" if column else ""
    detail = f" ({expected.group(1)})" if expected else ""
    example = "Exemple valide : « Mo-Sa 09:00-19:00; PH off »"
    return f"horaires illisibles{where} : « {text} »{detail}. {example}"


# --- in words, for the public page -------------------------------------------

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
UNKNOWN_HOURS = "Horaires non renseignés"


def describe(status: OpenStatus, now: datetime) -> str:
    """Return the open status in French words, as the public page shows it:
    "Ouvert · ferme à 19:30", "Fermé · ouvre mardi à 09:00",
    "Horaires non renseignés"."""
    if status.open_now is None:
        return UNKNOWN_HOURS
    if status.open_now:
        if status.next_change is None:
            return "Ouvert 24 h/24"
        return f"Ouvert · ferme {_when(status.next_change, now, closing=True)}"
    if status.next_change is None:
        return "Fermé"
    return f"Fermé · ouvre {_when(status.next_change, now, closing=False)}"


def _when(change: datetime, now: datetime, *, closing: bool) -> str:
    change, today = change.astimezone(PARIS), now.astimezone(PARIS).date()
    days = (change.date() - today).days
    # Closing at 00:00 tomorrow is what people call closing at midnight.
    if closing and days == 1 and (change.hour, change.minute) == (0, 0):
        return "à minuit"
    time = f"à {change:%H:%M}"
    if days <= 0:
        return time
    if days == 1:
        return f"demain {time}"
    if days < 7:
        return f"{WEEKDAYS[change.weekday()]} {time}"
    return f"le {change.day} {MONTHS[change.month - 1]} {time}"
