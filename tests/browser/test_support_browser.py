"""Where to turn after the danger, end to end in a real browser: an agent
completes a support service in the back-office, and the public page shows
it under "Après : être accompagné·e", after 3919, readable in light and
dark, with no accessibility violation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, PHONE, Server, log_in, page_opener

pytestmark = pytest.mark.browser

SERVICE = {
    "Nom": "Paroles de Femmes – Le Relais",
    "Accompagnement proposé": "Écoute, accompagnement juridique et social des victimes.",
    "Téléphone": "01 99 00 13 01",
    "Adresse": "3 rue de l'Essai",
    "Code postal": "77000",
    "Horaires d'accueil": "du lundi au vendredi, 9 h – 17 h",
    "Langues parlées": "français, anglais",
}


def test_a_service_the_staff_complete_is_shown_on_the_public_page(
    browser: Any, staff_site: Server, axe: Any, shoot: Any
):
    with page_opener(browser, staff_site) as open_:
        staff = open_("/staff/login", **LAPTOP)
        log_in(staff)
        staff.goto(staff_site.url("/staff/support/new"))
        for label, value in SERVICE.items():
            # The label, followed by « (facultatif) » on the optional fields.
            optional = re.compile(rf"^{re.escape(label)}( \(facultatif\))?$")
            staff.get_by_label(optional).fill(value)
        staff.get_by_role("button", name="Enregistrer").click()
        expect(staff.locator("main")).to_contain_text("Paroles de Femmes – Le Relais")
        for scheme in ("light", "dark"):
            page = open_("/", **PHONE, color_scheme=scheme, bypass_csp=True)
            section = page.locator("#accompagnement")
            expect(section.get_by_role("heading", name="Après : être accompagné·e")).to_be_visible()
            items = section.locator(".support-item")
            expect(items.first).to_contain_text("3919 — Violences Femmes Info")
            expect(items.nth(1)).to_contain_text("Paroles de Femmes – Le Relais")
            expect(
                items.nth(1).get_by_role("link", name="Appeler Paroles de Femmes")
            ).to_have_attribute("href", "tel:+33199001301")
            section.scroll_into_view_if_needed()
            shoot(page, f"44-support-section-{scheme}")
            assert axe(page) == []
