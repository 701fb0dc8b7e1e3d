"""Browser fixtures: the app served on loopback from a temporary SQLite
database of named refuges, and headless Chromium (Debian's package) driven by
Playwright on a phone-sized viewport, with every request that is not to the
test server blocked (so map tiles never load); for the staff face, a second
server with an empty database, one agent and a fake BAN."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from angela import create_app
from angela.core import territory
from angela.core.hours import paris_today
from angela.extensions import db
from angela.models import Merchant
from angela.services import accounts
from tests.conftest import STAFF_PASSWORD, skip_or_fail
from tests.fake_ban import fake_ban
from tests.places import (
    DAMMARIE_TOWN_HALL,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
    SEINE_PORT_CHURCH,
)

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 900}}
AGENT = "agent@cidff77.example"  # the staff server's one account
# Never fetched: every request off the test server is aborted.
TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
NEUTRAL_PAGE = "/neutre"

pytestmark = pytest.mark.browser


def _north_of(place: tuple[float, float], metres: float) -> tuple[float, float]:
    return place[0] + metres / 111_200, place[1]


# name, category, position, opening hours, phone, status
REFUGES: list[tuple[str, str, tuple[float, float], str | None, str | None, str]] = [
    ("Café de la Mairie", "cafe", _north_of(MELUN_TOWN_HALL, 40),
     "24/7", "+33199001201", "trained"),
    ("Pharmacie du Centre", "pharmacy", _north_of(MELUN_TOWN_HALL, 160),
     "Mo-Sa 09:00-19:30; PH off", "+33199001202", "trained"),
    ("Boulangerie Gambetta", "bakery", _north_of(MELUN_TOWN_HALL, 320), None, None, "trained"),
    ("Bar du Port", "bar", _north_of(MELUN_TOWN_HALL, 520), "off", "+33199001204", "trained"),
    ("Hôtel de la Gare", "hotel", MELUN_STATION, "24/7", "+33199001205", "trained"),
    ("Tabac caché", "tobacconist", _north_of(MELUN_TOWN_HALL, 10), "24/7", None, "suspended"),
    ("Épicerie du Mée", "shop", LE_MEE_CENTRE, "off", None, "trained"),
    ("Cinéma du Mée", "cinema", _north_of(LE_MEE_CENTRE, 700), "24/7", "+33199001208", "trained"),
    ("Mairie de Dammarie", "public_service", DAMMARIE_TOWN_HALL, "24/7", None, "trained"),
    ("Auberge de Seine-Port", "restaurant", SEINE_PORT_CHURCH, "off", "+33199001210", "trained"),
]  # fmt: skip


def _seed(app: Flask) -> None:
    trained_on = paris_today() - timedelta(days=60)
    with app.app_context():
        db.create_all()
        for number, (name, category, (lat, lon), hours, phone, status) in enumerate(REFUGES, 1):
            commune = territory.commune_at(lat, lon)
            assert commune is not None, name
            db.session.add(
                Merchant(
                    ref=f"ANG-{number:04d}",
                    name=name,
                    category=category,
                    address=f"{number} rue de l'Essai",
                    postcode="77000",
                    commune_code=commune.code,
                    lat=lat,
                    lon=lon,
                    phone=phone,
                    opening_hours=hours,
                    training_status=status,
                    trained_on=trained_on,
                )
            )
        db.session.commit()


def trained_merchant(app: Flask, position: tuple[float, float], **fields: Any) -> Merchant:
    """Store a merchant trained 30 days ago at `position` in `app`'s database
    and return it detached (readable after the app context ends)."""
    lat, lon = position
    with app.app_context():
        merchant = Merchant(
            lat=lat, lon=lon, commune_code=territory.commune_at(lat, lon).code,
            training_status="trained", trained_on=paris_today() - timedelta(days=30), **fields,
        )  # fmt: skip
        db.session.add(merchant)
        db.session.commit()
        db.session.refresh(merchant)
        db.session.expunge(merchant)
        return merchant


class Server:
    def __init__(self, app: Flask, wsgi: BaseWSGIServer):
        self.app, self.wsgi = app, wsgi
        self.base = f"http://127.0.0.1:{wsgi.server_port}"

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def _serving(app: Flask) -> Iterator[Server]:
    """Serve `app` on a free loopback port from a thread, for the browser."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    wsgi = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=wsgi.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(app, wsgi)
    finally:
        wsgi.shutdown()
        thread.join(timeout=5)
        wsgi.server_close()
        with app.app_context():
            db.engine.dispose()


