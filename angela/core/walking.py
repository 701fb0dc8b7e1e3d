"""Walking: the speed behind every "minutes on foot", how far counts as
nearby, and the words for a distance and its walk."""

from __future__ import annotations

import math

from angela.core import i18n
from angela.core.i18n import _

WALKING_SPEED_KMH = 4.5
# "An open refuge nearby" means one within this walk; further, call the police.
WALK_LIMIT_MINUTES = 15
# Past this walk, the page says it is too far on foot: call the 17 or a taxi.
FAR_WALK_MINUTES = 30


def walking_minutes(distance_m: int) -> int:
    """Return the minutes needed to walk `distance_m` metres in a straight
    line at the scheme's walking speed, rounded up."""
    return math.ceil(distance_m * 60 / (WALKING_SPEED_KMH * 1000))


def distance_text(distance_m: int) -> str:
    """Return "350 m", "1,2 km", "13 km" (the decimal sign of the language)."""
    # Integer rounding, half up, so that the page's script says the same.
    if distance_m < 1000:
        return _("%(distance)s m", distance=i18n.number(distance_m))
    if distance_m < 9950:
        tenths = (distance_m + 50) // 100
        return _("%(distance)s km", distance=i18n.number(tenths / 10, digits=1))
    return _("%(distance)s km", distance=i18n.number((distance_m + 500) // 1000))


def walk_text(distance_m: int, minutes: int) -> str:
    """Return "350 m à vol d'oiseau · 5 min à pied"; past `FAR_WALK_MINUTES`,
    that it is too far to walk and whom to call instead. The distance is a
    straight line (streets and the Seine make the walk longer), so it says so."""
    distance = distance_text(distance_m)
    if minutes > FAR_WALK_MINUTES:
        return _(
            "%(distance)s à vol d'oiseau · trop loin à pied : appelez le 17 ou un taxi",
            distance=distance,
        )
    if minutes < 1:
        return _("%(distance)s à vol d'oiseau · moins d'une minute à pied", distance=distance)
    return _(
        "%(distance)s à vol d'oiseau · %(minutes)s min à pied", distance=distance, minutes=minutes
    )


def from_centre_text(distance_m: int, commune: str) -> str:
    """Return "à 509 m du centre de Melun": a commune list is measured from
    the commune, not from the person."""
    return _(
        "à %(distance)s du centre de %(commune)s",
        distance=distance_text(distance_m),
        commune=commune,
    )
