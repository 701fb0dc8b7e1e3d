"""Backup fixtures: the app on a database made by the migrations and
populated with accounts, merchants and their audit events; a second, empty
database to restore into; and the helpers that compare two databases row by
row."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, select, text

from angela import create_app
from angela.extensions import db
from angela.services import accounts, exchange
from tests.conftest import POSTGRES_URL, STAFF_PASSWORD
from tests.test_exchange_cli import csv_file, flask, row

BEFORE = 40  # merchants there before the import

Rows = dict[str, list[tuple[Any, ...]]]


# --- Helpers ---------------------------------------------------------------------


def make_app(url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "INDEX_POLL_SECONDS": 0.0,
        }
    )


def closed(app: Flask) -> None:
    """Close the app's connections, once its background reads have ended."""
    for thread in threading.enumerate():
        if thread.name.startswith("angela-"):
            thread.join(10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def reset_postgres(url: str) -> None:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def everything(app: Flask) -> Rows:
    """Every row of every table, in primary key order: two databases with
    equal `everything` hold the same data."""
    with app.app_context():
        found: Rows = {}
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            found[table.name] = [tuple(values) for values in db.session.execute(query)]
        version = text("SELECT version_num FROM alembic_version")
        found["alembic_version"] = [tuple(values) for values in db.session.execute(version)]
        db.session.remove()
        return found


def import_file(path: Path, today: date, first: int, count: int) -> Path:
    return csv_file(path, *(row(today, number) for number in range(first, first + count)))


def imported(app: Flask, path: Path, today: date) -> None:
    with app.app_context():
        exchange.apply_import(exchange.plan_import(path.read_bytes(), today))
        db.session.remove()


# --- Fixtures --------------------------------------------------------------------


@pytest.fixture
def source(database_url: str) -> Iterator[Flask]:
    """The app on a database made by the migrations, as in production."""
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
    app = make_app(database_url)
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    closed(app)
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)


@pytest.fixture
def fresh_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database to restore into: a new SQLite file, or the
    PostgreSQL database `<name>_restore` beside ANGELA_TEST_DATABASE_URL."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"{url.database}_restore"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture
def restore_into(fresh_database: str) -> Iterator[Callable[[Path], Rows]]:
    """Restore a backup file with `flask db restore` into the fresh database;
    return everything it then holds."""
    apps: list[Flask] = []

    def restore(file: Path) -> Rows:
        app = make_app(fresh_database)
        apps.append(app)
        result = flask(app.test_cli_runner(), app, "db", "restore", str(file))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"restored {file} into the ")
        return everything(app)

    yield restore
    for app in apps:
        closed(app)


@pytest.fixture
def populated(source: Flask, tmp_path: Path, today: date) -> Rows:
    """Accounts, merchants created and updated, their audit events."""
    with source.app_context():
        accounts.create_user("admin@cidff77.example", STAFF_PASSWORD, "admin", actor=None)
        accounts.create_user("agent@cidff77.example", STAFF_PASSWORD, "agent", actor=None)
    imported(source, import_file(tmp_path / "before.csv", today, 1, BEFORE), today)
    changed = csv_file(tmp_path / "changed.csv", row(today, 7, name="Pharmacie du Marché"))
    imported(source, changed, today)
    rows = everything(source)
    assert len(rows["merchants"]) == BEFORE
    assert len(rows["users"]) == 2
    assert len(rows["audit_events"]) > BEFORE + 2
    return rows
