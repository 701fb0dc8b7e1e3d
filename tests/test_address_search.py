"""The public address search: the JSON endpoint the page's script uses and
the plain form that works without JavaScript, against a fake Base Adresse
Nationale on loopback. What is typed travels in a POST body, comes back
`no-store`, and reaches no log."""

from __future__ import annotations

import logging

import pytest

from tests.fake_ban import fake_ban
from tests.places import MELUN_STATION
from tests.test_openapi import check, documented

SEARCH = "/api/v1/addresses/search"


@pytest.fixture(scope="module")
def ban():
    with fake_ban() as served:
        yield served


@pytest.fixture
def geocoder(app, ban):
    app.config.update(GEOCODER_URL=ban[0], GEOCODER_TIMEOUT=0.5)
    return ban[1]


def test_the_search_answers_addresses_inside_the_territory(client, geocoder):
    response = client.post(SEARCH, json={"q": "  rue   de la Gare "})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    addresses = response.get_json()["addresses"]
    assert [(a["label"], a["commune"]["name"]) for a in addresses] == [
        ("Rue de la Gare 77000 Melun", "Melun"),
        ("Rue de la Gare 77350 Le Mée-sur-Seine", "Le Mée-sur-Seine"),
    ]
    assert (addresses[0]["lat"], addresses[0]["lon"]) == MELUN_STATION
    # The spaces were tidied before asking.
    assert geocoder[-1].startswith("/geocodage/search?q=rue+de+la+Gare&")


def test_the_search_matches_its_documentation(client, geocoder):
    spec = client.get("/api/v1/openapi.json").get_json()
    for body, status, schema in [
        ({"q": "rue de la Gare"}, 200, "AddressList"),
        ({"q": "rien"}, 200, "AddressList"),
        ({"q": "rue en panne"}, 503, "Error"),
        ({"q": "a"}, 400, "Error"),
    ]:
        response = client.post(SEARCH, json=body)
        assert response.status_code == status, body
        check(spec, schema, documented(spec, SEARCH, response, "post"))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"q": "ab"}, "invalid_address"),
        ({"q": "x" * 201}, "invalid_address"),
        ({"q": "   "}, "invalid_address"),
        ({"q": 12}, "invalid_body"),
        ({"adresse": "rue de la Gare"}, "invalid_body"),
        (["rue de la Gare"], "invalid_body"),
    ],
)
def test_bad_searches_are_refused_before_asking(client, geocoder, body, code):
    asked = len(geocoder)
    response = client.post(SEARCH, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert len(geocoder) == asked


def test_a_search_must_be_json_in_a_post_body(client, geocoder):
    form = client.post(SEARCH, data={"q": "rue de la Gare"})
    assert form.status_code == 400
    # Never in a URL: a GET is not a way to search.
    assert client.get(SEARCH, query_string={"q": "rue de la Gare"}).status_code == 405


@pytest.mark.parametrize(
    ("text", "said"), [("rue lente", "ne répond pas"), ("rue en panne", "ne répond pas")]
)
def test_a_failing_service_is_said_plainly(client, geocoder, text, said):
    response = client.post(SEARCH, json={"q": text})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "geocoder_unavailable" and said in error["message"]


# --- the plain form ------------------------------------------------------------


def test_the_form_lists_the_refuges_nearest_to_the_address(client, geocoder, make_merchant):
    make_merchant(name="Hôtel de la Gare", position=MELUN_STATION, opening_hours="24/7")
    response = client.post("/adresse", data={"adresse": "rue de la Gare"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    assert 'Refuges près de <span dir="auto">Rue de la Gare 77000 Melun</span>' in page
    assert "Hôtel de la Gare" in page
    assert "0 m à vol d&#39;oiseau" in page
    assert "classés du plus proche au plus éloigné de cette adresse" in page
    # The other match, to pick instead, and what was typed, to correct.
    assert 'name="choix" value="Rue de la Gare 77350 Le Mée-sur-Seine"' in page
    assert 'value="rue de la Gare" data-address-input' in page


def test_picking_another_match_lists_around_it(client, geocoder, make_merchant):
    make_merchant(name="Hôtel de la Gare", position=MELUN_STATION, opening_hours="24/7")
    picked = "Rue de la Gare 77350 Le Mée-sur-Seine"
    response = client.post("/adresse", data={"adresse": "rue de la Gare", "choix": picked})
    assert f'Refuges près de <span dir="auto">{picked}</span>' in response.get_data(as_text=True)


def test_the_form_puts_the_police_first_when_nothing_is_open_near(client, geocoder, make_merchant):
    make_merchant(name="Bar fermé", position=MELUN_STATION, opening_hours="off")
    page = client.post("/adresse", data={"adresse": "rue de la Gare"}).get_data(as_text=True)
    assert "Aucun refuge ouvert à moins de 15 minutes à pied de cette adresse." in page
    assert 'href="tel:17"' in page


@pytest.mark.parametrize(
    ("typed", "status", "said"),
    [
        ("ab", 400, "Tapez une adresse"),
        ("rien de tel", 200, "Aucune adresse trouvée dans les 20 communes pour « rien de tel »"),
        ("Château de Fontainebleau", 200, "Aucune adresse trouvée"),
        ("rue en panne", 503, "La recherche d&#39;adresse ne répond pas"),
    ],
)
def test_the_form_says_why_there_is_no_list(client, geocoder, typed, status, said):
    response = client.post("/adresse", data={"adresse": typed})
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert said in page
    assert "data-results hidden" in page


def test_the_form_needs_no_token_and_sets_no_cookie(client, geocoder):
    response = client.post("/adresse", data={"adresse": "rue de la Gare"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_address_page_is_not_a_place_to_land(client):
    response = client.get("/adresse")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/#adresse")


def test_what_was_typed_reaches_no_log(client, geocoder, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(SEARCH, json={"q": "12 rue de la Gare"})
        client.post("/adresse", data={"adresse": "12 rue de la Gare"})
        client.post(SEARCH, json={"q": "9 rue en panne"})
    assert "gare" not in caplog.text.lower() and "panne" not in caplog.text.lower()


def test_searches_are_limited_for_everyone_together(app, client, geocoder):
    app.config.update(ADDRESS_SEARCHES_PER_SECOND=0.001, ADDRESS_SEARCH_BURST=2)
    spec = client.get("/api/v1/openapi.json").get_json()
    statuses = [client.post(SEARCH, json={"q": "rue de la Gare"}).status_code for _ in range(2)]
    assert statuses == [200, 200]
    asked = len(geocoder)
    refused = client.post(SEARCH, json={"q": "rue de la Gare"})
    assert refused.status_code == 429
    check(spec, "Error", documented(spec, SEARCH, refused, "post"))
    assert refused.get_json()["error"]["code"] == "too_many_searches"
    assert "Trop de recherches" in refused.get_json()["error"]["message"]
    page = client.post("/adresse", data={"adresse": "rue de la Gare"})
    assert page.status_code == 429 and "Trop de recherches" in page.get_data(as_text=True)
    # Refused before the national service was asked.
    assert len(geocoder) == asked
