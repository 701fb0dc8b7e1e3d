"""The input guard: control characters are refused with a 400 before any
view or the database sees them (PostgreSQL refuses NUL in text), and ids
beyond the database's INTEGER are not found, on every URL that takes one."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from flask import request
from werkzeug.routing import IntegerConverter

from angela.input_guard import MAX_ID
from tests.conftest import STAFF_PASSWORD

# Refused everywhere: C0 controls (NUL first), DEL, C1 controls.
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
LINE_BREAKS_AND_TAB = ["\t", "\r", "\n"]
HUGE_IDS = [str(2**31), "99999999999999999999999", "9" * 5000]
# Placeholders for the other parts of a URL with an id.
# The other parts of addresses: a staff action, a report step, a language prefix.
URL_VALUES = {"action": "suspend", "step": "resolve", "lang": "en"}


def is_french_error_page(response):
    return response.mimetype == "text/html" and "Caractère non permis" in response.text


@pytest.fixture
def echo(app):
    """A route that answers with the form values it received (no CSRF check)."""
    app.config["WTF_CSRF_ENABLED"] = False

    def view():
        return {"form": request.form.to_dict(), "files": list(request.files)}

    app.add_url_rule("/echo", "echo", view, methods=["POST"])
    return app.test_client()


# --- control characters --------------------------------------------------------


def test_a_control_character_in_the_login_form_is_a_400_page(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    for control in CONTROLS:
        for field in ("email", "password"):
            data = {"email": email, "password": STAFF_PASSWORD, field: f"{email}{control}"}
            response = client.post("/staff/login", data=data)
            assert response.status_code == 400, (field, control)
            assert is_french_error_page(response)
            assert "Se connecter à l'espace équipe" in response.text  # the staff face's page
    assert (
        client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD}).status_code
        == 302
    )


def test_a_control_character_in_the_staff_search_is_a_400_page(staff_client):
    viewer = staff_client("viewer")
    for control in [*CONTROLS, *LINE_BREAKS_AND_TAB]:
        response = viewer.get("/staff/merchants", query_string={"q": f"bar{control}"})
        assert response.status_code == 400, repr(control)
        assert is_french_error_page(response)
        assert "Tableau de bord" in response.text  # inside the staff layout, still logged in


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/refuges/nearest?lat=48.5&lon=2.6&at={}", "at"),
        ("/api/v1/refuges?{}=1", "\N{REPLACEMENT CHARACTER}"),
        ("/api/v1/refuges/1?x={}", "x"),
        ("/api/v1/communes?q=a{}", "q"),
    ],
)
def test_a_control_character_in_an_api_query_is_a_json_400(client, path, parameter):
    for control in [*CONTROLS, *LINE_BREAKS_AND_TAB]:
        response = client.get(path.format(quote(control)))
        assert response.status_code == 400, repr(control)
        error = response.get_json()["error"]
        assert error["code"] == "invalid_character"
        assert error["parameter"] == parameter
        assert "caractère de contrôle" in error["message"]


@pytest.mark.parametrize("control", ["\x00", "\x1b"])
def test_a_control_character_in_an_api_json_body_is_a_json_400(client, control):
    for body in ({"q": f"12 rue{control}"}, {"q": ["x", {"y": control}]}, {f"q{control}": "x"}):
        response = client.post("/api/v1/addresses/search", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "invalid_character"
    assert client.post("/api/v1/addresses/search", json=control).get_json()["error"] == {
        "code": "invalid_character",
        "message": "« body » contient un caractère de contrôle non permis.",
        "parameter": "body",
    }


@pytest.mark.parametrize("path", ["/?commune=77288%00", "/refuges/1?x=%0A", "/refuges/%00"])
def test_a_control_character_on_a_public_page_is_a_french_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert is_french_error_page(response)
    assert 'href="tel:17"' in response.text


def test_tab_and_line_breaks_pass_in_form_values_and_files_are_not_checked(echo):
    notes = "Première ligne\r\nDeuxième ligne\n\tretrait"
    upload = (io.BytesIO(b"ref,name\x00\x1b\r\n"), "merchants.csv")
    response = echo.post("/echo", data={"notes": notes, "file": upload})
    assert response.status_code == 200
    assert response.get_json() == {"form": {"notes": notes}, "files": ["file"]}


def test_other_control_characters_are_refused_in_form_values(echo):
    for control in CONTROLS:
        assert echo.post("/echo", data={"notes": f"ligne{control}"}).status_code == 400
        assert echo.post("/echo", data={f"notes{control}": "ligne"}).status_code == 400


def test_the_staff_search_still_works_with_ordinary_text(staff_client, make_merchant):
    make_merchant(name="Café de la Gare")
    response = staff_client("viewer").get("/staff/merchants", query_string={"q": "Café  Gare"})
    assert response.status_code == 200


# --- ids in URLs ---------------------------------------------------------------


def urls_with_an_id(app, number):
    """Yield (method, url) for every rule with an `int` part, that part set to `number`."""
    for rule in app.url_map.iter_rules():
        ids = [
            name for name, kind in rule._converters.items() if isinstance(kind, IntegerConverter)
        ]
        if not ids:
            continue
        url = rule.rule
        for name, value in {**URL_VALUES, **dict.fromkeys(ids, number)}.items():
            url = re.sub(rf"<(?:\w+(?:\([^)]*\))?:)?{name}>", str(value), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def test_every_url_with_an_id_is_listed(app):
    urls = {url for _method, url in urls_with_an_id(app, 7)}
    assert {
        "/refuges/7",
        "/api/v1/refuges/7",
        "/staff/merchants/7",
        "/staff/merchants/7/edit",
    } <= urls
    assert {"/staff/admin/users/7", "/staff/support/7/edit"} <= urls
    assert all("<" not in url for url in urls)


@pytest.mark.parametrize("number", HUGE_IDS, ids=["2**31", "23 digits", "5000 digits"])
def test_an_id_beyond_the_database_integer_is_not_found(app, staff_client, number):
    admin = staff_client("admin")
    checked = 0
    for method, url in urls_with_an_id(app, number):
        response = admin.open(url, method=method)
        assert response.status_code == 404, (method, url[:80])
        if url.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "not_found"
        checked += 1
    assert checked >= 10


def test_the_largest_id_is_an_ordinary_missing_one(app, staff_client):
    admin = staff_client("admin")
    for method, url in urls_with_an_id(app, MAX_ID):
        response = admin.open(url, method=method)
        assert response.status_code < 500, (method, url)
    assert admin.get(f"/staff/merchants/{MAX_ID}").status_code == 404
    assert admin.get(f"/refuges/{MAX_ID}").status_code == 404
