"""The installable, offline-first public page, server side: the service
worker as served (its settings and version), the web app manifest and its
icons, the policy that lets them load, and pages that cost a 304 when
unchanged. The worker's behaviour in a browser: tests/browser/test_offline.py."""

from __future__ import annotations

import json
import re
import struct

import pytest

from angela import create_app
from angela.extensions import db
from angela.security import content_security_policy

SETTINGS = re.compile(r"^const SETTINGS = (\{.*?\n\});\n", re.S)


def settings_of(client) -> dict:
    response = client.get("/sw.js")
    assert response.status_code == 200
    found = SETTINGS.match(response.get_data(as_text=True))
    assert found, "the worker starts with its settings"
    return json.loads(found.group(1))


def test_the_worker_is_served_as_a_script_checked_on_every_visit(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert 'self.addEventListener("fetch"' in response.get_data(as_text=True)


def test_the_app_shell_holds_the_page_and_every_module_it_imports_but_not_the_map(client):
    precache = settings_of(client)["precache"]
    assert precache[:2] == ["/", "/manifest.webmanifest"]
    names = [re.sub(r"\.[0-9a-f]{10}\.", ".", url) for url in precache]
    modules = ("page", "finder", "cards", "words", "exit", "map-section", "nearest", "snapshot")
    for module in modules:
        assert f"/static/public/{module}.js" in names
    assert "/static/vendor/geographiclib/geographiclib-geodesic.min.js" in names
    assert "/static/public/public.css" in names and "/static/shared/tokens.css" in names
    # The map and its library come only when a list is shown.
    assert not [name for name in names if "leaflet" in name or name.endswith("/map.js")]
    for url in precache:
        assert client.get(url).status_code == 200, url


def test_the_snapshot_and_the_public_pages_are_what_it_answers_for(client):
    settings = settings_of(client)
    assert settings["snapshotUrl"] == "/api/v1/refuges/snapshot"
    others = ["en", "ar", "pt", "es", "tr", "uk"]
    assert settings["pages"] == ["/", "/refuges"] + [f"/{code}" for code in others]
    assert settings["staticPrefix"] == "/static/"
    # Each other language: its home page, and the catalogue its modules read.
    assert settings["homes"] == {code: f"/{code}/" for code in others}
    for code, url in settings["catalogues"].items():
        assert re.fullmatch(rf"/static/i18n/{code}\.[0-9a-f]{{10}}\.json", url)
        assert client.get(url).status_code == 200
    assert list(settings["catalogues"]) == others


def test_one_version_per_deploy_whatever_the_process(database_url):
    def version(**config: str) -> str:
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", **config}
        )
        answered = settings_of(app.test_client())["version"]
        # The kept home page lists the support services: it read the database.
        with app.app_context():
            db.engine.dispose()
        return answered

    assert version() == version()
    # What the kept home page shows changed: a new version, so a new worker.
    assert version(EXIT_URL="https://meteo.example/") != version()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_manifest_makes_the_page_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"].startswith("Où est Angela ?")
    assert manifest["short_name"] == "Où est Angela"
    assert manifest["lang"] == "fr"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#5a2d82"
    sizes = set()
    for icon in manifest["icons"]:
        width, height = png_size(client.get(icon["src"]).data)
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_the_policy_lets_our_own_worker_and_manifest_load_and_nothing_else():
    policy = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["worker-src"] == "'self'"
    assert directives["manifest-src"] == "'self'"
    assert directives["default-src"] == "'none'"


def test_public_pages_link_the_manifest_and_register_the_worker_staff_pages_do_not(client):
    public = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in public
    assert 'data-service-worker="/sw.js"' in public
    staff = client.get("/staff/login").get_data(as_text=True)
    assert "manifest" not in staff and "/sw.js" not in staff


@pytest.mark.parametrize("path", ["/", "/?commune=77288"])
def test_an_unchanged_page_costs_a_304(client, make_merchant, path):
    make_merchant()
    first = client.get(path)
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
