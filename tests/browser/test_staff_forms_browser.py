"""Errors that lead to the field, and the rest of issue 13's list, in real
Chromium on a phone and a laptop: the focus on the error summary and its
links, the title; the staff 403 page; the merchant page's public link and
small map without tiles; the dashboard; the phone menu and the save bar;
« Utiliser ma position » with a mocked position; axe on each page.
Screenshots go to /tmp/shots/D-errors/ (and tests/screenshots/)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from angela.core import territory
from angela.models import Merchant
from angela.services import accounts
from tests.browser.conftest import LAPTOP, PHONE, SCREENSHOTS, Server, log_in, trained_merchant
from tests.conftest import STAFF_PASSWORD
from tests.places import LE_MEE_CENTRE

pytestmark = pytest.mark.browser

VIEWER = "lecture@cidff77.example"
DEVICES = {"phone": PHONE, "laptop": {**LAPTOP, "viewport": {"width": 1280, "height": 800}}}
SHOTS = Path(tempfile.gettempdir(), "shots", "D-errors")


@pytest.fixture(scope="module")
def bakery(staff_site: Server) -> Merchant:
    """A public bakery in Le Mée-sur-Seine, and a viewer's account."""
    with staff_site.app.app_context():
        accounts.create_user(VIEWER, STAFF_PASSWORD, "viewer", actor=None)
    return trained_merchant(
        staff_site.app, LE_MEE_CENTRE, ref="ANG-0900", name="Boulangerie du Mée",
        category="bakery", address="3 place de la Gare", postcode="77350",
    )  # fmt: skip


