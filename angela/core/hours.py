"""Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in
Europe/Paris with French public holidays (opening-hours-py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, ParserError, State  # type: ignore[attr-defined]

from angela.core import i18n
from angela.core.i18n import N_, _

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
    the first instant after it when that is no longer so.

    The hours are read on the wall clock in Paris. On the nights the clocks
    change, a wall time may not exist or exist twice, and the state may
    jump at the change itself: every instant where the state could change
    (each wall-clock change, at both of its instants when it is ambiguous,
    and the clock change) is tried in order. A change of comment alone is
    not a change."""
    at = moment.astimezone(UTC)
    state = _state(hours, at)
    open_now = None if state == State.UNKNOWN else state == State.OPEN
    cursor = at
    while True:
        wall = hours.next_change(cursor.astimezone(PARIS))
        if wall is None:
            return OpenStatus(open_now=open_now, next_change=None)
        candidates = sorted(instant for instant in _instants(wall) if instant > cursor) or [
            cursor + timedelta(minutes=1)
        ]
        shift = _clock_change(cursor, candidates[-1])
        if shift is not None:
            candidates = sorted({shift, *candidates})
        for candidate in candidates:
            if _state(hours, candidate) != state:
                return OpenStatus(open_now=open_now, next_change=candidate.astimezone(PARIS))
        cursor = candidates[-1]


def state_at(hours: OpeningHours, moment: datetime) -> bool | None:
    """Return whether the place is open at `moment` (None when the hours
    say nothing about it), without looking for the next change."""
    state = _state(hours, moment.astimezone(UTC))
    return None if state == State.UNKNOWN else state == State.OPEN


def _state(hours: OpeningHours, instant: datetime) -> State:
    # The rules are read on the wall clock, so the state depends on the wall
    # time alone; given as such (naive, in the hours' own zone) because
    # opening-hours-py 2.1.4 misreads some aware times by the clock change
    # (closed at 02:59 summer time on 25 October 2026 for "24/7").
    return hours.state(instant.astimezone(PARIS).replace(tzinfo=None))[0]


def _instants(wall: datetime) -> set[datetime]:
    """Return the instants a wall time in Paris stands for: one, two when
    the clocks go back, and the one just after the gap when they go forward."""
    naive = (wall if wall.tzinfo is None else wall.astimezone(PARIS)).replace(tzinfo=None)
    return {naive.replace(tzinfo=PARIS, fold=fold).astimezone(UTC) for fold in (0, 1)}


def _clock_change(start: datetime, end: datetime) -> datetime | None:
    """Return the instant the clocks change in Paris between `start` and
    `end` (at most one in so short a span), or None."""

    def offset(second: int) -> timedelta | None:
        return datetime.fromtimestamp(second, PARIS).utcoffset()

    low, high = math.floor(start.timestamp()), math.ceil(end.timestamp())
    before = offset(low)
    if before == offset(high):
        return None
    while high - low > 1:  # the offset is `before` at low, not at high
        middle = (low + high) // 2
        if offset(middle) == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


@dataclass(frozen=True)
class Interval:
    """A stretch of time in one state; `end` None when it never ends."""

    start: datetime
    end: datetime | None
    open: bool | None  # None for hours that say "unknown"


def intervals(hours: OpeningHours, start: datetime, end: datetime) -> list[Interval]:
    """Return the open and unknown stretches that meet [start, end), each
    with its true end (past `end` when it lasts, None when it never ends),
    and the first stretch that begins at or after `end`, so that at every
    moment of [start, end) the state and its next change can be read off
    them. Closed time is what they leave out; adjacent stretches of the same
    state (hours that differ only by a comment) are one."""
    start, end = start.astimezone(PARIS), end.astimezone(PARIS)
    found: list[Interval] = []
    moment: datetime | None = start
    while moment is not None:
        status = status_at(hours, moment)
        if status.open_now is not False:
            found.append(Interval(moment, status.next_change, status.open_now))
            if moment >= end:
                break
        moment = status.next_change
    return found


# What the parser expected at the point it stopped, in the staff's words,
# most telling first (its own report names grammar rules, in English).
_EXPECTED = (
    (("extended_time", "timespan", "time"), "des heures au format 09:00-19:00"),
    (("weekday_range", "small_range_selectors", "week_selector", "always_open"),
     "des jours en abrégé anglais (Mo Tu We Th Fr Sa Su, ex. « Mo-Sa ») ou « 24/7 »"),
    (("holiday",), "« PH » pour les jours fériés"),
)  # fmt: skip
# The French words people type for days and hours, and what OSM wants.
_FRENCH_WORDS = re.compile(
    r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|"
    r"lu|je|ve|di|ferm[ée]s?|du|au|et|\d{1,2}h\d*)\b",
    re.IGNORECASE,
)
EXAMPLE = "Exemple valide : « Mo-Sa 09:00-19:00; PH off »"
EXCERPT_LENGTH = 20


