"""The device snapshot (`GET /api/v1/refuges/snapshot`): what it holds, that
its stretches of open time say what the API says at every moment, that it
follows the public visibility rule and shows no private field, and how it
is cached: one strong ETag for the same data in every process, a new one
when the data or the day changes."""

from __future__ import annotations

import gzip
from datetime import date, datetime, timedelta

from angela import create_app
from angela.core import hours, snapshot
from angela.core.refuges import Directory, Refuge
from angela.extensions import db
from angela.models import Merchant
from angela.public.presenters import snapshot_fields
from tests.places import FONTAINEBLEAU_CHATEAU, MELUN_STATION, MELUN_TOWN_HALL

PARIS = hours.PARIS
# Christmas and New Year's Day, the night the clocks go forward (28 March
# 2027). Agreement with the API at every moment: tests/test_snapshot_hours.py.
WINDOWS = [
    (datetime(2026, 12, 23, tzinfo=PARIS), datetime(2027, 1, 3, tzinfo=PARIS)),
    (datetime(2027, 3, 26, tzinfo=PARIS), datetime(2027, 3, 31, tzinfo=PARIS)),
]


def test_a_change_of_comment_alone_is_not_a_change():
    parsed = hours.parse('Mo-Fr 09:00-12:00 "matin", 12:00-18:00 "après-midi"')
    status = hours.status_at(parsed, datetime(2026, 11, 30, 10, 0, tzinfo=PARIS))
    assert status.open_now is True
    assert status.next_change == datetime(2026, 11, 30, 18, 0, tzinfo=PARIS)


def test_instants_are_utc_with_the_offset_of_their_day():
    text = "Mo-Su 09:00-10:00"
    winter = snapshot.schedule(text, *WINDOWS[0])["open_intervals"][0]
    assert winter == ["2026-12-23T08:00:00Z", "2026-12-23T09:00:00Z"]
    # 26 March 2027 is still winter time; 29 March is summer time.
    spring = snapshot.schedule(text, *WINDOWS[1])["open_intervals"]
    assert spring[0] == ["2027-03-26T08:00:00Z", "2027-03-26T09:00:00Z"]
    assert ["2027-03-29T07:00:00Z", "2027-03-29T08:00:00Z"] in spring


def test_always_open_never_ends_and_unreadable_hours_are_unknown():
    always = snapshot.schedule("24/7", *WINDOWS[0])
    assert always == {
        "hours_known": True,
        "open_intervals": [["2026-12-22T23:00:00Z", None]],
        "unknown_intervals": [],
    }
    for text in (None, "", "n'importe quoi"):
        unknown = snapshot.schedule(text, *WINDOWS[0])
        assert unknown == {"hours_known": False, "open_intervals": [], "unknown_intervals": []}


def test_the_stretches_reach_the_first_opening_after_the_window():
    # Closed all week, open on Sunday mornings: the window ending on a
    # Thursday must still say when it next opens.
    start = datetime(2026, 11, 30, tzinfo=PARIS)
    found = snapshot.schedule("Su 10:00-12:00", start, start + timedelta(days=3))
    assert found["open_intervals"] == [["2026-12-06T09:00:00Z", "2026-12-06T11:00:00Z"]]


def test_the_window_starts_at_midnight_in_paris_and_lasts_nine_days():
    start, end = snapshot.window(date(2027, 3, 25))
    assert snapshot.utc(start) == "2027-03-24T23:00:00Z"
    assert snapshot.utc(end) == "2027-04-02T22:00:00Z"  # summer time by then


def _directory(*refuges: Refuge) -> Directory:
    return Directory(list(refuges), revision=7, day=date(2026, 11, 29))


