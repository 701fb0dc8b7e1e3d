"""Finding an address's position with the Base Adresse Nationale (geopy's
BANFrance geocoder, pointed at the configured server), and saying in plain
French what went wrong when it cannot."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderTimedOut, GeopyError
from geopy.geocoders import BANFrance

from angela.core import territory

USER_AGENT = "ou-est-angela (Melun Val de Seine)"
MANUAL = "Placez le point à la main sur la carte, ou saisissez la latitude et la longitude."


class GeocodingError(Exception):
    """The address could not be placed; the message says why, in French."""


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
        found = _geocoder(base_url, timeout).geocode(query, exactly_one=True, limit=1)
    except GeocoderTimedOut:
        raise GeocodingError(f"Le service d'adresses ne répond pas à temps. {MANUAL}") from None
    except (GeopyError, OSError, ValueError):
        raise GeocodingError(f"Le service d'adresses est indisponible. {MANUAL}") from None
    if found is None:
        raise GeocodingError(f"Adresse introuvable : « {query} ». Vérifiez-la, ou {_lower(MANUAL)}")
    properties = (found.raw or {}).get("properties", {})
    citycode = properties.get("citycode") or None
    commune = territory.communes_by_code().get(citycode or "") or territory.commune_at(
        found.latitude, found.longitude
    )
    if commune is None:
        raise GeocodingError(
            f"L'adresse trouvée, « {found.address} », est hors des 20 communes de "
            "Melun Val de Seine."
        )
    return Located(found.latitude, found.longitude, found.address, citycode, commune)


def _geocoder(base_url: str, timeout: float) -> BANFrance:
    parts = urlsplit(base_url)
    # A server on this machine (tests, a local mirror) is never reached through a proxy.
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    # BANFrance asks `{scheme}://{domain}/search`: the path goes in the domain.
    return BANFrance(
        domain=parts.netloc + parts.path.rstrip("/"),
        scheme=parts.scheme or "https",
        timeout=timeout,
        user_agent=USER_AGENT,
        adapter_factory=URLLibAdapter,
        **({"proxies": {}} if local else {}),
    )


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]
