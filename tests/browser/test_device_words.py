"""What the cards found on the phone say beyond the API's fields: the way to
each refuge in words and an arrow, how coarse the position is, a list too
old to say what is open, and no list at all on a first visit without a
network."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_page import FIND, card_names, located, search
from tests.places import MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

SNAPSHOT = "**/api/v1/refuges/snapshot"


def test_each_card_says_which_way_with_an_arrow(open_page, shoot):
    # The seeded refuges of the town centre are due north of the town hall.
    page = open_page("/", **located(MELUN_TOWN_HALL))
    search(page)
    first = page.locator("[data-results] [data-card]").first
    expect(first.locator(".card-direction")).to_have_text("↑ au nord de vous")
    expect(first.locator(".card-arrow")).to_have_attribute("aria-hidden", "true")
    shoot(page, "20-direction")


def test_a_coarse_position_is_said(open_page):
    lat, lon = MELUN_TOWN_HALL
    page = open_page(
        "/",
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 280},
        permissions=["geolocation"],
    )
    search(page)
    expect(page.locator("[data-results-why]")).to_contain_text("Position à ± 300 m près")


def test_a_precise_position_is_not_commented(open_page):
    page = open_page("/", **located(MELUN_TOWN_HALL))
    search(page)
    expect(page.locator("[data-results-why]")).not_to_contain_text("Position")


def test_past_the_end_of_its_hours_the_list_claims_nothing_open_or_closed(open_page, shoot):
    page = open_page("/", **located(MELUN_TOWN_HALL), service_workers="block")
    valid_until = page.evaluate(
        "fetch('/api/v1/refuges/snapshot').then((r) => r.json()).then((s) => s.valid_until)"
    )
    later = datetime.fromisoformat(valid_until).astimezone(UTC) + timedelta(hours=2)
    page.clock.install(time=later)
    page.reload()
    search(page)
    statuses = page.locator("[data-results] [data-card] [data-field=status]").all_inner_texts()
    assert statuses and set(statuses) == {"Horaires à vérifier"}
    expect(page.locator("[data-results-source]")).to_contain_text("trop ancienne")
    police = page.locator("[data-results] [data-police-first]")
    expect(police).to_contain_text("Impossible de savoir ce qui est ouvert")
    expect(police.get_by_role("link", name=re.compile("Appeler le 17"))).to_be_visible()
    assert len(card_names(page)) == 5  # distances still shown
    shoot(page, "21-list-too-old", full_page=True)


def test_a_first_visit_without_network_says_to_call(open_page, shoot):
    page = open_page("/", **located(MELUN_TOWN_HALL), service_workers="block")
    page.context.route(SNAPSHOT, lambda route: route.abort())
    page.reload()
    page.get_by_role("button", name=FIND).click()
    status = page.locator("[data-status]")
    expect(status).to_contain_text("Pas de connexion")
    expect(status).to_contain_text("appelez le 17 ou le 112")
    expect(page.locator("[data-results] [data-card]")).to_have_count(0)
    shoot(page, "22-first-visit-offline")
