"""« Vérifié le … » in Chromium: on the cards the phone builds from the
device snapshot (on a phone set to another time zone than Paris's, where a
calendar day read through Date would slip to the day before), and the
staff's "Coordonnées vérifiées" button; axe finds nothing on either page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from angela.core import french
from angela.core.hours import paris_today
from angela.extensions import db
from angela.services import accounts
from tests.browser.conftest import (
    AGENT,
    LAPTOP,
    PHONE,
    Server,
    _serving,
    browser_app,
    log_in,
    page_opener,
    trained_merchant,
)
from tests.conftest import STAFF_PASSWORD
from tests.places import MELUN_STATION, MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

ELSEWHERE = "America/New_York"
# The first of a month: « 1er », and the day most likely to slip a month back.
CHECKED_ON = (paris_today() - timedelta(days=40)).replace(day=1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A site with two refuges near Melun town hall, one checked, one never,
    and one agent."""
    app = browser_app(
        tmp_path_factory.mktemp("last-checked") / "angela.sqlite3", INDEX_POLL_SECONDS=0.0
    )
    with app.app_context():
        db.create_all()
        accounts.create_user(AGENT, STAFF_PASSWORD, "agent", actor=None)
    common = {"category": "cafe", "postcode": "77000", "opening_hours": "24/7"}
    trained_merchant(
        app, MELUN_TOWN_HALL, ref="ANG-0001", name="Café vérifié", address="1 rue Paul Doumer",
        last_checked_on=CHECKED_ON, **common,
    )  # fmt: skip
    trained_merchant(
        app, MELUN_STATION, ref="ANG-0002", name="Café jamais vérifié",
        address="2 place Gallieni", **common,
    )  # fmt: skip
    with _serving(app) as served:
        yield served


@pytest.fixture
def open_(browser: Any, site: Server) -> Iterator[Callable[..., Any]]:
    with page_opener(browser, site) as opener:
        yield opener


def test_a_device_built_card_says_when_the_refuge_was_checked(open_, shoot, axe):
    lat, lon = MELUN_TOWN_HALL
    page = open_(
        "/", **PHONE, timezone_id=ELSEWHERE, bypass_csp=True,
        geolocation={"latitude": lat, "longitude": lon}, permissions=["geolocation"],
    )  # fmt: skip
    page.get_by_role("button", name="Trouver le refuge le plus proche").click()
    checked = page.locator("[data-results] [data-card]", has_text="Café vérifié")
    expect(checked).to_be_visible()
    words = french.checked_text(CHECKED_ON)
    assert words is not None and " 1er " in words
    expect(checked.locator(".card-checked")).to_have_text(words)
    never = page.locator("[data-results] [data-card]", has_text="Café jamais vérifié")
    expect(never).to_be_visible()
    expect(never.locator(".card-checked")).to_have_count(0)
    expect(never).not_to_contain_text("Vérifié le")
    checked.scroll_into_view_if_needed()
    shoot(page, "last-checked-device-card")
    assert axe(page) == []


def test_the_staff_confirm_the_details_in_one_click(open_, shoot):
    page = open_("/staff/login", **PHONE)
    log_in(page)
    page.goto(page.url.split("/staff")[0] + "/staff/merchants/2")  # the one never checked
    facts = page.locator(".checked-on")
    expect(facts).to_have_text("Jamais vérifié")
    expect(page.locator("#check-hint")).to_contain_text(
        "Vous avez confirmé avec le commerce son adresse, ses horaires et son téléphone"
    )
    page.get_by_role("button", name="Coordonnées vérifiées aujourd'hui").click()
    today = french.day_text(paris_today())
    expect(page.get_by_text(f"Coordonnées vérifiées le {today}.")).to_be_visible()
    expect(facts).to_have_text(f"Vérifié le {today}")
    shoot(page, "last-checked-staff-phone", full_page=True)


@pytest.mark.parametrize("device", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_merchant_page_with_the_check_passes_axe(open_, shoot, axe, device):
    page = open_("/staff/login", **device, bypass_csp=True)
    log_in(page)
    page.goto(page.url.split("/staff")[0] + "/staff/merchants/1")
    expect(page.locator(".checked-on")).to_have_text(f"Vérifié le {french.day_text(CHECKED_ON)}")
    expect(page.get_by_role("button", name="Coordonnées vérifiées aujourd'hui")).to_be_visible()
    if device is LAPTOP:
        shoot(page, "last-checked-staff-laptop", full_page=True)
    assert axe(page) == []
