"""Named, real places of the territory (and just outside it) for tests."""

# Melun town hall, 16 rue Paul Doumer.
MELUN_TOWN_HALL = (48.539343, 2.660290)
# Melun railway station, place Gallieni.
MELUN_STATION = (48.527480, 2.655640)
# Dammarie-lès-Lys town hall.
DAMMARIE_TOWN_HALL = (48.517230, 2.639470)
# Le Mée-sur-Seine, town centre.
LE_MEE_CENTRE = (48.532750, 2.629560)
# Seine-Port, by the church.
SEINE_PORT_CHURCH = (48.557070, 2.550380)
# Fontainebleau château: 15 km south, outside the territory.
FONTAINEBLEAU_CHATEAU = (48.402320, 2.700280)
# Paris, Notre-Dame: far outside.
PARIS_NOTRE_DAME = (48.852970, 2.349880)
