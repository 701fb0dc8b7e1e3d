"""A change saved by one process is served by every other process within
the stated bound: ANGELA_INDEX_POLL_SECONDS plus the rebuild."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from angela.extensions import db
from angela.models import Merchant
from tests.places import MELUN_TOWN_HALL
from tests.server import gunicorn

POLL_SECONDS = 1.0
# The bound checked: the poll interval plus generous room for a slow machine.
BOUND_SECONDS = POLL_SECONDS + 4.0


@pytest.fixture
def server(app, database_url, tmp_path):
    """Two gunicorn workers on the same database as the test process."""
    environ = {"ANGELA_INDEX_POLL_SECONDS": str(POLL_SECONDS), "WEB_CONCURRENCY": "2"}
    with gunicorn(database_url, tmp_path / "gunicorn.log", **environ) as base:
        yield base


def served_ids(base: str) -> set[int]:
    lat, lon = MELUN_TOWN_HALL
    url = f"{base}/api/v1/refuges/nearest?lat={lat}&lon={lon}&limit=20"
    with urllib.request.urlopen(url, timeout=5) as response:
        return {refuge["id"] for refuge in json.load(response)["refuges"]}


def seconds_until(condition, base: str) -> float:
    """Poll the server (both workers answer in turn) until every one of
    several consecutive answers meets the condition; return the delay."""
    start = time.monotonic()
    streak = 0
    while time.monotonic() - start < BOUND_SECONDS + 5:
        streak = streak + 1 if condition(served_ids(base)) else 0
        if streak >= 6:
            return time.monotonic() - start
        time.sleep(0.05)
    pytest.fail("the change was never served")


def test_a_change_is_served_by_other_processes_within_the_bound(app, make_merchant, server):
    served_ids(server)  # both workers build their index now
    served_ids(server)
    merchant = make_merchant(name="Nouveau refuge")
    delay = seconds_until(lambda ids: merchant.id in ids, server)
    assert delay <= BOUND_SECONDS

    with app.app_context():
        stored = db.session.get(Merchant, merchant.id)
        stored.training_status = "suspended"
        db.session.commit()
    delay = seconds_until(lambda ids: merchant.id not in ids, server)
    assert delay <= BOUND_SECONDS
