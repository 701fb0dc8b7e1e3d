"""Printable posters: who may print them, what they say, where their QR code
leads (this host, or ANGELA_PUBLIC_URL), the language of their sheet (its
words, its direction, the public page in that language), and the refusals —
a place or a commune the public does not see, a format or a language that
does not exist. The printed page itself is checked in
tests/browser/test_posters_browser.py."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest

from angela.config import ConfigurationError, from_environment
from angela.core import i18n, posters
from angela.core.posters import PaperFormat
from tests.conftest import STAFF_PASSWORD
from tests.places import DAMMARIE_TOWN_HALL, LE_MEE_CENTRE, MELUN_STATION, MELUN_TOWN_HALL
from tests.test_rtl_styles import physical_sides

MELUN = "77288"
DAMMARIE = "77152"
POSTER_CSS = Path(__file__).resolve().parent.parent / "angela" / "static" / "staff" / "poster.css"


def page_text(response) -> str:
    """The words of a page, without tags, entities resolved, spaces joined."""
    html = response.get_data(as_text=True).replace("<wbr>", "")
    html = re.sub(r"<[^>]+>", " ", html)
    # Only ASCII spaces join: the non-breaking ones French needs stay.
    return re.sub(r"[ \t\r\n]+", " ", unescape(html)).strip()


def qr_of(response) -> str:
    found = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return unescape(found.group(1))


# --- core -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, PaperFormat.A4), ("", PaperFormat.A4), ("a4", PaperFormat.A4), ("A5", PaperFormat.A5)],
)
def test_the_format_parameter_names_a4_or_a5(text, expected):
    assert PaperFormat.parse(text) is expected


@pytest.mark.parametrize("text", ["a3", "letter", "a4;", "5", "a4 a5"])
def test_other_formats_are_refused(text):
    with pytest.raises(ValueError):
        PaperFormat.parse(text)


def test_the_public_address_joins_base_and_path_with_one_slash():
    assert posters.public_address("https://angela.example/", "/refuges/3") == (
        "https://angela.example/refuges/3"
    )
    assert posters.public_address("https://angela.example", "/?commune=77288") == (
        "https://angela.example/?commune=77288"
    )


def test_counts_agree_in_french():
    assert posters.refuges_text(1) == "1\u00a0lieu refuge"
    assert posters.refuges_text(12) == "12\u00a0lieux refuges"


def test_the_count_is_said_in_the_language_spoken():
    with i18n.speaking(i18n.PSEUDO.code):
        assert posters.refuges_text(1) == i18n.pseudo("%(count)s\u00a0lieu refuge") % {"count": 1}
        assert posters.refuges_text(12) == (
            i18n.pseudo("%(count)s\u00a0lieux refuges") % {"count": 12}
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, "fr"), ("", "fr"), ("fr", "fr"), ("ar", "ar"), ("UK", "uk"), (" tr ", "tr")],
)
def test_the_language_parameter_names_a_language_of_the_public_face(text, expected):
    assert posters.sheet_language(text) is i18n.LANGUAGES[expected]


@pytest.mark.parametrize("text", ["de", "fr-FR", "arabe", "en-XA", "ar;", "<b>"])
def test_other_languages_are_refused(text):
    with pytest.raises(ValueError):
        posters.sheet_language(text)


def test_the_pseudo_language_is_a_language_only_when_asked_for():
    assert posters.sheet_language("en-XA", pseudo=True) is i18n.PSEUDO


def test_the_staff_read_the_language_of_a_sheet_in_french():
    assert posters.language_in_french(i18n.LANGUAGES["ar"]) == "arabe"
    assert posters.language_in_french(i18n.LANGUAGES["uk"]) == "ukrainien"


def test_the_poster_styles_name_no_side_so_a_sheet_may_read_right_to_left():
    assert physical_sides(POSTER_CSS.read_text(encoding="utf-8")) == []


# --- configuration -------------------------------------------------------


def test_the_public_url_is_optional_and_loses_its_trailing_slash(tmp_path):
    assert from_environment(str(tmp_path), {})["PUBLIC_URL"] is None
    settings = from_environment(str(tmp_path), {"ANGELA_PUBLIC_URL": "https://angela.example/"})
    assert settings["PUBLIC_URL"] == "https://angela.example"


@pytest.mark.parametrize(
    "url", ["angela.example", "ftp://angela.example", "https://", "https://a.example/?x=1"]
)
def test_a_malformed_public_url_is_refused_by_name(tmp_path, url):
    with pytest.raises(ConfigurationError, match="ANGELA_PUBLIC_URL"):
        from_environment(str(tmp_path), {"ANGELA_PUBLIC_URL": url})


# --- who may print --------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "agent", "admin"])
def test_every_role_may_print(staff_client, make_merchant, role):
    merchant = make_merchant()
    client = staff_client(role)
    for url in (
        "/staff/posters/",
        f"/staff/posters/refuge/{merchant.id}",
        f"/staff/posters/commune/{MELUN}?format=a5",
    ):
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_the_login(client, make_merchant):
    merchant = make_merchant()
    response = client.get(f"/staff/posters/refuge/{merchant.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


# --- what a refuge poster says ------------------------------------------------


def test_a_refuge_poster_names_the_place_the_scheme_the_numbers_and_links_its_page(
    staff_client, make_merchant
):
    merchant = make_merchant(name="Café de la Mairie", address="16 rue Paul Doumer")
    response = staff_client("viewer").get(f"/staff/posters/refuge/{merchant.id}?format=a5")
    words = page_text(response)
    assert "Vous ne vous sentez pas en sécurité\u00a0? Entrez et demandez «\u00a0Où est" in words
    assert "formée pour vous aider discrètement" in words
    assert "Café de la Mairie" in words
    assert "16 rue Paul Doumer, 77000 Melun" in words
    for number, label in [
        ("17", "Police"),
        ("112", "Urgences"),
        ("114", "SMS si vous ne pouvez pas parler"),
        ("3919", "Violences Femmes Info\u00a0: écoute, pas un numéro d'urgence"),
    ]:
        assert f"{number} {label}" in words
    address = f"http://localhost/refuges/{merchant.id}"
    assert address in words
    assert qr_of(response) == posters.qr_data_uri(address)
    html = response.get_data(as_text=True)
    assert 'class="sheet sheet-a5"' in html
    assert f'href="/staff/posters/refuge/{merchant.id}?format=a4"' in html
    # The print layout: no staff navigation to print by mistake.
    assert "staff-nav" not in html


def test_a_name_is_escaped_on_the_poster(staff_client, make_merchant):
    merchant = make_merchant(name='<script>alert("x")</script> Bar')
    html = staff_client("viewer").get(f"/staff/posters/refuge/{merchant.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_the_qr_code_leads_to_the_configured_public_site(app, staff_client, make_merchant):
    app.config["PUBLIC_URL"] = "https://angela.example"
    merchant = make_merchant()
    client = staff_client("viewer")
    response = client.get(f"/staff/posters/refuge/{merchant.id}")
    address = f"https://angela.example/refuges/{merchant.id}"
    assert address in page_text(response)
    assert qr_of(response) == posters.qr_data_uri(address)
    commune = client.get(f"/staff/posters/commune/{MELUN}")
    assert qr_of(commune) == posters.qr_data_uri("https://angela.example/?commune=77288")


def test_without_a_public_url_the_qr_code_uses_the_host_asked(app, make_user, make_merchant):
    merchant = make_merchant()
    client, host = app.test_client(), "http://equipe.angela.example"
    app.config["WTF_CSRF_ENABLED"] = False
    login = {"email": make_user("viewer"), "password": STAFF_PASSWORD}
    assert client.post("/staff/login", data=login, base_url=host).status_code == 302
    response = client.get(f"/staff/posters/refuge/{merchant.id}", base_url=host)
    address = f"http://equipe.angela.example/refuges/{merchant.id}"
    assert address in page_text(response)
    assert qr_of(response) == posters.qr_data_uri(address)


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"status": "suspended"}, "statut « Suspendu »"),
        ({"status": "pending", "trained_on": None}, "statut « Formation à venir »"),
        ({"trained_on_days_ago": 800}, "formation expirée"),
    ],
)
def test_no_poster_for_a_place_the_public_does_not_see(
    staff_client, make_merchant, today, overrides, why
):
    days = overrides.pop("trained_on_days_ago", None)
    if days is not None:
        overrides["trained_on"] = today - timedelta(days=days)
    merchant = make_merchant(name="Bar caché", **overrides)
    response = staff_client("viewer").get(f"/staff/posters/refuge/{merchant.id}")
    assert response.status_code == 409
    words = page_text(response)
    assert "Affiche impossible" in words
    assert "« Bar caché » n'est pas visible du public" in words
    assert why in words
    assert "page introuvable" in words
    assert "data:image/svg" not in response.get_data(as_text=True)


def test_an_unknown_place_or_commune_is_not_found(staff_client):
    client = staff_client("viewer")
    assert client.get("/staff/posters/refuge/999").status_code == 404
    assert client.get("/staff/posters/commune/75056").status_code == 404


@pytest.mark.parametrize("value", ["a3", "A4x", "letter", "%3Cb%3E"])
def test_an_unknown_format_is_refused_in_french(staff_client, make_merchant, value):
    merchant = make_merchant()
    client = staff_client("viewer")
    for url in (f"/staff/posters/refuge/{merchant.id}", f"/staff/posters/commune/{MELUN}"):
        response = client.get(f"{url}?format={value}")
        assert response.status_code == 400
        assert "choisissez A4 ou A5" in page_text(response)


# --- what a commune poster says -------------------------------------------


def test_a_commune_poster_counts_only_public_refuges_and_links_the_commune_list(
    staff_client, make_merchant
):
    make_merchant(position=MELUN_TOWN_HALL)
    make_merchant(position=MELUN_STATION)
    make_merchant(position=MELUN_STATION, status="suspended")
    make_merchant(position=LE_MEE_CENTRE)
    response = staff_client("viewer").get(f"/staff/posters/commune/{MELUN}")
    words = page_text(response)
    assert "Melun 2\u00a0lieux refuges dans la commune" in words
    assert "Entrez dans un lieu partenaire et demandez" in words
    assert qr_of(response) == posters.qr_data_uri("http://localhost/?commune=77288")
    assert 'class="sheet sheet-a4"' in response.get_data(as_text=True)


def test_no_poster_for_a_commune_without_a_public_refuge(staff_client, make_merchant):
    make_merchant(position=DAMMARIE_TOWN_HALL, status="withdrawn")
    response = staff_client("viewer").get(f"/staff/posters/commune/{DAMMARIE}")
    assert response.status_code == 409
    assert "Dammarie-lès-Lys n'a aucun refuge visible du public" in page_text(response)


# --- the index and the links to it ----------------------------------------------


def test_the_index_lists_every_commune_with_its_public_refuges(staff_client, make_merchant):
    make_merchant(position=MELUN_TOWN_HALL)
    make_merchant(position=MELUN_TOWN_HALL, status="suspended")
    html = staff_client("viewer").get("/staff/posters/").get_data(as_text=True)
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>', html)
    assert len(rows) == 20
    assert ("Melun", "1") in rows and ("Dammarie-lès-Lys", "0") in rows
    assert f'href="/staff/posters/commune/{MELUN}?format=a5"' in html
    assert f"/staff/posters/commune/{DAMMARIE}" not in html


def test_the_index_finds_public_refuges_only(staff_client, make_merchant):
    shown = make_merchant(name="Boulangerie Gambetta")
    hidden = make_merchant(name="Boulangerie du Port", status="suspended")
    response = staff_client("viewer").get("/staff/posters/?q=boulangerie")
    html = response.get_data(as_text=True)
    assert f'href="/staff/posters/refuge/{shown.id}?format=a4"' in html
    assert f"/staff/posters/refuge/{hidden.id}" not in html
    assert "1 refuge visible du public" in page_text(response)
    nothing = staff_client("viewer").get("/staff/posters/?q=introuvable")
    assert "ne correspond à «\u00a0introuvable\u00a0»" in page_text(nothing)


def test_the_merchant_page_and_the_navigation_lead_to_the_posters(staff_client, make_merchant):
    public = make_merchant()
    hidden = make_merchant(status="suspended")
    client = staff_client("viewer")
    html = client.get(f"/staff/merchants/{public.id}").get_data(as_text=True)
    assert f'href="/staff/posters/refuge/{public.id}?format=a5"' in html
    assert 'href="/staff/posters/">Affiches</a>' in html
    hidden_page = client.get(f"/staff/merchants/{hidden.id}")
    assert "/staff/posters/refuge/" not in hidden_page.get_data(as_text=True)
    assert "Pas d'affiche tant que le lieu est invisible au public" in page_text(hidden_page)


# --- the language of the sheet ---------------------------------------------

LANGUAGE_CODES = list(i18n.LANGUAGES)


def sheet_of(response) -> str:
    """The opening tag of the sheet and what it holds."""
    found = re.search(r"<main id=\"affiche\".*</main>", response.get_data(as_text=True), re.S)
    assert found is not None
    return found.group(0)


def tools_of(response) -> str:
    found = re.search(
        r'<header class="poster-tools">.*</header>', response.get_data(as_text=True), re.S
    )
    assert found is not None
    return found.group(0)


def in_language(code: str, path: str) -> str:
    """The public address of `path` in the language `code`, on the test host."""
    return "http://localhost" + ("" if code == "fr" else f"/{code}") + path


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_a_refuge_sheet_speaks_the_language_chosen_and_leads_to_its_page(
    staff_client, make_merchant, code
):
    merchant = make_merchant(name="Café de la Mairie")
    response = staff_client("viewer").get(f"/staff/posters/refuge/{merchant.id}?langue={code}")
    assert response.status_code == 200
    direction = i18n.LANGUAGES[code].direction
    assert sheet_of(response).startswith(
        f'<main id="affiche" class="sheet sheet-a4" lang="{code}" dir="{direction}"'
    )
    address = in_language(code, f"/refuges/{merchant.id}")
    assert qr_of(response) == posters.qr_data_uri(address)
    assert address in page_text(response)
    # The page around the sheet is the staff's, in French.
    html = response.get_data(as_text=True)
    assert html.startswith('<!doctype html>\n<html lang="fr">')
    assert "Toutes les affiches" in html and "Imprimer" in html


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_a_commune_sheet_speaks_the_language_chosen_and_leads_to_its_list(
    staff_client, make_merchant, code
):
    make_merchant(position=MELUN_TOWN_HALL)
    response = staff_client("viewer").get(f"/staff/posters/commune/{MELUN}?format=a5&langue={code}")
    direction = i18n.LANGUAGES[code].direction
    assert f'class="sheet sheet-a5" lang="{code}" dir="{direction}"' in sheet_of(response)
    address = in_language(code, f"/?commune={MELUN}")
    assert qr_of(response) == posters.qr_data_uri(address)
    assert address in page_text(response)


def test_the_tools_keep_the_language_and_offer_every_other(staff_client, make_merchant):
    merchant = make_merchant()
    response = staff_client("viewer").get(
        f"/staff/posters/refuge/{merchant.id}?format=a5&langue=ar"
    )
    tools = tools_of(response)
    base = f"/staff/posters/refuge/{merchant.id}"
    # The formats, in the language chosen; the way back, to the index in that language.
    assert f'href="{base}?format=a4&amp;langue=ar"' in tools
    assert 'href="/staff/posters/?langue=ar"' in tools
    # Each language named in itself, in the format chosen; French needs no parameter.
    choices = re.findall(
        r'<a href="([^"]+)" lang="([^"]+)" hreflang="\2"([^>]*)>([^<]+)</a>', tools
    )
    assert [(lang, name) for _href, lang, _current, name in choices] == [
        (language.code, language.name) for language in i18n.LANGUAGES.values()
    ]
    hrefs = {lang: href for href, lang, _current, _name in choices}
    assert hrefs["fr"] == f"{base}?format=a5"
    assert hrefs["uk"] == f"{base}?format=a5&amp;langue=uk"
    assert [lang for _href, lang, current, _name in choices if "aria-current" in current] == ["ar"]
    # The title, the print's file name, says the language to the staff.
    assert "<title>Affiche A5 en arabe — " in response.get_data(as_text=True)


def test_a_french_poster_names_no_language_in_its_links_or_title(staff_client, make_merchant):
    merchant = make_merchant(name="Bar du Port")
    html = staff_client("viewer").get(f"/staff/posters/refuge/{merchant.id}").get_data(as_text=True)
    assert "<title>Affiche A4 — Bar du Port — Où est Angela ?</title>" in html
    assert 'href="/staff/posters/"' in html
    assert f'href="/staff/posters/refuge/{merchant.id}?format=a5"' in html


def test_every_word_of_the_sheet_goes_through_the_catalogue(app, staff_client, make_merchant):
    # The pseudo-language accents every translated message: what is left
    # plain is the codeword, the place, its address and the numbers.
    app.config["PSEUDO_LANGUAGE"] = True
    client = staff_client("viewer")
    make_merchant(position=MELUN_TOWN_HALL)
    merchant = make_merchant(name="Café de la Mairie", address="16 rue Paul Doumer")
    for url in (f"/staff/posters/refuge/{merchant.id}", f"/staff/posters/commune/{MELUN}"):
        response = client.get(f"{url}?langue=en-XA")
        sheet = sheet_of(response)
        assert 'lang="en-XA" dir="ltr"' in sheet
        assert '<bdi lang="fr">Où est Angela\u00a0?</bdi>' in sheet
        assert re.search(r'alt="⟦[^"]*⟧"', sheet)
        plain = re.sub(r"<bdi[^>]*>.*?</bdi>|<strong>\d+</strong>", "", sheet)
        plain = unescape(re.sub(r"<[^>]+>", " ", plain))
        while re.search(r"⟦[^⟦⟧]*⟧", plain):  # a message may hold another (the count)
            plain = re.sub(r"⟦[^⟦⟧]*⟧", "", plain)
        assert plain.split() == [], url
        assert "⟦" not in tools_of(response)
        address = in_language("en-XA", "/")
        assert address in page_text(response)


@pytest.mark.parametrize("value", ["de", "en-XA", "fr-FR", "%3Cb%3E", "ar;"])
def test_an_unknown_language_is_refused_in_french(staff_client, make_merchant, value):
    merchant = make_merchant()
    client = staff_client("viewer")
    for url in (
        f"/staff/posters/refuge/{merchant.id}",
        f"/staff/posters/commune/{MELUN}",
        "/staff/posters/",
    ):
        response = client.get(f"{url}?format=a5&langue={value}")
        assert response.status_code == 400, url
        words = page_text(response)
        assert "Langue inconnue" in words
        assert "Cette langue d'affiche n'existe pas" in words
        assert "data:image/svg" not in response.get_data(as_text=True)


def test_the_index_offers_the_posters_in_each_language(staff_client, make_merchant):
    make_merchant(position=MELUN_TOWN_HALL)
    shown = make_merchant(name="Boulangerie Gambetta")
    response = staff_client("viewer").get("/staff/posters/?q=gambetta&langue=ar")
    html = response.get_data(as_text=True)
    options = re.findall(r'<option value="([^"]+)" lang="\1"( selected)?>([^<]+)</option>', html)
    assert [(code, name) for code, _selected, name in options] == [
        (language.code, language.name) for language in i18n.LANGUAGES.values()
    ]
    assert [code for code, selected, _name in options if selected] == ["ar"]
    # Every poster link leads to the sheet in Arabic; the search keeps the language.
    assert f'href="/staff/posters/refuge/{shown.id}?format=a5&amp;langue=ar"' in html
    assert f'href="/staff/posters/commune/{MELUN}?format=a4&amp;langue=ar"' in html
    assert 'format=a4"' not in html and 'format=a5"' not in html
    assert '<input type="hidden" name="langue" value="ar">' in html
    assert '<input type="hidden" name="q" value="gambetta">' in html
