"""The public address search: what may be typed, the search itself, and the
words for when it fails — shared by the JSON endpoint (the page's script)
and the plain form (no JavaScript).

What is typed may be her own address: it reaches the server in a POST body
(never in a URL, which access logs and proxies keep), goes on to the Base
Adresse Nationale, and is neither logged nor stored.
"""

from __future__ import annotations

from flask import current_app

from angela.services import geocoding
from angela.services.geocoding import Located

MIN_LENGTH, MAX_LENGTH = 3, 200
TOO_SHORT = (
    f"Tapez une adresse (de {MIN_LENGTH} à {MAX_LENGTH} caractères) : numéro, rue et commune."
)
SERVICE_DOWN = (
    "La recherche d'adresse ne répond pas pour le moment : choisissez votre commune, "
    "ou réessayez dans un instant."
)


class AddressError(Exception):
    """The search cannot answer: the message says why, in French; `status`
    is the HTTP status that goes with it (400 or 503)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def tidy(text: str) -> str:
    """Return the typed text with its spaces collapsed.

    Raises AddressError (400) when it is too short or too long to search."""
    tidied = " ".join(text.split())
    if not MIN_LENGTH <= len(tidied) <= MAX_LENGTH:
        raise AddressError(400, TOO_SHORT)
    return tidied


def find(text: str) -> list[Located]:
    """Return the addresses inside the territory that match, best first.

    Raises AddressError (503) when the address service is slow or failing."""
    config = current_app.config
    try:
        return geocoding.search(text, config["GEOCODER_URL"], config["GEOCODER_TIMEOUT"])
    except geocoding.GeocoderDown:
        raise AddressError(503, SERVICE_DOWN) from None


def not_found(text: str) -> str:
    return (
        f"Aucune adresse trouvée dans les 20 communes pour « {text} » : vérifiez-la "
        "(numéro, rue, commune), ou choisissez votre commune."
    )
