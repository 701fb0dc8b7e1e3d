"""The territory: the 20 communes of Melun Val de Seine, which one a point
is in, and the walking time used everywhere (catalog)."""

from __future__ import annotations

import pytest

from angela.core import territory
from angela.core.walking import WALKING_SPEED_KMH, walking_minutes
from tests.places import (
    DAMMARIE_TOWN_HALL,
    FONTAINEBLEAU_CHATEAU,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
    PARIS_NOTRE_DAME,
    SEINE_PORT_CHURCH,
)

# The member communes, by INSEE code, as people spell them.
COMMUNES = {
    "77038": "Boissettes",
    "77039": "Boissise-la-Bertrand",
    "77040": "Boissise-le-Roi",
    "77152": "Dammarie-lès-Lys",
    "77252": "Limoges-Fourches",
    "77253": "Lissy",
    "77255": "Livry-sur-Seine",
    "77269": "Maincy",
    "77285": "Le Mée-sur-Seine",
    "77288": "Melun",
    "77306": "Montereau-sur-le-Jard",
    "77378": "Pringy",
    "77389": "La Rochette",
    "77394": "Rubelles",
    "77407": "Saint-Fargeau-Ponthierry",
    "77410": "Saint-Germain-Laxis",
    "77447": "Seine-Port",
    "77487": "Vaux-le-Pénil",
    "77518": "Villiers-en-Bière",
    "77528": "Voisenon",
}


def test_there_are_the_20_member_communes():
    assert {commune.code: commune.name for commune in territory.communes()} == COMMUNES


def test_communes_are_listed_as_people_look_for_them():
    names = [commune.name for commune in territory.communes()]
    # "Le Mée" is filed under M and "La Rochette" under R.
    assert names.index("Maincy") < names.index("Le Mée-sur-Seine") < names.index("Melun")
    assert names.index("Pringy") < names.index("La Rochette") < names.index("Rubelles")
    assert names[0] == "Boissettes" and names[-1] == "Voisenon"


def test_dammarie_les_lys_keeps_its_accent():
    assert territory.communes_by_code()["77152"].name == "Dammarie-lès-Lys"


@pytest.mark.parametrize("commune", territory.communes(), ids=lambda commune: commune.code)
def test_the_point_given_for_each_commune_is_inside_it(commune):
    assert territory.commune_at(commune.lat, commune.lon) == commune
    assert territory.commune_at(commune.lat, commune.lon) is not None


def test_every_commune_has_a_population():
    assert all(commune.population > 0 for commune in territory.communes())
    assert territory.communes_by_code()["77288"].population > 40_000  # Melun is the largest


@pytest.mark.parametrize(
    ("place", "code"),
    [
        (MELUN_TOWN_HALL, "77288"),
        (MELUN_STATION, "77288"),
        (DAMMARIE_TOWN_HALL, "77152"),
        (LE_MEE_CENTRE, "77285"),
        (SEINE_PORT_CHURCH, "77447"),
    ],
)
def test_commune_at_a_known_place(place, code):
    commune = territory.commune_at(*place)
    assert commune is not None and commune.code == code
    assert territory.commune_at(*place) is not None


@pytest.mark.parametrize("place", [FONTAINEBLEAU_CHATEAU, PARIS_NOTRE_DAME, (0.0, 0.0)])
def test_outside_the_territory_there_is_no_commune(place):
    assert territory.commune_at(*place) is None
    assert territory.commune_at(*place) is None


def test_latitude_and_longitude_are_not_swapped():
    lat, lon = MELUN_TOWN_HALL
    assert territory.commune_at(lon, lat) is None


def test_a_point_on_the_outer_boundary_belongs_to_the_territory():
    melun = territory.communes_by_code()["77288"]
    lon, lat = melun.boundary.exterior.coords[0]
    assert territory.commune_at(lat, lon) is not None


def test_the_attribution_names_the_sources_and_the_licence():
    assert "IGN" in territory.ATTRIBUTION
    assert "Licence Ouverte" in territory.ATTRIBUTION
    assert "INSEE" in territory.ATTRIBUTION


# --- Minutes on foot (catalog) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("metres", "minutes"),
    [(0, 0), (1, 1), (75, 1), (76, 2), (750, 10), (751, 11), (1125, 15), (4500, 60)],
)
def test_walking_minutes_at_4_5_km_h_rounded_up(metres, minutes):
    assert WALKING_SPEED_KMH == 4.5
    assert walking_minutes(metres) == minutes
