"""The public API fuzzed by schemathesis from its own OpenAPI document, on
both databases: whatever a client sends, every answer is a documented
status, its body matches the documented schema, and none is a server
error. A fixed seed and a bounded number of examples keep it repeatable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from angela import create_app
from angela.core import territory
from angela.core.hours import paris_today
from angela.extensions import db
from angela.models import Merchant
from tests.conftest import fresh_schema
from tests.fake_ban import fake_ban
from tests.places import MELUN_STATION, MELUN_TOWN_HALL


@pytest.fixture
def fuzzed_app(database_url: str) -> Iterator[Flask]:
    with fake_ban() as (ban_url, _asked):
        config = {
            "TESTING": True,
            "SECRET_KEY": "fuzz",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GEOCODER_URL": ban_url,
            "GEOCODER_TIMEOUT": 0.5,
        }
        with fresh_schema(create_app(config)) as app:
            _seed(app)
            yield app


def _seed(app: Flask) -> None:
    with app.app_context():
        for number, ((lat, lon), hours) in enumerate(
            [(MELUN_TOWN_HALL, "24/7"), (MELUN_STATION, "Mo-Fr 09:00-18:00")], 1
        ):
            commune = territory.commune_at(lat, lon)
            assert commune is not None
            db.session.add(
                Merchant(
                    ref=f"FUZ-{number}", name=f"Refuge {number}", category="shop",
                    address=f"{number} rue de l'Essai", postcode="77000",
                    commune_code=commune.code, lat=lat, lon=lon, opening_hours=hours,
                    training_status="trained", trained_on=paris_today() - timedelta(days=9),
                )
            )  # fmt: skip
        db.session.commit()


@pytest.fixture
def api_schema(fuzzed_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)


FUZZ = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_every_answer_keeps_the_documented_promise(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    labels = {operation.label for operation in operations}
    # Every path and method of the document (schemathesis leaves out the
    # document itself).
    assert "POST /api/v1/addresses/search" in labels and len(labels) == 7, sorted(labels)
    for operation in operations:
        fuzz(operation)


def fuzz(operation: Any) -> None:
    # What was typed is tidied first (runs of spaces count as one), so
    # "  a   " fits the schema's length yet is refused as too short.
    tidied = operation.label == "POST /api/v1/addresses/search"
    excluded = [schemathesis.checks.positive_data_acceptance] if tidied else []
    # In process, nothing would unpack a gzip answer: ask for none.
    headers = {"Accept-Encoding": "identity"}

    @FUZZ
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()
