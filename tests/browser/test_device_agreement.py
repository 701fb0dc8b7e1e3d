"""The phone ranks as the API does: for 600 random refuges (some suspended,
some at the very same spot) and 360 (point, moment) pairs, the page's own
nearest module, fed the device snapshot, gives the same refuges in the same
order, the same distances, walking minutes, open flags, next changes and
"Y aller" links (names with quotes, "&", "*" and "~" among them) as
`/api/v1/refuges/nearest`, and the same "inside the territory".

The moments cover the week ahead of three snapshots: today's, one around
Christmas (a public holiday) and one around the night the clocks go forward;
they include the small hours, when bars open past midnight matter. Points lie
inside the territory, just around it and far outside (Paris), and some on a
refuge. The phone is set to New York time: the module must not care.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import shapely
from shapely.geometry import Point

from angela.core import territory
from angela.core.hours import PARIS, paris_today
from angela.core.nearest import geodesic_m
from angela.core.walking import WALK_LIMIT_MINUTES
from angela.extensions import db
from angela.models import Merchant
from angela.public.presenters import any_open, open_first
from tests.browser.conftest import PHONE, Server, _serving, browser_app, page_opener
from tests.browser.test_twins_browser import module_url
from tests.places import FONTAINEBLEAU_CHATEAU, PARIS_NOTRE_DAME
from tests.test_snapshot_hours import HOURS as SNAPSHOT_HOURS

pytestmark = pytest.mark.browser

HOURS = [*SNAPSHOT_HOURS, "Mo-Su 00:00-24:00"]
REFUGES = 600
# Today's snapshot, one with Christmas Day in it, one with the clocks going
# forward (28 March 2027) in it.
DAYS = [None, date(2026, 12, 23), date(2027, 3, 24)]
PAIRS_PER_DAY = 120
# Names whose "Y aller" links the two URL encoders could write differently.
NAMES = ["Refuge", 'Bar « L\'Escale » & "Le Quai"', "Café ~ Étoile*", "Tabac+Presse #2 / 100 %"]

RANK = """async ({ url, pairs }) => {
  const nearest = await import(url);
  const snapshot = await (await fetch("/api/v1/refuges/snapshot", { cache: "no-store" })).json();
  const index = nearest.prepare(snapshot);
  const row = (refuge) => [refuge.id, refuge.distance_m, refuge.walking_minutes, refuge.open_now,
    refuge.next_change === null ? null : Date.parse(refuge.next_change), refuge.directions_url];
  return pairs.map(([lat, lon, at]) => ({
    five: nearest.nearestRefuges(index, lat, lon, at).map(row),
    open: nearest.nearestRefuges(index, lat, lon, at, 1, true).map(row),
    inside: nearest.findRefuges(index, lat, lon, at).within_territory,
    shown: nearest.findRefuges(index, lat, lon, at).refuges.map((refuge) => refuge.id),
  }));
}"""
DISTANCES = """({ pairs }) => pairs.map(
  ([a, b, c, d]) => globalThis.geodesic.Geodesic.WGS84.Inverse(a, b, c, d).s12)"""


def _area() -> Any:
    return shapely.union_all([commune.boundary for commune in territory.communes()])


def _random_refuges(rng: random.Random) -> list[Merchant]:
    area = _area()
    west, south, east, north = area.bounds
    trained_on = paris_today() - timedelta(days=60)
    places: list[tuple[float, float]] = []
    while len(places) < REFUGES:
        lat, lon = rng.uniform(south - 0.02, north + 0.02), rng.uniform(west - 0.02, east + 0.02)
        places.append((round(lat, 6), round(lon, 6)))
        if rng.random() < 0.05:  # another refuge at the very same spot: ties by id
            places.append(places[-1])
    merchants = []
    for number, (lat, lon) in enumerate(places[:REFUGES], 1):
        commune = territory.commune_at(lat, lon)
        merchants.append(
            Merchant(
                ref=f"ANG-{number:04d}",
                name=f"{NAMES[number % len(NAMES)]} {number}",
                category=rng.choice(["bar", "pharmacy", "bakery", "cafe", "shop"]),
                address=f"{number} rue de l'Essai",
                postcode="77000",
                commune_code=commune.code if commune else "77288",
                lat=lat,
                lon=lon,
                phone=None,
                opening_hours=rng.choice(HOURS),
                training_status="suspended" if rng.random() < 0.05 else "trained",
                trained_on=trained_on,
            )
        )
    return merchants


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    app = browser_app(
        tmp_path_factory.mktemp("agreement") / "angela.sqlite3", INDEX_POLL_SECONDS=0.0
    )
    with app.app_context():
        db.create_all()
        db.session.add_all(_random_refuges(random.Random(2026)))
        db.session.commit()
    with _serving(app) as served:
        yield served


def _moments(rng: random.Random, first_day: date) -> list[datetime]:
    start = datetime.combine(first_day, time(0), tzinfo=PARIS)
    found = []
    for day in range(7):  # the small hours, and around the clock change
        for hour, minute in ((0, 30), (1, 30), (2, 30), (3, 0), (3, 30), (23, 45)):
            moment = start + timedelta(days=day, hours=hour, minutes=minute)
            found.append(moment.astimezone(UTC))
    while len(found) < PAIRS_PER_DAY:
        found.append(datetime.fromtimestamp(start.timestamp() + rng.uniform(0, 7 * 86400), UTC))
    return found


def _points(rng: random.Random, refuges: list[dict[str, Any]]) -> list[tuple[float, float]]:
    area = _area()
    west, south, east, north = area.bounds
    points = []
    while len(points) < PAIRS_PER_DAY:
        choice = rng.random()
        if choice < 0.1:
            refuge = rng.choice(refuges)
            points.append((refuge["lat"], refuge["lon"]))
        elif choice < 0.15:
            points.append(rng.choice([PARIS_NOTRE_DAME, FONTAINEBLEAU_CHATEAU, (48.80, 2.95)]))
        else:
            lat, lon = (
                rng.uniform(south - 0.05, north + 0.05),
                rng.uniform(west - 0.05, east + 0.05),
            )
            points.append((lat, lon))
    assert any(area.contains(Point(lon, lat)) for lat, lon in points)
    return points


def _api_rows(client: Any, lat: float, lon: float, moment: datetime, **extra: Any) -> Any:
    query = {"lat": repr(lat), "lon": repr(lon), "at": moment.isoformat(), "limit": 5, **extra}
    response = client.get("/api/v1/refuges/nearest", query_string=query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    rows = [
        [
            refuge["id"],
            refuge["distance_m"],
            refuge["walking_minutes"],
            refuge["open_now"],
            None
            if refuge["next_change"] is None
            else round(datetime.fromisoformat(refuge["next_change"]).timestamp() * 1000),
            refuge["directions_url"],
        ]
        for refuge in body["refuges"]
    ]
    return rows, body["within_territory"]


@pytest.mark.parametrize("day", DAYS, ids=["today", "christmas", "clocks-forward"])
def test_the_phone_ranks_as_the_api_does(browser, crowded, monkeypatch, day):
    if day is not None:
        # The snapshot (and the directory) as the server builds them that day.
        monkeypatch.setattr("angela.services.directory.paris_today", lambda: day)
    first_day = day or paris_today()
    rng = random.Random(f"pairs-{first_day}")
    client = crowded.app.test_client()
    snapshot = client.get("/api/v1/refuges/snapshot").get_json()
    assert snapshot["generated_at"] == datetime.combine(
        first_day, time(0), tzinfo=PARIS
    ).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(snapshot["refuges"]) < REFUGES  # the suspended are left out
    pairs = [
        (lat, lon, moment)
        for (lat, lon), moment in zip(
            _points(rng, snapshot["refuges"]), _moments(rng, first_day), strict=False
        )
    ]
    assert len(pairs) == PAIRS_PER_DAY
    with page_opener(browser, crowded) as open_:
        page = open_("/", **PHONE, timezone_id="America/New_York", service_workers="block")
        loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
        device = page.evaluate(
            RANK,
            {
                "url": module_url(loaded, "nearest"),
                "pairs": [[lat, lon, moment.timestamp() * 1000] for lat, lon, moment in pairs],
            },
        )
    for (lat, lon, moment), mine in zip(pairs, device, strict=True):
        five, inside = _api_rows(client, lat, lon, moment)
        where = (lat, lon, moment.isoformat())
        assert mine["five"] == five, where
        assert mine["inside"] == inside, where
        open_one, _inside = _api_rows(client, lat, lon, moment, open_now=1, limit=1)
        assert mine["open"] == open_one, where
        assert mine["shown"] == _page_order(five, open_one), where


def _page_order(five: list[list[Any]], open_one: list[list[Any]]) -> list[int]:
    """What the page shows from the API's answers: open ones first (the
    presenters' rule); when none is open within the walk limit, the nearest
    open refuge first too."""
    cards = [{"id": row[0], "walking_minutes": row[2], "open_now": row[3]} for row in five]
    shown = open_first(cards)
    nearest_open = open_one[0][0] if open_one else None
    ids = [card["id"] for card in shown]
    if not any_open(shown, WALK_LIMIT_MINUTES) and nearest_open and nearest_open not in ids:
        shown = [{"id": nearest_open}, *shown]
    return [card["id"] for card in shown]


def test_the_phones_geodesic_is_the_servers_to_the_micrometre(browser, crowded):
    rng = random.Random(30)
    pairs = []
    for _ in range(500):
        lat, lon = rng.uniform(48.3, 48.7), rng.uniform(2.4, 2.9)
        # Up to about 30 km away.
        pairs.append((lat, lon, lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.3, 0.3)))
    with page_opener(browser, crowded) as open_:
        page = open_("/", **PHONE, service_workers="block")
        loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
        page.evaluate("(url) => import(url)", module_url(loaded, "nearest"))
        device = page.evaluate(DISTANCES, {"pairs": pairs})
    for (a, b, c, d), mine in zip(pairs, device, strict=True):
        assert abs(mine - geodesic_m(a, b, c, d)) < 1e-6, (a, b, c, d)
    assert max(geodesic_m(*pair) for pair in pairs) > 25_000
