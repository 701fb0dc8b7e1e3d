"""What the public face shows of a refuge, shared by the pages and the API:
the refuge object of the API, the card of the page, the device snapshot
and the open-first order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from angela import assets
from angela.core import french, hours, phones, snapshot, territory
from angela.core.refuges import Directory, Refuge
from angela.core.vocab import Category
from angela.core.walking import from_centre_text, walk_text, walking_minutes
from angela.services.geocoding import Located

# Open first, then those whose hours are unknown (they may be open), then closed.
_OPEN_RANK = {True: 0, None: 1, False: 2}

Card = dict[str, Any]


def directions_url(refuge: Refuge) -> str:
    """Return a walking route to the refuge that phones open in their map app."""
    # The destination is the place in words, as the card writes it, not its
    # coordinates: the map app then says where it leads ("Pharmacie du
    # Marché, 2 place Saint-Jean…"), which she can check against the shop
    # front and its sticker, where a pin named "48.54, 2.66" tells her
    # nothing. Google's `destination` is words or a position, never both;
    # the postcode and the commune keep a same-named shop in another town
    # from winning its search. The exact point is not lost: the refuge
    # object keeps `lat`/`lon`, and the page's map puts its marker there.
    commune = territory.communes_by_code()[refuge.commune_code].name
    destination = f"{refuge.name}, {refuge.address}, {refuge.postcode} {commune}"
    query = urlencode({"api": "1", "destination": destination, "travelmode": "walking"})
    return f"https://www.google.com/maps/dir/?{query}"


def address_json(place: Located) -> dict[str, Any]:
    """Return an address the search found: its label, position and commune."""
    return {
        "label": place.label,
        "lat": place.lat,
        "lon": place.lon,
        "commune": {"code": place.commune.code, "name": place.commune.name},
    }


def commune_json(code: str) -> dict[str, str]:
    commune = territory.communes_by_code()[code]
    return {"code": commune.code, "name": commune.name}


def refuge_json(
    directory: Directory, refuge: Refuge, moment: datetime, *, with_position: bool = True
) -> dict[str, Any]:
    """Return the public refuge object, with its open status at `moment`."""
    key = (refuge.id, with_position)
    fixed = directory.fixed_json.get(key)
    if fixed is None:
        fixed = directory.fixed_json[key] = _fixed_json(refuge, with_position)
    status = directory.status(refuge, moment)
    return {
        **fixed,
        "open_now": status.open_now,
        "next_change": status.next_change.isoformat() if status.next_change else None,
    }


def _fixed_json(refuge: Refuge, with_position: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": refuge.id,
        "name": refuge.name,
        "category": refuge.category,
        "address": refuge.address,
        "postcode": refuge.postcode,
        "commune": commune_json(refuge.commune_code),
    }
    if with_position:
        body["lat"], body["lon"] = refuge.lat, refuge.lon
    body.update(
        phone=refuge.phone,
        opening_hours=refuge.opening_hours,
        last_checked_on=refuge.last_checked_on.isoformat() if refuge.last_checked_on else None,
        open_now=None,
        next_change=None,
        directions_url=directions_url(refuge),
    )
    return body


def snapshot_fields(refuge: Refuge) -> dict[str, Any]:
    """Return the refuge object of the API without its open status, which
    the device snapshot replaces with the stretches of time it is open, nor
    its directions link, which the device makes from the name and address
    (nearest.js `directionsUrl`, the twin of `directions_url`)."""
    return {
        name: value
        for name, value in _fixed_json(refuge, with_position=True).items()
        if name not in ("open_now", "next_change", "directions_url")
    }


@dataclass(frozen=True)
class Packed:
    """A JSON body ready to serve: plain, gzip-compressed, and its ETag."""

    body: bytes
    gzipped: bytes | None
    etag: str


def device_snapshot(directory: Directory) -> Packed:
    """Return the device snapshot of `directory` (`core.snapshot`), built
    and compressed once per directory."""
    packed: Packed | None = directory.derived.get("snapshot")
    if packed is None:
        day = directory.day or hours.paris_today()
        content = snapshot.build(directory, day, directory.revision, snapshot_fields)
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
        packed = directory.derived["snapshot"] = Packed(body, *assets.pack(body))
    return packed


def with_distance(body: dict[str, Any], distance_m: int) -> dict[str, Any]:
    """Return the refuge object with its distance and walking minutes added."""
    body.update(distance_m=distance_m, walking_minutes=walking_minutes(distance_m))
    return body


def card(
    directory: Directory,
    refuge: Refuge,
    now: datetime,
    distance_m: int | None = None,
    centre: territory.Commune | None = None,
) -> Card:
    """Return what a refuge card shows: the API's refuge object, plus the
    words for its kind of place, open status and phone number, and with a
    distance, the words for it: her walk, or with `centre`, how far it is
    from the centre of that commune."""
    body = refuge_json(directory, refuge, now)
    status = directory.status(refuge, now)
    body.update(
        category_label=Category.of(refuge.category).spoken,
        status_text=hours.describe(status, now),
        phone_display=phones.for_display(refuge.phone) if refuge.phone else None,
        checked_text=french.checked_text(refuge.last_checked_on),
    )
    if distance_m is not None:
        with_distance(body, distance_m)
        body["walk_text"] = (
            from_centre_text(distance_m, centre.name)
            if centre is not None
            else walk_text(distance_m, body["walking_minutes"])
        )
    return body


def week(refuge: Refuge, now: datetime) -> list[tuple[str, str]] | None:
    """Return the refuge's hours for the next seven days in words, or None
    when it has no readable hours."""
    try:
        parsed = hours.parse(refuge.opening_hours) if refuge.opening_hours else None
    except hours.HoursError:
        return None
    return hours.week_in_words(parsed, hours.paris_today(now)) if parsed else None


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
