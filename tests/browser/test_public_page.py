"""The public page in headless Chromium on a phone: one tap to the nearest
refuge, and still usable with no position, no JavaScript or no map tiles."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from angela.core import territory
from tests.browser.conftest import NEUTRAL_PAGE, REFUGES
from tests.places import LE_MEE_CENTRE, MELUN_TOWN_HALL, SEINE_PORT_CHURCH

pytestmark = pytest.mark.browser

FIND = "Trouver le refuge le plus proche"
VISIBLE_REFUGES = [name for name, *_rest, status in REFUGES if status == "trained"]


def located(place):
    lat, lon = place
    return {"geolocation": {"latitude": lat, "longitude": lon}, "permissions": ["geolocation"]}


def card_names(page):
    return page.locator("[data-results] [data-card] .card-name").all_inner_texts()


def search(page):
    page.get_by_role("button", name=FIND).click()
    expect(page.locator("[data-results] [data-card]").first).to_be_visible()


def expect_emergency_numbers_in_reach(page):
    for name in ("Appeler le 17 Police", "Appeler le 112 Urgences", "Écrire au 114"):
        link = page.get_by_role("link", name=re.compile(name))
        expect(link).to_be_in_viewport()


def popup_shown(within):
    """Wait until the map's popup is fully drawn: opaque (the browser asks
    for reduced motion, so it does not fade in) and no longer moving."""
    popup = within.locator(".leaflet-popup")
    expect(popup).to_have_css("transition-duration", "0s")
    expect(popup).to_have_css("opacity", "1")
    popup.scroll_into_view_if_needed()  # waits until it stays still


def test_one_tap_shows_the_apis_nearest_refuge_first(open_page, server, shoot):
    page = open_page("/", **located(MELUN_TOWN_HALL))
    shoot(page, "01-home")
    api = page.request.get(
        server.url(
            f"/api/v1/refuges/nearest?lat={MELUN_TOWN_HALL[0]}&lon={MELUN_TOWN_HALL[1]}&limit=5"
        )
    ).json()
    search(page)
    names = card_names(page)
    assert names[0] == api["refuges"][0]["name"] == "Café de la Mairie"
    assert len(names) == 5
    assert "Tabac caché" not in names  # suspended: never public
    expect(page.get_by_role("status")).to_contain_text(
        "5 refuges trouvés. Le premier : Café de la Mairie"
    )
    first = page.locator("[data-results] [data-card]").first
    expect(first).to_contain_text("Café")
    expect(first).to_contain_text("40 m à vol d'oiseau · 1 min à pied")
    expect(first).to_contain_text("Ouvert 24 h/24")
    expect(first.get_by_role("link", name=re.compile("^Y aller"))).to_have_attribute(
        "href", api["refuges"][0]["directions_url"]
    )
    expect(first.get_by_role("link", name=re.compile("^Appeler"))).to_have_attribute(
        "href", "tel:+33199001201"
    )
    expect(first).to_contain_text("01 99 00 12 01")
    no_phone = page.locator("[data-card]", has_text="Boulangerie Gambetta")
    expect(no_phone.get_by_role("link", name=re.compile("^Appeler"))).to_have_count(0)
    expect(no_phone).to_contain_text("Horaires non renseignés")
    expect(page.locator(".police-first")).to_have_count(0)
    expect_emergency_numbers_in_reach(page)
    shoot(page, "02-found")


def test_usable_at_200_percent_zoom(open_page, shoot):
    # A 390 px phone (3 device pixels per CSS pixel) zoomed to 200 %: 195 CSS
    # pixels wide, each drawn with 6 device pixels.
    zoomed = {"viewport": {"width": 195, "height": 422}, "device_scale_factor": 6}
    page = open_page("/", **zoomed, **located(MELUN_TOWN_HALL))
    expect(page.get_by_role("button", name=FIND)).to_be_in_viewport()
    search(page)
    expect_emergency_numbers_in_reach(page)
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"{sideways} px of sideways scrolling"
    shoot(page, "11-zoom-200")


def test_open_refuges_come_first(open_page):
    page = open_page("/", **located(LE_MEE_CENTRE))
    search(page)
    names = card_names(page)
    # The Épicerie is nearer but closed; the Cinéma, open, comes first.
    assert names.index("Cinéma du Mée") < names.index("Épicerie du Mée")


def test_nothing_open_nearby_puts_the_police_first(open_page, shoot):
    page = open_page("/", **located(SEINE_PORT_CHURCH))
    search(page)
    body = page.locator("[data-results-body]")
    police = body.locator(".police-first")
    expect(police).to_contain_text("Aucun refuge ouvert à moins de 15 minutes à pied")
    # The police come before any refuge card.
    assert body.locator(":scope > *").first.get_attribute("class") == "police-first"
    expect(police.get_by_role("link", name=re.compile("Appeler le 17"))).to_have_attribute(
        "href", "tel:17"
    )
    # The nearest open refuge, far away, is still offered before the closed ones.
    assert card_names(page)[0] in {"Mairie de Dammarie", "Cinéma du Mée", "Hôtel de la Gare"}
    expect(page.get_by_role("status")).to_contain_text("appelez le 17")
    # Said once, not twice; and the order is said as it is: the open one first.
    expect(page.get_by_role("status")).to_contain_text("le plus proche ouvert est à ")
    expect(page.locator("[data-results-why]")).to_contain_text("en premier, le refuge ouvert")
    shoot(page, "03-police-first")


def test_markers_of_nearby_refuges_never_cover_each_other(open_page):
    page = open_page("/?commune=77288")
    markers = page.locator("[data-map-section] .leaflet-marker-icon")
    expect(markers).to_have_count(5)
    centres = markers.evaluate_all(
        "(all) => all.map((m) => { const r = m.getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })"
    )
    gaps = [math.dist(a, b) for i, a in enumerate(centres) for b in centres[i + 1 :]]
    assert min(gaps) >= 36, gaps


def test_the_card_says_the_same_open_status_as_the_refuge_page(open_page, server):
    page = open_page("/", **located(MELUN_TOWN_HALL))
    search(page)
    card = page.locator("[data-results] [data-card]", has_text="Pharmacie du Centre")
    in_list = card.locator(".card-status").inner_text()
    card.get_by_role("link", name="Pharmacie du Centre", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pharmacie du Centre")
    assert page.locator(".card-status").inner_text() == in_list
    assert re.fullmatch(r"(Ouvert · ferme|Fermé · ouvre) .*\d\d:\d\d", in_list)


def test_position_refused_hands_over_to_the_commune_picker(open_page, shoot):
    page = open_page("/")  # no geolocation permission: the request is refused
    page.get_by_role("button", name=FIND).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Position refusée : choisissez votre commune.")
    # And how to allow it another time.
    expect(status).to_contain_text("« Position » pour ce site")
    picker = page.get_by_label("Commune", exact=True)
    expect(picker).to_be_focused()
    shoot(page, "04-position-refused")
    le_mee = territory.commune_at(*LE_MEE_CENTRE)
    picker.select_option(label=le_mee.name)
    page.get_by_role("button", name="Voir les refuges").click()
    expect(page.get_by_role("heading", name=f"Refuges à {le_mee.name}")).to_be_visible()
    expect(page.locator(".results-why")).to_contain_text(f"vous avez choisi {le_mee.name}")
    assert card_names(page) == ["Cinéma du Mée", "Épicerie du Mée"]
    expect_emergency_numbers_in_reach(page)
    shoot(page, "05-commune-list")


def test_without_javascript_the_commune_form_works(open_page, server, shoot):
    page = open_page("/", java_script_enabled=False)
    # The main action cannot locate without a script: it leads to the picker.
    page.get_by_role("link", name=FIND).click()
    picker = page.get_by_label("Commune", exact=True)
    picker.select_option(label="Melun")
    page.get_by_role("button", name="Voir les refuges").click()
    assert page.url.startswith(server.url("/?commune=77288"))
    names = card_names(page)
    assert set(names) == {"Café de la Mairie", "Pharmacie du Centre", "Boulangerie Gambetta",
                          "Bar du Port", "Hôtel de la Gare"}  # fmt: skip
    # Open at all hours, these two come before the always closed bar.
    assert max(names.index("Café de la Mairie"), names.index("Hôtel de la Gare")) < names.index(
        "Bar du Port"
    )
    expect(page.locator("[data-map-section]")).to_be_hidden()
    exit_link = page.get_by_role("link", name="Quitter")
    expect(exit_link).to_have_attribute("href", server.url(NEUTRAL_PAGE))
    expect(exit_link).to_have_attribute("rel", "noreferrer")
    shoot(page, "06-no-javascript")
    exit_link.click()
    assert page.url == server.url(NEUTRAL_PAGE)


def test_around_her_position_tiles_wait_until_asked_and_blocked_tiles_are_said(open_page, shoot):
    page = open_page("/", **located(MELUN_TOWN_HALL))
    search(page)
    assert len(card_names(page)) == 5
    section = page.locator("[data-map-section]")
    expect(section).to_be_visible()
    expect(section.locator(".leaflet-marker-icon")).to_have_count(5)
    # Tiles around her position would tell the tile server where she is.
    # No tile layer at all until asked: no tile <img> is even created.
    expect(section.locator("[data-map-note]")).to_contain_text("OpenStreetMap")
    expect(section.locator("img.leaflet-tile")).to_have_count(0)
    section.get_by_role("button", name="Afficher le fond de carte").click()
    expect(section.locator("[data-map-overlay]")).to_contain_text("Fond de carte indisponible")
    assert section.locator("img.leaflet-tile").count() > 0
    section.locator(".leaflet-marker-icon").first.click()
    popup = section.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Café de la Mairie")
    expect(popup.get_by_role("link", name=re.compile("^Y aller"))).to_be_visible()
    section.scroll_into_view_if_needed()
    popup_shown(section)
    shoot(page, "07-map-without-tiles")


def test_quick_exit_replaces_the_page_with_no_way_back(open_page, server):
    page = open_page(NEUTRAL_PAGE + "?avant")
    page.goto(server.url("/"))
    page.get_by_role("link", name="Quitter").click()
    page.wait_for_url(server.url(NEUTRAL_PAGE))
    page.go_back()
    # Back leads to the page before, never to the refuge locator.
    assert page.url == server.url(NEUTRAL_PAGE + "?avant")


def test_shift_three_times_leaves_at_once(open_page, server):
    page = open_page(NEUTRAL_PAGE + "?avant")
    page.goto(server.url("/"))
    expect(page.get_by_role("button", name=FIND)).to_be_visible()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(server.url(NEUTRAL_PAGE))
    page.go_back()
    assert page.url == server.url(NEUTRAL_PAGE + "?avant")


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_emergency_numbers_are_two_tab_presses_away(open_page, javascript):
    page = open_page("/", java_script_enabled=javascript)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller aux numéros d'urgence")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile("Appeler le 17"))).to_be_focused()


def test_more_numbers_are_one_tap_away(open_page, shoot):
    page = open_page("/")
    page.get_by_text("Autres numéros").click()
    for number, label in (("15", "SAMU"), ("18", "Pompiers"), ("3919", "pas un numéro d'urgence")):
        link = page.get_by_role("link", name=re.compile(f"^{number} .*{label}"))
        expect(link).to_be_in_viewport()
        expect(link).to_have_attribute("href", f"tel:{number}")
    expect(page.get_by_role("link", name=re.compile("Écrire au 114"))).to_have_attribute(
        "href", "sms:114"
    )
    shoot(page, "08-more-numbers")


def test_refuge_page_and_unknown_refuge(open_page, server, shoot):
    page = open_page("/?commune=77288")
    page.get_by_role("link", name="Hôtel de la Gare", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hôtel de la Gare")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    shoot(page, "09-refuge-page")
    response = page.goto(server.url("/refuges/999999"))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ce refuge n'existe pas ou n'est plus actif"
    )
    shoot(page, "10-refuge-not-found")


@pytest.mark.parametrize(
    ("path", "located_at"),
    [("/", None), ("/", MELUN_TOWN_HALL), ("/?commune=77288", None), ("/refuges/1", None)],
    ids=["home", "after-search", "commune-list", "refuge-page"],
)
def test_axe_finds_no_violation(open_page, axe, path, located_at):
    options = located(located_at) if located_at else {}
    # axe is injected as a <script>, which the page's strict CSP would refuse.
    page = open_page(path, bypass_csp=True, **options)
    if located_at:
        search(page)
        # With a marker's card open on the map, too.
        page.locator(".leaflet-marker-icon").first.click()
        expect(page.locator(".leaflet-popup-content [data-card]")).to_be_visible()
        popup_shown(page)
    else:
        page.wait_for_load_state("networkidle")
    assert axe(page) == []


def test_a_screen_reader_hears_the_whole_summary_and_french_map_controls(open_page):
    page = open_page("/", **located(MELUN_TOWN_HALL))
    button = page.get_by_role("button", name=FIND)
    search(page)
    # The focus stays put while the status line is spoken.
    expect(button).to_be_focused()
    section = page.locator("[data-map-section]")
    expect(section.get_by_role("button", name="Agrandir la carte")).to_be_visible()
    expect(section.get_by_role("button", name="Réduire la carte")).to_be_visible()
    # Every marker is named after its refuge; "you are here" is no tab stop.
    labels = section.locator(".leaflet-marker-icon").evaluate_all(
        "(all) => all.map((m) => m.getAttribute('aria-label'))"
    )
    assert labels == [f"{n}. {name}" for n, name in enumerate(card_names(page), 1)]
    assert section.locator("path.leaflet-interactive").count() == 0
    expect(section.locator(".leaflet-tooltip")).to_have_text("Vous êtes ici")


def test_the_other_numbers_menu_closes_on_a_tap_elsewhere_or_escape(open_page):
    page = open_page("/")
    more = page.locator(".emergency-more")
    page.get_by_text("Autres numéros").click()
    expect(more).to_have_attribute("open", "")
    page.locator("h1").click()
    expect(more).not_to_have_attribute("open", "")
    page.get_by_text("Autres numéros").click()
    page.keyboard.press("Escape")
    expect(more).not_to_have_attribute("open", "")


def test_each_shift_press_of_the_quick_exit_is_counted(open_page):
    page = open_page("/")
    page.keyboard.press("Shift")
    expect(page.locator("[data-exit-count]")).to_have_text("Maj 1/3")
    page.keyboard.press("Shift")
    expect(page.locator("[data-exit-count]")).to_have_text("Maj 2/3")
