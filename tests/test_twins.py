"""The rules the page's script runs again in the browser, read from the
golden table tests/golden/twins.json and run here on the Python side; the
browser test (tests/browser/test_twins_browser.py) runs the same cases on
the JavaScript side, so neither can drift alone."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from angela.core import territory
from angela.core.french import checked_text
from angela.core.hours import OpenStatus, describe
from angela.core.phones import for_display
from angela.core.refuges import Refuge
from angela.core.walking import walk_text
from angela.public.presenters import any_open, directions_url, open_first

TWINS_PATH = Path(__file__).parent / "golden" / "twins.json"
TWINS: dict[str, list[dict[str, Any]]] = {
    name: cases
    for name, cases in json.loads(TWINS_PATH.read_text(encoding="utf-8")).items()
    if name != "about"
}


def cases(table: str) -> list[Any]:
    """Return the table's cases as pytest parameters named after them."""
    return [pytest.param(case, id=case["case"]) for case in TWINS[table]]


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def test_the_table_names_each_case_once():
    for table, rows in TWINS.items():
        names = [case["case"] for case in rows]
        assert len(names) == len(set(names)), table
    assert set(TWINS) == {
        "walk_text", "describe_status", "phone_text", "open_first", "any_open", "directions_url",
        "checked_text",
    }  # fmt: skip


@pytest.mark.parametrize("case", cases("walk_text"))
def test_walk_text(case):
    assert walk_text(case["distance_m"], case["minutes"]) == case["expected"]


@pytest.mark.parametrize("case", cases("describe_status"))
def test_describe_status(case):
    status = OpenStatus(case["open_now"], moment(case["next_change"]))
    assert describe(status, moment(case["now"])) == case["expected"]


@pytest.mark.parametrize("case", cases("phone_text"))
def test_phone_text(case):
    assert for_display(case["e164"]) == case["expected"]


@pytest.mark.parametrize("case", cases("open_first"))
def test_open_first(case):
    assert [card["name"] for card in open_first(case["refuges"])] == case["expected"]


@pytest.mark.parametrize("case", cases("any_open"))
def test_any_open(case):
    assert any_open(case["refuges"], case["within_minutes"]) is case["expected"]


@pytest.mark.parametrize("case", cases("directions_url"))
def test_directions_url(case):
    fields = case["refuge"]
    # The case's commune is the one its code names, as in the API's objects.
    assert territory.communes_by_code()[fields["commune"]["code"]].name == fields["commune"]["name"]
    refuge = Refuge(
        id=1,
        name=fields["name"],
        category="other",
        address=fields["address"],
        postcode=fields["postcode"],
        commune_code=fields["commune"]["code"],
        lat=fields["lat"],
        lon=fields["lon"],
        phone=None,
        opening_hours=None,
    )
    assert directions_url(refuge) == case["expected"]


@pytest.mark.parametrize("case", cases("checked_text"))
def test_checked_text(case):
    day = date.fromisoformat(case["day"]) if case["day"] else None
    assert checked_text(day) == case["expected"]
