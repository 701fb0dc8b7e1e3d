"""The public pages in every language: French at `/`, the others under their
prefix (`/en/`, `/ar/`…). Each page says its language and direction, points
search engines to its version in every language, lists the languages (each
named in itself), keeps its prefix in every link and form, and sets no
cookie; a French page offers the browser's own language when we have it.

Until the translators have written the catalogues, the other languages show
French words: these tests assert no translated word."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from angela.core.i18n import LANGUAGES, SOURCE

MELUN = "77288"
CODES = list(LANGUAGES)
# What cannot contain anything: no end tag to wait for.
VOID = {"meta", "link", "input", "br", "img", "source", "use", "path", "circle", "rect"}


class Element:
    def __init__(self, tag: str, attributes: dict[str, str | None], within: list[str]):
        self.tag, self.attributes, self.within = tag, attributes, within

    def __getitem__(self, name: str) -> str | None:
        return self.attributes[name]

    def get(self, name: str) -> str | None:
        return self.attributes.get(name)


class Page(HTMLParser):
    """The elements of a page, their attributes (entities decoded, as a
    browser reads them) and the ids of the elements they are within."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        within = [found for _tag, found in self._open if found]
        self.elements.append(Element(tag, attributes, within))
        if tag not in VOID:
            self._open.append((tag, attributes.get("id") or ""))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def all(self, tag: str, **wanted: str) -> list[Element]:
        return [
            element
            for element in self.elements
            if element.tag == tag
            and all(element.get(name.replace("_", "-")) == value for name, value in wanted.items())
        ]

    def one(self, tag: str, **wanted: str) -> Element:
        [found] = self.all(tag, **wanted)
        return found

    def having(self, attribute: str) -> list[Element]:
        return [element for element in self.elements if attribute in element.attributes]


def prefix(code: str) -> str:
    return "" if code == SOURCE else f"/{code}"


def fetched(client: Any, path: str, **headers: str) -> Page:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    assert "Set-Cookie" not in response.headers, path
    return Page(response.get_data(as_text=True))


@pytest.fixture
def refuge_id(make_merchant: Any) -> int:
    return make_merchant(name="Pharmacie du Marché", opening_hours="24/7").id


# --- what each page says of its language ----------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_language_has_its_home_and_refuge_pages(client, refuge_id, code):
    for path in (f"{prefix(code)}/", f"{prefix(code)}/refuges/{refuge_id}"):
        html = fetched(client, path).one("html")
        assert (html["lang"], html["dir"]) == (code, LANGUAGES[code].direction)


@pytest.mark.parametrize("code", CODES)
def test_each_page_names_its_version_in_every_language_for_search_engines(client, refuge_id, code):
    for path in ("/", f"/refuges/{refuge_id}"):
        page = fetched(client, prefix(code) + path)
        alternates = {link["hreflang"]: link["href"] for link in page.all("link", rel="alternate")}
        expected = {other: f"http://localhost{prefix(other)}{path}" for other in CODES}
        assert alternates == {**expected, "x-default": f"http://localhost{path}"}


def test_a_commune_chosen_is_kept_in_the_other_languages_addresses(client):
    page = fetched(client, f"/uk/?commune={MELUN}")
    alternates = {link["hreflang"]: link["href"] for link in page.all("link", rel="alternate")}
    assert alternates["ar"] == f"http://localhost/ar/?commune={MELUN}"
    picker = [a for a in page.all("a") if "langues" in a.within]
    assert picker[0]["href"] == f"/?commune={MELUN}"


def test_the_french_source_has_no_prefix_of_its_own(client):
    assert client.get("/fr/").status_code == 404
    assert client.get("/de/").status_code == 404


@pytest.mark.parametrize("code", CODES)
def test_the_page_modules_get_the_words_of_the_language(client, code):
    page = fetched(client, f"{prefix(code)}/")
    words = page.one("html").get("data-words")
    preloads = page.all("link", rel="preload")
    if code == SOURCE:
        # French is written in the modules themselves: nothing to fetch.
        assert words is None and preloads == []
        return
    assert words is not None
    [preload] = preloads
    assert (preload["href"], preload["as"], preload["crossorigin"]) == (words, "fetch", "anonymous")
    catalogue = client.get(words)
    assert catalogue.status_code == 200
    assert (catalogue.get_json()["lang"], catalogue.get_json()["dir"]) == (
        code,
        LANGUAGES[code].direction,
    )


