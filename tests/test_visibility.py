"""Public visibility: a merchant is a public refuge only when trained, less
than ANGELA_TRAINING_VALID_MONTHS (24) months ago, and not in the future."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from angela import config, create_app
from angela.core.hours import paris_today
from angela.core.visibility import is_public, public_window
from angela.extensions import db
from angela.models import Merchant
from angela.services.directory import public_clause
from tests.conftest import fresh_schema

TODAY = date(2026, 6, 15)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("trained_on", "public"),
    [
        (date(2024, 6, 15), False),  # exactly 24 months ago: expired this morning
        (date(2024, 6, 16), True),  # 24 months minus one day ago: last public day
        (date(2024, 1, 1), False),
        (date(2026, 1, 1), True),
        (TODAY - DAY, True),  # yesterday
        (TODAY, True),  # today
        (TODAY + DAY, False),  # tomorrow: the training has not happened
        (date(2027, 1, 1), False),
    ],
)
def test_a_trained_merchant_is_public_for_24_months(trained_on, public):
    assert is_public("trained", trained_on, TODAY, 24) is public


@pytest.mark.parametrize("status", ["pending", "suspended", "withdrawn", "", "Trained", "TRAINED"])
@pytest.mark.parametrize("trained_on", [TODAY, TODAY - DAY, date(2025, 6, 15), None])
def test_only_the_trained_status_is_ever_public(status, trained_on):
    assert is_public(status, trained_on, TODAY, 24) is False


def test_a_trained_merchant_without_a_training_date_is_not_public():
    assert is_public("trained", None, TODAY, 24) is False


@pytest.mark.parametrize(
    ("trained_on", "public"),
    [
        (date(2025, 12, 15), False),  # exactly 6 months ago
        (date(2025, 12, 16), True),
        (date(2026, 3, 1), True),
        (date(2025, 6, 16), False),  # public under 24 months, not under 6
        (TODAY, True),
        (TODAY + DAY, False),
    ],
)
def test_the_number_of_valid_months_is_respected(trained_on, public):
    assert is_public("trained", trained_on, TODAY, 6) is public


def test_the_window_runs_from_the_same_day_n_months_ago_exclusive_to_today():
    assert public_window(TODAY, 24) == (date(2024, 6, 15), TODAY)
    assert public_window(TODAY, 6) == (date(2025, 12, 15), TODAY)
    assert public_window(TODAY, 1) == (date(2026, 5, 15), TODAY)


# Month ends and 29 February, as dateutil's relativedelta counts months: going
# back from a day that does not exist in the earlier month lands on its last day.
@pytest.mark.parametrize(
    ("today", "months", "after"),
    [
        (date(2026, 2, 28), 24, date(2024, 2, 28)),
        (date(2028, 2, 29), 24, date(2026, 2, 28)),
        (date(2026, 3, 1), 24, date(2024, 3, 1)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
    ],
)
def test_the_window_at_month_ends(today, months, after):
    assert public_window(today, months) == (after, today)


@pytest.mark.parametrize(
    ("today", "trained_on", "public"),
    [
        # Trained on 29 February 2024: there is no 29 February 2026, so its
        # last public day is 28 February 2026 and it expires on 1 March.
        (date(2026, 2, 27), date(2024, 2, 29), True),
        (date(2026, 2, 28), date(2024, 2, 29), True),
        (date(2026, 3, 1), date(2024, 2, 29), False),
        # Trained on 28 February 2024: expired on 28 February 2026.
        (date(2026, 2, 28), date(2024, 2, 28), False),
        (date(2026, 2, 27), date(2024, 2, 28), True),
        # Seen from 29 February 2028.
        (date(2028, 2, 29), date(2026, 2, 28), False),
        (date(2028, 2, 29), date(2026, 3, 1), True),
        (date(2028, 2, 28), date(2026, 2, 28), False),
        (date(2028, 2, 28), date(2026, 3, 1), True),
    ],
)
def test_29_february(today, trained_on, public):
    assert is_public("trained", trained_on, today, 24) is public


def test_training_validity_is_read_from_the_environment(tmp_path):
    environ = {"ANGELA_ENV": "development", "ANGELA_TRAINING_VALID_MONTHS": "6"}
    assert config.from_environment(str(tmp_path), environ)["TRAINING_VALID_MONTHS"] == 6
    default = config.from_environment(str(tmp_path), {"ANGELA_ENV": "development"})
    assert default["TRAINING_VALID_MONTHS"] == 24


@pytest.mark.parametrize("value", ["0", "-3", "six", "2.5"])
def test_a_bad_training_validity_is_refused(tmp_path, value):
    environ = {"ANGELA_ENV": "development", "ANGELA_TRAINING_VALID_MONTHS": value}
    with pytest.raises(config.ConfigurationError, match="ANGELA_TRAINING_VALID_MONTHS"):
        config.from_environment(str(tmp_path), environ)


# --- The SQL clause agrees with the rule (database tests) -----------------------------------


def test_the_sql_clause_selects_exactly_the_public_merchants(app, make_merchant):
    today = date(2026, 2, 28)
    dates = [
        None,
        date(2024, 2, 27),
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2025, 8, 28),
        date(2025, 8, 29),
        today - DAY,
        today,
        today + DAY,
    ]
    expected = {24: set(), 6: set()}
    for status in ("trained", "pending", "suspended", "withdrawn"):
        for trained_on in dates:
            merchant = make_merchant(status=status, trained_on=trained_on)
            for months, refs in expected.items():
                if is_public(status, trained_on, today, months):
                    refs.add(merchant.ref)
    assert len(expected[24]) == 6 and len(expected[6]) == 3  # the grid has both kinds
    with app.app_context():
        for months, refs in expected.items():
            query = select(Merchant.ref).where(public_clause(today, months))
            assert set(db.session.execute(query).scalars()) == refs, months


@pytest.fixture
def six_month_app(database_url, monkeypatch):
    """The app as deployed with ANGELA_TRAINING_VALID_MONTHS=6."""
    monkeypatch.setenv("ANGELA_TRAINING_VALID_MONTHS", "6")
    monkeypatch.setenv("ANGELA_SECRET_KEY", "test-secret")
    monkeypatch.setenv("ANGELA_DATABASE_URL", database_url)
    monkeypatch.setenv("ANGELA_INDEX_POLL_SECONDS", "0")
    with fresh_schema(create_app()) as app:
        yield app


def test_the_public_api_honours_the_configured_validity(six_month_app):
    today = paris_today()
    with six_month_app.app_context():
        for ref, name, trained_on in [
            ("ANG-0005", "Formé il y a 5 mois", today - timedelta(days=152)),
            ("ANG-0007", "Formé il y a 7 mois", today - timedelta(days=213)),
        ]:
            db.session.add(
                Merchant(
                    ref=ref,
                    name=name,
                    category="bar",
                    address="16 rue Paul Doumer",
                    postcode="77000",
                    commune_code="77288",
                    lat=48.539343,
                    lon=2.660290,
                    training_status="trained",
                    trained_on=trained_on,
                )
            )
        db.session.commit()
    body = six_month_app.test_client().get("/api/v1/refuges").get_json()
    assert [feature["properties"]["name"] for feature in body["features"]] == [
        "Formé il y a 5 mois"
    ]
