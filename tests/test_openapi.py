"""The OpenAPI document is valid and describes the real responses: each
status code answered is documented for its path, and each body matches the
schema documented for that status."""

from __future__ import annotations

import jsonschema
import pytest
from openapi_spec_validator import validate

from angela import create_app
from tests.places import FONTAINEBLEAU_CHATEAU, MELUN_STATION, MELUN_TOWN_HALL

# Nothing listens on port 9: every query fails as if the database were down.
UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:9/angela"


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(spec, schema_name, body):
    """Validate `body` against a component schema of the document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def documented(spec, path, response, method="get"):
    """Assert that the response's status is documented for `method` `path`
    (a path of the document) and that its body matches the schema documented
    for that status; return the body."""
    answers = spec["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in answers, f"{method} {path} answered {status}; documented: {sorted(answers)}"
    content = answers[status].get("content")
    if content is None:
        assert response.data == b""
        return None
    schema = content["application/json"].get("schema", {})
    body = response.get_json()
    schema = {**schema, "components": spec["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    return body


def test_document_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_api_route_is_documented(app, spec):
    routes = {
        rule.rule.replace("<int:refuge_id>", "{refuge_id}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
    }
    assert routes == set(spec["paths"])


def test_responses_match_the_document(client, spec, make_merchant, today):
    open_bar = make_merchant(category="bar", opening_hours="24/7", position=MELUN_STATION)
    make_merchant(category="pharmacy", phone=None, opening_hours=None)
    at = "2026-11-29T01:00:00+01:00"
    lat, lon = MELUN_TOWN_HALL
    nearest = client.get(f"/api/v1/refuges/nearest?lat={lat}&lon={lon}&at={at.replace('+', '%2B')}")
    assert nearest.status_code == 200
    check(spec, "NearestResult", documented(spec, "/api/v1/refuges/nearest", nearest))
    outside = client.get(
        "/api/v1/refuges/nearest",
        query_string={"lat": FONTAINEBLEAU_CHATEAU[0], "lon": FONTAINEBLEAU_CHATEAU[1]},
    )
    assert outside.status_code == 200
    check(spec, "NearestResult", documented(spec, "/api/v1/refuges/nearest", outside))
    collection = client.get("/api/v1/refuges")
    assert collection.status_code == 200
    check(spec, "RefugeCollection", documented(spec, "/api/v1/refuges", collection))
    refuge = client.get(f"/api/v1/refuges/{open_bar.id}")
    assert refuge.status_code == 200
    check(spec, "Refuge", documented(spec, "/api/v1/refuges/{refuge_id}", refuge))
    snapshot = client.get("/api/v1/refuges/snapshot")
    assert snapshot.status_code == 200
    check(spec, "DeviceSnapshot", documented(spec, "/api/v1/refuges/snapshot", snapshot))
    assert len(snapshot.get_json()["refuges"]) == 2
    kept = client.get(
        "/api/v1/refuges/snapshot", headers={"If-None-Match": snapshot.headers["ETag"]}
    )
    assert kept.status_code == 304
    assert documented(spec, "/api/v1/refuges/snapshot", kept) is None
    communes = client.get("/api/v1/communes")
    assert communes.status_code == 200
    check(spec, "CommuneList", documented(spec, "/api/v1/communes", communes))
    health = client.get("/healthz")
    assert health.status_code == 200
    check(spec, "Health", documented(spec, "/healthz", health))
    document = client.get("/api/v1/openapi.json")
    assert documented(spec, "/api/v1/openapi.json", document) == spec
    bad = client.get("/api/v1/refuges/nearest?lat=x&lon=2")
    assert bad.status_code == 400
    check(spec, "Error", documented(spec, "/api/v1/refuges/nearest", bad))
    too_long = client.get(f"/api/v1/refuges/nearest?lat={lat}&lon={lon}&pad={'x' * 1100}")
    assert too_long.status_code == 414
    check(spec, "Error", documented(spec, "/api/v1/refuges/nearest", too_long))
    missing = client.get("/api/v1/refuges/0")
    assert missing.status_code == 404
    check(spec, "Error", documented(spec, "/api/v1/refuges/{refuge_id}", missing))
    unchanged = client.get("/api/v1/refuges", headers={"If-None-Match": collection.headers["ETag"]})
    assert unchanged.status_code == 304
    assert documented(spec, "/api/v1/refuges", unchanged) is None


@pytest.mark.parametrize(
    ("url", "path", "schema_name"),
    [
        ("/api/v1/refuges/nearest?lat=48.54&lon=2.66", "/api/v1/refuges/nearest", "Error"),
        ("/api/v1/refuges", "/api/v1/refuges", "Error"),
        ("/api/v1/refuges/snapshot", "/api/v1/refuges/snapshot", "Error"),
        ("/api/v1/refuges/1", "/api/v1/refuges/{refuge_id}", "Error"),
        ("/api/v1/communes", "/api/v1/communes", "Error"),
        ("/healthz", "/healthz", "Health"),
    ],
    ids=["nearest", "collection", "snapshot", "refuge", "communes", "health"],
)
def test_answers_without_a_database_match_the_document(url, path, schema_name):
    down = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE})
    client = down.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    response = client.get(url)
    assert response.status_code == 503
    check(spec, schema_name, documented(spec, path, response))


def test_the_document_can_reject_a_wrong_body(spec):
    with pytest.raises(jsonschema.ValidationError):
        check(spec, "Refuge", {"id": 1, "name": "Sans le reste"})


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/refuges/nearest",
        "/api/v1/refuges",
        "/api/v1/refuges/snapshot",
        "/api/v1/refuges/{refuge_id}",
        "/api/v1/communes",
        "/api/v1/openapi.json",
    ],
)
def test_a_control_character_is_a_documented_400(client, spec, path):
    response = client.get(path.replace("{refuge_id}", "1") + "?q=a%00b")
    assert response.status_code == 400
    body = documented(spec, path, response)
    assert body["error"]["code"] == "invalid_character"
