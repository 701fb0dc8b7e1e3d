"""The opening-hours editor's rows: one row per weekday (closed, open
24 h/24, or time ranges that may end after midnight) and "closed on public
holidays", written as OpenStreetMap `opening_hours` text, read back from such
text when the rows can say it, and read out in French."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from opening_hours import OpeningHours  # type: ignore[attr-defined]

from angela.core import hours

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_KEYS = tuple(code.lower() for code in DAY_CODES)
DAY_LABELS = tuple(name.capitalize() for name in hours.WEEKDAYS)
# The most ranges one day can hold (four covers split shifts and a night).
MAX_SPANS = 4
MIDNIGHT = 24 * 60
HOLIDAYS_OFF = "PH off"
NO_HOURS = "horaires non renseignés"
# A week with neither a public holiday nor a clock change, whose evaluation
# gives each weekday's pattern; and a horizon over which read-back rows must
# agree with the original text (a year, so month or week rules are caught).
REFERENCE_MONDAY = datetime(2026, 11, 30, tzinfo=hours.PARIS)
CHECK_DAYS = 366

_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?\s*$")


class DayState(StrEnum):
    HOURS = "hours"
    CLOSED = "closed"
    ALWAYS = "always"


@dataclass(frozen=True, order=True)
class Span:
    """From `start` to `end`, in minutes after midnight; an end at or before
    the start is on the next day (a bar open 18:00–02:00)."""

    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Day:
    state: DayState = DayState.HOURS
    spans: tuple[Span, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state is DayState.ALWAYS or (self.state is DayState.HOURS and bool(self.spans))

    def key(self) -> tuple[DayState, tuple[Span, ...]]:
        """What two days share when they read the same."""
        if not self.is_open:
            return (DayState.CLOSED, ())
        return (self.state, tuple(sorted(self.spans)) if self.state is DayState.HOURS else ())


@dataclass(frozen=True)
class Week:
    days: tuple[Day, ...] = tuple(Day() for _ in DAY_CODES)
    holidays_closed: bool = False


class RowsError(ValueError):
    """The rows cannot be written; `messages` says what is wrong, in French."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


# --- rows → OSM text ---------------------------------------------------------


def to_osm(week: Week) -> str:
    """Return the week as `opening_hours` text, identical days together
    ("Tu-Sa 07:00-19:30; PH off"); "" when no day is open (hours unknown)."""
    groups = _groups(week)
    if not groups:
        return ""
    if len(groups) == 1 and len(groups[0][1]) == 7 and groups[0][0].state is DayState.ALWAYS:
        body = "24/7"
    else:
        rules = [f"{_osm_days(indexes)} {_osm_spans(day)}" for day, indexes in groups]
        # After a range past midnight, "; " would let the next day's rule
        # erase its small hours: "," adds rules without overriding.
        overnight = any(span.overnight for day, _ in groups for span in day.spans)
        body = (", " if overnight else "; ").join(rules)
    return f"{body}; {HOLIDAYS_OFF}" if week.holidays_closed else body


