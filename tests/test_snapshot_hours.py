"""The device snapshot's opening hours say what the API says: the open status
and its next change, read off the stretches of `core.snapshot.schedule` as
the phone reads them (statusAt in angela/static/public/nearest.js), equal
`core.hours.status_at` at random moments and at every edge, over Christmas
and New Year (public holidays) and the nights the clocks change. (The
browser test tests/browser/test_device_agreement.py compares the phone with
the API over three snapshots.)"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from angela.core import hours, snapshot
from angela.core.hours import PARIS

# Every kind of hours the scheme meets: always, never, none given, public
# holidays off or shorter, past midnight, split days, one day a week,
# "unknown" days, comments, an opening in the hour the clocks skip, a date.
HOURS: list[str | None] = [
    "24/7",
    "off",
    None,
    "Mo-Sa 09:00-19:30; PH off",
    "Fr-Sa 18:00-02:00",
    "Mo-Fr 08:00-12:00,14:00-18:00",
    "Su 10:00-13:00",
    "Mo-Su 07:00-22:00; PH 09:00-12:00",
    "Tu-Sa 10:00-19:00; Su unknown",
    'Mo-Fr 09:00-12:00 "matin", 12:00-18:00 "après-midi"',
    "Sa 22:00-04:00",
    "Su 01:30-03:30",
    "Dec 25 off; Mo-Su 10:00-20:00",
]
# Christmas to New Year; summer time begins (28 March 2027); ends (25 October 2026).
WINDOWS = {
    "holidays": (date(2026, 12, 24), date(2027, 1, 2)),
    "spring-forward": (date(2027, 3, 27), date(2027, 3, 30)),
    "fall-back": (date(2026, 10, 24), date(2026, 10, 27)),
}
MOMENTS = 2000

Status = tuple[bool | None, float | None]


def instant(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text).timestamp()


def read(schedule: dict[str, Any], at: float) -> Status:
    """The status at `at` as the phone reads it off the snapshot's stretches."""
    if not schedule["hours_known"]:
        return None, None
    stretches = sorted(
        [(instant(start), instant(end), True) for start, end in schedule["open_intervals"]]
        + [(instant(start), instant(end), None) for start, end in schedule["unknown_intervals"]],
        key=lambda stretch: stretch[0] or 0.0,
    )
    for start, end, state in stretches:
        assert start is not None
        if start > at:
            return False, start
        if end is None or at < end:
            return state, end
    return False, None


def api_status(text: str | None, at: float) -> Status:
    """The status at `at` as the API gives it (unknown without hours)."""
    if text is None:
        return None, None
    status = hours.status_at(hours.parse(text), datetime.fromtimestamp(at, UTC))
    change = status.next_change.timestamp() if status.next_change else None
    return status.open_now, change


def window(name: str) -> tuple[datetime, datetime]:
    first, last = WINDOWS[name]
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=PARIS),
        datetime.combine(last, datetime.min.time(), tzinfo=PARIS),
    )


def edges(schedule: dict[str, Any], start: float, end: float) -> list[float]:
    """Each start and end of a stretch inside the window, and a second before."""
    found = []
    for stretch in schedule["open_intervals"] + schedule["unknown_intervals"]:
        for edge in map(instant, stretch):
            if edge is not None and start < edge < end:
                found += [edge, edge - 1]
    return found


def disagreements(
    text: str | None, start: datetime, end: datetime, moments: list[float]
) -> list[Any]:
    schedule = snapshot.schedule(text, start, end)
    assert schedule["hours_known"] is (text is not None)
    found = []
    for at in moments + edges(schedule, start.timestamp(), end.timestamp()):
        phone, api = read(schedule, at), api_status(text, at)
        if phone != api:
            found.append((datetime.fromtimestamp(at, PARIS).isoformat(), phone, api))
    return found


@pytest.mark.parametrize("text", HOURS)
@pytest.mark.parametrize("name", WINDOWS)
def test_the_snapshot_says_what_the_api_says(name, text):
    start, end = window(name)
    rng = random.Random(f"{name} {text}")
    moments = [rng.uniform(start.timestamp(), end.timestamp()) for _ in range(MOMENTS)]
    assert disagreements(text, start, end, moments) == []


def night(name: str) -> list[float]:
    """Every minute (at its 30th second) from 22:00 to 05:00 the night the clocks change."""
    start, _end = window(name)
    evening = datetime.combine(start.date(), datetime.min.time(), tzinfo=PARIS).replace(hour=22)
    first = evening.astimezone(UTC)
    return [(first + timedelta(minutes=m, seconds=30)).timestamp() for m in range(8 * 60)]


@pytest.mark.parametrize("text", HOURS)
@pytest.mark.parametrize("name", ["spring-forward", "fall-back"])
def test_every_minute_of_the_clock_change_nights(name, text):
    start, end = window(name)
    assert disagreements(text, start, end, night(name)) == []


@pytest.mark.parametrize(
    ("text", "open_now"), [("24/7", True), ("Sa 22:00-04:00", True), ("Su 10:00-13:00", False)]
)
def test_the_first_2_59_of_the_fall_back_night_is_read_on_the_wall_clock(text, open_now):
    # opening-hours-py 2.1.4 says "closed" for "24/7" at 02:59 summer time
    # on 25 October 2026 when given the aware time: hours.status_at gives it
    # the wall time, on which the rules are written.
    first_2_59 = datetime(2026, 10, 25, 0, 59, 30, tzinfo=UTC)
    assert hours.status_at(hours.parse(text), first_2_59).open_now is open_now
