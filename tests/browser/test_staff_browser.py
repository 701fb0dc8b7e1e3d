"""The whole registration in a real browser, on a phone: log in, new merchant,
locate the address (fake BAN on loopback), drag the pin, save, and the
refuge is in the public API; the list and the empty form on a laptop.
Screenshots go to tests/screenshots/staff-*.png."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from angela.extensions import db
from angela.models import Merchant
from tests.browser.conftest import LAPTOP, PHONE, Server, log_in, trained_merchant
from tests.places import LE_MEE_CENTRE

pytestmark = pytest.mark.browser

# Not a generated reference (ANG-0001...), so the registration's stays ANG-0001.
FLORIST = {"ref": "CID-0001", "name": "Fleuriste du Mée", "address": "3 place de la Gare"}


def test_register_locate_drag_save_and_the_refuge_is_public(open_staff_page, staff_server, shoot):
    page = open_staff_page("/staff/", PHONE)
    assert "/staff/login" in page.url
    shoot(page, "staff-01-login", full_page=True)
    log_in(page)
    page.get_by_role("heading", name="Tableau de bord").wait_for()

    page.goto(staff_server + "/staff/merchants/new")
    page.get_by_label("Nom du lieu").fill("Librairie de l'Hôtel de Ville")
    page.get_by_label("Type de lieu").select_option("shop")
    page.get_by_label("Téléphone (public)").fill("01 64 52 10 00")
    # The free text of the hours editor (tests/browser/test_hours_editor.py has the rows).
    page.get_by_label("Texte libre (syntaxe OpenStreetMap)").check()
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
    shoot(page, "staff-02-located", full_page=True)

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
    shoot(page, "staff-03-pin-moved", full_page=True)

    # Enter anywhere else saves, as the "Enregistrer" button does.
    page.get_by_label("Nom du lieu").press("Enter")
    page.get_by_text("est enregistré sous la référence ANG-0001").wait_for()
    assert "Visible au public" in page.content()
    shoot(page, "staff-04-saved", full_page=True)

    query = f"/api/v1/refuges/nearest?lat={moved_lat}&lon={moved_lon}&limit=1"
    with urllib.request.urlopen(staff_server + query, timeout=5) as response:
        refuges = json.load(response)["refuges"]
    assert refuges[0]["name"] == "Librairie de l'Hôtel de Ville"
    assert refuges[0]["distance_m"] == 0


@pytest.fixture
def florist(staff_site: Server) -> Merchant:
    """A trained florist in Le Mée-sur-Seine, in the staff server's database."""
    return trained_merchant(
        staff_site.app, LE_MEE_CENTRE, **FLORIST, category="shop", postcode="77350"
    )


def test_the_merchant_list_and_the_empty_form_on_a_laptop(
    open_staff_page, staff_site, florist, shoot
):
    page = open_staff_page("/staff/login", LAPTOP)
    log_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")

    page.goto(staff_site.url("/staff/merchants"))
    with staff_site.app.app_context():
        total = db.session.execute(db.select(db.func.count(Merchant.id))).scalar()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commerçants ({total})")
    rows = page.locator(".merchant-row")
    expect(rows).to_have_count(total)
    row = rows.filter(has_text=florist.name)
    expect(row.get_by_role("link", name=florist.name)).to_have_attribute(
        "href", f"/staff/merchants/{florist.id}"
    )
    expect(row).to_contain_text("CID-0001")
    expect(row).to_contain_text("Commerce · 3 place de la Gare, Le Mée-sur-Seine")
    expect(row).to_contain_text("Visible au public")
    shoot(page, "staff-05-list-laptop", full_page=True)

    page.goto(staff_site.url("/staff/merchants/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enregistrer un commerçant formé")
    # No position yet: the map waits for "Localiser", the coordinates are empty.
    expect(page.locator("[data-map]")).to_be_hidden()
    expect(page.get_by_role("button", name="Localiser l'adresse")).to_be_visible()
    expect(page.get_by_label("Latitude")).to_have_value("")
    expect(page.get_by_label("Longitude")).to_have_value("")
    # On a laptop the place and its address stand side by side.
    place = page.get_by_role("group", name="Le lieu", exact=True).bounding_box()
    address = page.get_by_role("group", name="Adresse et position").bounding_box()
    assert place["x"] + place["width"] <= address["x"]
    assert abs(place["y"] - address["y"]) < 1
    shoot(page, "staff-06-form-laptop", full_page=True)
