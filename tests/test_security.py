"""Security headers: the Content-Security-Policy follows the tile server."""

from __future__ import annotations

import pytest

from angela import create_app, security


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
