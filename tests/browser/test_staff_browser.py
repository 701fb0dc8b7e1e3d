"""The whole registration in a real browser, on a phone: log in, new merchant,
locate the address (fake BAN on loopback), drag the pin, save, and the
refuge is in the public API. Screenshots go to tests/screenshots/staff-*.png."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import AGENT, LAPTOP, PHONE, SCREENSHOTS
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_page(browser: Any, staff_server: str) -> Iterator[Any]:
    context = browser.new_context(**PHONE, locale="fr-FR")
    problems: list[str] = []

    def only_loopback(route: Any) -> None:
        if route.request.url.startswith(staff_server):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not problems, problems


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"staff-{name}.png"), full_page=True)


def test_register_locate_drag_save_and_the_refuge_is_public(staff_page: Any, staff_server: str):
    page = staff_page
    page.goto(staff_server + "/staff/")
    assert "/staff/login" in page.url
    page.get_by_label("Adresse e-mail").fill(AGENT)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    shoot(page, "01-login")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Tableau de bord").wait_for()

    page.goto(staff_server + "/staff/merchants/new")
    page.get_by_label("Nom du lieu").fill("Librairie de l'Hôtel de Ville")
    page.get_by_label("Type de lieu").select_option("shop")
    page.get_by_label("Téléphone (public)").fill("01 64 52 10 00")
    page.get_by_label("Horaires d'ouverture").fill("Tu-Sa 09:30-19:00")
    page.get_by_label("Adresse", exact=True).fill("16 rue Paul Doumer")
    page.get_by_label("Code postal").fill("77000")
    # Enter in the address looks it up (the "Localiser l'adresse" button does too).
    page.get_by_label("Code postal").press("Enter")
    page.locator(".staff-pin").wait_for()
    assert page.get_by_label("Latitude").input_value() == "48.539343"
    assert "Trouvé" in page.locator("[data-locate-status]").inner_text() or "fond de carte" in (
        page.locator("[data-locate-status]").inner_text()
    )
    shoot(page, "02-located")

    page.locator("[data-map-canvas]").scroll_into_view_if_needed()
    pin = page.locator(".staff-pin").bounding_box()
    x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y - 30, steps=8)
    page.mouse.up()
    moved_lat = float(page.get_by_label("Latitude").input_value())
    moved_lon = float(page.get_by_label("Longitude").input_value())
    assert moved_lat > 48.539343 and moved_lon > 2.660290
    shoot(page, "03-pin-moved")

    # Enter anywhere else saves, as the "Enregistrer" button does.
    page.get_by_label("Nom du lieu").press("Enter")
    page.get_by_text("est enregistré sous la référence ANG-0001").wait_for()
    assert "Visible au public" in page.content()
    shoot(page, "04-saved")

    query = f"/api/v1/refuges/nearest?lat={moved_lat}&lon={moved_lon}&limit=1"
    with urllib.request.urlopen(staff_server + query, timeout=5) as response:
        refuges = json.load(response)["refuges"]
    assert refuges[0]["name"] == "Librairie de l'Hôtel de Ville"
    assert refuges[0]["distance_m"] == 0


def test_the_merchant_list_on_a_laptop(browser: Any, staff_server: str):
    context = browser.new_context(**LAPTOP, locale="fr-FR")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(staff_server) else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(staff_server + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(AGENT)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(staff_server + "/staff/merchants")
    shoot(page, "05-list-laptop")
    page.goto(staff_server + "/staff/merchants/new")
    shoot(page, "06-form-laptop")
    context.close()