# --- the picker ------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_the_top_bar_leads_to_the_list_of_languages_each_named_in_itself(client, refuge_id, code):
    page = fetched(client, f"{prefix(code)}/refuges/{refuge_id}")
    assert page.one("a", **{"class": "language-link"})["href"] == "#langues"
    assert page.one("nav", id="langues")
    picker = [a for a in page.all("a") if "langues" in a.within]
    assert [(a["lang"], a["hreflang"], a["dir"]) for a in picker] == [
        (other, other, LANGUAGES[other].direction) for other in CODES
    ]
    assert [a["href"] for a in picker] == [
        f"{prefix(other)}/refuges/{refuge_id}" for other in CODES
    ]
    assert [a["lang"] for a in picker if a.get("aria-current") == "true"] == [code]


def test_the_language_names_are_their_own(client):
    html = client.get("/").get_data(as_text=True)
    nav = html.split('id="langues"')[1].split("</nav>")[0]
    for language in LANGUAGES.values():
        assert f">{language.name}</a>" in nav


# --- links and forms keep the language ----------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_links_and_forms_stay_in_the_language(client, refuge_id, code):
    here = prefix(code)
    home = fetched(client, f"{here}/?commune={MELUN}")
    # The inline report form has no address of its own: it posts to the card's link.
    forms = {form["method"]: form["action"] for form in home.having("action")}
    assert forms == {"get": f"{here}/#resultats", "post": f"{here}/adresse#resultats"}
    # The card, and the blank one the page's modules fill (no address yet).
    cards = [a["href"] for a in home.all("a", data_field="link")]
    assert cards == [f"{here}/refuges/{refuge_id}", ""]
    reports = [a["href"] for a in home.all("a", data_field="report")]
    assert reports == [f"{here}/refuges/{refuge_id}/signaler", ""]
    # What the page's modules build their own links from.
    [finder] = home.having("data-finder")
    assert finder["data-refuge-url"] == f"{here}/refuges/"
    assert finder["data-report-url"] == f"{here}/refuges/0/signaler"
    assert home.one("a", **{"class": "brand"})["href"] == f"{here}/"

    form = fetched(client, f"{here}/refuges/{refuge_id}/signaler").one("form")
    assert form["action"] == f"{here}/refuges/{refuge_id}/signaler"


def test_the_brand_is_the_codeword_in_french_whatever_the_language(client):
    assert fetched(client, "/en/").one("a", **{"class": "brand"})["lang"] == "fr"
    assert fetched(client, "/").one("a", **{"class": "brand"}).get("lang") is None


# --- the offer of the browser's language -------------------------------------------------


def test_a_french_page_offers_the_browsers_language_in_that_language(client):
    response = client.get("/", headers={"Accept-Language": "ar-MA, fr;q=0.8"})
    assert "Accept-Language" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
    page = Page(response.get_data(as_text=True))
    offer = page.one("p", **{"class": "language-offer"})
    assert (offer["lang"], offer["dir"]) == ("ar", "rtl")
    [link] = [a for a in page.all("a") if a.get("hreflang") == "ar" and "langues" not in a.within]
    assert link["href"] == "/ar/"
    # First of all, before even the skip links.
    assert page.elements.index(offer) < page.elements.index(page.one("a", href="#contenu"))


@pytest.mark.parametrize("accepted", ["fr-FR, fr;q=0.9", "de-DE, de;q=0.9", ""])
def test_no_offer_when_the_browser_prefers_french_or_a_language_we_lack(client, accepted):
    response = client.get("/", headers={"Accept-Language": accepted} if accepted else {})
    assert "Accept-Language" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
    assert Page(response.get_data(as_text=True)).all("p", **{"class": "language-offer"}) == []


def test_a_page_already_in_another_language_offers_nothing(client):
    page = fetched(client, "/en/", **{"Accept-Language": "ar"})
    assert page.all("p", **{"class": "language-offer"}) == []


# --- text typed by people, and numbers --------------------------------------------------


def test_names_and_addresses_keep_their_own_direction_and_numbers_read_left_to_right(
    client, refuge_id
):
    home = fetched(client, f"/ar/?commune={MELUN}")
    refuge = fetched(client, f"/ar/refuges/{refuge_id}")
    for page in (home, refuge):
        fields = {name: page.all("span", data_field=name) for name in ("address", "phone")}
        assert fields["address"] and {span["dir"] for span in fields["address"]} == {"auto"}
        assert fields["phone"] and {span["dir"] for span in fields["phone"]} == {"ltr"}
        assert {a["dir"] for a in page.all("a", data_field="link")} <= {"auto"}
    assert home.all("a", data_field="link")
    heading = refuge.one("h1", **{"class": "card-name"})
    assert refuge.elements[refuge.elements.index(heading) + 1].get("dir") == "auto"
    typed = fetched(client, "/ar/").one("input", id="adresse-texte")
    assert typed["dir"] == "auto"