def _readable(text: str, error: Exception) -> str:
    """The parser's report in French: where the text stops making sense
    (counted in characters from 1), what it says there, what was expected."""
    message = str(error)
    column = re.search(r"-->\s*\d+:(\d+)", message)
    position = int(column.group(1)) if column else 1
    rest = text[position - 1 :]
    if rest.strip():
        excerpt = rest if len(rest) <= EXCERPT_LENGTH else rest[:EXCERPT_LENGTH].rstrip() + "…"
        where = f"à partir du caractère {position} : « {excerpt} »"
    else:
        where = f"au caractère {position} : le texte « {text} » s'arrête trop tôt"
    sentence = f"horaires illisibles {where}"
    if rest.strip() and position > 1:
        sentence += f" (dans « {text} »)"
    expected = _expected(message)
    if expected:
        sentence += f" ; attendu ici : {expected}"
    if _FRENCH_WORDS.search(text):
        sentence += " ; les jours et heures s'écrivent « Mo-Sa 09:00-19:00 », pas en français"
    return f"{sentence}. {EXAMPLE}"


def _expected(message: str) -> str:
    found = re.search(r"=\s*expected (.*)$", message, re.MULTILINE)
    names = set(re.findall(r"\w+", found.group(1))) if found else set()
    for rules, words in _EXPECTED:
        if names & set(rules):
            return words
    if "unexpected EOI" in message:
        return "la suite des horaires"
    return ""


# --- in words, for the public page -------------------------------------------

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
UNKNOWN_HOURS = N_("Horaires non renseignés")
# From this hour, a change before NIGHT_ENDS_HOUR the next day is "cette nuit".
EVENING_HOUR = 18
NIGHT_ENDS_HOUR = 6


def describe(status: OpenStatus, now: datetime) -> str:
    """Return the open status in words, in the language being spoken, as the
    public page shows it: "Ouvert · ferme à 19:30", "Fermé · ouvre mardi à
    09:00", "Horaires non renseignés" (words.js `describeStatus` is its twin)."""
    if status.open_now is None:
        return _(UNKNOWN_HOURS)
    if status.next_change is None:
        return _("Ouvert 24 h/24") if status.open_now else _("Fermé")
    change, today = status.next_change.astimezone(PARIS), now.astimezone(PARIS).date()
    days = (change.date() - today).days
    words = {
        "time": i18n.clock(change.time()),
        "weekday": i18n.weekday(change.date()),
        "date": i18n.day_and_month(change.date()),
    }
    # Closing at 00:00 tomorrow is what people call closing at midnight.
    if status.open_now and days == 1 and (change.hour, change.minute) == (0, 0):
        return _("Ouvert · ferme à minuit")
    # Said in the evening of a change in the small hours: it is tonight.
    tonight = (
        days == 1 and change.hour < NIGHT_ENDS_HOUR and now.astimezone(PARIS).hour >= EVENING_HOUR
    )
    if status.open_now:
        if days <= 0:
            return _("Ouvert · ferme à %(time)s", **words)
        if tonight:
            return _("Ouvert · ferme cette nuit à %(time)s", **words)
        if days == 1:
            return _("Ouvert · ferme demain à %(time)s", **words)
        if days < 7:
            return _("Ouvert · ferme %(weekday)s à %(time)s", **words)
        return _("Ouvert · ferme le %(date)s à %(time)s", **words)
    if days <= 0:
        return _("Fermé · ouvre à %(time)s", **words)
    if tonight:
        return _("Fermé · ouvre cette nuit à %(time)s", **words)
    if days == 1:
        return _("Fermé · ouvre demain à %(time)s", **words)
    if days < 7:
        return _("Fermé · ouvre %(weekday)s à %(time)s", **words)
    return _("Fermé · ouvre le %(date)s à %(time)s", **words)


def week_in_words(hours: OpeningHours, today: date) -> list[tuple[str, str]]:
    """Return the next seven days from `today`, each as ("lundi 30 novembre",
    "09:00–12:00, 14:00–19:30" or "fermé" or "horaires à vérifier"), in the
    language being spoken, as the refuge page lists them (public holidays
    and hours past midnight included)."""
    start = datetime.combine(today, datetime.min.time(), tzinfo=PARIS)
    days = []
    for offset in range(7):
        begin = start + timedelta(days=offset)
        end = begin + timedelta(days=1)
        spans, unknown, whole = [], False, []
        for stretch in intervals(hours, begin, end):
            if stretch.start >= end:
                continue
            unknown = unknown or stretch.open is None
            opens = max(stretch.start, begin).astimezone(PARIS)
            closes = end if stretch.end is None or stretch.end > end else stretch.end
            closes = closes.astimezone(PARIS)
            whole.append((opens.time(), closes >= end))
            # Translators: the end of a day's opening at midnight, as in "18:00–24:00".
            until = _("24:00") if closes >= end else i18n.clock(closes.time())
            spans.append(f"{i18n.clock(opens.time())}–{until}")
        name = i18n.day_in_week(begin.date())
        if unknown:
            days.append((name, _("horaires à vérifier")))
        elif whole == [(time(0, 0), True)]:
            days.append((name, _("ouvert 24 h/24")))
        else:
            days.append((name, ", ".join(spans) if spans else _("fermé")))
    return days
