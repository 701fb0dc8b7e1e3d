"""Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in
Europe/Paris with French public holidays (opening-hours-py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, ParserError, State

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
# Beyond a year without change, say "no change" rather than search further.
HORIZON_DAYS = 366


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
    if len(text) > 500:
        raise HoursError("les horaires dépassent 500 caractères")
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
    return f"horaires illisibles{where} : « {text} »{detail}. Exemple valide : « Mo-Sa 09:00-19:00; PH off »"
