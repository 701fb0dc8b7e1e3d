"""What is never kept about a visitor, and reads that never fail during writes."""

from __future__ import annotations

import json
import sqlite3
import urllib.request

import pytest

from tests.fake_ban import fake_ban
from tests.places import MELUN_STATION
from tests.server import gunicorn


def test_the_access_log_keeps_the_path_but_never_the_position(
    app, database_url, make_merchant, tmp_path
):
    make_merchant()
    log_path = tmp_path / "gunicorn.log"
    lat, lon = MELUN_STATION
    with gunicorn(database_url, log_path, WEB_CONCURRENCY="1") as base:
        url = f"{base}/api/v1/refuges/nearest?lat={lat}&lon={lon}"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
    log = log_path.read_text()
    assert '"GET /api/v1/refuges/nearest" 200' in log
    assert str(lat) not in log and str(lon) not in log
    assert "lat=" not in log and "127.0.0.1 " not in log


def test_a_typed_address_reaches_neither_the_access_log_nor_the_error_log(
    app, database_url, tmp_path
):
    log_path = tmp_path / "gunicorn.log"
    typed = "12 rue de la Gare"
    with (
        fake_ban() as (ban_url, asked),
        gunicorn(
            database_url,
            log_path,
            "--log-level",
            "debug",
            WEB_CONCURRENCY="1",
            ANGELA_GEOCODER_URL=ban_url,
        ) as base,
    ):
        search = urllib.request.Request(
            f"{base}/api/v1/addresses/search",
            data=json.dumps({"q": typed}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(search, timeout=10) as response:
            assert response.status == 200
        form = urllib.request.Request(f"{base}/adresse", data=b"adresse=12+rue+de+la+Gare")
        with urllib.request.urlopen(form, timeout=10) as response:
            assert response.status == 200
    assert len(asked) == 2  # it did reach the address service
    log = log_path.read_text()
    assert '"POST /api/v1/addresses/search" 200' in log and '"POST /adresse" 200' in log
    assert "gare" not in log.lower()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_public_read_succeeds_while_a_long_import_holds_the_write_lock(
    app, client, database_url, make_merchant
):
    make_merchant()
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # A write transaction large enough to spill to the database file: in
        # the default journal mode it would lock every reader out.
        writer.execute("PRAGMA cache_size=1")
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE scratch (payload TEXT)")
        writer.executemany("INSERT INTO scratch VALUES (?)", [("x" * 2000,)] * 500)
        writer.execute("UPDATE revisions SET counter = counter + 1")
        response = client.get("/api/v1/refuges/nearest?lat=48.5&lon=2.6")
        assert response.status_code == 200
        assert len(response.get_json()["refuges"]) == 1
        assert client.get("/healthz").status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()
