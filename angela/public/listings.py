"""The lists the server itself renders on the home page, for a browser
without JavaScript or a phone that asks the server: the refuges of a chosen
commune, and those nearest to an address found by the address search.

Each has its twin on the device (static/public/nearest.js): the same order,
open ones first, and when none is open near enough, the nearest open refuge
first and the police before it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from angela.core import territory
from angela.core.i18n import _
from angela.core.nearest import geodesic_m
from angela.core.refuges import Directory
from angela.core.walking import WALK_LIMIT_MINUTES
from angela.public.presenters import Card, any_open, card, open_first
from angela.services import directory as refuge_directory

# When a commune has no refuge yet, show this many of the nearest ones; as
# many around an address.
NEIGHBOURS_SHOWN = 5


def commune_listing(commune: territory.Commune, now: datetime) -> dict[str, Any]:
    """Return the cards for a chosen commune, open ones first, nearest to the
    commune's inside point first; its neighbours' nearest when it has none.
    When none of them is open, the open refuge nearest to that point comes
    first (as for a position), and the police before it."""
    directory = refuge_directory.directory()
    found = [
        (round(geodesic_m(commune.lat, commune.lon, refuge.lat, refuge.lon)), refuge.id, refuge)
        for refuge in directory.in_commune(commune.code)
    ]
    pairs = [(refuge, metres) for metres, _id, refuge in sorted(found)]
    if not pairs:
        near = directory.nearest(commune.lat, commune.lon, NEIGHBOURS_SHOWN)
        pairs = [(refuge, round(metres)) for refuge, metres in near]
    cards = open_first([card(directory, r, now, metres, commune) for r, metres in pairs])
    if any_open(cards):
        return {"cards": cards, "in_commune": bool(found), "police_message": None}
    sentences = [
        _("Aucun refuge à %(commune)s n'est ouvert en ce moment.", commune=commune.name)
        if found
        else _("Aucun des refuges les plus proches n'est ouvert en ce moment.")
    ]
    if _put_nearest_open_first(directory, cards, commune.lat, commune.lon, now, commune):
        sentences.append(
            _(
                "En premier : le refuge ouvert le plus proche du centre de %(commune)s.",
                commune=commune.name,
            )
        )
    police = _police(sentences)
    return {"cards": cards, "in_commune": bool(found), "police_message": police}


def address_listing(lat: float, lon: float, now: datetime) -> dict[str, Any]:
    """Return the cards nearest to an address, open ones first; when none is
    open within the walk limit, the nearest open refuge first, and the
    police before it (the device's `findRefuges`, from that point)."""
    directory = refuge_directory.directory()
    near = directory.nearest(lat, lon, NEIGHBOURS_SHOWN)
    cards = open_first([card(directory, refuge, now, round(metres)) for refuge, metres in near])
    if any_open(cards, WALK_LIMIT_MINUTES):
        return {"cards": cards, "police_message": None}
    sentences = [
        _(
            "Aucun refuge ouvert à moins de %(minutes)s minutes à pied de cette adresse.",
            minutes=WALK_LIMIT_MINUTES,
        )
    ]
    if _put_nearest_open_first(directory, cards, lat, lon, now):
        sentences.append(_("En premier : le refuge ouvert le plus proche."))
    return {"cards": cards, "police_message": _police(sentences)}


def _police(sentences: list[str]) -> str:
    """Return the sentences shown above the police button, the call to the
    police last."""
    return " ".join([*sentences, _("En cas de danger, appelez le 17.")])


def _put_nearest_open_first(
    directory: Directory,
    cards: list[Card],
    lat: float,
    lon: float,
    now: datetime,
    centre: territory.Commune | None = None,
) -> bool:
    """Put the open refuge nearest to (lat, lon) first, unless it is shown
    already; return whether it was added."""
    shown = {item["id"] for item in cards}
    for refuge, metres in directory.nearest(lat, lon, 1, open_at=now):
        if refuge.id not in shown:
            cards.insert(0, card(directory, refuge, now, round(metres), centre))
            return True
    return False
