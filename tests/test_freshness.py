"""A change saved by one process is served by every other process within
the stated bound: ANGELA_INDEX_POLL_SECONDS plus the rebuild.

The test's access log names the worker that answered each request, so the
test sees each worker answer with the old data, then with the new: a worker
that did not save the change can only learn of it by polling the revision
counter."""

from __future__ import annotations

import itertools
import json
import re
import time
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import STAFF_PASSWORD
from tests.places import MELUN_TOWN_HALL
from tests.server import gunicorn

POLL_SECONDS = 1.0
# The bound checked: the poll interval plus generous room for a slow machine.
BOUND_SECONDS = POLL_SECONDS + 4.0
WORKERS = 2
# The worker's pid and the test's number for the request; like the
# repository's format, never the query string nor the client address.
ACCESS_LOG_FORMAT = '%(p)s %({x-test-request}i)s "%(m)s %(U)s" %(s)s'
ACCESS_LINE = re.compile(r'^<(?P<pid>\d+)> (?P<number>\d+) "(?P<method>[A-Z]+) ', re.MULTILINE)
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')


class Server:
    """The gunicorn server, asked by numbered requests that its access log
    ties to the worker that answered them; the cookies of a staff session."""

    def __init__(self, base: str, log_path: Path):
        self.base, self.log_path = base, log_path
        self.numbers = itertools.count(1)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def ask(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        """Send a GET (a POST with `form`); return its number and the body."""
        number = next(self.numbers)
        data = urlencode(form).encode() if form is not None else None
        headers = {"X-Test-Request": str(number)}
        with self.opener.open(urllib.request.Request(self.base + path, data, headers)) as answer:
            return number, answer.read().decode()

    def worker(self, number: int, method: str = "GET") -> int:
        """Return the pid of the worker that answered request `number` (it
        writes the log line just after the answer, so wait for it)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for line in ACCESS_LINE.finditer(self.log_path.read_text(errors="replace")):
                if int(line["number"]) == number and line["method"] == method:
                    return int(line["pid"])
            time.sleep(0.02)
        pytest.fail(f"no access log line for request {number}")

    def served_ids(self) -> tuple[int, set[int]]:
        """Return which worker answered a nearest lookup, and the refuges' ids."""
        lat, lon = MELUN_TOWN_HALL
        number, body = self.ask(f"/api/v1/refuges/nearest?lat={lat}&lon={lon}&limit=20")
        return self.worker(number), {refuge["id"] for refuge in json.loads(body)["refuges"]}


@pytest.fixture
def server(app, database_url, tmp_path):
    """Two gunicorn workers on the same database as the test process."""
    environ = {"ANGELA_INDEX_POLL_SECONDS": str(POLL_SECONDS), "WEB_CONCURRENCY": str(WORKERS)}
    log_path = tmp_path / "gunicorn.log"
    options = ("--access-logformat", ACCESS_LOG_FORMAT)
    with gunicorn(database_url, log_path, *options, **environ) as base:
        yield Server(base, log_path)


def until_every_worker(
    server: Server, condition: Callable[[set[int]], bool]
) -> tuple[float, set[int]]:
    """Ask until each worker has answered with the condition met; fail if a
    worker that met it answers without it again. Return the delay and the
    workers' pids."""
    start = time.monotonic()
    met: set[int] = set()
    while time.monotonic() - start < BOUND_SECONDS + 5:
        pid, ids = server.served_ids()
        if condition(ids):
            met.add(pid)
        else:
            assert pid not in met, f"worker {pid} went back to the old data"
        if len(met) == WORKERS:
            return time.monotonic() - start, met
        time.sleep(0.05)
    pytest.fail(f"only workers {sorted(met)} served the change")


def csrf_token(server: Server, path: str) -> str:
    """Return the CSRF token of the staff form at `path`."""
    _number, page = server.ask(path)
    token = CSRF_FIELD.search(page)
    assert token, page
    return token[1]


def log_in(server: Server, email: str) -> None:
    form = {"csrf_token": csrf_token(server, "/staff/login"), "email": email}
    _number, page = server.ask("/staff/login", {**form, "password": STAFF_PASSWORD})
    assert "<h1>Tableau de bord</h1>" in page


def suspend(server: Server, merchant_id: int) -> int:
    """Suspend the merchant through the staff face; return the pid of the
    worker that saved it."""
    detail = f"/staff/merchants/{merchant_id}"
    _number, page = server.ask(detail)
    token, version = CSRF_FIELD.search(page), VERSION_FIELD.search(page)
    assert token and version, page
    form = {"csrf_token": token[1], "version": version[1], "reason": "Essai"}
    number, page = server.ask(f"{detail}/status/suspend", form)
    assert "est suspendu" in page
    return server.worker(number, "POST")


def test_a_change_is_served_by_other_processes_within_the_bound(make_merchant, make_user, server):
    # Every worker builds its snapshot, without the refuge to come.
    _delay, workers = until_every_worker(server, lambda ids: True)
    # Saved by the test process: no worker saved it.
    merchant = make_merchant(name="Nouveau refuge")
    delay, served_it = until_every_worker(server, lambda ids: merchant.id in ids)
    assert delay <= BOUND_SECONDS
    assert served_it == workers

    log_in(server, make_user("agent"))
    saver = suspend(server, merchant.id)
    delay, served_it = until_every_worker(server, lambda ids: merchant.id not in ids)
    assert delay <= BOUND_SECONDS
    # The worker that did not save the change served the refuge until now,
    # and drops it too.
    others = workers - {saver}
    assert saver in workers and others
    assert others <= served_it
