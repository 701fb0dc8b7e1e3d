"""Public answers travel gzip-compressed when the browser accepts it (the
API is read on weak signals too); staff pages never are (BREACH: they carry
CSRF tokens and private data)."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.places import MELUN_TOWN_HALL

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
NEAREST = f"/api/v1/refuges/nearest?lat={MELUN_TOWN_HALL[0]}&lon={MELUN_TOWN_HALL[1]}&limit=20"
PUBLIC_JSON = ["/api/v1/refuges", NEAREST, "/api/v1/communes", "/api/v1/openapi.json"]


@pytest.fixture
def refuges(make_merchant):
    for number in range(12):
        make_merchant(ref=f"ANG-{number:04d}", name=f"Boulangerie numéro {number}")


@pytest.mark.parametrize("url", PUBLIC_JSON)
def test_public_json_is_compressed_when_accepted(client, refuges, url):
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data)
    assert json.loads(gzip.decompress(packed.data)) == plain.json
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_the_public_pages_are_compressed_too(client, refuges):
    for url in ("/", "/?commune=77288"):
        response = client.get(url, headers=GZIP)
        assert response.headers["Content-Encoding"] == "gzip", url
        assert b"Angela" in gzip.decompress(response.data)


def test_a_compressed_collection_still_answers_304(client, refuges):
    first = client.get("/api/v1/refuges", headers=GZIP)
    assert first.headers["ETag"].startswith('W/"')
    again = client.get("/api/v1/refuges", headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_small_answers_are_left_plain(client):
    response = client.get("/healthz", headers=GZIP)
    assert response.json == {"status": "ok"}
    assert "Content-Encoding" not in response.headers


def test_an_error_is_left_plain(client):
    response = client.get("/api/v1/refuges/nearest?lat=north", headers=GZIP)
    assert response.status_code == 400 and response.json["error"]["parameter"] == "lat"


@pytest.mark.parametrize("url", ["/staff/login", "/staff/merchants", "/staff/"])
def test_staff_pages_are_never_compressed(staff_client, url):
    client = staff_client("admin")
    response = client.get(url, headers=GZIP)
    assert response.status_code in (200, 302, 308)
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" not in response.headers.get("Vary", "")
