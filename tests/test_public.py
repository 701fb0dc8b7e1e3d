"""The public pages as the server renders them: what works with no
JavaScript at all, the refuge page, privacy and security headers."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from angela.core import territory
from angela.core.nearest import geodesic_m
from angela.core.walking import WALK_LIMIT_MINUTES, walk_text
from angela.public import presenters
from tests.places import DAMMARIE_TOWN_HALL, LE_MEE_CENTRE, MELUN_STATION, MELUN_TOWN_HALL

MELUN = "77288"
LE_MEE = territory.commune_at(*LE_MEE_CENTRE).code  # type: ignore[union-attr]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def page_text(response) -> str:
    """The page's HTML with entities read as a person reads them, without
    the <template> elements that the page's script fills."""
    html = re.sub(r"<template.*?</template>", "", response.get_data(as_text=True), flags=re.S)
    return unescape(html).replace("\xa0", " ")


def names_on(response) -> list[str]:
    """The refuge names of the page's cards, in order."""
    return re.findall(r'data-field="link" href="/refuges/\d+">([^<]+)</a>', page_text(response))


def test_home_is_french_with_the_emergency_numbers_and_a_quick_exit(app, client):
    app.config["EXIT_URL"] = "https://meteo.example/"
    response = client.get("/")
    assert response.status_code == 200
    html = page_text(response)
    assert '<html lang="fr" dir="ltr">' in html
    assert "Trouver le refuge le plus proche" in html
    for link in ('href="tel:17"', 'href="tel:112"', 'href="sms:114"', 'href="tel:15"',
                 'href="tel:18"', 'href="tel:3919"'):  # fmt: skip
        assert link in html
    words = re.sub(r"<[^>]+>", "", html)
    assert "114 SMS si vous ne pouvez pas parler" in words
    assert "écoute, pas un numéro d'urgence" in html
    assert 'href="https://meteo.example/" rel="noreferrer" data-quick-exit' in html
    assert "Où est Angela" in html and "le mot de passe n'est pas obligatoire" in html
    assert territory.ATTRIBUTION in html


def test_home_offers_the_twenty_communes_in_a_plain_get_form(client):
    html = client.get("/").get_data(as_text=True)
    assert '<form class="picker-form" method="get" action="/#resultats">' in html
    options = re.findall(r'<option value="(\d{5})"', html)
    assert options == [commune.code for commune in territory.communes()]
    assert len(options) == 20