@pytest.fixture
def shot() -> Iterator[Callable[[Any, str], None]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page: Any, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-screen.png"))  # what the person sees
        page.screenshot(path=str(SCREENSHOTS / f"staff-d-{name}.png"), full_page=True)

    yield save


def logged_in(open_staff_page: Callable[..., Any], device: str, email: str | None = None) -> Any:
    page = open_staff_page("/staff/login", DEVICES[device], bypass_csp=True)
    log_in(page, *([email] if email else []))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    return page


def focused_id(page: Any) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("device", DEVICES)
def test_the_merchant_form_errors_take_the_focus_and_lead_to_each_field(
    open_staff_page, staff_site, bakery, axe, shot, device
):
    page = logged_in(open_staff_page, device)
    page.goto(staff_site.url("/staff/merchants/new"))
    expect(page.get_by_label("Type de lieu")).to_have_value("")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Il y a un problème")
    assert page.title().startswith("Erreur : Enregistrer un commerçant formé")
    expect(summary).to_be_in_viewport()
    shot(page, f"merchant-form-errors-{device}")
    assert axe(page) == []

    summary.get_by_role("link", name="Choisissez le type de lieu.").click()
    expect(page.get_by_label("Type de lieu")).to_be_focused()
    summary.get_by_role("link", name="Saisissez le code postal.").click()
    expect(page.get_by_label("Code postal")).to_be_focused()
    expect(page.get_by_label("Code postal")).to_be_in_viewport()


@pytest.mark.parametrize("device", DEVICES)
def test_the_save_bar_stays_in_reach_on_a_long_form(open_staff_page, staff_site, bakery, device):
    page = logged_in(open_staff_page, device)
    page.goto(staff_site.url("/staff/merchants/new"))
    save = page.locator(".save-bar").get_by_role("button", name="Enregistrer")
    expect(save).to_be_in_viewport()
    page.get_by_label("Nom du lieu").focus()
    page.mouse.wheel(0, 900)
    expect(save).to_be_in_viewport()


def test_the_login_and_password_errors_take_the_focus(open_staff_page, staff_site, bakery):
    page = open_staff_page("/staff/login", PHONE)
    page.get_by_label("Adresse e-mail").fill("personne@cidff77.example")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Erreur : Connexion")
    page.locator(".error-summary a").click()
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()

    log_in(page)
    page.goto(staff_site.url("/staff/password"))
    page.get_by_label("Nouveau mot de passe (12").fill("court")
    page.get_by_role("button", name="Changer le mot de passe").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary a")).to_have_count(3)
    assert page.title().startswith("Erreur : Mon mot de passe")


def test_the_support_form_errors_take_the_focus(open_staff_page, staff_site, bakery):
    page = logged_in(open_staff_page, "phone")
    page.goto(staff_site.url("/staff/support/new"))
    page.get_by_label("Code postal").fill("7700")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_focused()
    page.locator(".error-summary").get_by_role("link", name="Saisissez le nom du service.").click()
    expect(page.get_by_label("Nom", exact=True)).to_be_focused()


@pytest.mark.parametrize("device", DEVICES)
def test_a_viewer_gets_the_staff_403_page_with_the_read_only_sign(
    open_staff_page, staff_site, bakery, axe, shot, device
):
    page = logged_in(open_staff_page, device, VIEWER)
    expect(page.locator(".staff-header .badge-readonly")).to_have_text("Lecture seule")
    response = page.goto(staff_site.url("/staff/admin/users"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.get_by_role("link", name="Revenir au tableau de bord")).to_be_visible()
    expect(page.locator("a[href^='tel:']")).to_have_count(0)
    shot(page, f"staff-403-{device}")
    assert axe(page) == []


@pytest.mark.parametrize("device", DEVICES)
def test_the_merchant_page_shows_its_public_link_and_a_map_without_tiles(
    open_staff_page, staff_site, bakery, axe, shot, device
):
    page = logged_in(open_staff_page, device, VIEWER)
    page.goto(staff_site.url(f"/staff/merchants/{bakery.id}"))
    expect(page.get_by_role("link", name="Voir la fiche publique")).to_have_attribute(
        "href", f"/refuges/{bakery.id}"
    )
    expect(page.locator("main .badge-readonly")).to_be_visible()
    pin = page.locator("[data-merchant-map] .staff-pin")
    expect(pin).to_be_visible()
    box, pin_box = page.locator("[data-map-canvas]").bounding_box(), pin.bounding_box()
    assert box["x"] < pin_box["x"] < box["x"] + box["width"]
    assert box["y"] < pin_box["y"] < box["y"] + box["height"]
    expect(page.locator("[data-map-status]")).to_contain_text("fond de carte ne se charge pas")
    shot(page, f"merchant-page-{device}")
    assert axe(page) == []


@pytest.mark.parametrize("device", DEVICES)
def test_the_dashboard_on_a_phone_and_a_laptop(
    open_staff_page, staff_site, bakery, axe, shot, device
):
    page = logged_in(open_staff_page, device)
    rows = page.locator("table.communes tbody tr")
    expect(rows).to_have_count(len(territory.communes()))
    expect(rows.last).to_contain_text("Le Mée-sur-Seine")
    expect(rows.last).to_contain_text("un seul")
    tile = page.locator(".tile").first
    expect(tile.locator(".tile-more")).to_have_text("Voir la liste →")
    header = page.locator(".staff-header").bounding_box()
    # Two lines on a phone (brand and account, then the pages), one on a laptop.
    assert header["height"] < (120 if device == "phone" else 70), header
    page.get_by_text("Mon compte").click()
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    shot(page, f"dashboard-{device}")
    assert axe(page) == []


def test_use_my_position_fills_the_coordinates_and_moves_the_pin(
    open_staff_page, staff_site, bakery
):
    lat, lon = LE_MEE_CENTRE
    page = open_staff_page(
        "/staff/login", PHONE,
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 12},
        permissions=["geolocation"],
    )  # fmt: skip
    log_in(page)
    page.goto(staff_site.url("/staff/merchants/new"))
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_label("Latitude")).to_have_value(f"{lat:.6f}")
    expect(page.get_by_label("Longitude")).to_have_value(f"{lon:.6f}")
    expect(page.locator("[data-map] .staff-pin")).to_be_visible()
    expect(page.locator("[data-locate-status]")).to_contain_text("à 12 m près")


def test_a_refused_position_is_said_in_french(open_staff_page, staff_site, bakery):
    page = open_staff_page("/staff/login", PHONE)  # no permission: the browser refuses
    log_in(page)
    page.goto(staff_site.url("/staff/merchants/new"))
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.locator("[data-locate-status] .error")).to_contain_text("Position refusée")
    expect(page.get_by_label("Latitude")).to_have_value("")


def test_without_javascript_there_is_no_position_button(open_staff_page, staff_site, bakery):
    page = open_staff_page("/staff/login", PHONE, java_script_enabled=False)
    log_in(page)
    page.goto(staff_site.url("/staff/merchants/new"))
    expect(page.get_by_role("button", name="Utiliser ma position")).to_have_count(0)
