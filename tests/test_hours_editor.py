"""The opening-hours editor's rows (angela.core.hours_editor): written as
OpenStreetMap text, read back from it, and read out in French — each
checked against the week evaluation of core.hours, the rule that decides
whether a refuge is open."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from angela.core import hours
from angela.core.hours_editor import (
    MIDNIGHT,
    REFERENCE_MONDAY,
    Day,
    DayState,
    RowsError,
    Span,
    Week,
    from_osm,
    read_rows,
    reading,
    to_osm,
)

SEED = Path(__file__).parent.parent / "seed" / "merchants.csv"
SEED_HOURS = sorted(
    {row["opening_hours"] for row in csv.DictReader(SEED.read_text(encoding="utf-8").splitlines())}
)
WEEK_MINUTES = 7 * MIDNIGHT
# Weeks to compare over: the reference week, Christmas week (Friday 25
# December 2026), the week the clocks go forward (29 March 2026) and a
# summer week with 14 July.
CHECKED_MONDAYS = [
    REFERENCE_MONDAY,
    datetime(2026, 12, 21, tzinfo=hours.PARIS),
    datetime(2026, 3, 23, tzinfo=hours.PARIS),
    datetime(2026, 7, 13, tzinfo=hours.PARIS),
]
NAMES = {name: index for index, name in enumerate(hours.WEEKDAYS)}
ALL = ("mo", "tu", "we", "th", "fr", "sa", "su")
SPLIT = [("07:00", "13:30"), ("15:30", "19:30")]
OFFICE = [("09:00", "12:00"), ("14:00", "18:00")]


def hm(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def days(**given: object) -> tuple[Day, ...]:
    """Seven rows; days not named are closed: `tu=[("07:00", "19:30")]`, `su="always"`."""
    rows = []
    for key in ("mo", "tu", "we", "th", "fr", "sa", "su"):
        value = given.get(key)
        if value is None:
            rows.append(Day(DayState.CLOSED))
        elif value == "always":
            rows.append(Day(DayState.ALWAYS))
        else:
            spans = tuple(Span(hm(a), hm(b) if b != "24:00" else MIDNIGHT) for a, b in value)  # type: ignore[attr-defined]
            rows.append(Day(DayState.HOURS, spans))
    return tuple(rows)


def open_stretches(text: str, monday: datetime) -> list[tuple[datetime, datetime | None]]:
    """The open stretches of a week from `monday`, as core.hours evaluates them."""
    if not text:
        return []
    end = monday + timedelta(days=7)
    found = hours.intervals(hours.parse(text), monday, end)
    assert all(stretch.open is True for stretch in found)
    return [
        (max(s.start, monday), None if s.end is None else min(s.end, end))
        for s in found
        if s.start < end
    ]


def open_minutes(text: str) -> set[int]:
    """The minutes of the reference week (from Monday 00:00) when open."""
    minutes: set[int] = set()
    end = REFERENCE_MONDAY + timedelta(days=7)
    for start, stop in open_stretches(text, REFERENCE_MONDAY):
        first = int((start - REFERENCE_MONDAY).total_seconds() // 60)
        last = int(((stop or end) - REFERENCE_MONDAY).total_seconds() // 60)
        minutes.update(range(first, last))
    return minutes


# --- an independent reader of the French reading, as the oracle -------------

DAY = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
HOUR = r"minuit|\d{1,2} h(?: \d{2})?"
CLAUSE = re.compile(
    rf"(?P<days>(?:(?:le (?:{DAY})|du (?:{DAY}) au (?:{DAY}))(?:, | et )?)+) "
    rf"(?P<spans>24 h/24|de .+?)(?=, (?:le |du |fermé )|$)"
)
SPAN = re.compile(rf"de ({HOUR}) à ({HOUR})( le lendemain)?")


def minutes_said(words: str) -> set[int]:
    """The minutes of a week a French reading says are open."""
    if words == "horaires non renseignés":
        return set()
    if words.startswith("ouvert 24 h/24, 7 jours sur 7"):
        return set(range(WEEK_MINUTES))
    said: set[int] = set()
    for clause in CLAUSE.finditer(words):
        for day in days_said(clause["days"]):
            for start, end in spans_said(clause["spans"]):
                said.update(
                    minute % WEEK_MINUTES
                    for minute in range(day * MIDNIGHT + start, day * MIDNIGHT + end)
                )
    return said


def days_said(words: str) -> list[int]:
    found = []
    for single, first, last in re.findall(rf"le ({DAY})|du ({DAY}) au ({DAY})", words):
        if single:
            found.append(NAMES[single])
        else:
            length = (NAMES[last] - NAMES[first]) % 7 + 1
            found.extend((NAMES[first] + step) % 7 for step in range(length))
    return found


def spans_said(words: str) -> list[tuple[int, int]]:
    if words == "24 h/24":
        return [(0, MIDNIGHT)]

    def minutes(text: str) -> int:
        if text == "minuit":
            return 0
        hour, _, minute = text.partition(" h")
        return int(hour) * 60 + int(minute or 0)

    spans = []
    for start, end, next_day in SPAN.findall(words):
        opens, closes = minutes(start), minutes(end)
        if next_day or closes == 0:
            closes += MIDNIGHT
        spans.append((opens, closes))
    return spans


# --- every seed value round-trips --------------------------------------------


@pytest.mark.parametrize("text", SEED_HOURS)
def test_every_seed_value_is_read_into_rows_and_written_back_the_same(text):
    week = from_osm(text)
    assert week is not None, text
    written = to_osm(week)
    for monday in CHECKED_MONDAYS:
        assert open_stretches(written, monday) == open_stretches(text, monday), (text, written)


@pytest.mark.parametrize("text", SEED_HOURS)
def test_every_seed_value_reads_aloud_as_it_is_open(text):
    week = from_osm(text)
    assert week is not None
    assert minutes_said(reading(week)) == open_minutes(text)
    assert ("les jours fériés" in reading(week)) is ("PH off" in text)


# --- writing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "text"),
    [
        (Week(days(**{d: [("07:00", "19:30")] for d in ("tu", "we", "th", "fr", "sa")}), True),
         "Tu-Sa 07:00-19:30; PH off"),
        (Week(days(**dict.fromkeys(ALL, "always"))), "24/7"),
        (Week(days(mo=[("14:00", "18:00")], th=[("14:00", "18:00")], sa=[("09:00", "12:00")])),
         "Mo,Th 14:00-18:00; Sa 09:00-12:00"),
        (Week(days(**dict.fromkeys(("we", "th", "fr", "sa", "su", "mo"), SPLIT))),
         "We-Mo 07:00-13:30,15:30-19:30"),
        (Week(days(fr=[("18:00", "02:00")], sa=[("18:00", "02:00")], su=[("10:00", "14:00")])),
         "Fr,Sa 18:00-02:00, Su 10:00-14:00"),
        (Week(days(mo=[("16:00", "24:00")])), "Mo 16:00-24:00"),
        (Week(days(sa="always", mo=[("09:00", "12:00")])), "Mo 09:00-12:00; Sa 00:00-24:00"),
        (Week(), ""),
        (Week(days(), True), ""),
    ],
)  # fmt: skip
def test_identical_days_are_written_together(week, text):
    assert to_osm(week) == text


def test_after_a_range_past_midnight_the_next_day_does_not_erase_it():
    week = Week(days(mo=[("18:00", "02:00")], tu=[("09:00", "12:00")]))
    tuesday = REFERENCE_MONDAY + timedelta(days=1)
    assert open_stretches(to_osm(week), REFERENCE_MONDAY)[0] == (
        REFERENCE_MONDAY.replace(hour=18),
        tuesday.replace(hour=2),
    )


# --- reading aloud -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "words"),
    [
        (Week(days(**{d: [("07:00", "19:30")] for d in ("tu", "we", "th", "fr", "sa")}), True),
         "du mardi au samedi de 7 h à 19 h 30, fermé le dimanche, le lundi et les jours fériés"),
        (Week(days(**dict.fromkeys(ALL, "always"))),
         "ouvert 24 h/24, 7 jours sur 7"),
        (Week(days(**dict.fromkeys(ALL, "always")), True),
         "ouvert 24 h/24, 7 jours sur 7, fermé les jours fériés"),
        (Week(days(**{d: [("08:00", "20:00")] for d in ("mo", "tu", "we", "th", "fr", "sa")})),
         "du lundi au samedi de 8 h à 20 h, fermé le dimanche"),
        (Week(days(fr=[("18:00", "02:00")], sa=[("18:00", "02:00")])),
         "le vendredi et le samedi de 18 h à 2 h le lendemain, fermé du dimanche au jeudi"),
        (Week(days(mo=OFFICE, we=OFFICE)),
         "le lundi et le mercredi de 9 h à 12 h et de 14 h à 18 h, "
         "fermé le mardi et du jeudi au dimanche"),
        (Week(days(mo=[("16:00", "24:00")], sa="always")),
         "le lundi de 16 h à minuit, le samedi 24 h/24, fermé du mardi au vendredi et le dimanche"),
        (Week(days(mo=[("00:00", "02:00")])),
         "le lundi de minuit à 2 h, fermé du mardi au dimanche"),
        (Week(), "horaires non renseignés"),
    ],
)  # fmt: skip
def test_the_reading_in_french(week, words):
    assert reading(week) == words
    assert minutes_said(words) == open_minutes(to_osm(week))


# --- any week the rows can hold ----------------------------------------------------

TIMES = st.sampled_from(range(0, MIDNIGHT + 1, 30))


@st.composite
def a_day(draw: st.DrawFn) -> Day:
    state = draw(
        st.sampled_from([DayState.HOURS, DayState.HOURS, DayState.CLOSED, DayState.ALWAYS])
    )
    if state is not DayState.HOURS:
        return Day(state)
    bounds = sorted(draw(st.sets(TIMES, max_size=6)))
    bounds = bounds[: len(bounds) // 2 * 2]
    spans = [Span(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
    if spans and spans[-1].start > 0 and draw(st.booleans()):
        last = spans.pop()  # the last range runs on into the next morning
        spans.append(
            Span(
                last.start,
                draw(st.sampled_from(range(30, last.start, 30)) if last.start > 30 else st.just(0))
                or 30,
            )
        )
    return Day(
        DayState.HOURS,
        tuple(s for s in spans if s.start < MIDNIGHT and s.start != s.end % MIDNIGHT),
    )


WEEKS = st.builds(Week, st.tuples(*[a_day() for _ in range(7)]), st.booleans())
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(WEEKS)
def test_what_the_editor_writes_is_open_when_its_reading_says(week):
    text = to_osm(week)
    assert minutes_said(reading(week)) == open_minutes(text)


@SLOW
@given(WEEKS)
def test_what_the_editor_writes_is_read_back_into_rows_that_mean_the_same(week):
    text = to_osm(week)
    again = from_osm(text)
    assert again is not None, text
    assert open_stretches(to_osm(again), CHECKED_MONDAYS[1]) == open_stretches(
        text, CHECKED_MONDAYS[1]
    )
    assert open_minutes(to_osm(again)) == open_minutes(text)


# --- what the rows cannot say --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'Mo-Fr 10:00-12:00 "sur rendez-vous"',
        "Mo-Fr 10:00-12:00 unknown",
        "Mo-Fr 09:00-18:00; Dec 24 off",
        "Jun-Aug Mo-Fr 09:00-18:00",
        "Mo 08:00-09:00,10:00-11:00,12:00-13:00,14:00-15:00,16:00-17:00",
        "off",
        "Mo-Sa 9h-19h",
    ],
)
def test_values_the_rows_cannot_say_are_left_to_the_free_text(text):
    assert from_osm(text) is None


def test_empty_hours_are_empty_rows():
    assert from_osm("") == Week()
    assert reading(Week()) == "horaires non renseignés"


# --- the posted inputs ---------------------------------------------------------------


def posted(**values: str) -> dict[str, str]:
    return {f"hours-{key.replace('_', '-')}": value for key, value in values.items()}


def test_posted_inputs_become_rows():
    week = read_rows(
        posted(mo_start_0="9:00", mo_end_0="12h", mo_start_2="14h30", mo_end_2="00:00",
               tu_state="closed", tu_start_0="08:00", tu_end_0="10:00",
               su_state="always", holidays_closed="y"),
        "hours",
    )  # fmt: skip
    assert week.days[0] == Day(DayState.HOURS, (Span(540, 720), Span(870, MIDNIGHT)))
    assert week.days[1] == Day(DayState.CLOSED)  # its hours are ignored
    assert week.days[6] == Day(DayState.ALWAYS)
    assert week.holidays_closed


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (posted(we_start_0="09:00"),
         "Mercredi, plage 1 : indiquez l'heure d'ouverture et l'heure de fermeture."),
        (posted(we_start_1="25:00", we_end_1="26:00"),
         "Mercredi, plage 2 : « 25:00 » n'est pas une heure (ex. 09:30)."),
        (posted(we_start_0="24:00", we_end_0="02:00"),
         "Mercredi, plage 1 : l'ouverture doit être avant minuit."),
        (posted(we_start_0="10:00", we_end_0="10:00"),
         "Mercredi, plage 1 : l'ouverture et la fermeture sont à la même heure"),
        (posted(we_start_0="18:00", we_end_0="02:00", we_start_1="20:00", we_end_1="22:00"),
         "Mercredi : des plages se chevauchent."),
    ],
)  # fmt: skip
def test_wrong_inputs_name_the_day_and_the_range(values, message):
    with pytest.raises(RowsError) as caught:
        read_rows(values, "hours")
    assert caught.value.messages[0].startswith(message)


# --- the parser's errors, in French, with where ----------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("du mardi au samedi 7h-19h30",
         "horaires illisibles à partir du caractère 1 : « du mardi au samedi 7… » ; "
         "attendu ici : des jours en abrégé anglais"),
        ("Mo-Sa 9h-19h",
         "horaires illisibles à partir du caractère 7 : « 9h-19h » (dans « Mo-Sa 9h-19h ») ; "
         "attendu ici : des heures au format 09:00-19:00"),
        ("Tu-Sa 07:00-19:30;",
         "horaires illisibles au caractère 19 : le texte « Tu-Sa 07:00-19:30; » "
         "s'arrête trop tôt ; attendu ici : la suite des horaires"),
        ("Mo-Sa 09:00-",
         "horaires illisibles au caractère 13 : le texte « Mo-Sa 09:00- » s'arrête trop tôt ; "
         "attendu ici : des heures"),
    ],
)  # fmt: skip
def test_parser_errors_are_french_and_say_where(text, words):
    with pytest.raises(hours.HoursError) as caught:
        hours.parse(text)
    message = str(caught.value)
    assert message.startswith(words)
    assert message.endswith("Exemple valide : « Mo-Sa 09:00-19:00; PH off »")
    for english in ("expected", "EOI", "rule", "-->"):
        assert english not in message


def test_french_day_names_get_a_hint():
    with pytest.raises(hours.HoursError, match="pas en français"):
        hours.parse("lundi 9h-18h")
