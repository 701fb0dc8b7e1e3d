"""The public pages, in French, for a phone first: `/` (find the nearest
refuges, or those of a chosen commune) and `/refuges/<id>` (one refuge,
shareable).

The pages work as plain HTML; small ES modules add geolocation, through the
JSON API's nearest lookup, and the map. Nothing about the visitor is kept:
no cookie is set, and the position only travels in that API request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, make_response, render_template, request

from angela import api, hours, phones, refuges, territory
from angela.catalog import CATEGORIES, walking_minutes
from angela.nearest import geodesic_m

bp = Blueprint("public", __name__)

# "An open refuge nearby" means one within this walk; further, call the police.
WALK_LIMIT_MINUTES = 15
# When a commune has no refuge yet, show this many of the nearest ones.
NEIGHBOURS_SHOWN = 5
# Open first, then those whose hours are unknown (they may be open), then closed.
_OPEN_RANK = {True: 0, None: 1, False: 2}

Card = dict[str, Any]


@bp.get("/")
def index() -> Response:
    code = request.args.get("commune", "")
    commune = territory.communes_by_code().get(code)
    listing = commune_listing(commune, datetime.now(hours.PARIS)) if commune else None
    status = 400 if code and commune is None else 200
    return render_page(
        "public/index.html", status, chosen=commune, unknown_commune=status == 400, listing=listing
    )


@bp.get("/refuges/<int:refuge_id>")
def refuge_show(refuge_id: int) -> Response:
    directory = refuges.directory()
    refuge = directory.get(refuge_id)
    if refuge is None:
        return render_page("public/refuge_not_found.html", 404)
    now = datetime.now(hours.PARIS)
    return render_page("public/refuge_show.html", 200, card=card(directory, refuge, now))


def card(
    directory: refuges.Directory,
    refuge: refuges.Refuge,
    now: datetime,
    distance_m: int | None = None,
) -> Card:
    """Return what a refuge card shows: the API's refuge object, plus the
    words for its kind of place, open status and phone number."""
    body = api.refuge_json(directory, refuge, now)
    status = directory.status(refuge, now)
    body.update(
        category_label=CATEGORIES.get(refuge.category, CATEGORIES["other"]),
        status_text=hours.describe(status, now),
        phone_display=phones.for_display(refuge.phone) if refuge.phone else None,
    )
    if distance_m is not None:
        body.update(distance_m=distance_m, walking_minutes=walking_minutes(distance_m))
    return body


def commune_listing(commune: territory.Commune, now: datetime) -> dict[str, Any]:
    """Return the cards for a chosen commune, open ones first, nearest to the
    commune's inside point first; its neighbours' nearest when it has none."""
    directory = refuges.directory()
    found = [
        (round(geodesic_m(commune.lat, commune.lon, refuge.lat, refuge.lon)), refuge.id, refuge)
        for refuge in directory.in_commune(commune.code)
    ]
    pairs = [(refuge, metres) for metres, _id, refuge in sorted(found)]
    if not pairs:
        near = directory.nearest(commune.lat, commune.lon, NEIGHBOURS_SHOWN)
        pairs = [(refuge, round(metres)) for refuge, metres in near]
    cards = open_first([card(directory, r, now, metres) for r, metres in pairs])
    return {"cards": cards, "in_commune": bool(found), "police_first": not any_open(cards)}


def open_first(cards: list[Card]) -> list[Card]:
    """Return the cards with open refuges first, keeping the distance order."""
    return sorted(cards, key=lambda item: _OPEN_RANK[item["open_now"]])


def any_open(cards: list[Card], within_minutes: int | None = None) -> bool:
    """Return whether a card is open now (and within that walk, if given)."""
    return any(
        item["open_now"] is True
        and (within_minutes is None or item["walking_minutes"] <= within_minutes)
        for item in cards
    )


@bp.app_template_filter("walk")
def walk_text(distance_m: int, minutes: int) -> str:
    """Return "350 m · 5 min à pied", "1,2 km · 16 min à pied"."""
    # Integer rounding, half up, so that the page's script says the same.
    if distance_m < 1000:
        distance = f"{distance_m} m"
    elif distance_m < 9950:
        tenths = (distance_m + 50) // 100
        distance = f"{tenths // 10},{tenths % 10} km"
    else:
        distance = f"{(distance_m + 500) // 1000} km"
    if minutes < 1:
        return f"{distance} · moins d'une minute à pied"
    if minutes < 60:
        return f"{distance} · {minutes} min à pied"
    return f"{distance} · {minutes // 60} h {minutes % 60:02d} à pied"


def render_page(template: str, status: int, **context: Any) -> Response:
    """Return a public page: the layout's settings (quick exit, tiles,
    attributions) filled in, revalidated by the browser on each visit."""
    config = current_app.config
    response = make_response(
        render_template(
            template,
            communes=territory.communes(),
            categories=CATEGORIES,
            walk_limit=WALK_LIMIT_MINUTES,
            exit_url=config["EXIT_URL"],
            tile_url=config["TILE_URL"],
            tile_attribution=config["TILE_ATTRIBUTION"],
            boundary_attribution=territory.ATTRIBUTION,
            **context,
        ),
        status,
    )
    # Revalidate, but let the back button restore the page with its results.
    response.cache_control.no_cache = True
    return response
