"""Opening hours: open or closed at a moment in Europe/Paris, with French
public holidays, and when that next changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from angela.core.hours import PARIS, HoursError, OpenStatus, parse, status_at

SHOP = "Mo-Sa 09:00-19:00; PH off"
LATE_BAR = "Fr-Sa 18:00-02:00"


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def at(text: str, moment: datetime) -> OpenStatus:
    return status_at(parse(text), moment)


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        (paris(2026, 12, 19, 10, 0), True),  # a normal Saturday morning
        (paris(2026, 12, 21, 9, 0), True),  # Monday, at opening time
        (paris(2026, 12, 21, 18, 59), True),
        (paris(2026, 12, 21, 19, 0), False),  # closing time is already closed
        (paris(2026, 12, 20, 12, 0), False),  # Sunday
        (paris(2026, 12, 25, 12, 0), False),  # Christmas, a Friday
        (paris(2026, 5, 1, 12, 0), False),  # Fête du Travail, a Friday
        (paris(2026, 7, 14, 12, 0), False),  # Fête nationale, a Tuesday
        (paris(2026, 5, 14, 12, 0), False),  # Ascension, a Thursday
        (paris(2026, 5, 25, 12, 0), False),  # Pentecost Monday
        (paris(2026, 5, 26, 12, 0), True),  # the Tuesday after: open again
    ],
)
def test_a_shop_closed_on_public_holidays(moment, open_now):
    assert at(SHOP, moment).open_now is open_now


def test_after_a_holiday_the_next_opening_is_the_day_after():
    assert at(SHOP, paris(2026, 12, 25, 12, 0)) == OpenStatus(False, paris(2026, 12, 26, 9, 0))
    assert at(SHOP, paris(2026, 5, 1, 12, 0)) == OpenStatus(False, paris(2026, 5, 2, 9, 0))


def test_an_open_shop_says_when_it_closes():
    assert at(SHOP, paris(2026, 12, 19, 10, 0)) == OpenStatus(True, paris(2026, 12, 19, 19, 0))


def test_a_bar_open_past_midnight_is_open_in_the_small_hours_of_sunday():
    # 2026-11-29 is a Sunday: Saturday's evening runs until 02:00.
    assert at(LATE_BAR, paris(2026, 11, 29, 1, 0)) == OpenStatus(True, paris(2026, 11, 29, 2, 0))


def test_a_bar_open_past_midnight_is_closed_after_it_and_reopens_on_friday():
    assert at(LATE_BAR, paris(2026, 11, 29, 3, 0)) == OpenStatus(False, paris(2026, 12, 4, 18, 0))


def test_always_open_never_changes():
    assert at("24/7", paris(2026, 12, 25, 3, 0)) == OpenStatus(True, None)


def test_always_closed_never_changes():
    assert at("off", paris(2026, 12, 25, 3, 0)) == OpenStatus(False, None)


def test_unknown_hours_are_neither_open_nor_closed():
    status = at("Mo-Fr 10:00-12:00 unknown", paris(2026, 11, 30, 11, 0))  # a Monday
    assert status.open_now is None
    assert status.next_change == paris(2026, 11, 30, 12, 0)
    assert at("Mo-Fr 10:00-12:00 unknown", paris(2026, 11, 30, 13, 0)).open_now is False


def test_a_comment_alone_does_not_make_the_hours_unknown():
    assert at('Mo-Fr 10:00-12:00 "sur rendez-vous"', paris(2026, 11, 30, 11, 0)).open_now is True


def test_a_moment_in_another_zone_is_read_in_paris_time():
    # 09:30 UTC in winter is 10:30 in Paris: open; 08:30 UTC is 09:30: open;
    # 07:30 UTC is 08:30: still closed.
    saturday = datetime(2026, 12, 19, 9, 30, tzinfo=UTC)
    assert at(SHOP, saturday).open_now is True
    assert at(SHOP, saturday - timedelta(hours=2)).open_now is False
    assert at(SHOP, saturday - timedelta(hours=2)).next_change == paris(2026, 12, 19, 9, 0)


def test_next_change_is_in_paris_time_with_the_summer_offset_after_the_clocks_go_forward():
    # The clocks go forward in the night of 27 to 28 March 2027.
    status = at("Mo-Su 09:00-19:00", paris(2027, 3, 27, 20, 0))
    assert status.next_change == paris(2027, 3, 28, 9, 0)
    assert status.next_change.tzinfo is PARIS
    assert status.next_change.isoformat() == "2027-03-28T09:00:00+02:00"
    evening = at("Mo-Su 09:00-19:00", paris(2027, 3, 28, 10, 0)).next_change
    assert evening.isoformat() == "2027-03-28T19:00:00+02:00"


def test_next_change_when_the_opening_falls_in_the_skipped_hour():
    # 02:30 does not exist on 28 March 2027: the place opens at 03:00 summer time.
    status = at("Mo-Su 02:30-05:00", paris(2027, 3, 28, 1, 0))
    assert status.open_now is False
    assert status.next_change.astimezone(UTC) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert at("Mo-Su 02:30-05:00", paris(2027, 3, 28, 4, 0)).open_now is True


def test_next_change_in_winter_has_the_winter_offset():
    status = at("Mo-Su 09:00-19:00", paris(2027, 10, 30, 20, 0))  # clocks go back that night
    assert status.next_change.isoformat() == "2027-10-31T09:00:00+01:00"


@pytest.mark.parametrize(
    "text",
    [
        "Mo-Sa 9h-19h",
        "du lundi au samedi",
        "Mo-Sa 25:00-26:00",
        "Mo-Sa 09:00-",
        "Lu-Sa 09:00-19:00",
    ],
)
def test_unreadable_hours_raise_a_french_message_quoting_them(text):
    with pytest.raises(HoursError) as caught:
        parse(text)
    message = str(caught.value)
    assert message.startswith("horaires illisibles")
    assert f"« {text} »" in message
    assert "Exemple valide : « Mo-Sa 09:00-19:00; PH off »" in message
    assert "-->" not in message  # not the parser's raw report


def test_the_message_says_where_the_hours_stop_making_sense():
    with pytest.raises(HoursError, match="à partir du caractère 7 : « 9h-19h »"):
        parse("Mo-Sa 9h-19h")


@pytest.mark.parametrize(("text", "words"), [("", "vides"), ("   ", "vides"), ("Mo " * 200, "500")])
def test_empty_or_too_long_hours_are_refused(text, words):
    with pytest.raises(HoursError, match=words):
        parse(text)


def test_hours_error_is_a_value_error():
    assert issubclass(HoursError, ValueError)
