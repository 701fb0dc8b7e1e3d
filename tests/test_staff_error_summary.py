"""Errors that lead to the field (issue 13, the GOV.UK pattern): on every
staff form, a refused submission shows « Il y a un problème » at the top of
the page, each error a link to its field's id, the summary takes the focus
(autofocus) and the title starts with « Erreur : »; optional fields say
« (facultatif) » and the type of place is not chosen for the person."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import STAFF_PASSWORD, log_in

SUMMARY = re.compile(r'<div class="error-summary"([^>]*)>(.*?)</ul>', re.S)
LINK = re.compile(r'<li><a href="#([^"]+)">([^<]*)</a></li>')
ITEM = re.compile(r"<li>(.*?)</li>", re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def summary_links(page: str) -> list[tuple[str, str]]:
    """The (field id, message) pairs of the page's error summary, in order."""
    found = SUMMARY.search(page)
    assert found, "no error summary"
    return [(target, html.unescape(text)) for target, text in LINK.findall(found.group(2))]


def summary_items(page: str) -> list[str]:
    found = SUMMARY.search(page)
    assert found, "no error summary"
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in ITEM.findall(found.group(2))]


def title(page: str) -> str:
    found = TITLE.search(page)
    assert found
    return html.unescape(found.group(1))


def assert_leads_to_fields(page: str, expected: dict[str, str]) -> None:
    """The summary lists exactly these fields, each linked to an element of
    that id on the page with its message, takes the focus, and the title says it."""
    links = summary_links(page)
    assert sorted(target for target, _message in links) == sorted(expected), links
    for target, words in expected.items():
        assert words in links_message(links, target), (target, links)
        assert re.search(rf'\sid="{re.escape(target)}"', page), f"no element #{target}"
    attributes = SUMMARY.search(page).group(1)  # type: ignore[union-attr]
    assert "autofocus" in attributes and 'tabindex="-1"' in attributes
    # Only the summary asks for the focus, or the first field would take it.
    assert page.count("autofocus") == 1
    assert title(page).startswith("Erreur : ")
    assert "Il y a un problème" in page


def links_message(links: list[tuple[str, str]], target: str) -> str:
    return " ".join(message for t, message in links if t == target)


@pytest.fixture
def anonymous(app: Flask, client: FlaskClient) -> FlaskClient:
    app.config["WTF_CSRF_ENABLED"] = False
    return client


def test_an_empty_login_leads_to_both_fields(anonymous):
    page = anonymous.post("/staff/login", data={"email": "", "password": ""}).text
    assert_leads_to_fields(
        page,
        {"email": "Saisissez votre adresse e-mail", "password": "Saisissez votre mot de passe"},
    )


def test_a_refused_login_leads_to_the_email(anonymous, make_user):
    email = make_user("agent")
    page = anonymous.post("/staff/login", data={"email": email, "password": "pas le bon"}).text
    assert_leads_to_fields(page, {"email": "incorrect"})
    assert title(page) == "Erreur : Connexion — Où est Angela ?"


def test_a_page_without_error_has_no_summary_and_a_plain_title(anonymous):
    page = anonymous.get("/staff/login").text
    assert "error-summary" not in page and not title(page).startswith("Erreur")
    assert "autofocus" in page  # the email field, as before


def test_a_wrong_code_leads_to_the_code(anonymous, make_user):
    email = make_user("admin")  # has the second step
    anonymous.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD})
    page = anonymous.post("/staff/login/code", data={"code": "000000"}).text
    assert_leads_to_fields(page, {"code": "Code incorrect"})


def test_the_password_change_leads_to_each_field(staff_client):
    page = (
        staff_client("agent")
        .post(
            "/staff/password",
            data={"current_password": "", "new_password": "court", "new_password_again": "autre"},
        )
        .text
    )
    assert_leads_to_fields(
        page,
        {
            "current_password": "Saisissez votre mot de passe actuel",
            "new_password": "12",
            "new_password_again": "identiques",
        },
    )


def test_a_wrong_first_code_of_the_enrolment_leads_to_the_code(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    log_in(client, make_user("agent", mfa=False))
    page = client.post("/staff/security/enable", data={"code": ""}).text
    assert_leads_to_fields(page, {"code": "Saisissez le code"})


def test_a_wrong_code_to_turn_the_second_step_off_leads_to_the_code(staff_client):
    page = staff_client("admin").post("/staff/security/disable", data={"code": "000000"}).text
    assert_leads_to_fields(page, {"code": "Code incorrect"})


def test_an_empty_merchant_form_leads_to_each_required_field_in_page_order(staff_client):
    response = staff_client("agent").post("/staff/merchants/new", data={"save": "1"})
    assert response.status_code == 422
    page = response.text
    assert_leads_to_fields(
        page,
        {
            "name": "Saisissez le nom du lieu",
            "category": "Choisissez le type de lieu",
            "address": "Saisissez l'adresse du lieu",
            "postcode": "Saisissez le code postal",
            "lat": "latitude",
            "lon": "longitude",
            "training_status": "Choisissez le statut",
        },
    )
    order = [target for target, _message in summary_links(page)]
    assert order == ["name", "category", "address", "postcode", "lat", "lon", "training_status"]
    assert title(page) == "Erreur : Enregistrer un commerçant formé — Où est Angela ?"


def test_a_bad_value_in_the_edit_form_leads_to_it(app, staff_client, make_merchant, today):
    merchant = make_merchant()
    agent = staff_client("agent")
    edit = agent.get(f"/staff/merchants/{merchant.id}/edit").text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit) or re.search(
        r'value="(\d+)"[^>]*name="version"', edit
    )
    data = {
        "name": merchant.name, "category": "shop", "address": merchant.address,
        "postcode": "7700", "lat": str(merchant.lat), "lon": str(merchant.lon),
        "training_status": "trained", "trained_on": (today - timedelta(days=3)).isoformat(),
        "version": version.group(1) if version else "1", "save": "1",
    }  # fmt: skip
    page = agent.post(f"/staff/merchants/{merchant.id}/edit", data=data).text
    assert_leads_to_fields(page, {"postcode": "5 chiffres"})


