"""The public face in every language, in headless Chromium on a phone.

The made-up language en-XA (every message accented, wrapped in ⟦…⟧ and a
third longer) shows on a 360 px phone what overflows, and any French text
left unmarked for translation; axe finds no violation in any of the seven
languages; the language in the address survives the commune form, the
cards, both report forms and the page kept for offline use; and no
language sets a cookie."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from angela.core import territory
from angela.core.i18n import LANGUAGES, PSEUDO
from angela.extensions import db
from angela.models import Merchant
from tests.browser.conftest import PHONE, Server, _seed, _serving, browser_app, page_opener
from tests.browser.test_offline import CONTROLLED, WAIT_MS
from tests.browser.test_public_page import located, popup_shown
from tests.places import MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}
MELUN = "77288"
XA = f"/{PSEUDO.code}"
CARDS = "[data-results] [data-card]"
# The proper names that stay as they are in every language, besides the
# refuges' and communes' own (taken from the data): the codeword, the
# territory's name, and the names of the software and data projects credited.
PROPER_NAMES = ["Où est Angela ?", "Melun Val de Seine", "OpenStreetMap", "Leaflet"]
# en-XA writes times as English does (Babel's "en" formats): "9:00 AM".
FORMAT_WORDS = ["AM", "PM"]

# Layout faults on the page: wider than the screen, or an element whose
# content is wider (or, clipped, taller) than its box, by more than 1 px.
# Inline boxes have no width of their own: their block shows their overflow.
# A map's panes are positioned off their box by design: only the panes are
# left out, not what shows in them (popups, controls).
OVERFLOWS = r"""(width) => {
  const found = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) {
    found.push(`the page is ${page} px wide`);
  }
  const describe = (element) => {
    const classes = [...element.classList].map((c) => `.${c}`).join("");
    const text = element.textContent.replace(/\s+/g, " ").trim().slice(0, 60);
    return `${element.tagName.toLowerCase()}${classes} «${text}»`;
  };
  const faults = new Map();
  for (const element of document.body.querySelectorAll("*")) {
    if (!element.textContent.trim() || element.closest("template, script, style, noscript, svg")) {
      continue;
    }
    if (element.matches(".leaflet-container, .leaflet-pane") || !element.checkVisibility()) {
      continue;
    }
    const style = getComputedStyle(element);
    if (style.display === "inline" || style.display === "contents" || element.clientWidth <= 1) {
      continue; // inline, or visually hidden: read aloud, never shown
    }
    const wide = element.scrollWidth - element.clientWidth;
    const tall = element.scrollHeight - element.clientHeight;
    if (wide > 1) {
      faults.set(element, `${describe(element)}: ${wide} px too wide`);
    } else if (["hidden", "clip"].includes(style.overflowY) && tall > 1) {
      faults.set(element, `${describe(element)}: ${tall} px cut at the bottom`);
    }
  }
  // Only the innermost: a box overflows the boxes around it too.
  for (const [element, fault] of faults) {
    if (![...faults.keys()].some((other) => other !== element && element.contains(other))) {
      found.push(fault);
    }
  }
  return found;
}"""

# French left unmarked. Each text node a person sees or hears (visually
# hidden text, read aloud, counts; [hidden] and a closed <details> do not)
# that holds two French words, or one in a control, label or heading, once
# the data in `names` is taken out; the same for the attributes that speak
# (aria-label, title, placeholder, alt: one word is enough). Text that
# says it is in another language (`lang`: the codeword, each language
# named in itself) is left out. In en-XA a message is wrapped in ⟦…⟧, and
# a "French word" is two letters or more, one of them a-z: en-XA accents
# every one of those, so its own words never count.
UNMARKED = r"""(names) => {
  const flat = (text) => text.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  const escaped = names.map(flat).filter(Boolean).sort((a, b) => b.length - a.length)
    .map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const data = new RegExp(`(?<!\\p{L})(?:${escaped.join("|")})(?!\\p{L})`, "gu");
  const SHORT = "a, button, label, summary, legend, option, h1, h2, h3, h4, h5, h6, th, dt";
  // What is left of `text` outside messages: each ⟦…⟧ (innermost first, as
  // a message may hold another), and the parts of messages that markup
  // split: up to a ⟧ that closes one opened before this node, from a ⟦ that
  // opens one closed after it.
  const outside = (text) => {
    let rest = text;
    while (/⟦[^⟦⟧]*⟧/.test(rest)) {
      rest = rest.replace(/⟦[^⟦⟧]*⟧/g, " ");
    }
    return rest.replace(/^[^]*⟧/, " ").replace(/⟦[^]*$/, " ");
  };
  const french = (text, short) => {
    const words = (outside(flat(text)).replace(data, " ").match(/\p{L}{2,}/gu) ?? [])
      .filter((word) => /[a-z]/i.test(word));
    return words.length >= 2 || (words.length === 1 && short);
  };
  const where = (element) => {
    const named = element.closest("[id], [class]") ?? element;
    const id = named.id ? `#${named.id}` : "";
    const classes = [...named.classList].map((c) => `.${c}`).join("");
    return `${named.tagName.toLowerCase()}${id}${classes}`;
  };
  const own = document.documentElement.lang;
  const foreign = (element) => (element.closest("[lang]")?.lang ?? own) !== own;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (element.closest("template, script, style, noscript") || foreign(element)) {
      continue;
    }
    // An option shows when its list opens: it counts when the list does.
    if (!(element.closest("select") ?? element).checkVisibility()) {
      continue;
    }
    if (french(node.textContent, element.closest(SHORT) !== null)) {
      found.push(`${where(element)}: ${flat(node.textContent)}`);
    }
  }
  const speaking = "[aria-label], [title], [placeholder], [alt]";
  for (const element of document.body.querySelectorAll(speaking)) {
    if (element.closest("template") || foreign(element) || !element.checkVisibility()) {
      continue;
    }
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = element.getAttribute(name);
      if (value && french(value, true)) {
        found.push(`${where(element)} [${name}]: ${flat(value)}`);
      }
    }
  }
  return found;
}"""


# A map's popup must show whole, inside the map and clear of its controls.
POPUP_FAULTS = r"""(section) => {
  const box = (selector) => section.querySelector(selector).getBoundingClientRect();
  const map = box(".map");
  const popup = box(".leaflet-popup");
  const zoom = box(".leaflet-control-zoom");
  const found = [];
  if (popup.left < map.left - 1 || popup.right > map.right + 1 || popup.top < map.top - 1) {
    const where = (b) => `${Math.round(b.left)}–${Math.round(b.right)} px`;
    found.push(`the map's popup (${where(popup)}) overflows the map (${where(map)})`);
  }
  const apart = zoom.right <= popup.left || popup.right <= zoom.left
    || zoom.bottom <= popup.top || popup.bottom <= zoom.top;
  if (!apart) {
    found.push("the map's zoom buttons cover its popup");
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The conftest's refuges on a server of this module's own, the
    pseudo-language switched on and the report throttle loose enough for
    the reports sent here."""
    database = tmp_path_factory.mktemp("languages-browser") / "angela.sqlite3"
    app = browser_app(
        database, PSEUDO_LANGUAGE=True, REPORTS_PER_SENDER=100, REPORTS_PER_REFUGE=100
    )
    _seed(app)
    with _serving(app) as served:
        yield served


@pytest.fixture(scope="module")
def pharmacy(site: Server) -> int:
    """The id of a refuge with a phone and hours that vary through the week."""
    with site.app.app_context():
        return db.session.execute(
            select(Merchant.id).where(Merchant.name == "Pharmacie du Centre")
        ).scalar_one()


@pytest.fixture
def open_(browser: Any, site: Server) -> Iterator[Callable[..., Any]]:
    """Open a path of `site` in a new context, on a phone at Melun town
    hall (more options go to the context)."""
    with page_opener(browser, site) as opener:
        yield lambda path, **options: opener(
            path, **{**PHONE, **located(MELUN_TOWN_HALL), **options}
        )


def user_data(site: Server) -> list[str]:
    """The words on the pages that are data, not messages: every refuge's
    name and street address, the communes' names, the proper names, the
    words of English times, and the tile attribution: a setting of the
    deployment, written by its operator."""
    with site.app.app_context():
        rows = db.session.execute(select(Merchant.name, Merchant.address)).all()
    attribution = re.split(r"<[^>]+>", site.app.config["TILE_ATTRIBUTION"])
    communes = [commune.name for commune in territory.communes()]
    return (
        [text for row in rows for text in row]
        + communes
        + PROPER_NAMES
        + FORMAT_WORDS
        + attribution
    )


def find(page: Any) -> None:
    """Tap the main button (named in the page's language) and wait for the cards."""
    page.locator("[data-finder] .find-button").click()
    expect(page.locator(CARDS).first).to_be_visible()


def no_cookie(page: Any) -> None:
    assert page.context.cookies() == [], page.url


# --- 1. en-XA on a 360 px phone --------------------------------------------------


class Inspector:
    """Looks at each page shown: its layout, its unmarked French and a
    screenshot; every finding is kept, to be reported all together."""

    def __init__(self, site: Server, shoot: Callable[..., Any]):
        self.names = user_data(site)
        self.shoot = shoot
        self.found: dict[str, list[str]] = {}  # each finding: the pages where seen

    def look(self, page: Any, name: str, full_page: bool = True, found: Any = ()) -> None:
        """Look at `page` (`found`: what the test found there besides)."""
        width = SMALL_PHONE["viewport"]["width"]
        found = [*found, *page.evaluate(OVERFLOWS, width), *page.evaluate(UNMARKED, self.names)]
        title = page.title()
        found += [f"<title>: {title}"] if "⟦" not in title else []
        for description in page.locator('meta[name="description"]').all():
            text = description.get_attribute("content")
            found += [f"<meta description>: {text}"] if "⟦" not in text else []
        print(*(f"{name}: {finding}" for finding in found), sep="\n")  # if a later step fails
        for finding in found:
            self.found.setdefault(finding, []).append(name)
        self.shoot(page, f"lang-xa-{name}", full_page=full_page)

    def report(self) -> str:
        return "\n".join(
            f"{finding} (on {', '.join(pages)})" for finding, pages in self.found.items()
        )


def test_the_pseudo_language_fits_a_small_phone_and_leaves_no_french(open_, site, pharmacy, shoot):
    inspector = Inspector(site, shoot)
    page = open_(f"{XA}/", **SMALL_PHONE)
    expect(page.locator("html")).to_have_attribute("lang", PSEUDO.code)
    inspector.look(page, "home")
    find(page)
    inspector.look(page, "found")

    section = page.locator("[data-map-section]")
    section.scroll_into_view_if_needed()
    expect(section.locator(".leaflet-marker-icon").first).to_be_visible()
    # By the keyboard: a tap would land elsewhere if the page were wider than the screen.
    section.locator(".leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    popup_shown(section)
    popup = section.evaluate(POPUP_FAULTS)
    inspector.look(page, "map-popup", full_page=False, found=popup)

    open_report_with_its_error(page.locator(CARDS).nth(1))
    inspector.look(page, "report-inline", full_page=False)

    page.goto(site.url(f"{XA}/?commune={MELUN}"))
    expect(page.locator(CARDS).first).to_be_visible()
    inspector.look(page, "commune")
    page.goto(site.url(f"{XA}/refuges/{pharmacy}"))
    expect(page.locator("h1")).to_have_text("Pharmacie du Centre")
    inspector.look(page, "refuge")
    page.goto(site.url(f"{XA}/nope"))
    inspector.look(page, "not-found")
    no_cookie(page)

    form_page = open_(f"{XA}/refuges/{pharmacy}/signaler", java_script_enabled=False, **SMALL_PHONE)
    inspector.look(form_page, "report-form")
    form_page.locator('.report-form button[type="submit"]').click()
    expect(form_page.locator(".report-errors")).to_be_visible()
    inspector.look(form_page, "report-errors")
    form_page.locator('.report-form input[type="radio"]').first.check()
    form_page.locator('.report-form button[type="submit"]').click()
    expect(form_page.locator(".report-form")).to_have_count(0)
    inspector.look(form_page, "report-sent")
    no_cookie(form_page)

    assert not inspector.found, inspector.report()


# --- 2. axe in every language --------------------------------------------------------


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_no_axe_violation_in_any_language(open_, site, pharmacy, axe, shoot, code):
    language = LANGUAGES[code]
    # axe is injected as a <script>, which the page's strict CSP would refuse.
    page = open_(f"{language.prefix}/", bypass_csp=True)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", code)
    expect(html).to_have_attribute("dir", language.direction)
    find(page)
    shoot(page, f"lang-{code}-found")
    assert axe(page) == []
    page.goto(site.url(f"{language.prefix}/refuges/{pharmacy}"))
    expect(page.locator("h1")).to_have_text("Pharmacie du Centre")
    shoot(page, f"lang-{code}-refuge")
    assert axe(page) == []
    no_cookie(page)


# --- 3. the language survives ------------------------------------------------------------


def test_in_english_the_commune_form_and_the_cards_stay_in_english(open_, site, pharmacy):
    page = open_("/en/")
    picker = page.locator("#commune-picker")
    picker.locator("select").select_option(MELUN)
    picker.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/en/\?commune={MELUN}"))
    expect(page.locator(CARDS)).to_have_count(5)
    for link in page.locator(f"{CARDS} .card-name a").all():
        expect(link).to_have_attribute("href", re.compile(r"^/en/refuges/\d+$"))

    # A card built on the phone, from the nearest refuges found there.
    page.goto(site.url("/en/"))
    find(page)
    page.locator(CARDS).first.locator(".card-name a").click()
    page.wait_for_url(re.compile(r"/en/refuges/\d+$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The inline report form of a refuge's page posts to its English address.
    page.goto(site.url(f"/en/refuges/{pharmacy}"))
    report = page.locator('main [data-card] [data-field="report"]')
    expect(report).to_have_attribute("href", f"/en/refuges/{pharmacy}/signaler")
    report.click()
    form = page.locator("[data-report-form]")
    form.get_by_role("radio").first.check()
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        form.locator('button[type="submit"]').click()
    assert sent.value.url == site.url(f"/en/refuges/{pharmacy}/signaler")
    assert sent.value.status == 201
    no_cookie(page)


def test_in_english_the_report_form_without_javascript_stays_in_english(open_, site, pharmacy):
    page = open_(f"/en/refuges/{pharmacy}/signaler", java_script_enabled=False)
    form = page.locator(".report-form")
    expect(form).to_have_attribute("action", f"/en/refuges/{pharmacy}/signaler")
    form.get_by_role("radio").first.check()
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        form.locator('button[type="submit"]').click()
    assert sent.value.url == site.url(f"/en/refuges/{pharmacy}/signaler")
    assert sent.value.ok
    expect(page.locator(".report-errors")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    no_cookie(page)


# Resolves once `url` is in one of the site's caches, fails after `ms`.
KEPT = """async ({ url, ms }) => {
  const deadline = Date.now() + ms;
  while (!(await caches.match(url))) {
    if (Date.now() > deadline) {
      throw new Error(`${url} not kept after ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}"""


def test_offline_the_kept_page_speaks_the_language_of_the_address(open_, site, pharmacy):
    page = open_("/en/")
    page.evaluate(CONTROLLED, WAIT_MS)
    page.evaluate(KEPT, {"url": "/en/", "ms": WAIT_MS})
    page.context.set_offline(True)
    page.goto(site.url(f"/en/refuges/{pharmacy}"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("[data-finder] .find-button")).to_be_visible()  # the kept home page

    # A language first used once the worker is in place is kept at its first visit.
    page.context.set_offline(False)
    page.goto(site.url("/ar/"))
    page.evaluate(KEPT, {"url": "/ar/", "ms": WAIT_MS})
    page.context.set_offline(True)
    page.goto(site.url(f"/ar/refuges/{pharmacy}"))
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    no_cookie(page)


def open_report_with_its_error(card: Any) -> None:
    """Open a card's inline report form and send it without a reason: the
    form shows with its error, scrolled into view."""
    card.locator('[data-field="report"]').click()
    form = card.locator("[data-report-form]")
    expect(form).to_be_visible()
    form.locator('button[type="submit"]').click()  # no reason chosen: its error shows
    expect(form.locator('[data-report-error="reason"]')).to_be_visible()
    form.scroll_into_view_if_needed()
