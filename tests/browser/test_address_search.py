"""The address search in a real browser, against a fake Base Adresse
Nationale on loopback: the best match's nearest refuges at once, the other
matches one tap away, what was typed only ever in one POST body to the
server (never in a URL, a log or the history), and words for every failure.
Without JavaScript the same form is answered by the server."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.test_public_page import card_names
from tests.fake_ban import fake_ban

pytestmark = pytest.mark.browser

TYPED = "rue de la Gare"
MELUN = "Rue de la Gare 77000 Melun"
LE_MEE = "Rue de la Gare 77350 Le Mée-sur-Seine"


@pytest.fixture(scope="module")
def ban(server: Server) -> Iterator[list[str]]:
    with fake_ban() as (url, asked):
        before = dict(server.app.config)
        server.app.config.update(GEOCODER_URL=url, GEOCODER_TIMEOUT=0.5)
        yield asked
        server.app.config.update(before)


def requests_seen(page: Any) -> list[Any]:
    seen: list[Any] = []
    page.context.on("request", lambda request: seen.append(request))
    return seen


def type_address(page: Any, text: str = TYPED) -> None:
    field = page.get_by_label("Adresse (numéro, rue et commune)")
    field.fill(text)
    field.press("Enter")


def wait_for_the_list(page: Any) -> None:
    """Wait until the refuges' list is on the phone (the device answers)."""
    page.evaluate(
        """() => new Promise((resolve) => {
          const check = () => caches.keys().then((names) =>
            names.includes("angela-data-v1") ? resolve() : setTimeout(check, 50));
          check();
        })"""
    )


def test_the_nearest_refuges_to_a_typed_address(open_page, ban, server, caplog, shoot):
    page = open_page("/")
    seen = requests_seen(page)
    wait_for_the_list(page)
    entries = page.evaluate("history.length")
    with caplog.at_level(logging.DEBUG):
        type_address(page)
        expect(page.locator("[data-results-title]")).to_have_text(f"Refuges près de {MELUN}")
    assert card_names(page)[0] == "Hôtel de la Gare"
    expect(page.locator("[data-results-why]")).to_contain_text("de cette adresse")
    expect(page.locator("[data-status]")).to_contain_text(
        "Le premier : Hôtel de la Gare, à moins d'une minute à pied de cette adresse, ouvert."
    )
    expect(page.locator("[data-map-section]")).to_contain_text("Adresse tapée")
    shoot(page, "40-address-results")
    page.get_by_role("button", name=LE_MEE).scroll_into_view_if_needed()
    shoot(page, "41-address-other-matches")
    page.get_by_role("button", name=LE_MEE).click()
    expect(page.locator("[data-results-title]")).to_have_text(f"Refuges près de {LE_MEE}")
    assert card_names(page)[0] == "Cinéma du Mée"  # open, 700 m away; the épicerie is closed
    # What was typed went in two POST bodies to this server, nowhere else.
    carrying = [r for r in seen if TYPED.lower() in (r.post_data or "").lower()]
    assert [(r.method, r.url) for r in carrying] == [
        ("POST", server.url("/api/v1/addresses/search"))
    ]
    assert not [r.url for r in seen if "gare" in r.url.lower()]
    assert "gare" not in caplog.text.lower()
    assert page.url == server.url("/") and page.evaluate("history.length") == entries
    assert len(ban) >= 1


def test_the_address_is_forgotten_when_the_page_is_left(open_page, ban, server):
    page = open_page("/")
    wait_for_the_list(page)
    type_address(page)
    expect(page.locator("[data-results] [data-card]").first).to_be_visible()
    page.evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))"
    )
    expect(page.get_by_label("Adresse (numéro, rue et commune)")).to_have_value("")
    expect(page.locator("[data-address-choices]")).to_be_hidden()
    expect(page.locator("[data-results] [data-card]")).to_have_count(0)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("rien de tel", "Aucune adresse trouvée dans les 20 communes pour « rien de tel »"),
        ("rue en panne", "La recherche d'adresse ne répond pas pour le moment"),
        ("rue lente", "La recherche d'adresse ne répond pas pour le moment"),
    ],
)
def test_every_failure_is_said(open_page, ban, typed, said):
    page = open_page("/")
    wait_for_the_list(page)
    type_address(page, typed)
    expect(page.locator("[data-address-status]")).to_contain_text(said)
    expect(page.locator("[data-results]")).to_be_hidden()


def test_offline_the_page_says_the_search_needs_the_network(open_page, ban, shoot):
    page = open_page("/")
    wait_for_the_list(page)
    page.context.set_offline(True)
    type_address(page)
    status = page.locator("[data-address-status]")
    expect(status).to_contain_text("la recherche d'adresse a besoin du réseau")
    expect(status).to_be_in_viewport()
    shoot(page, "42-address-offline")


def test_without_javascript_the_server_answers(open_page, ban, server, shoot):
    page = open_page("/", java_script_enabled=False)
    type_address(page)
    page.wait_for_url(server.url("/adresse#resultats"))
    expect(page.locator("[data-results-title]")).to_have_text(f"Refuges près de {MELUN}")
    assert card_names(page)[0] == "Hôtel de la Gare"
    shoot(page, "43-address-no-js")
    page.get_by_role("button", name=LE_MEE).click()
    expect(page.locator("[data-results-title]")).to_have_text(f"Refuges près de {LE_MEE}")


def test_the_page_says_where_the_typed_address_goes(open_page):
    page = open_page("/")
    note = page.locator("#adresse-note")
    expect(note).to_contain_text(re.compile("Base Adresse Nationale.*ce site ne la garde pas"))
    field = page.get_by_label("Adresse (numéro, rue et commune)")
    # The browser offers no list of past addresses under the field.
    expect(field).to_have_attribute("autocomplete", "off")
