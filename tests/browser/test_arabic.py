"""Arabic on a phone (issue 12): the public pages right to left — the bars,
the cards and the strip mirrored, nothing wider than the screen, while the
map and every phone number still read left to right, and only the icons
that point along the reading direction turn. Each state is shot in
tests/screenshots/ar-*.png, to be looked at."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from angela.extensions import db
from angela.models import Merchant
from tests.browser.conftest import PHONE
from tests.browser.test_languages_browser import OVERFLOWS, open_report_with_its_error
from tests.browser.test_public_page import located, popup_shown
from tests.places import MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

CARDS = "[data-results] [data-card]"
WIDTH = PHONE["viewport"]["width"]
MIRRORED = "matrix(-1, 0, 0, 1, 0, 0)"

# What shows past the right edge: a right-to-left page scrolls only
# leftwards, so it widens nothing and OVERFLOWS cannot see it. The map's
# panes are laid out off their box by design; what is clipped to nothing is
# visually hidden (read aloud, never shown), like the honeypot of the report
# form, out of sight past the start of the line.
PAST_AN_EDGE = """() => {
  const clipped = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      const shut = ["hidden", "clip"].includes(style.overflowX) && node.clientWidth <= 1;
      if (style.clip !== "auto" || shut) {
        return true;
      }
    }
    return false;
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest(".leaflet-container, template") || !element.checkVisibility()) {
      continue;
    }
    if (clipped(element)) {
      continue;
    }
    const box = element.getBoundingClientRect();
    if (box.width > 1 && (box.left < -1 || box.right > innerWidth + 1)) {
      const name = [element.tagName.toLowerCase(), ...element.classList].join(".");
      found.push(`${name}: ${Math.round(box.left)} to ${Math.round(box.right)} px`);
    }
  }
  return found;
}"""

# Whether the text of `element` shows its first character left of its
# last one, as a number must.
LEFT_TO_RIGHT_ON_SCREEN = """(element) => {
  const text = document.createTreeWalker(element, NodeFilter.SHOW_TEXT).nextNode();
  const left = (at) => {
    const range = document.createRange();
    range.setStart(text, at);
    range.setEnd(text, at + 1);
    return range.getBoundingClientRect().left;
  };
  return left(0) < left(text.length - 1);
}"""


@pytest.fixture
def pharmacy(server: Any) -> int:
    """The id of a refuge with a phone number."""
    with server.app.app_context():
        return db.session.execute(
            select(Merchant.id).where(Merchant.name == "Pharmacie du Centre")
        ).scalar_one()


def laid_out_right(page: Any) -> None:
    assert page.evaluate(OVERFLOWS, WIDTH) == []
    assert page.evaluate(PAST_AN_EDGE) == []


def box(locator: Any) -> dict[str, float]:
    return locator.bounding_box()


def direction(locator: Any) -> str:
    return locator.evaluate("(element) => getComputedStyle(element).direction")


def transform(locator: Any) -> str:
    return locator.evaluate("(element) => getComputedStyle(element).transform")


def expect_numbers_left_to_right(locator: Any) -> None:
    shown = [number for number in locator.all() if number.is_visible()]
    assert shown
    for number in shown:
        assert direction(number) == "ltr", number.inner_text()
        assert number.evaluate(LEFT_TO_RIGHT_ON_SCREEN), number.inner_text()


def expect_map_left_to_right(page: Any) -> None:
    """The map, its zoom buttons at its top left and its credit at its bottom right."""
    map_box = box(page.locator(".map"))
    assert direction(page.locator(".map")) == "ltr"
    assert box(page.locator(".leaflet-control-zoom"))["x"] - map_box["x"] < 20
    credit = box(page.locator(".leaflet-control-attribution"))
    assert map_box["x"] + map_box["width"] - (credit["x"] + credit["width"]) < 4


def test_the_list_the_map_and_the_report_form_read_right_to_left(open_page, shoot):
    page = open_page("/ar/", **located(MELUN_TOWN_HALL))
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    shoot(page, "ar-01-home")
    laid_out_right(page)

    # Mirrored: the name starts the top bar on the right; the strip starts
    # with 17 on the right.
    brand = box(page.locator(".brand"))
    assert WIDTH - (brand["x"] + brand["width"]) < 16
    # The codeword stays French, its « ? » at its end.
    assert page.locator(".brand").evaluate(LEFT_TO_RIGHT_ON_SCREEN)
    assert box(page.locator('a[href="tel:17"]'))["x"] > box(page.locator('a[href="tel:112"]'))["x"]
    assert transform(page.locator(".quick-exit .icon")) == MIRRORED

    page.locator(".finder .find-button").click()  # named in Arabic
    cards = page.locator(CARDS)
    expect(cards.first).to_be_visible()
    expect(page.locator("[data-map-section] .leaflet-marker-icon")).to_have_count(5)
    first = cards.first
    assert direction(first) == "rtl"
    assert transform(first.locator(".button-go .icon")) == MIRRORED
    # The compass arrow points at the real north: never mirrored.
    assert transform(first.locator(".card-arrow")) == "none"
    expect(first.locator(".card-arrow")).to_have_text("↑")
    expect_numbers_left_to_right(page.locator(f"{CARDS} .card-phone"))
    expect_numbers_left_to_right(page.locator(".emergency-main > li > a strong, summary strong"))
    shoot(page, "ar-02-found")
    laid_out_right(page)

    section = page.locator("[data-map-section]")
    section.scroll_into_view_if_needed()
    expect_map_left_to_right(page)
    section.locator(".leaflet-marker-icon").first.click()
    popup_shown(section)
    popup = section.locator(".leaflet-popup-content")
    assert direction(popup) == "rtl"
    # Its name, starting on the right, stays clear of the close button there.
    name = box(popup.locator(".card-name a"))
    assert name["x"] + name["width"] <= box(section.locator(".leaflet-popup-close-button"))["x"]
    expect_numbers_left_to_right(popup.locator(".card-phone"))
    shoot(page, "ar-03-map-popup")
    page.keyboard.press("Escape")

    open_report_with_its_error(cards.nth(1))
    shoot(page, "ar-04-report-inline")
    laid_out_right(page)

    page.locator(".emergency-more summary").click()
    menu = page.locator(".emergency-more > ul")
    expect(menu).to_be_visible()
    expect_numbers_left_to_right(menu.locator("strong"))
    shoot(page, "ar-05-more-numbers")
    laid_out_right(page)


def test_a_refuge_page_reads_right_to_left(open_page, pharmacy, shoot):
    page = open_page(f"/ar/refuges/{pharmacy}", **located(MELUN_TOWN_HALL))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("Pharmacie du Centre")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    expect_numbers_left_to_right(page.locator("main .card-phone"))
    expect_numbers_left_to_right(page.locator(".support-call strong"))
    page.locator(".map").scroll_into_view_if_needed()
    expect_map_left_to_right(page)
    shoot(page, "ar-06-refuge", full_page=True)
    laid_out_right(page)

    page.locator('main [data-field="report"]').click()
    form = page.locator("[data-report-form]")
    expect(form).to_be_visible()
    form.scroll_into_view_if_needed()
    shoot(page, "ar-07-refuge-report")
    laid_out_right(page)


def test_the_report_page_without_javascript_reads_right_to_left(open_page, pharmacy, shoot):
    page = open_page(f"/ar/refuges/{pharmacy}/signaler", java_script_enabled=False)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator('.report-form button[type="submit"]').click()
    expect(page.locator(".report-errors")).to_be_visible()
    shoot(page, "ar-08-report-errors", full_page=True)
    laid_out_right(page)
