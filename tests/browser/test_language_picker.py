"""The way to the other languages on a small phone: in the top bar, beside
« Quitter », the globe and the language spoken, on one row with the name and
« Quitter » down to 320 px whatever the language (Українська is the longest
name); one tap brings the list of languages into view, with or without
JavaScript; and a French page offers the browser's language above all."""

from __future__ import annotations

from itertools import pairwise

import pytest
from playwright.sync_api import expect

from angela.core.i18n import LANGUAGES, SOURCE
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

# The top bar's boxes (the "Maj 1/3" counter shows only when counting).
BAR = """() => [...document.querySelectorAll('.topbar > *')]
  .map((element) => element.getBoundingClientRect())
  .filter((box) => box.width > 0)
  .map((box) => ({ top: box.top, left: box.left, right: box.right }))"""


def prefix(code: str) -> str:
    return "" if code == SOURCE else f"/{code}"


@pytest.mark.parametrize("width", [320, 360])
def test_the_top_bar_keeps_one_row_in_every_language(open_page, width, shoot):
    page = open_page("/", viewport={"width": width, "height": 740})
    site = page.url.rstrip("/")
    for code in LANGUAGES:
        page.goto(f"{site}{prefix(code)}/")
        boxes = page.evaluate(BAR)
        assert len(boxes) == 3, code
        assert len({round(box["top"]) for box in boxes}) == 1, (code, width, boxes)
        ordered = sorted(boxes, key=lambda box: box["left"])
        assert all(a["right"] <= b["left"] for a, b in pairwise(ordered)), code
        assert page.evaluate("document.documentElement.scrollWidth") <= width, code
        link = page.locator(".language-link")
        expect(link).to_contain_text(LANGUAGES[code].name)
        if code in ("uk", "ar"):
            shoot(page, f"60-top-bar-{code}-{width}")


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_one_tap_on_the_globe_shows_the_languages(open_page, script):
    page = open_page("/ar/", java_script_enabled=script)
    page.locator(".language-link").click()
    languages = page.locator("#langues")
    expect(languages).to_be_in_viewport()
    links = languages.get_by_role("link")
    expect(links).to_have_count(len(LANGUAGES))
    expect(languages.locator('[aria-current="true"]')).to_have_attribute("lang", "ar")
    languages.locator('a[lang="uk"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    assert page.url.endswith("/uk/")


def test_the_globe_says_language_in_every_language(open_page):
    page = open_page("/")
    link = page.get_by_role("link", name="Français · Langue · Language · اللغة")
    expect(link).to_have_attribute("href", "#langues")
    for code in ("en", "ar", "tr", "uk"):
        expect(link.locator(f'[lang="{code}"]')).to_have_count(1)


def test_a_french_page_offers_the_browsers_language_first(open_page, shoot):
    page = open_page("/", **{**PHONE, "locale": "ar-MA"})
    offer = page.locator(".language-offer")
    expect(offer).to_be_in_viewport()
    expect(offer).to_have_attribute("lang", "ar")
    shoot(page, "61-offer-ar")
    page.keyboard.press("Tab")
    expect(offer.get_by_role("link")).to_be_focused()
    offer.get_by_role("link").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
