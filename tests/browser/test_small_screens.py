"""The public page on small and zoomed screens: a phone upright and on its
side, zoomed to 200 %, and with its text at 200 %. On each, the main button
shows uncovered, every emergency number (the menu's too) can be tapped,
nothing the keyboard reaches hides under the top bar or the strip, the name
and « Quitter » do not overlap, and the strip never covers the footer."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_page import FIND, located, search
from tests.places import MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

SCREENS = {
    "upright": {"viewport": {"width": 390, "height": 844}},
    "on-its-side": {"viewport": {"width": 844, "height": 390}},
    # A 390 px phone zoomed to 200 %: half as many CSS pixels each way.
    "zoomed-upright": {"viewport": {"width": 195, "height": 422}, "device_scale_factor": 6},
    "zoomed-on-its-side": {"viewport": {"width": 422, "height": 195}, "device_scale_factor": 6},
    "large-text": {"viewport": {"width": 390, "height": 844}, "bypass_csp": True},
}
# Whether the centre of `element` shows `element` itself (or a part of it):
# nothing fixed or sticky lies over it.
UNCOVERED = """(element) => {
  const box = element.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
  const top = document.elementFromPoint(x, y);
  return top !== null && (element === top || element.contains(top));
}"""


# What is focused, when the top bar or the strip lies over it (or it is
# off screen).
FOCUS_HIDDEN = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element.closest(".topbar, .emergency")) {
    return [];
  }
  const box = element.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const top = document.elementFromPoint(x, y);
  const under = top === null || top.closest(".topbar, .emergency") !== null;
  return under ? [`${element.outerHTML.slice(0, 60)} at ${Math.round(y)} of ${innerHeight}`] : [];
}"""


def open_screen(open_page, name: str) -> Any:
    page = open_page("/", **SCREENS[name], **located(MELUN_TOWN_HALL))
    if name == "large-text":
        # As a phone's text size setting does: everything in rem grows.
        page.add_style_tag(content="html { font-size: 200% !important; }")
    return page


def uncovered(locator: Any) -> bool:
    locator.scroll_into_view_if_needed()
    return bool(locator.evaluate(UNCOVERED))


@pytest.mark.parametrize("name", SCREENS)
def test_the_main_button_shows_uncovered(open_page, name, shoot):
    page = open_screen(open_page, name)
    button = page.get_by_role("button", name=FIND)
    assert button.evaluate(UNCOVERED), "the main button is covered or off screen at first"
    brand, leave = page.locator(".brand"), page.get_by_role("link", name="Quitter")
    a, b = brand.bounding_box(), leave.bounding_box()
    apart = a["x"] + a["width"] <= b["x"] or a["y"] + a["height"] <= b["y"]
    assert apart, "the name hides under « Quitter »"
    shoot(page, f"50-{name}")


@pytest.mark.parametrize("name", SCREENS)
def test_every_emergency_number_can_be_tapped(open_page, name, shoot):
    page = open_screen(open_page, name)
    search(page)
    for number in ("17", "112"):
        assert uncovered(page.locator(f'.emergency a[href="tel:{number}"]')), number
    assert uncovered(page.locator('.emergency a[href="sms:114"]'))
    page.locator(".emergency summary").click()
    for number in ("15", "18", "3919"):
        link = page.locator(f'.emergency-more a[href="tel:{number}"]')
        expect(link).to_be_visible()
        assert uncovered(link), number
    shoot(page, f"51-{name}-numbers")


@pytest.mark.parametrize("name", SCREENS)
def test_nothing_focused_hides_under_the_bars(open_page, name):
    page = open_screen(open_page, name)
    search(page)
    page.locator("body").focus()
    hidden = []
    for _ in range(40):
        page.keyboard.press("Tab")
        hidden += page.evaluate(FOCUS_HIDDEN)
    assert hidden == []


@pytest.mark.parametrize("name", SCREENS)
def test_the_strip_never_covers_the_footer(open_page, name):
    page = open_screen(open_page, name)
    last = page.locator("footer p").last
    last.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert last.evaluate(UNCOVERED)
