"""Finding an address's position with the Base Adresse Nationale (geopy's
BANFrance geocoder, pointed at the configured server), and saying in plain
French what went wrong when it cannot: `locate` for the staff placing a
merchant, `search` for the public page's address search.

What the public types may be her own address: it is sent to the
geocoder and answered, never logged. geopy's own `geocode` logs each URL at
DEBUG level; ours does not, and geopy's logger is held at INFO in case a
later version logs elsewhere."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderTimedOut, GeopyError
from geopy.geocoders import BANFrance
from geopy.location import Location

from angela.core import territory

USER_AGENT = "ou-est-angela (Melun Val de Seine)"
# Ask for more than is shown: some answers fall outside the 20 communes.
SEARCH_ASKED, SEARCH_SHOWN = 10, 5
# Where searches lean: the centre of Melun, the territory's middle.
SEARCH_BIAS = (48.5393, 2.6596)
MANUAL = "Placez le point à la main sur la carte, ou saisissez la latitude et la longitude."


logging.getLogger("geopy").setLevel(logging.INFO)


class GeocodingError(Exception):
    """The address could not be placed; the message says why, in French."""


class GeocoderDown(GeocodingError):
    """The address service is slow or failing (rather than: nothing found)."""


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    label: str
    citycode: str | None  # INSEE code given by the geocoder, if any
    commune: territory.Commune


def locate(address: str, postcode: str, base_url: str, timeout: float) -> Located:
    """Return where the address is, inside the territory.

    Raises GeocodingError when it is not found, lies outside the 20
    communes, or the geocoder is slow or failing.
    """
    query = " ".join(part.strip() for part in (address, postcode) if part.strip())
    if len(query) < 3:
        raise GeocodingError("Saisissez d'abord l'adresse et le code postal.")
    try:
        found = _ask(_geocoder(base_url, timeout), query, exactly_one=True, limit=1)
    except GeocoderDown as error:
        raise GeocoderDown(f"{error} {MANUAL}") from None
    if found is None:
        raise GeocodingError(f"Adresse introuvable : « {query} ». Vérifiez-la, ou {_lower(MANUAL)}")
    located = _inside(found)
    if located is None:
        raise GeocodingError(
            f"L'adresse trouvée, « {found.address} », est hors des 20 communes de "
            "Melun Val de Seine."
        )
    return located


def search(text: str, base_url: str, timeout: float) -> list[Located]:
    """Return the addresses matching the text inside the territory, best
    first (at most SEARCH_SHOWN, none when nothing matches there).

    Raises GeocoderDown when the service is slow or failing.
    """
    geocoder = _geocoder(base_url, timeout)
    lat, lon = SEARCH_BIAS
    params = {"lat": lat, "lon": lon, "autocomplete": 1}
    found = _ask(geocoder, text.strip(), exactly_one=False, limit=SEARCH_ASKED, near=params)
    located = [place for place in map(_inside, found or []) if place is not None]
    # The same address may come back twice (as a street number and a place).
    unique = {place.label: place for place in located}
    return list(unique.values())[:SEARCH_SHOWN]


def _ask(geocoder: _Geocoder, query: str, **options: Any) -> Any:
    try:
        return geocoder.geocode(query, **options)
    except GeocoderTimedOut:
        raise GeocoderDown("Le service d'adresses ne répond pas à temps.") from None
    except (GeopyError, OSError, ValueError):
        raise GeocoderDown("Le service d'adresses est indisponible.") from None


def _inside(found: Location) -> Located | None:
    properties = (found.raw or {}).get("properties", {})
    citycode = properties.get("citycode") or None
    commune = territory.communes_by_code().get(citycode or "") or territory.commune_at(
        found.latitude, found.longitude
    )
    if commune is None:
        return None
    return Located(found.latitude, found.longitude, found.address, citycode, commune)


class _Geocoder(BANFrance):  # type: ignore[misc]
    """BANFrance, and the search's extra parameters (a point to lean
    towards, autocompletion), which geopy does not pass on."""

    def geocode(  # type: ignore[override]
        self,
        query: str,
        *,
        limit: int | None = None,
        exactly_one: bool = True,
        near: dict[str, Any] | None = None,
    ) -> Any:
        params: dict[str, Any] = {"q": query, **(near or {})}
        if limit is not None:
            params["limit"] = limit
        url = "?".join((self.geocode_api, urlencode(params)))
        callback = partial(self._parse_json, exactly_one=exactly_one)
        return self._call_geocoder(url, callback)


def _geocoder(base_url: str, timeout: float) -> _Geocoder:
    parts = urlsplit(base_url)
    # A server on this machine (tests, a local mirror) is never reached through a proxy.
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    # BANFrance asks `{scheme}://{domain}/search`: the path goes in the domain.
    return _Geocoder(
        domain=parts.netloc + parts.path.rstrip("/"),
        scheme=parts.scheme or "https",
        timeout=timeout,
        user_agent=USER_AGENT,
        adapter_factory=URLLibAdapter,
        **({"proxies": {}} if local else {}),
    )


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]
