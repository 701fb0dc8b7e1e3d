"""Fixtures: a fresh app per test on SQLite, and on PostgreSQL too when
ANGELA_TEST_DATABASE_URL is set; factories and named places."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text

from angela import create_app
from angela.core import territory, totp
from angela.core.hours import paris_today
from angela.extensions import db
from angela.models import Merchant, Report, utcnow
from tests.places import MELUN_TOWN_HALL

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# `make test` runs the suite in parallel (pytest-xdist): tests empty and
# refill the schema, so each worker has a database of its own beside the
# one given (`test_gw0`, `test_gw1`…), created at its first use.
GIVEN_POSTGRES_URL = os.environ.get("ANGELA_TEST_DATABASE_URL", "")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_url(url: str) -> str:
    if not url or not WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


POSTGRES_URL = _worker_url(GIVEN_POSTGRES_URL)


def _create_worker_database() -> None:
    if POSTGRES_URL == GIVEN_POSTGRES_URL:
        return
    given = make_url(GIVEN_POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = make_url(POSTGRES_URL).database
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if found is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def skip_or_fail(reason: str) -> None:
    """Skip outside CI; in CI nothing may be skipped, so fail."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


def database_urls() -> list[Any]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]


_postgres_ready = False


def _postgres_url() -> str:
    global _postgres_ready
    if not POSTGRES_URL:
        skip_or_fail("PostgreSQL tests need ANGELA_TEST_DATABASE_URL (not set)")
    if not _postgres_ready:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            _create_worker_database()
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        except Exception as error:
            skip_or_fail(f"PostgreSQL at ANGELA_TEST_DATABASE_URL is not reachable: {error}")
        finally:
            engine.dispose()
        _postgres_ready = True
    return POSTGRES_URL


@pytest.fixture(params=database_urls())
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'angela.sqlite3'}"
    return _postgres_url()


@contextmanager
def fresh_schema(app: Flask) -> Iterator[Flask]:
    """Give `app` empty tables for the time of a test, then drop them."""
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_POLL_SECONDS": 0.0,
    }
    with fresh_schema(create_app(config)) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def today() -> date:
    return paris_today()


@pytest.fixture
def make_merchant(app: Flask, today: date) -> Callable[..., Merchant]:
    """Create and commit a merchant; every field has a sensible default."""
    counter = iter(range(1, 1_000_000))

    def make(**overrides: Any) -> Merchant:
        number = next(counter)
        lat, lon = overrides.pop("position", MELUN_TOWN_HALL)
        commune = territory.commune_at(lat, lon)
        values: dict[str, Any] = {
            "ref": f"ANG-{number:04d}",
            "name": f"Commerce {number}",
            "category": "shop",
            "address": f"{number} rue Paul Doumer",
            "postcode": "77000",
            "commune_code": commune.code if commune else "77288",
            "lat": lat,
            "lon": lon,
            "phone": "+33199001234",
            "opening_hours": None,
            "training_status": overrides.pop("status", "trained"),
            "trained_on": today - timedelta(days=30),
        }
        values.update(overrides)
        with app.app_context():
            merchant = Merchant(**values)
            db.session.add(merchant)
            db.session.commit()
            db.session.refresh(merchant)
            db.session.expunge(merchant)
        return merchant

    return make


@pytest.fixture
def make_report(app: Flask) -> Callable[..., Report]:
    """Create and commit a street report about `merchant_id` (made an hour
    ago, new, about refused help, unless told otherwise); return it."""

    def make(merchant_id: int, **overrides: Any) -> Report:
        values: dict[str, Any] = {
            "merchant_id": merchant_id,
            "reason": "help_refused",
            "text": "On m'a demandé de partir.",
            "email": None,
            "made_at": utcnow() - timedelta(hours=1),
            "status": "new",
        }
        values.update(overrides)
        with app.app_context():
            report = Report(**values)
            db.session.add(report)
            db.session.commit()
            db.session.refresh(report)
            db.session.expunge(report)
        return report

    return make


# --- staff face -------------------------------------------------------------

STAFF_PASSWORD = "correct horse battery staple"
# The authenticator app of every test account that has the second step.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODE_PAGE = "/staff/login/code"


def app_code(seconds_from_now: float = 0, secret: str = STAFF_TOTP_SECRET) -> str:
    """The code the test accounts' authenticator app shows now (or that many seconds away)."""
    return totp.code_at(secret, time.time() + seconds_from_now)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., str]:
    """Create an account and return its email (roles: admin, agent, viewer).

    An admin has the second step set up with STAFF_TOTP_SECRET, as the
    staff face requires, unless `mfa=False` (it may then do nothing but set
    it up); other roles have it with `mfa=True`. The setup uses the previous
    30-second step's code, so that the current one still logs in."""
    from angela.services import accounts
    from angela.services import mfa as second_step

    counter = iter(range(1, 1_000_000))

    def make(
        role: str = "agent",
        email: str | None = None,
        password: str = STAFF_PASSWORD,
        mfa: bool | None = None,
    ) -> str:
        address = email or f"{role}{next(counter)}@cidff77.example"
        with app.app_context():
            user = accounts.create_user(address, password, role, actor=None)
            with_second_step = role == "admin" if mfa is None else mfa
            if with_second_step:
                second_step.enable(user.id, STAFF_TOTP_SECRET, app_code(-totp.STEP_SECONDS))
            return user.email

    return make


def log_in(
    client: FlaskClient, email: str, password: str = STAFF_PASSWORD, code: str | None = None
) -> Any:
    """Post the login form, then, when the account asks for it, the code of
    its app (the current one of STAFF_TOTP_SECRET unless `code` is given);
    return the last response. A code is accepted once: log the same account
    in twice within 30 seconds with an explicit `code` (e.g. app_code(30)).
    CSRF must be off, or use a client that fetched the token."""
    response = client.post("/staff/login", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"] == CODE_PAGE:
        response = client.post(CODE_PAGE, data={"code": code or app_code()})
    return response


@pytest.fixture
def staff_client(app: Flask, make_user: Callable[..., str]) -> Callable[[str], FlaskClient]:
    """Return a new client logged in with a new account of the role; CSRF
    checks are off for these clients (the CSRF tests turn them back on)."""
    app.config["WTF_CSRF_ENABLED"] = False

    def make(role: str = "agent") -> FlaskClient:
        client = app.test_client()
        response = log_in(client, make_user(role))
        assert response.status_code == 302, response.text
        return client

    return make
