"""Leaving without a way back, with the browser's back-forward cache on (as
on phones; Playwright turns it off unless told not to): moves inside the app
add no history entry, so after the quick exit Back leads to the site before;
a page the cache shows again holds nothing of hers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, NEUTRAL_PAGE, PHONE, Server, page_opener
from tests.browser.test_public_page import card_names, located, search
from tests.places import MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

# Notes every pageshow, and whether the page came from the back-forward cache.
SHOWS = """window.__shows = [];
window.addEventListener("pageshow", (event) => window.__shows.push(event.persisted));"""


@pytest.fixture(scope="module")
def cached_browser(playwright_session: Any) -> Iterator[Any]:
    launched = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield launched
    launched.close()


@pytest.fixture
def open_cached(cached_browser: Any, server: Server) -> Iterator[Any]:
    with page_opener(cached_browser, server) as open_:

        def opened(path: str, **options: Any) -> Any:
            page = open_(path, **{**PHONE, "service_workers": "block", **options})
            page.add_init_script(SHOWS)
            return page

        yield opened


def test_the_back_forward_cache_is_really_on(open_cached, server):
    page = open_cached(NEUTRAL_PAGE + "?avant")
    page.reload()  # with the pageshow notes
    page.goto(server.url(NEUTRAL_PAGE + "?apres"))
    page.go_back(wait_until="commit")
    assert page.evaluate("window.__shows") == [False, True]


def test_results_are_gone_when_back_restores_the_page(open_cached, server, shoot):
    page = open_cached("/", **located(MELUN_TOWN_HALL))
    page.reload()  # with the pageshow notes
    search(page)
    assert card_names(page)
    page.goto(server.url(NEUTRAL_PAGE + "?ailleurs"))
    page.go_back(wait_until="commit")
    # Shown again from the cache, it starts afresh: none of her results.
    expect(page.get_by_role("button", name="Trouver le refuge le plus proche")).to_be_visible()
    expect(page.locator("[data-results] [data-card]")).to_have_count(0)
    expect(page.locator("[data-status]")).to_have_text("")
    shoot(page, "25-back-after-results")


def test_after_moves_inside_the_app_the_quick_exit_leaves_no_way_back(open_cached, server):
    page = open_cached(NEUTRAL_PAGE + "?avant")
    page.goto(server.url("/"))
    entries = page.evaluate("history.length")
    # The commune form, a refuge page, a link within the page, home again.
    page.select_option("#commune", "77288")
    page.get_by_role("button", name="Voir les refuges").click()
    page.wait_for_url("**/?commune=77288#resultats")
    page.locator("[data-results] [data-card] .card-name a").first.click()
    page.wait_for_url("**/refuges/*")
    page.get_by_role("link", name="Aller au contenu").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()
    page.get_by_role("link", name="Trouver le refuge le plus proche").click()
    page.wait_for_url(server.url("/"))
    assert page.evaluate("history.length") == entries
    page.get_by_role("link", name="Quitter").click()
    page.wait_for_url(server.url(NEUTRAL_PAGE))
    page.go_back(wait_until="commit")
    assert page.url == server.url(NEUTRAL_PAGE + "?avant")


def test_the_page_says_how_to_erase_the_history(open_cached):
    page = open_cached("/")
    expect(page.locator("footer")).to_contain_text("effacez ce site de l'historique")