def test_home_has_no_inline_script_or_style(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    # One script: the page's entry module, with its integrity hash.
    assert re.fullmatch(
        r'<script type="module" src="/static/public/page\.\w+\.js" integrity="sha384-[\w+/=]+">',
        "".join(re.findall(r"<script[^>]*>", html)),
    )


def test_commune_lists_its_refuges_nearest_its_centre_first(client, make_merchant):
    centre = territory.communes_by_code()[MELUN]
    make_merchant(name="Gare", position=MELUN_STATION, opening_hours="24/7")
    make_merchant(name="Mairie", position=MELUN_TOWN_HALL, opening_hours="24/7")
    make_merchant(name="Ailleurs", position=DAMMARIE_TOWN_HALL, opening_hours="24/7")
    response = client.get("/", query_string={"commune": MELUN})
    assert response.status_code == 200
    html = page_text(response)
    assert "Refuges à Melun" in html
    assert "Affichés parce que vous avez choisi Melun" in html
    town_hall_first = geodesic_m(centre.lat, centre.lon, *MELUN_TOWN_HALL) < (
        geodesic_m(centre.lat, centre.lon, *MELUN_STATION)
    )
    assert names_on(response) == (["Mairie", "Gare"] if town_hall_first else ["Gare", "Mairie"])
    assert "selected>Melun</option>" in html
    assert "Ouvert 24 h/24" in html
    assert "Appeler le 17" not in html


def test_commune_list_puts_open_refuges_first(client, make_merchant):
    make_merchant(name="Fermé tout près", position=LE_MEE_CENTRE, opening_hours="off")
    make_merchant(name="Sans horaires", position=LE_MEE_CENTRE)
    make_merchant(name="Ouvert plus loin", position=(48.5390, 2.6280), opening_hours="24/7")
    response = client.get("/", query_string={"commune": LE_MEE})
    assert names_on(response) == ["Ouvert plus loin", "Sans horaires", "Fermé tout près"]
    html = response.get_data(as_text=True)
    assert "Fermé</p>" in html and "Horaires non renseignés" in html


def test_commune_with_nothing_open_puts_the_police_first(client, make_merchant):
    make_merchant(name="Fermé", position=LE_MEE_CENTRE, opening_hours="off")
    page = page_text(client.get("/", query_string={"commune": LE_MEE}))
    assert "Aucun refuge à Le Mée-sur-Seine n'est ouvert en ce moment. En cas de danger" in page
    assert page.index('href="tel:17"', page.index("police-first")) < page.index('class="cards"')


def test_commune_with_nothing_open_shows_the_nearest_open_refuge_first(client, make_merchant):
    # At night the position's list adds the nearest open refuge: so does this one.
    make_merchant(name="Fermé", position=LE_MEE_CENTRE, opening_hours="off")
    make_merchant(name="Ouvert à Melun", position=MELUN_STATION, opening_hours="24/7")
    response = client.get("/", query_string={"commune": LE_MEE})
    assert names_on(response) == ["Ouvert à Melun", "Fermé"]
    page = page_text(response)
    assert (
        "Aucun refuge à Le Mée-sur-Seine n'est ouvert en ce moment. En premier : le refuge "
        "ouvert le plus proche du centre de Le Mée-sur-Seine. En cas de danger, appelez le 17."
    ) in page


def test_commune_distances_say_they_are_from_the_centre(client, make_merchant):
    make_merchant(name="Mairie", position=MELUN_TOWN_HALL, opening_hours="24/7")
    page = page_text(client.get("/", query_string={"commune": MELUN}))
    assert re.search(r"à \d+ m du centre de Melun", page)
    assert "min à pied" not in page.split("police-first")[0].split('class="cards"')[-1]


def test_commune_without_refuges_shows_the_nearest_ones_and_says_so(client, make_merchant):
    make_merchant(name="Mairie de Melun", position=MELUN_TOWN_HALL, opening_hours="24/7")
    response = client.get("/", query_string={"commune": LE_MEE})
    assert names_on(response) == ["Mairie de Melun"]
    assert "Aucun refuge à Le Mée-sur-Seine pour l'instant : voici les plus proches" in page_text(
        response
    )


def test_commune_list_hides_refuges_that_are_not_public(client, make_merchant):
    make_merchant(name="Formé")
    make_merchant(name="Suspendu", status="suspended")
    make_merchant(name="Retiré", status="withdrawn")
    make_merchant(name="À former", status="pending", trained_on=None)
    assert names_on(client.get("/", query_string={"commune": MELUN})) == ["Formé"]


@pytest.mark.parametrize("code", ["75056", "abc", "7728", "77288 "])
def test_unknown_commune_says_so_in_words(client, code):
    response = client.get("/", query_string={"commune": code})
    assert response.status_code == 400
    assert "Commune inconnue : choisissez-la dans la liste" in page_text(response)
    assert names_on(response) == []


def test_card_shows_the_refuge_in_words(client, make_merchant):
    refuge = make_merchant(
        name="Pharmacie du Marché", category="pharmacy", address="2 place Saint-Jean",
        phone="+33164520000", opening_hours="24/7",
    )  # fmt: skip
    html = client.get(f"/refuges/{refuge.id}").get_data(as_text=True)
    assert "<h1" in html and "Pharmacie du Marché" in html
    assert "Pharmacie</span>" in html
    assert "Ouvert 24 h/24" in html
    assert "2 place Saint-Jean, 77000 Melun" in html
    assert 'href="tel:+33164520000"' in html and "01 64 52 00 00" in html
    directions = client.get(f"/api/v1/refuges/{refuge.id}").get_json()["directions_url"]
    assert f'href="{directions.replace("&", "&amp;")}"' in html


def test_card_without_a_phone_has_no_call_link(client, make_merchant):
    refuge = make_merchant(phone=None)
    html = client.get(f"/refuges/{refuge.id}").get_data(as_text=True)
    assert 'href="tel:+' not in html


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_invisible_refuge_page_is_a_french_404(client, make_merchant, status):
    refuge = make_merchant(name="Caché", status=status)
    response = client.get(f"/refuges/{refuge.id}")
    assert response.status_code == 404
    html = page_text(response)
    assert "Ce refuge n'existe pas ou n'est plus actif" in html
    assert "Caché" not in html
    assert 'href="tel:17"' in html


def test_unknown_refuge_page_is_a_french_404(client):
    response = client.get("/refuges/424242")
    assert response.status_code == 404
    assert '<html lang="fr" dir="ltr">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/", f"/?commune={MELUN}", "/refuges/1", "/refuges/9999", "/refuges/1/signaler"]
)
def test_public_pages_set_no_cookie_and_carry_security_headers(client, make_merchant, path):
    make_merchant()
    response = client.get(path)
    assert "Set-Cookie" not in response.headers
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert response.headers["Permissions-Policy"].startswith("geolocation=(self)")