def _groups(week: Week) -> list[tuple[Day, list[int]]]:
    """The open days grouped by identical hours, in the order of the week."""
    found: dict[tuple[DayState, tuple[Span, ...]], tuple[Day, list[int]]] = {}
    for index, day in enumerate(week.days):
        if day.is_open:
            found.setdefault(day.key(), (day, []))[1].append(index)
    return list(found.values())


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive days as (first, last) runs; Sunday runs on into Monday."""
    runs: list[list[int]] = []
    for index in sorted(indexes):
        if runs and runs[-1][1] == index - 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == 6:
        first = runs.pop(0)
        runs[-1][1] = first[1]
    return [(first, last) for first, last in runs]


def _length(run: tuple[int, int]) -> int:
    return (run[1] - run[0]) % 7 + 1


def _osm_days(indexes: list[int]) -> str:
    parts = []
    for run in _runs(indexes):
        first, last = DAY_CODES[run[0]], DAY_CODES[run[1]]
        parts.append(
            first if _length(run) == 1 else f"{first}{',' if _length(run) == 2 else '-'}{last}"
        )
    return ",".join(parts)


def _osm_spans(day: Day) -> str:
    if day.state is DayState.ALWAYS:
        return "00:00-24:00"
    return ",".join(f"{_clock(s.start)}-{_clock(s.end)}" for s in sorted(day.spans))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- OSM text → rows ---------------------------------------------------------


def from_osm(text: str) -> Week | None:
    """Return the rows that mean what `text` means (empty rows for empty
    text), or None when the rows cannot say it (months, comments, unknown
    hours, unreadable text...)."""
    if not text.strip():
        return Week()
    if '"' in text:  # a comment would be lost
        return None
    try:
        original = hours.parse(text)
    except hours.HoursError:
        return None
    days = _days_from_pieces(_weekly_pieces(original))
    # Rows with no open day save no hours at all, which is not "always closed".
    if days is None or not any(day.is_open for day in days):
        return None
    for holidays_closed in (False, True):
        week = Week(days, holidays_closed)
        if same_week(original, to_osm(week)):
            return week
    return None


def same_week(original: OpeningHours, text: str) -> bool:
    """Whether `text` is open exactly when the parsed `original` is, over
    a year from the reference week."""
    start = REFERENCE_MONDAY
    end = start + timedelta(days=CHECK_DAYS)
    theirs = hours.intervals(original, start, end)
    ours = hours.intervals(hours.parse(text), start, end) if text else []
    return _spans_of(theirs, end) == _spans_of(ours, end)


def _spans_of(found: list[hours.Interval], end: datetime) -> list[tuple[object, ...]]:
    return [(i.start, i.end, i.open) for i in found if i.start < end]


def _weekly_pieces(parsed: OpeningHours) -> list[list[tuple[int, int]]] | None:
    """Each weekday's open pieces in minutes [start, end) within that day,
    from the reference week; None when some time is "unknown"."""
    start, end = REFERENCE_MONDAY, REFERENCE_MONDAY + timedelta(days=7)
    pieces: list[list[tuple[int, int]]] = [[] for _ in DAY_CODES]
    for stretch in hours.intervals(parsed, start, end):
        if stretch.open is None:
            return None
        low = max(stretch.start, start)
        high = end if stretch.end is None or stretch.end > end else stretch.end
        while low < high:
            midnight = datetime.combine(
                low.date() + timedelta(days=1), datetime.min.time(), hours.PARIS
            )
            piece_end = min(high, midnight)
            day = (low.date() - start.date()).days
            begin = low.hour * 60 + low.minute
            stop = MIDNIGHT if piece_end == midnight else piece_end.hour * 60 + piece_end.minute
            pieces[day].append((begin, stop))
            low = piece_end
    return pieces


def _days_from_pieces(pieces: list[list[tuple[int, int]]] | None) -> tuple[Day, ...] | None:
    """Rows for the pieces: an evening that runs on into the small hours of
    the next day is one range of the evening's day (when it ends before the
    hour it began, as a range past midnight must)."""
    if pieces is None:
        return None
    spans: list[list[Span]] = [[Span(a, b) for a, b in day] for day in pieces]
    for index in range(7):
        following = spans[(index + 1) % 7]
        today = spans[index]
        if (today and following and today[-1].start > 0 and today[-1].end == MIDNIGHT
                and following[0].start == 0 and following[0].end <= today[-1].start):  # fmt: skip
            today[-1] = Span(today[-1].start, following.pop(0).end)
    days = []
    for day in spans:
        if len(day) > MAX_SPANS:
            return None
        if day == [Span(0, MIDNIGHT)]:
            days.append(Day(DayState.ALWAYS))
        else:
            days.append(Day(DayState.HOURS if day else DayState.CLOSED, tuple(day)))
    return tuple(days)


# --- form values → rows ------------------------------------------------------


def field_name(prefix: str, day: str, part: str, index: int | None = None) -> str:
    """The form field name of one input: "hours-mo-state", "hours-mo-start-0"."""
    return f"{prefix}-{day}-{part}" + ("" if index is None else f"-{index}")


def read_rows(values: Mapping[str, str], prefix: str) -> Week:
    """Return the week the posted inputs describe; raise RowsError listing
    each wrong range ("Lundi, plage 1 : …")."""
    days, problems = [], []
    for key, label in zip(DAY_KEYS, DAY_LABELS, strict=True):
        state_text = values.get(field_name(prefix, key, "state"), DayState.HOURS.value)
        state = DayState(state_text) if state_text in set(DayState) else DayState.HOURS
        spans = []
        for index in range(MAX_SPANS):
            start = values.get(field_name(prefix, key, "start", index), "").strip()
            end = values.get(field_name(prefix, key, "end", index), "").strip()
            if state is not DayState.HOURS or not (start or end):
                continue
            try:
                spans.append(_span(start, end))
            except ValueError as error:
                problems.append(f"{label}, plage {index + 1} : {error}.")
        if _overlapping(spans):
            problems.append(f"{label} : des plages se chevauchent.")
        days.append(Day(state, tuple(sorted(spans)) if state is DayState.HOURS else ()))
    if problems:
        raise RowsError(problems)
    closed = values.get(f"{prefix}-holidays-closed", "") in ("y", "on", "1", "true")
    return Week(tuple(days), closed)


def _span(start: str, end: str) -> Span:
    if not start or not end:
        raise ValueError("indiquez l'heure d'ouverture et l'heure de fermeture")
    opening, closing = _minutes(start), _minutes(end) or MIDNIGHT
    if opening >= MIDNIGHT:
        raise ValueError("l'ouverture doit être avant minuit")
    if opening == closing % MIDNIGHT:
        raise ValueError(
            "l'ouverture et la fermeture sont à la même heure ; choisissez « ouvert 24 h/24 »"
        )
    return Span(opening, closing)


def _minutes(text: str) -> int:
    found = _TIME.match(text)
    if not found or int(found.group(1)) > 24 or int(found.group(2) or 0) > 59:
        raise ValueError(f"« {text} » n'est pas une heure (ex. 09:30)")
    minutes = int(found.group(1)) * 60 + int(found.group(2) or 0)
    if minutes > MIDNIGHT:
        raise ValueError(f"« {text} » n'est pas une heure (ex. 09:30)")
    return minutes


def _overlapping(spans: list[Span]) -> bool:
    ordered = sorted(spans)
    return any(a.overnight or b.start < a.end for a, b in pairwise(ordered))


# --- rows → French -----------------------------------------------------------


def reading(week: Week) -> str:
    """Return the week in French, as the editor shows it before saving:
    "du mardi au samedi de 7 h à 19 h 30, fermé le dimanche, le lundi et les
    jours fériés"."""
    groups = _groups(week)
    if not groups:
        return NO_HOURS
    closed = [index for index, day in enumerate(week.days) if not day.is_open]
    holidays = ["les jours fériés"] if week.holidays_closed else []
    if not closed and len(groups) == 1 and groups[0][0].state is DayState.ALWAYS:
        return ", ".join(
            ["ouvert 24 h/24, 7 jours sur 7", *(["fermé les jours fériés"] if holidays else [])]
        )
    parts = [f"{_days_words(indexes)} {_spans_words(day)}" for day, indexes in groups]
    if closed or holidays:
        parts.append("fermé " + _and(_day_items(closed) + holidays))
    return ", ".join(parts)


def _day_items(indexes: list[int]) -> list[str]:
    items = []
    for first, last in _runs(indexes) if indexes else []:
        if _length((first, last)) >= 3:
            items.append(f"du {hours.WEEKDAYS[first]} au {hours.WEEKDAYS[last]}")
        else:
            items.extend(
                f"le {hours.WEEKDAYS[(first + step) % 7]}" for step in range(_length((first, last)))
            )
    return items


def _days_words(indexes: list[int]) -> str:
    return _and(_day_items(indexes))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def _spans_words(day: Day) -> str:
    if day.state is DayState.ALWAYS:
        return "24 h/24"
    return " et ".join(
        f"de {_hour_words(s.start)} à {_hour_words(s.end)}"
        + (" le lendemain" if s.overnight else "")
        for s in sorted(day.spans)
    )


def _hour_words(minutes: int) -> str:
    if minutes % MIDNIGHT == 0:
        return "minuit"
    hour, minute = divmod(minutes, 60)
    return f"{hour} h" + (f" {minute:02d}" if minute else "")
