"""Synthetic public refuges for the page benchmarks: `count` merchants that
are all public (trained 60 days ago), at random points inside the 20
communes of Melun Val de Seine, with French-looking names and addresses
from small word pools, about 30 opening-hours patterns and phone numbers in
the +33 1 6x range. All fictional.

    .venv/bin/python bench/synthetic_refuges.py DATABASE.sqlite3 [--count N] [--seed S]

writes them into a new SQLite file (the app's tables made with
`db.create_all()`); `bench/offline_page.py` calls `write_database()`.
`seed_database()` loads the demo data instead, for both page benchmarks.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import shapely
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from angela import create_app
from angela.core import hours, territory
from angela.core.vocab import Category
from angela.extensions import db
from angela.models import Merchant

ROOT = Path(__file__).resolve().parent.parent

# A mix close to real shop hours, with the cases the ranking must handle:
# always open, closed, unknown (None), past midnight, public holidays.
OPENING_HOURS: list[str | None] = [
    "24/7",
    "off",
    None,
    "Mo-Sa 09:00-19:30; PH off",
    "Fr-Sa 18:00-02:00",
    "Mo-Sa 08:30-20:30; Su 09:00-13:00",
    "Tu-Su 07:00-13:00,15:30-19:30; PH off",
    "Tu-Sa 07:00-13:00,15:30-19:30; Su 07:00-12:30",
    "Mo-Th 17:00-01:00, Fr-Sa 17:00-02:00",
    "Mo-Sa 07:00-20:00; Su 08:00-13:00",
    "Tu-Sa 12:00-14:00,19:00-22:30",
    "Mo-Fr 05:30-21:00; Sa,Su 07:00-20:00",
    "Mo-Fr 13:30-23:30; Sa,Su 10:30-00:30",
    "Tu-Sa 18:00-02:00",
    "Mo-Fr 08:30-20:00; Sa 09:00-19:00; PH off",
    "Mo-Su 07:00-21:00",
    "Mo-Sa 07:00-19:30",
    "Tu-Su 11:45-14:30; Fr,Sa 11:45-14:30,19:00-22:30",
    "Mo-Sa 08:30-20:00; PH off",
    "Mo-Fr 09:00-12:00,13:30-18:00; Sa 09:00-12:00; PH off",
    "We-Su 10:00-22:00",
    "We-Mo 07:00-13:30,15:30-19:30",
    "Mo-Th 16:00-24:00, Fr-Sa 16:00-01:30",
    "We-Su 14:00-23:30",
    "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
    "Mo-Fr 11:30-15:00",
    "Fr-Su 10:00-20:00",
    "Mo,Th 14:00-18:00; Sa 09:00-12:00; PH off",
    "Sa,Su 09:00-18:00",
    "Mo-Fr 06:00-20:00; Sa 07:00-14:00",
    "Mo-Su 06:00-23:00; PH 08:00-20:00",
]

# The kind of place, the words its name starts with.
KINDS: dict[str, list[str]] = {
    Category.BAR: ["Bar", "Le Comptoir", "La Taverne", "Brasserie"],
    Category.RESTAURANT: ["Restaurant", "Bistrot", "Crêperie", "Pizzeria", "Auberge"],
    Category.CAFE: ["Café", "Salon de thé", "Le Petit Café"],
    Category.PHARMACY: ["Pharmacie", "Grande Pharmacie"],
    Category.BAKERY: ["Boulangerie", "Le Fournil", "Pâtisserie"],
    Category.TOBACCONIST: ["Tabac-Presse", "Bureau de tabac", "Le Narval"],
    Category.SUPERMARKET: ["Supermarché", "Proxi", "Marché frais"],
    Category.SHOP: ["Épicerie", "Librairie", "Fleuriste", "Quincaillerie", "Opticien"],
    Category.HOTEL: ["Hôtel", "Résidence"],
    Category.CINEMA: ["Cinéma", "Ciné"],
    Category.PUBLIC_SERVICE: ["Mairie annexe", "Médiathèque", "Maison de quartier"],
    Category.OTHER: ["Laverie", "Salle de sport", "Atelier"],
}
PLACES = [
    "du Marché", "de la Gare", "des Remparts", "Saint-Jean", "du Pont", "de la Mairie",
    "des Écoles", "du Centre", "de la Poste", "des Tilleuls", "du Port", "de l'Église",
    "des Arts", "du Château", "de la Seine", "des Fleurs", "du Parc", "Gambetta",
    "Saint-Aspais", "des Carmes", "du Moulin", "de la Fontaine", "du Lavoir", "des Lilas",
]  # fmt: skip
STREET_KINDS = ["rue", "avenue", "place", "boulevard", "quai", "allée", "chemin", "impasse"]
STREET_NAMES = [
    "Saint-Barthélemy", "du Général de Gaulle", "Gambetta", "de la République",
    "Jean Jaurès", "Victor Hugo", "des Fossés", "de la Reine Blanche", "Pasteur",
    "du Maréchal Foch", "de Paris", "de Fontainebleau", "des Écoles", "du Château",
    "Émile Zola", "de la Libération", "Carnot", "Jules Ferry", "des Carmes", "du Port",
]  # fmt: skip


def _check_hours() -> None:
    for text in OPENING_HOURS:
        if text is not None:
            hours.parse(text)  # raises HoursError on a typo here


def _points_in(boundary: shapely.Geometry, count: int, rng: random.Random) -> list[Point]:
    """`count` uniformly random points inside `boundary` (rejection sampling)."""
    west, south, east, north = boundary.bounds
    found: list[Point] = []
    while len(found) < count:
        point = Point(rng.uniform(west, east), rng.uniform(south, north))
        if boundary.contains(point):
            found.append(point)
    return found


def random_points(count: int, seed: int = 1) -> list[tuple[float, float]]:
    """`count` random (lat, lon) inside the territory, spread over the
    communes in proportion to their population (each gets at least one)."""
    rng = random.Random(seed)
    communes = territory.communes()
    weights = [commune.population for commune in communes]
    chosen = rng.choices(range(len(communes)), weights=weights, k=count)
    points: list[tuple[float, float]] = []
    for index, commune in enumerate(communes):
        wanted = chosen.count(index)
        points += [(p.y, p.x) for p in _points_in(commune.boundary, wanted, rng)]
    rng.shuffle(points)
    return points


def merchants(count: int, seed: int = 1) -> list[Merchant]:
    """`count` public refuges (not yet added to any session)."""
    _check_hours()
    rng = random.Random(seed)
    trained_on = hours.paris_today() - timedelta(days=60)
    communes = territory.communes()
    weights = [commune.population for commune in communes]
    chosen = rng.choices(range(len(communes)), weights=weights, k=count)
    found: list[Merchant] = []
    number = 0
    for index, commune in enumerate(communes):
        for point in _points_in(commune.boundary, chosen.count(index), rng):
            number += 1
            category = rng.choice(list(KINDS))
            street = f"{rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)}"
            found.append(
                Merchant(
                    ref=f"BEN-{number:05d}",
                    name=f"{rng.choice(KINDS[category])} {rng.choice(PLACES)}",
                    category=str(category),
                    address=f"{rng.randint(1, 140)} {street}",
                    postcode="77000",
                    commune_code=commune.code,
                    lat=round(point.y, 6),
                    lon=round(point.x, 6),
                    phone=f"+3316{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.85 else None,
                    opening_hours=rng.choice(OPENING_HOURS),
                    training_status="trained",
                    trained_on=trained_on,
                )
            )
    return found


def seed_database(path: Path) -> None:
    """The demo data, as `make db` loads it."""
    if path.exists():
        path.unlink()
    env = {**os.environ, "ANGELA_DATABASE_URL": f"sqlite:///{path}"}
    flask = [sys.executable, "-m", "flask", "--app", "angela"]
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([*flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)


def write_database(path: Path, count: int, seed: int = 1) -> None:
    """Create the app's tables in a new SQLite file at `path` and add `count`
    synthetic public refuges."""
    path = path.resolve()  # Flask-SQLAlchemy reads relative paths from instance/
    if path.exists():
        path.unlink()
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.session.add_all(merchants(count, seed))
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_database(args.database, args.count, args.seed)
    print(f"wrote {args.count} synthetic public refuges to {args.database}")


if __name__ == "__main__":
    main()
