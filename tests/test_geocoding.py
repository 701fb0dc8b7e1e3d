"""The BAN geocoder through real HTTP against a fake server on loopback."""

from __future__ import annotations

import logging

import pytest

from angela.services import geocoding
from tests.fake_ban import fake_ban


@pytest.fixture(scope="module")
def ban():
    with fake_ban() as served:
        yield served


def test_found_inside_the_territory(ban):
    url, requests = ban
    found = geocoding.locate("16 rue Paul Doumer", "77000", url, timeout=2)
    assert (round(found.lat, 4), round(found.lon, 4)) == (48.5393, 2.6603)
    assert found.citycode == "77288" and found.commune.name == "Melun"
    assert requests[-1].startswith("/geocodage/search?q=16+rue+Paul+Doumer+77000")


def test_not_found_says_so_in_french(ban):
    with pytest.raises(geocoding.GeocodingError, match="Adresse introuvable"):
        geocoding.locate("1 rue qui n'existe pas", "77000", ban[0], timeout=2)


def test_outside_the_territory_is_refused(ban):
    with pytest.raises(geocoding.GeocodingError, match="hors des 20 communes"):
        geocoding.locate("Château de Fontainebleau", "77300", ban[0], timeout=2)


def test_timeout_asks_for_manual_placement(ban):
    with pytest.raises(geocoding.GeocodingError, match=r"ne répond pas à temps.*à la main"):
        geocoding.locate("rue lente", "77000", ban[0], timeout=0.3)


def test_server_error_asks_for_manual_placement(ban):
    with pytest.raises(geocoding.GeocodingError, match=r"indisponible.*à la main"):
        geocoding.locate("rue en panne", "77000", ban[0], timeout=2)


def test_unreachable_server_asks_for_manual_placement():
    with pytest.raises(geocoding.GeocodingError, match="indisponible"):
        geocoding.locate("16 rue Paul Doumer", "77000", "http://127.0.0.1:9/geocodage", timeout=1)


def test_empty_address_is_refused_before_asking():
    with pytest.raises(geocoding.GeocodingError, match="Saisissez"):
        geocoding.locate(" ", "", "http://127.0.0.1:9", timeout=1)


# --- the public address search --------------------------------------------


def test_search_keeps_addresses_inside_the_territory_best_first(ban):
    url, requests = ban
    found = geocoding.search("Rue de la Gare", url, timeout=2)
    assert [place.label for place in found] == [
        "Rue de la Gare 77000 Melun",
        "Rue de la Gare 77350 Le Mée-sur-Seine",
    ]
    assert [place.commune.name for place in found] == ["Melun", "Le Mée-sur-Seine"]
    asked = requests[-1]
    # Leaning towards Melun, autocompleting, and asking for more than is shown.
    assert "lat=48.5393" in asked and "lon=2.6596" in asked and "autocomplete=1" in asked
    assert f"limit={geocoding.SEARCH_ASKED}" in asked


def test_search_finds_nothing_outside(ban):
    assert geocoding.search("Château de Fontainebleau", ban[0], timeout=2) == []
    assert geocoding.search("rien de tel", ban[0], timeout=2) == []


@pytest.mark.parametrize(
    ("text", "said"), [("rue lente", "ne répond pas à temps"), ("rue en panne", "indisponible")]
)
def test_search_says_when_the_service_fails(ban, text, said):
    with pytest.raises(geocoding.GeocoderDown, match=said):
        geocoding.search(text, ban[0], timeout=0.3)


def test_what_was_typed_is_never_logged(ban, caplog):
    # Whatever the level: geopy's own geocode would log the URL at DEBUG.
    with caplog.at_level(logging.DEBUG):
        geocoding.search("12 rue de la Gare", ban[0], timeout=2)
    assert "gare" not in caplog.text.lower()
    assert ban[1][-1].startswith("/geocodage/search?q=12+rue+de+la+Gare")