def test_api_answers_carry_the_security_headers_too(client):
    response = client.get("/api/v1/communes")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


# --- the pure parts ------------------------------------------------------------


@pytest.mark.parametrize(
    ("metres", "minutes", "words"),
    [
        (0, 0, "0 m à vol d'oiseau · moins d'une minute à pied"),
        (350, 5, "350 m à vol d'oiseau · 5 min à pied"),
        (999, 14, "999 m à vol d'oiseau · 14 min à pied"),
        (1249, 17, "1,2 km à vol d'oiseau · 17 min à pied"),
        (1250, 17, "1,3 km à vol d'oiseau · 17 min à pied"),
        (2250, 30, "2,3 km à vol d'oiseau · 30 min à pied"),
        (2251, 31, "2,3 km à vol d'oiseau · trop loin à pied : appelez le 17 ou un taxi"),
        (9950, 133, "10 km à vol d'oiseau · trop loin à pied : appelez le 17 ou un taxi"),
    ],
)
def test_walk_text(metres, minutes, words):
    assert walk_text(metres, minutes) == words


def _card(open_now, minutes=5):
    return {"open_now": open_now, "walking_minutes": minutes}


def test_open_first_keeps_distance_order_within_each_group():
    cards = [_card(False, 1), _card(None, 2), _card(True, 3), _card(False, 4), _card(True, 5)]
    ordered = presenters.open_first(cards)
    assert [(c["open_now"], c["walking_minutes"]) for c in ordered] == [
        (True, 3), (True, 5), (None, 2), (False, 1), (False, 4),
    ]  # fmt: skip


def test_any_open_within_a_walk():
    assert presenters.any_open([_card(True, 15)], WALK_LIMIT_MINUTES)
    assert not presenters.any_open([_card(True, 16)], WALK_LIMIT_MINUTES)
    assert presenters.any_open([_card(True, 16)])
    assert not presenters.any_open([_card(None, 1), _card(False, 1)])


def test_card_words_follow_the_moment(app, make_merchant):
    from angela.core import hours
    from angela.services import directory as refuges

    merchant = make_merchant(opening_hours="Mo-Sa 09:00-19:30")
    wednesday_night = datetime(2026, 11, 25, 22, 0, tzinfo=hours.PARIS)
    with app.test_request_context():
        directory = refuges.directory()
        refuge = directory.get(merchant.id)
        assert refuge is not None
        item = presenters.card(directory, refuge, wednesday_night, 120)
    assert item["status_text"] == "Fermé · ouvre demain à 09:00"
    assert item["category_label"] == "Commerce"
    assert (item["distance_m"], item["walking_minutes"]) == (120, 2)


