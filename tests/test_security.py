"""Security headers: the Content-Security-Policy follows the tile server."""

from __future__ import annotations

import pytest

from angela import create_app, security
from angela.extensions import db
from tests.conftest import STAFF_PASSWORD


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("/tiles/{z}/{x}/{y}.png", "'self'"),
    ],
)
def test_tile_source(tile_url, source):
    assert security.tile_source(tile_url) == source


def test_policy_allows_no_inline_script_and_no_third_party_but_tiles():
    policy = security.content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: https://tiles.example.org"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_a_view_may_set_its_own_header(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/own", "own", lambda: ("", 200, {"Referrer-Policy": "same-origin"}))
    response = app.test_client().get("/own")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_our_resources_are_for_our_own_pages(client):
    assert client.get("/").headers["Cross-Origin-Resource-Policy"] == "same-origin"


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


@pytest.fixture
def behind(app):
    """Return a function making a client of the app behind that many proxies."""
    made = []

    def client(proxies: int):
        made.append(create_app({**app.config, "TRUSTED_PROXIES": proxies}))
        return made[-1].test_client()

    yield client
    for served in made:
        with served.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(("proxies", "secure"), [(0, False), (1, True)])
def test_forwarded_headers_count_only_behind_a_trusted_proxy(behind, proxies, secure):
    response = behind(proxies).get("/", headers=FORWARDED)
    # Over HTTPS as the proxy says, the app asks browsers to stay on it.
    assert ("Strict-Transport-Security" in response.headers) is secure


def test_behind_a_proxy_failed_logins_are_counted_per_visitor(app, behind, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    client = behind(1)
    email = make_user("agent")

    def attempt(address: str, user: str, password: str) -> int:
        form = {"email": user, "password": password}
        headers = {"X-Forwarded-For": address}
        return client.post("/staff/login", data=form, headers=headers).status_code

    for number in range(6):
        attempt("203.0.113.7", f"personne{number}@cidff77.example", "pas le bon mot de passe")
    assert attempt("203.0.113.7", email, STAFF_PASSWORD) == 429
    # Someone else behind the same proxy is not locked out.
    assert attempt("198.51.100.4", email, STAFF_PASSWORD) == 302
