"""The public address search: what may be typed, the search itself, and the
words for when it fails — shared by the JSON endpoint (the page's script)
and the plain form (no JavaScript).

What is typed may be her own address: it reaches the server in a POST body
(never in a URL, which access logs and proxies keep), goes on to the Base
Adresse Nationale, and is neither logged nor stored.

Searches are limited per process by a token bucket shared by everyone
(`ADDRESS_SEARCHES_PER_SECOND`, bursts of `ADDRESS_SEARCH_BURST`), so that
the search cannot be used to flood the national service through us; it
keeps nothing about who searched.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app

from angela.core.i18n import _
from angela.services import geocoding
from angela.services.geocoding import Located

MIN_LENGTH, MAX_LENGTH = 3, 200
BUCKET_KEY = "angela.address_bucket"


class AddressError(Exception):
    """The search cannot answer: the message says why, in the language
    spoken; `status`
    and `code` are the HTTP status (400, 429 or 503) and the API's error code."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def tidy(text: str) -> str:
    """Return the typed text with its spaces collapsed.

    Raises AddressError (400) when it is too short or too long to search."""
    tidied = " ".join(text.split())
    if not MIN_LENGTH <= len(tidied) <= MAX_LENGTH:
        message = _(
            "Tapez une adresse (de %(least)s à %(most)s caractères) : numéro, rue et commune.",
            least=MIN_LENGTH,
            most=MAX_LENGTH,
        )
        raise AddressError(400, "invalid_address", message)
    return tidied


def find(text: str) -> list[Located]:
    """Return the addresses inside the territory that match, best first.

    Raises AddressError: 429 when this process has searched too much just
    now, 503 when the address service is slow or failing."""
    config = current_app.config
    if not _bucket(current_app).take():
        busy = _(
            "Trop de recherches d'adresse en ce moment : choisissez votre commune, "
            "ou réessayez dans un instant."
        )
        raise AddressError(429, "too_many_searches", busy)
    try:
        return geocoding.search(text, config["GEOCODER_URL"], config["GEOCODER_TIMEOUT"])
    except geocoding.GeocoderDown:
        down = _(
            "La recherche d'adresse ne répond pas pour le moment : choisissez votre commune, "
            "ou réessayez dans un instant."
        )
        raise AddressError(503, "geocoder_unavailable", down) from None


def not_found(text: str) -> str:
    return _(
        "Aucune adresse trouvée dans les 20 communes pour « %(text)s » : vérifiez-la "
        "(numéro, rue, commune), ou choisissez votre commune.",
        text=text,
    )


class _TokenBucket:
    """`rate` searches a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


def _bucket(app: Flask) -> _TokenBucket:
    bucket = app.extensions.get(BUCKET_KEY)
    if bucket is None:
        config = app.config
        rate, burst = config["ADDRESS_SEARCHES_PER_SECOND"], config["ADDRESS_SEARCH_BURST"]
        bucket = app.extensions.setdefault(BUCKET_KEY, _TokenBucket(rate, burst))
    return bucket  # type: ignore[no-any-return]
