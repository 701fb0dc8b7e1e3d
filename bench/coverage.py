"""The coverage observatory's figures: the full week (168 hours × 20
communes, plus the next public holiday's 24 hours, with the ceiling),
computed cold, for the seed data and for 3,000 synthetic refuges; then
the staff page served from the cache; then today's real figures on the
seed data (territory coverage on Saturday at 17:00 and 23:00, the three
largest holes at 23:00).

    .venv/bin/python bench/coverage.py [--runs 5] [--requests 20] [--refuges 3000]

The week is timed through `services.coverage.compute` (what the page's
cache calls on a miss) on refuges read straight from seed/merchants.csv
(those the public sees today, by the visibility rule); the
synthetic refuges are spread at random over the 20 communes with the seed's
opening hours in turn. The page is timed with the Flask test client on a
temporary SQLite database loaded by `flask seed`, once the week is cached.
Targets: ≤ 2 s for the week, ≤ 300 ms for the page from the cache.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from angela import create_app
from angela.core import coverage_words as words
from angela.core import holes, territory, visibility
from angela.core.coverage import SPEEDS_KMH
from angela.core.hours import paris_today
from angela.core.refuges import Refuge
from angela.extensions import db
from angela.services import accounts, coverage

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed" / "merchants.csv"
PASSWORD = "bench password of the coverage page"  # noqa: S105 - a throwaway account
BBOX = (48.46, 48.62, 2.52, 2.78)  # around the 20 communes


def seed_refuges(today: date) -> list[Refuge]:
    """The seed's merchants the public sees today (the visibility rule, with
    the default 24 months of a training's validity)."""
    with SEED.open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    return [
        Refuge(
            index, row["name"], row["category"], row["address"], row["postcode"],
            territory.commune_at(float(row["lat"]), float(row["lon"])).code,  # type: ignore[union-attr]
            float(row["lat"]), float(row["lon"]), row["phone"] or None,
            row["opening_hours"] or None,
        )
        for index, row in enumerate(rows, 1)
        if visibility.is_public(
            row["training_status"],
            date.fromisoformat(row["trained_on"]) if row["trained_on"] else None,
            today,
            24,
        )
    ]  # fmt: skip


def synthetic_refuges(count: int, hours: Sequence[str | None], seed: int = 11) -> list[Refuge]:
    rng = random.Random(seed)
    found: list[Refuge] = []
    while len(found) < count:
        lat, lon = rng.uniform(*BBOX[:2]), rng.uniform(*BBOX[2:])
        commune = territory.commune_at(lat, lon)
        if commune is None:
            continue
        number = len(found) + 1
        found.append(
            Refuge(number, f"Refuge {number}", "shop", f"{number} rue de l'Essai", "77000",
                   commune.code, lat, lon, None, hours[number % len(hours)])
        )  # fmt: skip
    return found


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def page_from_cache(requests: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
             "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/angela.sqlite3"}
        )  # fmt: skip
        with app.app_context():
            db.create_all()
            accounts.create_user("bench@cidff77.example", PASSWORD, "viewer", actor=None)
        app.test_cli_runner().invoke(args=["seed"])
        client = app.test_client()
        client.post("/staff/login", data={"email": "bench@cidff77.example", "password": PASSWORD})
        first = client.get("/staff/coverage")  # computes and caches the week
        if first.status_code != 200:
            raise SystemExit(f"the coverage page answered {first.status_code}")
        return median_seconds(lambda: client.get("/staff/coverage"), requests)


def real_figures(refuges: list[Refuge], today: date) -> None:
    week = coverage.compute(refuges, today, SPEEDS_KMH[1])
    saturday = 5 * 24
    print(f"Seed data, week of {week.moments[0]:%Y-%m-%d}, 4.5 km/h, reach {week.radius:.0f} m:")
    for hour in (17, 23):
        share = week.territory[saturday + hour]
        print(f"  territory covered on Saturday at {hour}:00: {share:.1%}")
    print(
        f"  weekly average {week.average(week.territory):.1%}, ceiling {week.ceiling_territory:.1%}"
    )
    grid = coverage.territory_grid()
    found = holes.holes(grid, week.covered(), saturday + 23, week.radius, largest=3)
    print("  three largest holes on Saturday at 23:00:")
    for hole in found:
        name = territory.communes_by_code()[hole.commune_code].name
        when = words.hours_in_words(hole.moments)
        print(f"    {name}: {hole.people:,.0f} people out of reach; out of reach {when}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--refuges", type=int, default=3000)
    options = parser.parse_args()
    today = paris_today()
    seed = seed_refuges(today)
    many = synthetic_refuges(options.refuges, [r.opening_hours for r in seed])
    coverage.territory_grid()  # the grid is built once per process, not per week
    for label, refuges in (("seed", seed), (f"{options.refuges} synthetic", many)):
        median, low, high = median_seconds(
            lambda refuges=refuges: coverage.compute(refuges, today, SPEEDS_KMH[1]), options.runs
        )
        print(f"Week, cold, {label} ({len(refuges)} refuges): median {median:.3f} s "
              f"(min {low:.3f}, max {high:.3f}, {options.runs} runs; target ≤ 2 s)")  # fmt: skip
    median, low, high = page_from_cache(options.requests)
    print(f"Page from the cache (seed data): median {median * 1000:.0f} ms "
          f"(min {low * 1000:.0f}, max {high * 1000:.0f}, {options.requests} requests; "
          "target ≤ 300 ms)")  # fmt: skip
    real_figures(seed, today)


if __name__ == "__main__":
    main()
