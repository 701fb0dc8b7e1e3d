"""The refuge directory's open status: reused between changes, never stale."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from angela.core import hours
from angela.core.refuges import Directory, Refuge
from tests.places import MELUN_TOWN_HALL

HOURS = ["Mo-Sa 09:00-19:00; PH off", "Fr-Sa 18:00-02:00", "24/7", "Mo-Fr 08:00-12:00,14:00-18:30"]
START = datetime(2026, 11, 20, tzinfo=hours.PARIS)


def refuge(opening_hours: str | None) -> Refuge:
    lat, lon = MELUN_TOWN_HALL
    return Refuge(1, "Refuge", "shop", "1 rue", "77000", "77288", lat, lon, None, opening_hours)


@settings(max_examples=60, deadline=None)
@given(
    text=st.sampled_from(HOURS),
    offsets=st.lists(st.integers(0, 60 * 24 * 40), min_size=1, max_size=30),
)
def test_status_in_any_order_of_moments_equals_a_fresh_evaluation(text, offsets):
    directory = Directory([refuge(text)])
    parsed = hours.parse(text)
    for minutes in offsets:
        moment = START + timedelta(minutes=minutes)
        assert directory.status(directory.refuges[0], moment) == hours.status_at(parsed, moment)


def test_unknown_hours_have_no_status():
    directory = Directory([refuge(None)])
    status = directory.status(directory.refuges[0], START)
    assert status == hours.OpenStatus(open_now=None, next_change=None)
