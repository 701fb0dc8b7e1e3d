"""The OpenAPI document is valid and describes the real responses."""

from __future__ import annotations

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.places import FONTAINEBLEAU_CHATEAU, MELUN_STATION, MELUN_TOWN_HALL


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(spec, schema_name, body):
    """Validate `body` against a component schema of the document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


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
    check(spec, "NearestResult", nearest.get_json())
    outside = client.get(
        "/api/v1/refuges/nearest",
        query_string={"lat": FONTAINEBLEAU_CHATEAU[0], "lon": FONTAINEBLEAU_CHATEAU[1]},
    )
    check(spec, "NearestResult", outside.get_json())
    check(spec, "RefugeCollection", client.get("/api/v1/refuges").get_json())
    check(spec, "Refuge", client.get(f"/api/v1/refuges/{open_bar.id}").get_json())
    check(spec, "CommuneList", client.get("/api/v1/communes").get_json())
    check(spec, "Health", client.get("/healthz").get_json())
    check(spec, "Error", client.get("/api/v1/refuges/nearest?lat=x&lon=2").get_json())
    check(spec, "Error", client.get("/api/v1/refuges/0").get_json())


def test_the_document_can_reject_a_wrong_body(spec):
    with pytest.raises(jsonschema.ValidationError):
        check(spec, "Refuge", {"id": 1, "name": "Sans le reste"})
