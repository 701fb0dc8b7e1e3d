"""What each language's pages and answers say: the words of its catalogue
(the French source otherwise), its own manifest, its error pages, and the
API's error messages in the language asked for, codes unchanged."""

from __future__ import annotations

import pytest

from angela.core import i18n

OTHERS = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
JSON = {"Accept": "application/json"}


def words(code: str, message: str, **values: str) -> str:
    with i18n.speaking(code):
        return i18n.gettext(message, **values)


@pytest.fixture
def refuge_id(make_merchant) -> int:
    return make_merchant(name="Pharmacie du Pont").id


@pytest.mark.parametrize("code", OTHERS)
def test_each_page_speaks_its_language(client, refuge_id, code):
    home = client.get(f"/{code}/").get_data(as_text=True)
    for message in ("Trouver le refuge le plus proche", "Comment ça marche\u00a0?", "Quitter"):
        translated = words(code, message)
        assert translated != message and translated in home, message
    refuge = client.get(f"/{code}/refuges/{refuge_id}").get_data(as_text=True)
    assert words(code, "Signaler un problème") in refuge
    assert "Pharmacie du Pont" in refuge  # names are not translated


@pytest.mark.parametrize("code", OTHERS)
def test_each_language_has_its_own_installable_app(client, code):
    manifest = client.get(f"/{code}/manifest.webmanifest").get_json()
    assert manifest["lang"] == code and manifest["dir"] == i18n.LANGUAGES[code].direction
    assert manifest["start_url"] == manifest["scope"] == f"/{code}/"
    assert manifest["short_name"] == "Où est Angela"
    assert manifest["description"] == words(
        code, "Trouver le refuge « Où est Angela ? » ouvert le plus proche, même sans connexion."
    )
    assert f'href="/{code}/manifest.webmanifest"' in client.get(f"/{code}/").get_data(as_text=True)


@pytest.mark.parametrize("code", OTHERS)
def test_a_missing_page_says_so_in_the_language_of_its_address(client, code):
    response = client.get(f"/{code}/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{code}"' in page
    assert words(code, "Cette page n'existe pas ou n'existe plus.") in page


@pytest.mark.parametrize("code", OTHERS)
def test_the_api_answers_errors_in_the_language_asked_codes_unchanged(client, code):
    response = client.get(
        "/api/v1/refuges/nearest?lat=x&lon=2.6", headers={"Accept-Language": code}
    )
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid_number"
    assert error["message"] == words(
        code, "« %(name)s » doit être un nombre décimal (ex. 48.5391).", name="lat"
    )
    assert "Accept-Language" in response.headers["Vary"]
    missing = client.get(
        "/api/v1/refuges/999999", headers={"Accept-Language": f"{code}-XX,fr;q=0.5"}
    )
    assert missing.get_json()["error"]["message"] == words(
        code, "Ce refuge n'existe pas ou n'est plus actif."
    )


def test_the_api_speaks_french_by_default_and_for_languages_it_lacks(client):
    for headers in ({}, {"Accept-Language": "de-DE,de;q=0.9"}, {"Accept-Language": "en;q=0"}):
        error = client.get("/api/v1/refuges/nearest?lat=x&lon=2.6", headers=headers).get_json()
        assert error["error"]["message"] == "« lat » doit être un nombre décimal (ex. 48.5391)."


def test_the_api_prefers_the_heaviest_language_it_has(client):
    headers = {"Accept-Language": "de;q=0.9, ar;q=0.8, en;q=0.5"}
    error = client.get("/api/v1/refuges/999999", headers=headers).get_json()["error"]
    assert error["message"] == words("ar", "Ce refuge n'existe pas ou n'est plus actif.")


def test_a_successful_api_answer_does_not_vary_with_the_language(client):
    response = client.get("/api/v1/communes", headers={"Accept-Language": "ar"})
    assert response.status_code == 200
    assert "Accept-Language" not in response.headers.get("Vary", "")


@pytest.mark.parametrize("code", OTHERS)
def test_a_report_refused_says_why_in_the_language_of_its_form(client, refuge_id, code):
    url = f"/{code}/refuges/{refuge_id}/signaler"
    token = client.get(url, headers=JSON).get_json()["token"]
    response = client.post(url, data={"token": token, "reason": ""}, headers=JSON)
    assert response.status_code == 422
    body = response.get_json()["error"]
    messages = [body["message"], *(field["message"] for field in body.get("fields", []))]
    assert words(code, "Choisissez le problème que vous signalez.") in messages
    # Without JavaScript: the form again, in that language.
    page = client.post(url, data={"token": token, "reason": ""}).get_data(as_text=True)
    assert f'<html lang="{code}"' in page
    assert words(code, "Choisissez le problème que vous signalez.") in page


@pytest.mark.parametrize("code", OTHERS)
def test_the_offer_on_a_french_page_is_written_in_the_offered_language(client, code):
    page = client.get("/", headers={"Accept-Language": f"{code},fr;q=0.5"}).get_data(as_text=True)
    offer = words(code, "Lire cette page en français")
    assert offer != "Lire cette page en français" and offer in page


def test_the_made_up_test_language_is_not_served_and_its_refusal_is_french(client):
    assert client.get("/ar/").status_code == 200
    response = client.get("/en-XA/")
    assert response.status_code == 404
    assert '<html lang="fr" dir="ltr">' in response.get_data(as_text=True)


def test_a_request_in_arabic_leaves_french_behind_it(client):
    """The test client runs the app in the test's own thread, as a command
    would after a request: the language ends with the request."""
    assert client.get("/ar/").status_code == 200
    assert i18n.language().code == "fr"
    assert i18n.gettext("Fermé") == "Fermé"