def test_a_failed_lookup_without_javascript_leads_to_the_address(app, staff_client):
    app.config["GEOCODER_URL"] = "http://127.0.0.1:9/"  # nothing answers there
    page = (
        staff_client("agent")
        .post(
            "/staff/merchants/new",
            data={"address": "1 rue Nulle Part", "postcode": "77000", "locate": "1"},
        )
        .text
    )
    assert "address" in [target for target, _message in summary_links(page)]


def test_an_import_without_a_file_leads_to_the_file_field(staff_client):
    page = staff_client("agent").post("/staff/import", data={}).text
    assert_leads_to_fields(page, {"file": "Choisissez un fichier"})


def test_a_support_service_without_a_name_leads_to_it(staff_client):
    page = staff_client("agent").post("/staff/support/new", data={"postcode": "7700"}).text
    assert_leads_to_fields(page, {"name": "Saisissez le nom du service", "postcode": "chiffres"})


def test_a_refused_account_creation_leads_to_its_fields(staff_client):
    page = (
        staff_client("admin")
        .post("/staff/admin/users", data={"email": "", "role": "viewer", "password": "court"})
        .text
    )
    assert_leads_to_fields(
        page, {"email": "Saisissez l'adresse e-mail de la personne", "password": "12"}
    )


# A training without its date, a suspension without its reason.
REFUSED_ACTIONS = pytest.mark.parametrize(
    "path, data, words",
    [
        ("training", {"trained_on": "", "version": "1"}, "Saisissez la date de la formation"),
        ("status/suspend", {"reason": "", "version": "1"}, "motif"),
    ],
)


@REFUSED_ACTIONS
def test_a_refused_training_or_status_change_opens_the_page_on_the_summary(
    staff_client, make_merchant, path, data, words
):
    merchant = make_merchant()
    answer = staff_client("agent").post(f"/staff/merchants/{merchant.id}/{path}", data=data)
    assert answer.status_code == 422  # the page again, with what was typed
    target = "trained_on" if path == "training" else "reason-suspend"
    assert f'<a href="#{target}">' in answer.text and f'id="{target}"' in answer.text


@REFUSED_ACTIONS
def test_a_refused_training_or_status_change_is_said_once_in_the_summary(
    staff_client, make_merchant, path, data, words
):
    merchant = make_merchant()
    agent = staff_client("agent")
    page = agent.post(
        f"/staff/merchants/{merchant.id}/{path}", data=data, follow_redirects=True
    ).text
    assert any(words in item for item in summary_items(page)), summary_items(page)
    assert 'class="flash flash-error"' not in page  # said once, in the summary
    assert title(page).startswith("Erreur : ")
    assert page.count("autofocus") == 1


def test_a_refused_provisional_password_opens_the_accounts_on_the_summary(
    app, staff_client, make_user
):
    admin = staff_client("admin")
    with app.app_context():
        from angela.services import accounts

        user_id = accounts.list_users()[0].id
    page = admin.post(
        f"/staff/admin/users/{user_id}/password",
        data={f"p{user_id}-password": "court"},
        follow_redirects=True,
    ).text
    assert any("Mot de passe non changé" in item for item in summary_items(page))
    assert title(page).startswith("Erreur : Comptes")


OPTIONAL = ["ref", "phone", "trainer", "contact_name", "contact_email", "contact_phone", "notes"]
REQUIRED = [
    "name",
    "category",
    "address",
    "postcode",
    "lat",
    "lon",
    "training_status",
    "trained_on",
]


def label_of(page: str, field_id: str) -> str:
    found = re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S)
    assert found, field_id
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_optional_merchant_fields_say_so_and_required_ones_do_not(staff_client):
    page = staff_client("agent").get("/staff/merchants/new").text
    for name in OPTIONAL:
        assert label_of(page, name).endswith("(facultatif)"), name
    for name in REQUIRED:
        assert "facultatif" not in label_of(page, name), name


def test_optional_support_fields_say_so(staff_client):
    page = staff_client("agent").get("/staff/support/new").text
    assert "facultatif" not in label_of(page, "name")
    for name in ("services", "phone", "address", "postcode", "hours", "languages", "notes"):
        assert label_of(page, name).endswith("(facultatif)"), name


def test_no_type_of_place_is_chosen_for_the_person(staff_client):
    page = staff_client("agent").get("/staff/merchants/new").text
    select = re.search(r'<select[^>]*id="category"[^>]*>(.*?)</select>', page, re.S)
    assert select
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    assert options[0] == (' value=""', "Choisissez…") or options[0][1] == "Choisissez…"
    assert not [text for attributes, text in options if "selected" in attributes]


def test_a_chosen_type_of_place_is_kept_after_an_error(staff_client):
    page = (
        staff_client("agent")
        .post("/staff/merchants/new", data={"category": "bakery", "save": "1"})
        .text
    )
    assert re.search(r'<option selected value="bakery">', page)
    assert "category" not in [target for target, _message in summary_links(page)]
