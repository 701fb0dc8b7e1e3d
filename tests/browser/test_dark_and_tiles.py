"""At night, under the phone's dark setting, the pages turn dark and keep
WCAG AA contrast; and the map tiles, alone, carry a Referer naming the site
(OpenStreetMap's tile servers require one) while everything else sends none."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Server, _note_console, _seed, _serving, browser_app
from tests.browser.test_public_page import FIND, located, popup_shown, search
from tests.browser.test_staff_a11y import PAGES as STAFF_PAGES
from tests.browser.test_staff_a11y import staff_data, staff_pages  # noqa: F401 (staff_data: a fixture)
from tests.fake_tiles import fake_tiles
from tests.places import MELUN_TOWN_HALL, SEINE_PORT_CHURCH

pytestmark = pytest.mark.browser

DARK = {"color_scheme": "dark"}
MELUN = "/?commune=77288"

# The colours the browser computed, as [r, g, b, a] (0–255, alpha 0–1).
COLOURS = """(selectors) => selectors.map((selector) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const parse = (value) => {
    const probe = document.createElement("canvas").getContext("2d");
    probe.fillStyle = value;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  return { color: parse(style.color), background: parse(style.backgroundColor) };
})"""


def luminance(rgb: list[float]) -> float:
    """WCAG relative luminance of an sRGB colour given as 0–255 channels."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: list[float], other: list[float]) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def open_dark(open_page: Callable[..., Any]) -> Callable[..., Any]:
    """Open a public page on a phone set to dark, axe allowed in."""
    return lambda path="/", **options: open_page(path, bypass_csp=True, **DARK, **options)


# --- Task A: dark mode ------------------------------------------------------


def test_under_the_dark_setting_the_page_is_dark_with_light_words(open_page):
    page = open_page("/", **DARK)  # the page's CSP in force: any violation fails
    expect(page.get_by_role("button", name=FIND)).to_be_visible()
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "light dark"
    html, body, lead, button, strip, call = page.evaluate(
        COLOURS, ["html", "body", ".lead", ".find-button", ".emergency", ".emergency a"]
    )
    # The body is transparent over the root's background, the page's paper.
    assert body["background"][3] == 0 or body["background"] == html["background"]
    page_background = html["background"]
    assert luminance(page_background) < 0.02, page_background
    assert luminance(body["color"]) > 0.7, body["color"]
    assert contrast(body["color"], page_background) >= 7
    assert contrast(lead["color"], page_background) >= 4.5
    assert contrast(button["color"], button["background"]) >= 4.5
    # The emergency strip stays clearly red, with white words.
    red, green, blue, _alpha = strip["background"]
    assert red > 150 and red > 3 * green and red > 3 * blue, strip["background"]
    assert call["color"][:3] == [255, 255, 255]
    assert contrast(call["color"], strip["background"]) >= 4.5


def test_the_light_setting_keeps_the_white_page(open_page):
    page = open_page("/", color_scheme="light")
    html, body = page.evaluate(COLOURS, ["html", "body"])
    assert html["background"][:3] == [255, 255, 255]
    assert luminance(body["color"]) < 0.02


def after_search(page: Any) -> None:
    search(page)
    # With a marker's card open on the map, in Leaflet's popup.
    page.locator(".leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup-content [data-card]")).to_be_visible()
    popup_shown(page)


def police_first(page: Any) -> None:
    search(page)
    police = page.locator("[data-results-body] .police-first")
    expect(police).to_be_visible()
    police.scroll_into_view_if_needed()


