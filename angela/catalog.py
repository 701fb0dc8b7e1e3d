"""The fixed vocabularies of the scheme: kinds of place, training statuses,
and the walking speed used for every "minutes on foot"."""

from __future__ import annotations

import math

# Kinds of place, with the word shown to people.
CATEGORIES: dict[str, str] = {
    "bar": "Bar",
    "restaurant": "Restaurant",
    "cafe": "Café",
    "pharmacy": "Pharmacie",
    "bakery": "Boulangerie",
    "tobacconist": "Bureau de tabac",
    "supermarket": "Supermarché",
    "shop": "Commerce",
    "hotel": "Hôtel",
    "cinema": "Cinéma",
    "public_service": "Service public",
    "other": "Autre lieu",
}

TRAINING_STATUSES: dict[str, str] = {
    "pending": "Formation à venir",
    "trained": "Formé",
    "suspended": "Suspendu",
    "withdrawn": "Retiré",
}

WALKING_SPEED_KMH = 4.5


def walking_minutes(distance_m: int) -> int:
    """Return the minutes needed to walk `distance_m` metres in a straight
    line at the scheme's walking speed, rounded up."""
    return math.ceil(distance_m * 60 / (WALKING_SPEED_KMH * 1000))