def browser_app(database: Path, **config: Any) -> Flask:
    """Return an app for the browser on the SQLite file `database`, its
    tiles at the never-fetched TILE_URL unless `config` says otherwise."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "TILE_URL": TILE_URL,
            **config,
        }
    )


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    app = browser_app(tmp_path_factory.mktemp("browser") / "angela.sqlite3")
    # A stand-in for the neutral site of the quick exit (no network here).
    app.add_url_rule(NEUTRAL_PAGE, "neutral", lambda: "<!doctype html><title>Météo</title><p>Météo")
    _seed(app)
    with _serving(app) as served:
        app.config["EXIT_URL"] = served.url(NEUTRAL_PAGE)
        yield served


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on loopback with an empty database, one agent, and the fake BAN."""
    database = tmp_path_factory.mktemp("staff-browser") / "angela.sqlite3"
    with fake_ban() as (ban_url, _requests):
        app = browser_app(database, GEOCODER_URL=ban_url, INDEX_POLL_SECONDS=0.0)
        with app.app_context():
            db.create_all()
            accounts.create_user(AGENT, STAFF_PASSWORD, "agent", actor=None)
        with _serving(app) as served:
            yield served


@pytest.fixture(scope="module")
def staff_server(staff_site: Server) -> str:
    """The base URL of `staff_site`."""
    return staff_site.base


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """Playwright itself, once per run (a second one cannot start beside it)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Any) -> Iterator[Any]:
    launched = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@contextmanager
def page_opener(browser: Any, site: Server) -> Iterator[Callable[..., Any]]:
    """Yield a function opening a path of `site` in a new browser context
    (its options go to the context); any Content-Security-Policy violation
    or script error fails the test. The browser asks for reduced motion, so
    nothing waits for an animation to end."""
    contexts: list[Any] = []
    problems: list[str] = []

    def open_(path: str, **options: Any) -> Any:
        context = browser.new_context(**{"locale": "fr-FR", "reduced_motion": "reduce", **options})
        contexts.append(context)
        context.route("**/*", _only_test_server(site.base))
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda message: _note_console(message, problems))
        page.goto(site.url(path))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def open_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Return a function opening a phone-sized public page (options go to
    the browser context: geolocation, permissions, java_script_enabled...)."""
    with page_opener(browser, server) as open_:
        yield lambda path="/", **options: open_(path, **{**PHONE, **options})


@pytest.fixture
def open_staff_page(browser: Any, staff_site: Server) -> Iterator[Callable[..., Any]]:
    """Return a function opening a page of the staff server on a device
    (PHONE or LAPTOP; more options go to the browser context, bypass_csp for axe)."""
    with page_opener(browser, staff_site) as open_:
        yield lambda path, device, **options: open_(path, **device, **options)


def log_in(page: Any, email: str = AGENT) -> None:
    """Fill and send the staff login form shown on `page`."""
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def _only_test_server(base: str) -> Callable[[Any], None]:
    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(base):
            request_route.continue_()
        else:
            request_route.abort()

    return route


def _note_console(message: Any, problems: list[str]) -> None:
    text = message.text
    if "Content Security Policy" in text or (
        message.type == "error" and "Failed to load resource" not in text
    ):
        problems.append(f"console {message.type}: {text}")


@pytest.fixture
def shoot() -> Callable[[Any, str], Path]:
    """Save a screenshot of the page's viewport in tests/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page: Any, name: str, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def axe() -> Callable[..., list[dict[str, Any]]]:
    """Return a function that runs axe-core (WCAG 2.0/2.1 A and AA, or only
    the named rules) on a page and returns its violations."""
    if not AXE.exists():
        skip_or_fail(f"axe-core not found at {AXE} (run `make setup`, which runs npm ci)")

    def run(page: Any, rules: list[str] | None = None) -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE))
        only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
        result = page.evaluate("(only) => axe.run(document, {runOnly: only})", only)
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"]]}
            for v in result["violations"]
        ]

    return run
