"""The public pages, in French, for a phone first: `/` (find the nearest
refuges, or those of a chosen commune) and `/refuges/<id>` (one refuge,
shareable).

The pages work as plain HTML; small ES modules add geolocation (the
nearest refuges are found on the phone, from the device snapshot) and the
map. Nothing about the visitor is kept: no cookie is set, the position never
leaves the phone, and a typed address travels in a POST body, is searched,
and is forgotten (`POST /adresse`, the address search without JavaScript).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from angela import assets
from angela.core import hours, territory
from angela.core.i18n import _
from angela.core.reports import MAX_TEXT as REPORT_MAX_TEXT
from angela.core.vocab import Category, ReportReason
from angela.extensions import csrf
from angela.public import addresses, languages, listings, presenters, reports
from angela.services import directory as refuge_directory

bp = Blueprint("public", __name__)


@languages.route(bp, "/", methods=["GET"])
def index() -> Response:
    code = request.args.get("commune", "")
    commune = territory.communes_by_code().get(code)
    now = datetime.now(hours.PARIS)
    listing = listings.commune_listing(commune, now) if commune else None
    status = 400 if code and commune is None else 200
    return render_page(
        "public/index.html", status, chosen=commune, unknown_commune=status == 400, listing=listing
    )


@languages.route(bp, "/adresse", methods=["POST"])
@csrf.exempt  # type: ignore[untyped-decorator]  # changes nothing; no cookie to protect
def address_search() -> Response:
    # One of the other matches, picked from the list, or what was typed.
    search = _search_address(request.form.get("choix") or request.form.get("adresse", ""))
    response = render_page(
        "public/index.html",
        search.pop("status"),
        chosen=None,
        unknown_commune=False,
        listing=search.get("listing"),
        address=search,
    )
    # What she typed is on this page: the browser must not keep it.
    response.cache_control.no_cache = None
    response.cache_control.no_store = True
    return response


@languages.route(bp, "/adresse", methods=["GET"])
def address_form() -> ResponseReturnValue:
    return redirect(url_for("public.index", _anchor="adresse"))


def _search_address(typed: str) -> dict[str, Any]:
    """Return what the page shows for a typed address: the first match and
    its nearest refuges, the other matches to pick from, or why none."""
    try:
        text = addresses.tidy(typed)
        found = addresses.find(text)
    except addresses.AddressError as error:
        return {"text": typed, "message": error.message, "status": error.status}
    if not found:
        return {"text": text, "message": addresses.not_found(text), "status": 200}
    place, *others = found
    listing = listings.address_listing(place.lat, place.lon, datetime.now(hours.PARIS))
    return {"text": text, "place": place, "others": others, "listing": listing, "status": 200}


def home_html() -> bytes:
    """Return the home page as `/` serves it with no commune chosen: the
    page the service worker keeps for when the network fails."""
    # The same for every browser: without the line offering its language.
    return _render(
        "public/index.html",
        chosen=None,
        unknown_commune=False,
        listing=None,
        language_offer=lambda: None,
    )


@languages.route(bp, "/refuges/<int:refuge_id>", methods=["GET"])
def refuge_show(refuge_id: int) -> Response:
    directory = refuge_directory.directory()
    refuge = directory.get(refuge_id)
    if refuge is None:
        return render_page("public/refuge_not_found.html", 404)
    now = datetime.now(hours.PARIS)
    return render_page(
        "public/refuge_show.html",
        200,
        card=presenters.card(directory, refuge, now),
        week=presenters.week(refuge, now),
    )


def render_page(template: str, status: int, **context: Any) -> Response:
    """Return a public page: the layout's settings (quick exit, tiles,
    attributions) filled in, compressed for weak signals, revalidated by the
    browser on each visit (an unchanged page costs a 304)."""
    html = _render(template, **context)
    gzipped, etag = assets.pack(html)
    response = assets.packed_response(html, gzipped, etag, "text/html; charset=utf-8", status)
    # Revalidate, but let the back button restore the page with its results.
    response.cache_control.no_cache = True
    return response


def _render(template: str, **context: Any) -> bytes:
    config = current_app.config
    return render_template(
        template,
        communes=territory.communes(),
        categories=Category.labels(),
        # The inline report form's words and limit (public/_report_form.html).
        report_reasons=ReportReason.choices(),
        report_max_text=REPORT_MAX_TEXT,
        exit_url=config["EXIT_URL"],
        tile_url=config["TILE_URL"],
        tile_attribution=_(config["TILE_ATTRIBUTION"]),
        boundary_attribution=_(territory.ATTRIBUTION),
        **context,
    ).encode()


# After render_page, which the report pages share.
reports.install(bp, render_page)
