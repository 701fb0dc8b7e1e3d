"""Open status in French words (angela.hours.describe), as the public page
shows it; the page's script (static/public/words.js) says the same."""

from __future__ import annotations

from datetime import datetime

import pytest

from angela.core import hours

# Wednesday 25 November 2026, 18:00 in Paris.
NOW = datetime(2026, 11, 25, 18, 0, tzinfo=hours.PARIS)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=hours.PARIS)


@pytest.mark.parametrize(
    ("open_now", "change", "words"),
    [
        (None, None, "Horaires non renseignés"),
        (True, None, "Ouvert 24 h/24"),
        (False, None, "Fermé"),
        (True, at(25, 19, 30), "Ouvert · ferme à 19:30"),
        (True, at(26, 0), "Ouvert · ferme à minuit"),
        (True, at(26, 2), "Ouvert · ferme cette nuit à 02:00"),
        (False, at(25, 21), "Fermé · ouvre à 21:00"),
        (False, at(26, 9), "Fermé · ouvre demain à 09:00"),
        (False, at(26, 0), "Fermé · ouvre cette nuit à 00:00"),
        (False, at(26, 6), "Fermé · ouvre demain à 06:00"),
        (False, at(1, 9, month=12), "Fermé · ouvre mardi à 09:00"),
        (False, at(30, 9), "Fermé · ouvre lundi à 09:00"),
        (False, at(2, 9, month=12), "Fermé · ouvre le 2 décembre à 09:00"),
    ],
)
def test_describe(open_now, change, words):
    assert hours.describe(hours.OpenStatus(open_now, change), NOW) == words


def test_describe_reads_the_time_in_paris_whatever_the_zone_given():
    from datetime import UTC

    change = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)  # 19:30 in Paris
    status = hours.OpenStatus(True, change)
    assert hours.describe(status, NOW.astimezone(UTC)) == "Ouvert · ferme à 19:30"


def test_describe_real_hours_across_a_weekend():
    parsed = hours.parse("Mo-Fr 09:00-19:30; PH off")
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=hours.PARIS)
    assert hours.describe(hours.status_at(parsed, saturday), saturday) == (
        "Fermé · ouvre lundi à 09:00"
    )
    tuesday = datetime(2026, 12, 1, 12, 0, tzinfo=hours.PARIS)
    assert hours.describe(hours.status_at(parsed, tuesday), tuesday) == "Ouvert · ferme à 19:30"
