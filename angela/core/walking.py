"""Walking: the speed behind every "minutes on foot", how far counts as
nearby, and the words for a distance and its walk."""

from __future__ import annotations

import math

WALKING_SPEED_KMH = 4.5
# "An open refuge nearby" means one within this walk; further, call the police.
WALK_LIMIT_MINUTES = 15


def walking_minutes(distance_m: int) -> int:
    """Return the minutes needed to walk `distance_m` metres in a straight
    line at the scheme's walking speed, rounded up."""
    return math.ceil(distance_m * 60 / (WALKING_SPEED_KMH * 1000))


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
