"""The opening-hours editor in a real browser: rows typed on a phone with
ranges added and removed, the French reading following as one types, the
value saved; an existing value read back into the rows on a laptop; the
free text for what the rows cannot say; the same form without JavaScript.
Screenshots go to tests/screenshots/hours-*.png."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from angela.core import territory
from angela.core.hours import paris_today
from angela.extensions import db
from angela.models import Merchant
from tests.browser.conftest import LAPTOP, PHONE, Server, log_in
from tests.places import DAMMARIE_TOWN_HALL, LE_MEE_CENTRE, MELUN_STATION, MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

READING = "[data-hours-reading-text]"


def stored_hours(site: Server, name: str) -> str | None:
    with site.app.app_context():
        query = db.select(Merchant.opening_hours).filter_by(name=name)
        return db.session.execute(query).scalar_one()


def add_merchant(site: Server, name: str, hours: str, position: tuple[float, float]) -> int:
    lat, lon = position
    with site.app.app_context():
        merchant = Merchant(
            ref=f"HRS-{abs(hash(name)) % 10000:04d}", name=name, category="bar",
            address="1 place de l'Essai", postcode="77000", lat=lat, lon=lon,
            commune_code=territory.commune_at(lat, lon).code, opening_hours=hours,
            training_status="trained", trained_on=paris_today() - timedelta(days=30),
        )  # fmt: skip
        db.session.add(merchant)
        db.session.commit()
        return merchant.id


def fill_place(page: Any, name: str, position: tuple[float, float]) -> None:
    page.get_by_label("Nom du lieu").fill(name)
    page.get_by_label("Type de lieu").select_option("bar")
    page.get_by_label("Adresse", exact=True).fill("2 rue de l'Essai")
    page.get_by_label("Code postal").fill("77000")
    page.get_by_label("Latitude").fill(f"{position[0]:.6f}")
    page.get_by_label("Longitude").fill(f"{position[1]:.6f}")


def set_range(page: Any, day: str, number: int, opens: str, closes: str) -> None:
    page.get_by_label(f"Ouverture {day}, plage {number}").fill(opens)
    page.get_by_label(f"Fermeture {day}, plage {number}").fill(closes)


def test_rows_typed_on_a_phone_are_read_aloud_and_saved(open_staff_page, staff_site, axe):
    page = open_staff_page("/staff/login", PHONE, bypass_csp=True)  # for axe's script
    log_in(page)
    page.goto(staff_site.url("/staff/merchants/new"))
    fill_place(page, "Bar des Horaires", MELUN_STATION)
    editor = page.locator("[data-hours-editor]")
    # With the script: the rows are chosen, the free text is out of the way,
    # and each day shows a single blank range.
    expect(page.get_by_label("Saisie par jour")).to_be_checked()
    expect(page.get_by_label("Horaires d'ouverture")).to_be_hidden()
    expect(editor.locator("[data-hours-span]")).to_have_count(7)
    expect(page.locator(READING)).to_have_text("Horaires non renseignés")

    for day in ("mardi", "mercredi", "jeudi", "vendredi", "samedi"):
        set_range(page, day, 1, "07:00", "19:30")
    page.get_by_label("Fermé les jours fériés").check()
    expect(page.locator(READING)).to_have_text(
        "Du mardi au samedi de 7 h à 19 h 30, fermé le dimanche, le lundi et les jours fériés"
    )
    expect(editor.locator("[data-hours-osm]")).to_have_text("Tu-Sa 07:00-19:30; PH off")

    # A second range on Saturday, past midnight; one on Friday added then removed.
    page.get_by_role("button", name="Ajouter une plage le samedi").click()
    expect(page.get_by_label("Ouverture samedi, plage 2")).to_be_focused()
    set_range(page, "samedi", 2, "21:00", "02:00")
    page.get_by_role("button", name="Ajouter une plage le vendredi").click()
    set_range(page, "vendredi", 2, "20:00", "23:00")
    page.get_by_role("button", name="Retirer la plage 2 du vendredi").click()
    expect(page.get_by_label("Ouverture vendredi, plage 2")).to_have_count(0)
    page.get_by_label("Dimanche : état").select_option("always")
    expect(page.get_by_label("Ouverture dimanche, plage 1")).to_be_hidden()
    expected = (
        "Du mardi au vendredi de 7 h à 19 h 30, le samedi de 7 h à 19 h 30 et de 21 h à 2 h "
        "le lendemain, le dimanche 24 h/24, fermé le lundi et les jours fériés"
    )
    expect(page.locator(READING)).to_have_text(expected)
    editor.scroll_into_view_if_needed()
    page.screenshot(path="tests/screenshots/hours-01-rows-phone.png", full_page=True)
    editor.screenshot(path="tests/screenshots/hours-02-editor-phone.png")
    assert axe(page) == []

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("est enregistré sous la référence").wait_for()
    assert stored_hours(staff_site, "Bar des Horaires") == (
        "Tu-Fr 07:00-19:30, Sa 07:00-19:30,21:00-02:00, Su 00:00-24:00; PH off"
    )


def test_a_wrong_range_is_said_at_once(open_staff_page, staff_site):
    page = open_staff_page("/staff/login", PHONE)
    log_in(page)
    page.goto(staff_site.url("/staff/merchants/new"))
    page.get_by_label("Ouverture lundi, plage 1").fill("09:00")
    expect(page.locator(READING)).to_have_text(
        "Lundi, plage 1 : indiquez l'heure d'ouverture et l'heure de fermeture."
    )
    expect(page.locator(READING)).to_have_class("error")


def test_an_existing_value_comes_back_in_rows_on_a_laptop(open_staff_page, staff_site):
    merchant_id = add_merchant(
        staff_site, "Le Zinc", "Mo-Th 17:00-01:00, Fr-Sa 17:00-02:00; PH off", LE_MEE_CENTRE
    )
    page = open_staff_page("/staff/login", LAPTOP)
    log_in(page)
    page.goto(staff_site.url(f"/staff/merchants/{merchant_id}/edit"))
    expect(page.get_by_label("Saisie par jour")).to_be_checked()
    expect(page.get_by_label("Ouverture lundi, plage 1")).to_have_value("17:00")
    expect(page.get_by_label("Fermeture samedi, plage 1")).to_have_value("02:00")
    expect(page.get_by_label("Dimanche : état")).to_have_value("closed")
    expect(page.get_by_label("Fermé les jours fériés")).to_be_checked()
    expect(page.locator(READING)).to_have_text(
        "Du lundi au jeudi de 17 h à 1 h le lendemain, le vendredi et le samedi de 17 h à 2 h "
        "le lendemain, fermé le dimanche et les jours fériés"
    )
    page.locator("[data-hours-editor]").scroll_into_view_if_needed()
    page.screenshot(path="tests/screenshots/hours-03-edit-laptop.png", full_page=True)

    page.get_by_label("Fermeture jeudi, plage 1").fill("03:00")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Modifications enregistrées").wait_for()
    assert stored_hours(staff_site, "Le Zinc") == (
        "Mo-We 17:00-01:00, Th 17:00-03:00, Fr,Sa 17:00-02:00; PH off"
    )


def test_what_the_rows_cannot_say_stays_in_free_text(open_staff_page, staff_site):
    merchant_id = add_merchant(
        staff_site, "Cinéma d'été", "Jun-Aug We-Su 14:00-23:30", DAMMARIE_TOWN_HALL
    )
    page = open_staff_page("/staff/login", LAPTOP)
    log_in(page)
    page.goto(staff_site.url(f"/staff/merchants/{merchant_id}/edit"))
    expect(page.get_by_label("Texte libre (syntaxe OpenStreetMap)")).to_be_checked()
    expect(page.get_by_text("la saisie par jour ne sait pas écrire")).to_be_visible()
    expect(page.get_by_label("Ouverture lundi, plage 1")).to_be_hidden()
    text = page.get_by_label("Horaires d'ouverture")
    expect(text).to_have_value("Jun-Aug We-Su 14:00-23:30")
    expect(page.locator(READING)).to_contain_text("les sept prochains jours")
    text.fill("du mardi au samedi")
    expect(page.locator(READING)).to_contain_text("Horaires illisibles à partir du caractère 1")
    page.locator("[data-hours-editor]").scroll_into_view_if_needed()
    page.screenshot(path="tests/screenshots/hours-04-free-text-laptop.png", full_page=True)


def test_without_javascript_the_rows_and_the_text_are_plain_inputs(open_staff_page, staff_site):
    page = open_staff_page("/staff/login", PHONE, java_script_enabled=False)
    log_in(page)
    page.goto(staff_site.url("/staff/merchants/new"))
    fill_place(page, "Pharmacie sans script", MELUN_TOWN_HALL)
    # Both inputs show; the choice says which one is saved.
    expect(page.get_by_label("Horaires d'ouverture")).to_be_visible()
    expect(page.get_by_label("Ouverture lundi, plage 1")).to_be_visible()
    for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi"):
        set_range(page, day, 1, "09:00", "12:30")
        set_range(page, day, 2, "14:00", "19:00")
    page.get_by_label("Horaires d'ouverture").fill("ignored text")
    page.screenshot(path="tests/screenshots/hours-05-no-script-phone.png", full_page=True)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("est enregistré sous la référence").wait_for()
    assert stored_hours(staff_site, "Pharmacie sans script") == "Mo-Fr 09:00-12:30,14:00-19:00"