def commune_list(page: Any) -> None:
    expect(page.locator("[data-results] [data-card]").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # The tiles are blocked here: the note over the map says so.
    expect(page.locator("[data-map-overlay]")).to_contain_text("Fond de carte indisponible")
    page.locator("[data-map-section]").scroll_into_view_if_needed()


def more_numbers(page: Any) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.get_by_text("Autres numéros").click()
    menu = page.locator(".emergency-more")
    expect(menu.get_by_role("link", name=re.compile("^3919"))).to_be_visible()


def nothing(page: Any) -> None:
    page.wait_for_load_state("networkidle")


# name: (path, where she is or None, what to do before checking)
STATES: dict[str, tuple[str, tuple[float, float] | None, Callable[[Any], None]]] = {
    "home": ("/", None, nothing),
    "found": ("/", MELUN_TOWN_HALL, after_search),
    "police-first": ("/", SEINE_PORT_CHURCH, police_first),
    "commune-list": (MELUN, None, commune_list),
    "refuge-more-numbers": ("/refuges/{id}", None, more_numbers),
}


@pytest.fixture(scope="module")
def refuge_id(server: Server) -> int:
    """The id of one public refuge, the Hôtel de la Gare, from the API."""
    with server.app.test_client() as client:
        features = client.get("/api/v1/refuges").get_json()["features"]
    return next(f["id"] for f in features if f["properties"]["name"] == "Hôtel de la Gare")


@pytest.mark.parametrize("name", STATES)
def test_dark_pages_have_no_wcag_aa_violation(open_dark, axe, shoot, refuge_id, name):
    path, place, then = STATES[name]
    page = open_dark(path.format(id=refuge_id), **(located(place) if place else {}))
    then(page)
    shoot(page, f"30-dark-{name}")
    assert axe(page) == []


# The dark setting changes colours and nothing else: the rest of axe's rules
# already ran on these very pages on the phone (test_staff_a11y).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


@pytest.mark.usefixtures("staff_data")
def test_dark_staff_pages_have_no_wcag_aa_violation(open_staff_page, axe, shoot):
    light, found = [], {}
    for name, page in staff_pages(open_staff_page, PHONE, STAFF_PAGES, **DARK):
        body = page.evaluate(COLOURS, ["body"])[0]
        if luminance(body["background"]) >= 0.02:
            light.append(name)
        if name in {"login", "login-error", "merchant-new-errors", "accounts"}:
            shoot(page, f"30-dark-staff-{name}", full_page=True)
        found[name] = axe(page, COLOUR_RULES)
    assert light == []
    assert found == {name: [] for name in STAFF_PAGES}


# --- Task B: the tiles carry the site's origin, nothing else a Referer --------


class Recorder:
    """WSGI middleware noting each request's path and Referer (or None)."""

    def __init__(self, app: Any):
        self.app = app
        self.seen: list[tuple[str, str | None]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        query = environ.get("QUERY_STRING")
        path = environ["PATH_INFO"] + (f"?{query}" if query else "")
        self.seen.append((path, environ.get("HTTP_REFERER")))
        return self.app(environ, start_response)


@pytest.fixture
def tiled_site(tmp_path) -> Iterator[tuple[Server, Recorder, list[Any]]]:
    """The app on loopback with its tiles from a fake tile server, also on
    loopback; yield the server, the app's record of requests, and the tile
    server's."""
    with fake_tiles() as (tile_url, tile_requests):
        app = browser_app(tmp_path / "angela.sqlite3", TILE_URL=tile_url)
        recorder = Recorder(app.wsgi_app)
        app.wsgi_app = recorder  # type: ignore[method-assign]
        _seed(app)
        with _serving(app) as served:
            yield served, recorder, tile_requests


def settled(page: Any, expression: str, timeout_ms: int = 10_000) -> Any:
    """Poll a JavaScript `expression` in the page until it is truthy; return
    its value. (page.wait_for_function with a string, which the page's CSP
    refuses to eval, would not do; this whole function is sent by Playwright.)"""
    return page.evaluate(
        f"""(timeout) => new Promise((resolve, reject) => {{
          const started = performance.now();
          const check = () => {{
            const value = ({expression});
            if (value) return resolve(value);
            if (performance.now() - started > timeout) return reject(new Error("timed out"));
            setTimeout(check, 50);
          }};
          check();
        }})""",
        timeout_ms,
    )


def seen_by(recorder: Recorder, prefix: str, timeout: float = 10.0) -> None:
    """Wait until the app has been asked for a path starting with `prefix`."""
    deadline = time.monotonic() + timeout
    while not any(path.startswith(prefix) for path, _referer in recorder.seen):
        assert time.monotonic() < deadline, f"{prefix} never asked for"
        time.sleep(0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tiles_carry_the_sites_origin_and_nothing_else_a_referer(
    browser, tiled_site, shoot, scheme
):
    served, recorder, tile_requests = tiled_site
    problems: list[str] = []
    # No route here: the tiles must really be fetched from the fake server.
    context = browser.new_context(
        locale="fr-FR", reduced_motion="reduce", color_scheme=scheme, **PHONE
    )
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda message: _note_console(message, problems))
        page.goto(served.url(MELUN))
        section = page.locator("[data-map-section]")
        expect(section).to_be_visible()
        # The tile server's address reaches the page (in the map's data).
        tile_url = served.app.config["TILE_URL"]
        expect(section.locator("[data-map]")).to_have_attribute("data-tile-url", tile_url)
        section.scroll_into_view_if_needed()
        # Every tile shown, from the fake server's PNG.
        loaded = settled(
            page,
            """(() => {
              const tiles = [...document.querySelectorAll("img.leaflet-tile")];
              return tiles.length > 0 && tiles.every((t) => t.complete && t.naturalWidth === 256)
                && tiles.length;
            })()""",
        )
        assert loaded >= 1
        assert page.evaluate(
            "[...document.querySelectorAll('img.leaflet-tile')]"
            ".every((t) => t.referrerPolicy === 'strict-origin')"
        )
        expect(section.locator("[data-map-overlay]")).to_be_hidden()
        # At night the tiles are turned dark, not left the one bright patch.
        dimmed = page.evaluate(
            "getComputedStyle(document.querySelector('.leaflet-tile-pane')).filter"
        )
        assert ("invert(1)" in dimmed) == (scheme == "dark"), dimmed
        expect(section.locator(".leaflet-marker-icon")).to_have_count(5)
        # The page's snapshot of refuges has been asked for, too.
        seen_by(recorder, "/api/v1/refuges/snapshot")
        page.wait_for_load_state("networkidle")
        shoot(page, f"40-tiles-with-referer-{scheme}")
    finally:
        context.close()
    assert not problems, problems

    # The tiles: the site's origin alone, never the page's path or commune.
    tiles = [request for request in tile_requests if request.path.endswith(".png")]
    assert len(tiles) >= loaded
    assert {request.header("Referer") for request in tiles} == {served.base + "/"}

    # Everything asked of the app itself: no Referer at all.
    paths = [path for path, _referer in recorder.seen]
    assert MELUN in paths
    assert any(path.startswith("/static/") and path.endswith(".css") for path in paths)
    assert any(path.startswith("/static/") and path.endswith(".js") for path in paths)
    assert any(path.startswith("/api/v1/refuges/snapshot") for path in paths)
    assert [(path, referer) for path, referer in recorder.seen if referer is not None] == []


def test_the_document_keeps_no_referrer(tiled_site):
    served, _recorder, _tiles = tiled_site
    with served.app.test_client() as client:
        response = client.get(MELUN)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in response.get_data(as_text=True)
    # The tile server is allowed as an image source, and as nothing else.
    policy = response.headers["Content-Security-Policy"]
    port = re.search(r"127\.0\.0\.1:(\d+)", policy)
    assert port and f"img-src 'self' data: http://127.0.0.1:{port.group(1)}" in policy
