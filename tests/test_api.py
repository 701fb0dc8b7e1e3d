"""The public JSON API v1, as outside clients and the page rely on it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.distance import geodesic

from tests.places import (
    DAMMARIE_TOWN_HALL,
    FONTAINEBLEAU_CHATEAU,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
)

NEAREST = "/api/v1/refuges/nearest"
PUBLIC_KEYS = {
    "id", "name", "category", "address", "postcode", "commune", "lat", "lon", "phone",
    "opening_hours", "last_checked_on", "open_now", "next_change", "directions_url",
}  # fmt: skip


def nearest(client, position=MELUN_TOWN_HALL, **params):
    lat, lon = position
    return client.get(NEAREST, query_string={"lat": lat, "lon": lon, **params})


def test_nearest_lists_public_refuges_by_distance(client, make_merchant):
    far = make_merchant(name="Gare", position=MELUN_STATION)
    near = make_merchant(name="Mairie", position=MELUN_TOWN_HALL)
    response = nearest(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["origin"] == {"lat": MELUN_TOWN_HALL[0], "lon": MELUN_TOWN_HALL[1]}
    assert body["within_territory"] is True
    assert body["commune"] == {"code": "77288", "name": "Melun"}
    assert [r["id"] for r in body["refuges"]] == [near.id, far.id]
    first, second = body["refuges"]
    assert set(first) == PUBLIC_KEYS | {"distance_m", "walking_minutes"}
    assert first["distance_m"] == 0 and first["walking_minutes"] == 0
    expected = round(geodesic(MELUN_TOWN_HALL, MELUN_STATION).meters)  # geopy, independent
    assert second["distance_m"] == expected
    assert second["walking_minutes"] == -(-second["distance_m"] * 60 // 4500)


def test_nearest_never_shows_private_fields(client, make_merchant):
    make_merchant(trainer="Secret trainer", contact_name="Secret", notes="Secret note")
    text = nearest(client).get_data(as_text=True)
    assert "Secret" not in text
    assert "trainer" not in text and "contact" not in text and "notes" not in text


def test_nearest_outside_the_territory_says_so(client, make_merchant):
    make_merchant()
    body = nearest(client, FONTAINEBLEAU_CHATEAU).get_json()
    assert body["within_territory"] is False
    assert body["commune"] is None
    assert len(body["refuges"]) == 1


def test_dammarie_keeps_its_accent_for_people(client, make_merchant):
    make_merchant(position=DAMMARIE_TOWN_HALL)
    body = nearest(client, DAMMARIE_TOWN_HALL).get_json()
    assert body["commune"] == {"code": "77152", "name": "Dammarie-lès-Lys"}
    assert body["refuges"][0]["commune"]["name"] == "Dammarie-lès-Lys"


def test_nearest_ties_are_broken_by_id(client, make_merchant):
    ids = [make_merchant(position=LE_MEE_CENTRE).id for _ in range(3)]
    body = nearest(client, LE_MEE_CENTRE, limit=3).get_json()
    assert [r["id"] for r in body["refuges"]] == sorted(ids)


def test_limit_defaults_to_five_and_is_honoured(client, make_merchant):
    for _ in range(7):
        make_merchant()
    assert len(nearest(client).get_json()["refuges"]) == 5
    assert len(nearest(client, limit=2).get_json()["refuges"]) == 2
    assert len(nearest(client, limit=20).get_json()["refuges"]) == 7


@pytest.mark.parametrize(
    ("status", "age_days", "visible"),
    [
        ("trained", 30, True),
        ("pending", 30, False),
        ("suspended", 30, False),
        ("withdrawn", 30, False),
    ],
)
def test_only_trained_merchants_are_public(client, make_merchant, today, status, age_days, visible):
    merchant = make_merchant(status=status, trained_on=today - timedelta(days=age_days))
    ids = [r["id"] for r in nearest(client).get_json()["refuges"]]
    assert (merchant.id in ids) is visible
    one = client.get(f"/api/v1/refuges/{merchant.id}")
    assert one.status_code == (200 if visible else 404)


def test_open_now_filter_and_at(client, make_merchant):
    bar = make_merchant(name="Bar", opening_hours="Fr-Sa 18:00-02:00", position=MELUN_STATION)
    shop = make_merchant(name="Boutique", opening_hours="Mo-Sa 09:00-19:00; PH off")
    unknown = make_merchant(name="Sans horaires", opening_hours=None)
    # Sunday 29 November 2026, 01:00 in Paris: the bar is still open.
    at = "2026-11-29T01:00:00+01:00"
    body = nearest(client, at=at).get_json()
    by_id = {r["id"]: r for r in body["refuges"]}
    assert by_id[bar.id]["open_now"] is True
    assert by_id[bar.id]["next_change"] == "2026-11-29T02:00:00+01:00"
    assert by_id[shop.id]["open_now"] is False
    assert by_id[shop.id]["next_change"] == "2026-11-30T09:00:00+01:00"
    assert by_id[unknown.id]["open_now"] is None
    assert by_id[unknown.id]["next_change"] is None
    only_open = nearest(client, at=at, open_now=1).get_json()["refuges"]
    assert [r["id"] for r in only_open] == [bar.id]


def test_at_in_another_offset_is_the_same_moment(client, make_merchant):
    make_merchant(opening_hours="Fr-Sa 18:00-02:00")
    body = nearest(client, at="2026-11-29T00:30:00Z").get_json()
    assert body["refuges"][0]["open_now"] is True


def test_christmas_is_a_public_holiday(client, make_merchant):
    make_merchant(opening_hours="Mo-Sa 09:00-19:00; PH off")
    friday_christmas = "2026-12-25T12:00:00+01:00"
    assert nearest(client, at=friday_christmas).get_json()["refuges"][0]["open_now"] is False


def test_unencoded_plus_in_at_is_understood(client, make_merchant):
    make_merchant()
    response = client.get(NEAREST + "?lat=48.5393&lon=2.6603&at=2026-11-29T01:00:00+01:00")
    assert response.status_code == 200


BAD_NEAREST = [
    ({"lon": "2.66"}, "lat", "missing_parameter"),
    ({"lat": "48.5"}, "lon", "missing_parameter"),
    ({"lat": "", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "abc", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "NaN", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "nan", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "inf", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "-Infinity", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "1e309", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "48,5", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "0x30", "lon": "2.66"}, "lat", "invalid_number"),
    ({"lat": "90.0001", "lon": "2.66"}, "lat", "out_of_range"),
    ({"lat": "-91", "lon": "2.66"}, "lat", "out_of_range"),
    ({"lat": "48.5", "lon": "180.5"}, "lon", "out_of_range"),
    ({"lat": "48.5", "lon": "-1000"}, "lon", "out_of_range"),
    ({"lat": "48.5", "lon": "9" * 400}, "lon", "value_too_long"),
    ({"lat": "48.5", "lon": "2.6", "limit": "0"}, "limit", "invalid_limit"),
    ({"lat": "48.5", "lon": "2.6", "limit": "21"}, "limit", "invalid_limit"),
    ({"lat": "48.5", "lon": "2.6", "limit": "-1"}, "limit", "invalid_limit"),
    ({"lat": "48.5", "lon": "2.6", "limit": "2.5"}, "limit", "invalid_limit"),
    ({"lat": "48.5", "lon": "2.6", "limit": "five"}, "limit", "invalid_limit"),
    ({"lat": "48.5", "lon": "2.6", "limit": "٣"}, "limit", "invalid_limit"),
    ({"lat": "48.5", "lon": "2.6", "open_now": "yes"}, "open_now", "invalid_flag"),
    ({"lat": "48.5", "lon": "2.6", "at": "tomorrow"}, "at", "invalid_datetime"),
    ({"lat": "48.5", "lon": "2.6", "at": "2026-11-26T22:00:00"}, "at", "invalid_datetime"),
    ({"lat": "48.5", "lon": "2.6", "at": "2026-11-26"}, "at", "invalid_datetime"),
    ({"lat": "48.5", "lon": "2.6", "at": "2026-13-40T25:00:00+01:00"}, "at", "invalid_datetime"),
]


@pytest.mark.parametrize(("params", "parameter", "code"), BAD_NEAREST)
def test_bad_parameters_get_a_json_error_naming_them(client, params, parameter, code):
    response = client.get(NEAREST, query_string=params)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert error["code"] == code
    assert error["message"]


def test_repeated_parameter_is_refused(client):
    response = client.get(NEAREST + "?lat=48.5&lat=48.6&lon=2.6")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "lat"


def test_absurdly_long_query_is_refused_in_json(client):
    response = client.get(NEAREST + "?lat=48.5&lon=2.6&" + "x=1&" * 2000)
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "query_too_long"


def test_collection_is_geojson_with_etag(client, make_merchant, today):
    visible = make_merchant(name="Visible")
    make_merchant(name="Expired", trained_on=today - timedelta(days=800))
    response = client.get("/api/v1/refuges")
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [visible.id]
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [visible.lon, visible.lat]}
    assert set(feature["properties"]) == PUBLIC_KEYS - {"lat", "lon"}
    etag = response.headers["ETag"]
    again = client.get("/api/v1/refuges", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_collection_etag_changes_when_refuges_change(client, make_merchant):
    make_merchant()
    before = client.get("/api/v1/refuges").headers["ETag"]
    make_merchant()
    assert client.get("/api/v1/refuges").headers["ETag"] != before


def test_one_refuge_and_unknown_ids(client, make_merchant):
    merchant = make_merchant(name="Pharmacie du Marché", category="pharmacy")
    body = client.get(f"/api/v1/refuges/{merchant.id}").get_json()
    assert body["name"] == "Pharmacie du Marché"
    assert body["category"] == "pharmacy"
    assert body["directions_url"].startswith("https://www.google.com/maps/dir/?api=1&destination=")
    for path in ("/api/v1/refuges/999999", "/api/v1/refuges/abc", "/api/v1/nowhere"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_directions_lead_to_the_place_named_in_words(client, make_merchant):
    merchant = make_merchant(
        name="Bar « L'Escale » & Co", address="12 bis, quai de l'Hôtel-de-Ville",
        postcode="77350", position=LE_MEE_CENTRE,
    )  # fmt: skip
    body = client.get(f"/api/v1/refuges/{merchant.id}").get_json()
    url = urlsplit(body["directions_url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.google.com", "/maps/dir/")
    assert parse_qs(url.query) == {
        "api": ["1"],
        "destination": [
            "Bar « L'Escale » & Co, 12 bis, quai de l'Hôtel-de-Ville, 77350 Le Mée-sur-Seine"
        ],
        "travelmode": ["walking"],
    }
    # The exact point stays in the object for clients that want it.
    assert (body["lat"], body["lon"]) == LE_MEE_CENTRE


def test_wrong_method_is_json(client):
    response = client.post("/api/v1/refuges")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_communes_lists_twenty_with_public_counts(client, make_merchant, today):
    make_merchant(position=MELUN_TOWN_HALL)
    make_merchant(position=MELUN_STATION)
    make_merchant(position=DAMMARIE_TOWN_HALL, status="pending", trained_on=None)
    communes = client.get("/api/v1/communes").get_json()["communes"]
    assert len(communes) == 20
    counts = {c["code"]: c["refuge_count"] for c in communes}
    assert counts["77288"] == 2
    assert counts["77152"] == 0  # a pending merchant is not counted
    assert sum(counts.values()) == 2


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_change_is_seen_at_once_by_the_same_process(client, make_merchant):
    assert nearest(client).get_json()["refuges"] == []
    merchant = make_merchant()
    assert [r["id"] for r in nearest(client).get_json()["refuges"]] == [merchant.id]


def test_a_database_that_does_not_answer_gives_json_503s():
    from angela import create_app

    unreachable = "postgresql://postgres@127.0.0.1:9/angela"  # nothing listens on port 9
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": unreachable})
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable"}
    response = nearest(client)
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "unavailable"


def test_the_last_snapshot_is_served_when_the_database_fails(app, client, make_merchant):
    from sqlalchemy import text

    from angela.extensions import db

    merchant = make_merchant()
    assert [r["id"] for r in nearest(client).get_json()["refuges"]] == [merchant.id]
    with app.app_context():
        db.session.execute(text("DROP TABLE revisions"))
        db.session.commit()
    response = nearest(client)
    assert response.status_code == 200
    assert [r["id"] for r in response.get_json()["refuges"]] == [merchant.id]
