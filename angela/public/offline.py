"""The public page as an installable, offline-first app: its service worker
(`/sw.js`, with its settings filled in) and its web app manifest
(`/manifest.webmanifest`).

The service worker's version is a hash of everything it keeps: its own
source, the fingerprinted names of the app shell and the home page's HTML.
A deploy that changes any of them changes the worker's bytes, so browsers
install the new one, which takes over and deletes the old caches.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from flask import Blueprint, Response, current_app, url_for

from angela.assets import asset_url, pack, packed_response, static_imports
from angela.core import i18n, snapshot
from angela.public import languages
from angela.public.pages import home_html

bp = Blueprint("offline", __name__)

# The page's entry module and every file the page needs without a network
# (its imports are added). The map and its library are kept only once used.
SHELL_ASSETS = (
    "public/page.js",
    "public/public.css",
    "shared/tokens.css",
    "shared/icons.svg",
    "shared/favicon.svg",
    "shared/app-icon-192.png",
    "shared/app-icon-512.png",
    "shared/app-icon-maskable-512.png",
)
# How long a page waits for the network before the kept page is shown.
NAVIGATION_TIMEOUT_MS = 3000
THEME_COLOUR = "#5a2d82"
FINGERPRINTED = r"\.[0-9a-f]{10}\.[a-z0-9]+$"


@cache
def _worker_source() -> str:
    return resources.files("angela.public").joinpath("sw.js").read_text("utf-8")


def shell_urls() -> list[str]:
    """Return the URLs the service worker keeps at install."""
    names: list[str] = []
    for name in SHELL_ASSETS:
        names += [found for found in static_imports(name) if found not in names]
    return [url_for("public.index"), url_for("offline.manifest"), *map(asset_url, names)]


def worker_settings() -> dict[str, Any]:
    static_prefix = url_for("static", filename="")
    others = [code for code in i18n.LANGUAGES if code != i18n.SOURCE]
    settings: dict[str, Any] = {
        "precache": shell_urls(),
        "snapshotUrl": url_for("api.refuges_snapshot"),
        "snapshotFormat": snapshot.FORMAT,
        "homeUrl": url_for("public.index"),
        # Each other language's home page and the page modules' catalogue:
        # kept at install for the languages of the pages open then, and
        # from then on for each language used.
        "homes": {code: url_for("public.index", lang=code) for code in others},
        "catalogues": {code: asset_url(f"i18n/{code}.json") for code in others},
        # Public pages the worker may answer with the kept page when offline.
        "pages": [url_for("public.index"), url_for("public.refuge_show", refuge_id=0)[:-2]]
        + [url_for("public.index", lang=code)[:-1] for code in others],
        "staticPrefix": static_prefix,
        "fingerprinted": FINGERPRINTED,
        "navigationTimeoutMs": NAVIGATION_TIMEOUT_MS,
    }
    digest = hashlib.sha256()
    for part in (_worker_source(), json.dumps(settings, sort_keys=True)):
        digest.update(part.encode())
    digest.update(home_html())
    return {"version": digest.hexdigest()[:12], **settings}


@bp.get("/sw.js")
def service_worker() -> Response:
    settings = json.dumps(worker_settings(), ensure_ascii=False, indent=2)
    body = f"const SETTINGS = {settings};\n\n{_worker_source()}".encode()
    gzipped, etag = pack(body)
    response = packed_response(body, gzipped, etag, "text/javascript; charset=utf-8")
    response.cache_control.no_cache = True
    return response


@languages.route(bp, "/manifest.webmanifest", methods=["GET"])
def manifest() -> Response:
    icon = {"type": "image/png"}
    spoken = i18n.language()
    document = {
        "name": i18n.gettext("Où est Angela ? — refuges à Melun Val de Seine"),
        "short_name": "Où est Angela",
        "description": i18n.gettext(
            "Trouver le refuge « Où est Angela ? » ouvert le plus proche, même sans connexion."
        ),
        "lang": spoken.code,
        "dir": spoken.direction,
        "start_url": url_for("public.index"),
        "scope": url_for("public.index"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {**icon, "src": asset_url("shared/app-icon-192.png"), "sizes": "192x192"},
            {**icon, "src": asset_url("shared/app-icon-512.png"), "sizes": "512x512"},
            {
                **icon,
                "src": asset_url("shared/app-icon-maskable-512.png"),
                "sizes": "512x512",
                "purpose": "maskable",
            },
        ],
    }
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False), content_type="application/manifest+json"
    )
    response.cache_control.no_cache = True
    return response