def test_the_content_is_the_same_for_the_same_data_and_day():
    refuge = Refuge(1, "Café", "cafe", "1 rue", "77000", "77288", 48.5, 2.6, None, "24/7")
    first = snapshot.build(_directory(refuge), date(2026, 11, 29), 7, snapshot_fields)
    again = snapshot.build(_directory(refuge), date(2026, 11, 29), 7, snapshot_fields)
    assert first == again
    assert first["generated_at"] == "2026-11-28T23:00:00Z"
    assert first["valid_until"] == "2026-12-07T23:00:00Z"
    assert first["walking_speed_kmh"] == 4.5 and first["walk_limit_minutes"] == 15
    assert first["territory"]["type"] in ("Polygon", "MultiPolygon")
    assert len(first["communes"]) == 20


# --- served -------------------------------------------------------------------

SNAPSHOT = "/api/v1/refuges/snapshot"


def test_it_follows_the_public_visibility_rule_and_shows_no_private_field(
    client, make_merchant, today
):
    shown = make_merchant(
        name="Visible", trainer="Secret trainer", contact_name="Secret", notes="Secret note"
    )
    make_merchant(name="Suspendu", status="suspended")
    make_merchant(name="Périmé", trained_on=today - timedelta(days=3 * 366))
    make_merchant(name="Demain", trained_on=today + timedelta(days=1))
    response = client.get(SNAPSHOT)
    text = response.get_data(as_text=True)
    assert [refuge["name"] for refuge in response.get_json()["refuges"]] == ["Visible"]
    assert "Secret" not in text and "ANG-" not in text
    for private in ("trainer", "contact", "notes", "ref", "trained_on", "training_status"):
        assert f'"{private}"' not in text
    public = client.get(f"/api/v1/refuges/{shown.id}").get_json()
    device = response.get_json()["refuges"][0]
    assert {k: v for k, v in public.items() if k not in ("open_now", "next_change")} == {
        **{k: v for k, v in device.items() if k in public},
        "directions_url": public["directions_url"],
    }


def test_compressed_revalidated_and_answered_304(client, make_merchant):
    make_merchant(opening_hours="Mo-Sa 09:00-19:30; PH off")
    plain = client.get(SNAPSHOT)
    packed = client.get(SNAPSHOT, headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Cache-Control"] == "no-cache"
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert not plain.headers["ETag"].startswith("W/")  # strong
    assert plain.headers["ETag"] != packed.headers["ETag"]
    again = client.get(SNAPSHOT, headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_every_process_serves_the_same_bytes_and_a_change_makes_new_ones(
    app, client, make_merchant, database_url
):
    merchant = make_merchant(position=MELUN_STATION, opening_hours="24/7")
    first = client.get(SNAPSHOT)
    other = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "INDEX_POLL_SECONDS": 0.0}
    )
    same = other.test_client().get(SNAPSHOT)
    with other.app_context():
        db.engine.dispose()  # its connections closed now, not whenever collected
    assert same.data == first.data and same.headers["ETag"] == first.headers["ETag"]
    with app.app_context():
        db.session.get(Merchant, merchant.id).opening_hours = "off"
        db.session.commit()
    changed = client.get(SNAPSHOT, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["revision"] > first.get_json()["revision"]
    assert body["refuges"][0]["open_intervals"] == []


def test_a_new_day_rebuilds_it(client, make_merchant, monkeypatch):
    make_merchant(position=MELUN_TOWN_HALL)
    today = client.get(SNAPSHOT).get_json()
    tomorrow = hours.paris_today() + timedelta(days=1)
    monkeypatch.setattr("angela.services.directory.paris_today", lambda: tomorrow)
    later = client.get(SNAPSHOT).get_json()
    start, _end = snapshot.window(tomorrow)
    assert later["generated_at"] == snapshot.utc(start) != today["generated_at"]


def test_refuges_outside_the_territory_are_listed_too(client, make_merchant):
    # The list holds every public refuge; where the person is does not matter.
    make_merchant(position=FONTAINEBLEAU_CHATEAU)
    assert len(client.get(SNAPSHOT).get_json()["refuges"]) == 1