@pytest.mark.parametrize("path", ["/nulle-part", "/refuges/abc", "/static/nothing.css"])
def test_unknown_pages_answer_in_french_with_the_emergency_numbers(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Page introuvable" in page
    assert 'href="tel:17"' in page and 'href="sms:114"' in page
    assert "Set-Cookie" not in response.headers


def test_a_database_failure_on_a_page_is_a_french_503(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from angela.services import directory

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is down"))

    monkeypatch.setattr(directory, "directory", broken)
    response = client.get("/?commune=77288")
    assert response.status_code == 503
    assert "Service indisponible" in response.get_data(as_text=True)
    api = client.get("/api/v1/refuges/nearest?lat=48.5&lon=2.6")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "unavailable"


@pytest.mark.parametrize("path", ["/?commune=77288", "/refuges/{id}"])
def test_the_map_gets_the_tile_server_and_its_credit(app, client, make_merchant, path):
    refuge = make_merchant()
    html = client.get(path.format(id=refuge.id)).get_data(as_text=True)
    assert f'data-tile-url="{app.config["TILE_URL"]}"' in html
    assert 'data-tile-attribution=""' not in html


def test_a_shared_refuge_page_says_where_and_when_in_words(client, make_merchant):
    refuge = make_merchant(name="Pharmacie Gambetta", opening_hours="Mo-Sa 09:00-19:30; PH off")
    html = client.get(f"/refuges/{refuge.id}").get_data(as_text=True)
    # For link previews in a message: the place, its address and what it is for.
    assert (
        '<meta property="og:title" content="Pharmacie Gambetta — refuge « Où est Angela ? »">'
        in html
    )
    assert f"{refuge.address}, 77000 Melun : on peut y entrer" in html
    assert "og:url" in html and f"/refuges/{refuge.id}" in html
    # Its heading is its name, not a link to the page one is on.
    assert '<h1 class="card-name"><span dir="auto">Pharmacie Gambetta</span></h1>' in html
    assert "Horaires des 7 prochains jours" in html
    assert html.count("09:00–19:30") >= 5


class _Attributes(HTMLParser):
    """The attributes of each element of a page that has `marker`, as a
    browser reads them (entities decoded), in order."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker, self.found = marker, []

    def handle_starttag(self, tag, attrs):
        if any(name == self.marker for name, _value in attrs):
            self.found.append(dict(attrs))


def attributes(html: str, marker: str) -> list[dict[str, str | None]]:
    parser = _Attributes(marker)
    parser.feed(html)
    return parser.found


SHAREABLE = {
    "name": 'Bar « L\'Escale » & "Le Quai"',
    "address": "12 bis, quai de l'Hôtel-de-Ville",
    "postcode": "77000",
}


def test_a_refuge_page_can_be_sent_by_sms_without_javascript(client, make_merchant):
    refuge = make_merchant(**SHAREABLE)
    html = client.get(f"/refuges/{refuge.id}").get_data(as_text=True)
    [link] = attributes(html, "data-share-sms")
    href = link["href"]
    assert href is not None and href.startswith("sms:?&body=")  # read by iOS and Android
    body = href.removeprefix("sms:?&body=")
    # All percent-encoded: no space or "+" (Messages would show a "+"), no
    # "&" or "#" to cut the body short, no "/" (not allowed in an sms: body).
    assert re.fullmatch(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+", body), body
    assert unquote(body) == (
        'Refuge « Où est Angela ? » : Bar « L\'Escale » & "Le Quai", '
        "12 bis, quai de l'Hôtel-de-Ville, 77000 Melun\n"
        f"http://localhost/refuges/{refuge.id}"
    )
    assert "Partager ce refuge par SMS" in page_text(client.get(f"/refuges/{refuge.id}"))


def test_the_share_script_gets_the_refuge_and_its_page_and_nothing_else(client, make_merchant):
    refuge = make_merchant(**SHAREABLE)
    html = client.get(f"/refuges/{refuge.id}").get_data(as_text=True)
    [block] = attributes(html, "data-share")
    assert {name: value for name, value in block.items() if name.startswith("data-share-")} == {
        "data-share-title": 'Bar « L\'Escale » & "Le Quai" — refuge « Où est Angela ? »',
        "data-share-text": (
            'Refuge « Où est Angela ? » : Bar « L\'Escale » & "Le Quai", '
            "12 bis, quai de l'Hôtel-de-Ville, 77000 Melun"
        ),
        "data-share-url": f"http://localhost/refuges/{refuge.id}",
    }
    # The buttons only the script can make work are hidden until it does.
    for marker in ("data-share-native", "data-share-copy"):
        [button] = attributes(html, marker)
        assert "hidden" in button
    assert len(attributes(html, "data-share-status")) == 1


def test_the_week_in_words_knows_holidays_and_nights():
    from datetime import date

    from angela.core import hours

    week = dict(hours.week_in_words(hours.parse("Mo-Sa 09:00-19:30; PH off"), date(2026, 12, 21)))
    assert week["lundi 21 décembre"] == "09:00–19:30"
    assert week["vendredi 25 décembre"] == "fermé"  # Christmas Day
    assert week["dimanche 27 décembre"] == "fermé"
    nights = dict(hours.week_in_words(hours.parse("Fr-Sa 18:00-02:00"), date(2026, 12, 21)))
    assert nights["samedi 26 décembre"] == "00:00–02:00, 18:00–24:00"
    always = hours.week_in_words(hours.parse("24/7"), date(2026, 12, 21))
    assert {words for _day, words in always} == {"ouvert 24 h/24"}
