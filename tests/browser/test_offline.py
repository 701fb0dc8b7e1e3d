"""The public page with its service worker in headless Chromium on a phone:
the nearest refuge found with the server gone, no request that carries the
position, a staff change seen after a reload, and a deploy that replaces
the old caches.

The tests that stop or change their server run one of their own, served
like the session's (the same refuges), on a port that can be closed mid-test."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from angela.core.walking import WALK_LIMIT_MINUTES
from angela.extensions import db
from angela.models import Merchant
from angela.public.presenters import any_open, open_first
from tests.browser.conftest import PHONE, Server, _seed, browser_app, page_opener
from tests.browser.test_public_page import FIND, card_names, located, search
from tests.places import LE_MEE_CENTRE, MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

SNAPSHOT = "/api/v1/refuges/snapshot"
DATA_CACHE = "angela-data-v1"
SHELL_CACHE = "angela-shell-"
# Resolves once a service worker controls the page, fails after `ms` (CSP
# forbids wait_for_function's eval; page.evaluate is not subject to it).
CONTROLLED = """(ms) => new Promise((resolve, reject) => {
  if (navigator.serviceWorker.controller) {
    resolve();
    return;
  }
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve());
  setTimeout(() => reject(new Error(`no service worker in control after ${ms} ms`)), ms);
})"""
WAIT_MS = 10_000
# Resolves with the cache names once the cache `old` is gone, or after `ms`
# with whatever is there. (A new worker takes control as it starts
# activating, before its activate handler has deleted anything: the
# "controllerchange" event comes too early to look.)
CACHES_WITHOUT = """async ({ old, ms }) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const names = await caches.keys();
    if (!names.includes(old) || Date.now() > deadline) {
      return names;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}"""
KEPT_TEXT = """async ({ cache, url }) => {
  const kept = await (await caches.open(cache)).match(url);
  return kept ? kept.text() : null;
}"""


class _TrackedHandler(WSGIRequestHandler):
    """Notes each open connection on its server, so that stopping the server
    can cut the kept-alive ones too (else the browser would reuse them)."""

    def setup(self) -> None:
        super().setup()
        self.server.live.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        self.server.live.discard(self.connection)  # type: ignore[attr-defined]
        super().finish()


class StoppableServer(Server):
    """A server that can be made unreachable mid-test."""

    def __init__(self, app: Any, wsgi: Any, thread: threading.Thread):
        super().__init__(app, wsgi)
        self.thread = thread

    def stop(self) -> None:
        """Stop serving as a crashed or unreachable server would: the port
        refuses connections and the open ones are cut."""
        self.wsgi.shutdown()
        # The serving thread closes the listening socket on its way out:
        # until it is done, the port may still accept connections.
        self.thread.join(timeout=5)
        self.wsgi.server_close()
        for connection in list(self.wsgi.live):  # type: ignore[attr-defined]
            with suppress(OSError):  # already closed by its handler
                connection.shutdown(socket.SHUT_RDWR)


@contextmanager
def own_server(directory: Path, **config: Any) -> Iterator[StoppableServer]:
    """Serve a new app on the conftest's refuges (SQLite in `directory`,
    `config` added) on a free loopback port, until the end or `stop()`."""
    app = browser_app(directory / "angela.sqlite3", **config)
    _seed(app)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    wsgi = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_TrackedHandler)
    wsgi.live = set()  # type: ignore[attr-defined]
    thread = threading.Thread(target=wsgi.serve_forever, daemon=True)
    thread.start()
    served = StoppableServer(app, wsgi, thread)
    try:
        yield served
    finally:
        served.stop()  # again if stopped already: harmless
        with app.app_context():
            db.engine.dispose()


def open_controlled(open_: Any, place: tuple[float, float]) -> Any:
    """Open `/` on a phone at `place` and wait until its service worker
    (installed, with the app shell and the snapshot kept) controls it."""
    page = open_("/", **PHONE, **located(place))
    page.evaluate(CONTROLLED, WAIT_MS)
    return page


def nearest_url(site: Server, place: tuple[float, float], extra: str = "") -> str:
    return site.url(f"/api/v1/refuges/nearest?lat={place[0]}&lon={place[1]}&limit=5{extra}")


def shell_caches(names: list[str]) -> list[str]:
    return [name for name in names if name.startswith(SHELL_CACHE)]


# --- a. with the server gone -----------------------------------------------------


def test_with_the_server_gone_the_phone_still_finds_the_nearest_open_refuge(
    browser, tmp_path, shoot
):
    with own_server(tmp_path) as site, page_opener(browser, site) as open_:
        page = open_controlled(open_, LE_MEE_CENTRE)
        api = page.request.get(nearest_url(site, LE_MEE_CENTRE)).json()
        assert any_open(api["refuges"], WALK_LIMIT_MINUTES)  # so: open ones first, no more
        expected = open_first(api["refuges"])[0]["name"]
        # The Épicerie is the nearest but closed: open-first order matters here.
        assert api["refuges"][0]["name"] == "Épicerie du Mée" != expected
        search(page)  # online, as a returning visitor did before
        online = card_names(page)
        assert online[0] == expected

        site.stop()
        # The port refuses connections: no server at all, not a browser offline flag.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", site.wsgi.server_port), timeout=2).close()
        page.reload()
        expect(page.get_by_role("button", name=FIND)).to_be_visible()
        search(page)
        assert card_names(page) == online
        expect(page.locator("[data-results-source]")).to_be_visible()
        expect(page.locator("[data-results-source]")).to_contain_text("Hors connexion — liste du ")
        expect(page.get_by_role("status")).to_contain_text(f"Le premier : {expected}")
        shoot(page, "12-offline-results")


# --- b. the position stays on the phone -------------------------------------------

# Distinctive digits, in Melun: no other number on the page looks like them.
SECRET_PLACE = (48.541736, 2.658193)


def spellings(value: float) -> set[str]:
    """The ways a coordinate could be written in a request."""
    dotted = {repr(value)} | {f"{value:.{digits}f}" for digits in (2, 3, 4, 5, 6)}
    return (
        dotted
        | {text.replace(".", ",") for text in dotted}
        | {text.replace(".", "%2C") for text in dotted}
    )


def carries(request: Any, secrets: set[str]) -> list[str]:
    """Return the spellings of the position found in the request."""
    parts = [request.url, request.post_data or ""]
    parts += [f"{name}: {value}" for name, value in request.headers.items()]
    return sorted(secret for secret in secrets if any(secret in part for part in parts))


def test_no_request_carries_the_position(open_page, server):
    page = open_page("/", **located(SECRET_PLACE))
    page.evaluate(CONTROLLED, WAIT_MS)
    page.reload()  # a returning visitor: the page and its list come through the worker
    page.evaluate(CONTROLLED, WAIT_MS)
    seen: list[Any] = []
    page.on("request", lambda request: seen.append(request))
    # The context's requests include the service worker's own fetches.
    page.context.on("request", lambda request: seen.append(request))

    search(page)
    expect(page.locator("[data-map-section] .leaflet-marker-icon")).to_have_count(5)
    expect(page.get_by_role("button", name="Afficher le fond de carte")).to_be_visible()
    # The service worker's fetches are seen too: a snapshot asked for now is
    # answered from the phone's copy and checked by the worker with the server.
    with page.context.expect_event("request", lambda r: r.service_worker is not None) as check:
        page.evaluate("(url) => fetch(url).then((response) => response.ok)", SNAPSHOT)
    assert check.value.url == server.url(SNAPSHOT)

    secrets = spellings(SECRET_PLACE[0]) | spellings(SECRET_PLACE[1])
    assert {"48.54", "48,542", "2.6582", "2.65819"} <= secrets
    leaks = {request.url: found for request in seen if (found := carries(request, secrets))}
    assert leaks == {}
    assert not [r.url for r in seen if "/api/v1/refuges/nearest" in r.url]
    # No map tile either until asked for: its address would locate the person.
    assert not [r.url for r in seen if r.url.startswith("https://tiles.example.invalid/")]
    assert len({r.url for r in seen}) > 1  # the map's files, at least, were seen


# --- c. a staff change reaches the phones -------------------------------------------


def test_a_phone_that_reloads_sees_a_staff_change(browser, tmp_path):
    """A refuge suspended by the staff no longer shows after a reload.

    The bound: every server process notices a change within
    INDEX_POLL_SECONDS (2 s in production, 0 here), and a page uses the new
    list as soon as its service worker's check with the server returns, one
    round trip after the page loaded; a tap before that waits up to 1.5 s
    for it once the position is known, then uses the phone's copy."""
    with own_server(tmp_path, INDEX_POLL_SECONDS=0.0) as site, page_opener(browser, site) as open_:
        page = open_controlled(open_, MELUN_TOWN_HALL)
        search(page)
        assert card_names(page)[0] == "Café de la Mairie"

        with site.app.app_context():
            cafe = db.session.execute(
                select(Merchant).where(Merchant.name == "Café de la Mairie")
            ).scalar_one()
            cafe.training_status = "suspended"
            db.session.commit()

        page.reload()
        search(page)
        names = card_names(page)
        assert "Café de la Mairie" not in names
        assert len(names) == 5
        # Fresh from the server: no line saying the list is an old copy.
        expect(page.locator("[data-results-source]")).to_be_hidden()


