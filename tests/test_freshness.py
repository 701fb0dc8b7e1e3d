"""A change saved by one process is served by every other process within
the stated bound: ANGELA_INDEX_POLL_SECONDS plus the rebuild."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from angela.extensions import db
from angela.models import Merchant
from tests.places import MELUN_TOWN_HALL

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 1.0
# The bound checked: the poll interval plus generous room for a slow machine.
BOUND_SECONDS = POLL_SECONDS + 4.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(app, database_url):
    """Two gunicorn workers on the same database as the test process."""
    port = free_port()
    env = {
        **os.environ,
        "ANGELA_DATABASE_URL": database_url,
        "ANGELA_SECRET_KEY": "test-secret",
        "ANGELA_INDEX_POLL_SECONDS": str(POLL_SECONDS),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stderr.close()


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