# --- d. a new deploy ------------------------------------------------------------------


def test_a_new_deploy_replaces_the_old_caches_and_keeps_the_list(browser, tmp_path):
    new_exit = "https://meteo.example/?apres-deploiement"
    with own_server(tmp_path) as site, page_opener(browser, site) as open_:
        page = open_controlled(open_, MELUN_TOWN_HALL)
        before = page.evaluate("caches.keys()")
        [old_shell] = shell_caches(before)
        assert DATA_CACHE in before
        kept = page.evaluate(KEPT_TEXT, {"cache": DATA_CACHE, "url": SNAPSHOT})
        assert kept is not None

        # Another home page means another worker: what a deploy does.
        assert site.app.config["EXIT_URL"] != new_exit
        site.app.config["EXIT_URL"] = new_exit
        page.reload()
        after = page.evaluate(CACHES_WITHOUT, {"old": old_shell, "ms": WAIT_MS})
        assert old_shell not in after, after
        [new_shell] = shell_caches(after)
        assert new_shell != old_shell
        assert DATA_CACHE in after
        assert page.evaluate(KEPT_TEXT, {"cache": DATA_CACHE, "url": SNAPSHOT}) == kept
        # The page kept for offline use is the new deploy's.
        home = page.evaluate(KEPT_TEXT, {"cache": new_shell, "url": "/"})
        assert home is not None and new_exit in home
        expect(page.get_by_role("link", name="Quitter")).to_have_attribute("href", new_exit)


# --- e. a network that neither answers nor fails ----------------------------------


def test_a_stalled_check_says_the_list_is_the_phones_copy(browser, tmp_path):
    with own_server(tmp_path) as site, page_opener(browser, site) as open_:
        page = open_controlled(open_, MELUN_TOWN_HALL)
        # The worker's check with the server never gets an answer.
        page.context.route(f"**{SNAPSHOT}", lambda route: None)
        page.reload()
        search(page)
        expect(page.locator("[data-results-source]")).to_contain_text("Connexion lente — liste du ")
