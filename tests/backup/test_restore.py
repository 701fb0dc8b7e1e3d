"""`flask --app angela db restore`: a backup restores into an empty
database, or by hand as the README says; a database that is not empty, a
file that is not a backup of this kind of database, and a backup of a newer
version of the app are refused, the database left as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, make_url, text

from angela.extensions import db
from angela.services import backup, backup_postgres
from tests.backup.conftest import Rows, closed, everything, imported, make_app
from tests.conftest import skip_or_fail
from tests.test_exchange_cli import csv_file, flask, row


def test_the_documented_manual_restore_works_too(
    source: Flask, populated: Rows, fresh_database: str, tmp_path: Path
) -> None:
    """README, "Backups": SQLite, copy the file into place; PostgreSQL,
    pg_restore into a fresh database; then `flask db upgrade`."""
    file = tmp_path / "manual.backup"
    assert flask(source.test_cli_runner(), source, "db", "backup", str(file)).exit_code == 0
    target = make_url(fresh_database)
    if target.get_backend_name() == "sqlite":
        shutil.copyfile(file, str(target.database))
    else:
        if shutil.which("pg_restore") is None:
            skip_or_fail("the documented restore needs pg_restore (not on PATH)")
        uri, environment = backup_postgres.libpq_target(target)
        subprocess.run(
            [
                *("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"),
                *("--single-transaction", "--exit-on-error", f"--dbname={uri}", str(file)),
            ],
            env={**os.environ, **environment},
            check=True,
            capture_output=True,
        )
    app = make_app(fresh_database)
    try:
        assert flask(app.test_cli_runner(), app, "db", "upgrade").exit_code == 0
        assert everything(app) == populated
    finally:
        closed(app)


# --- Refusals --------------------------------------------------------------------


def test_a_restore_refuses_a_database_that_is_not_empty_unless_forced(
    source: Flask, populated: Rows, tmp_path: Path, today: date
) -> None:
    file = tmp_path / "angela.backup"
    assert flask(source.test_cli_runner(), source, "db", "backup", str(file)).exit_code == 0
    imported(source, csv_file(tmp_path / "later.csv", row(today, 500)), today)
    later = everything(source)

    refused = flask(source.test_cli_runner(), source, "db", "restore", str(file))
    assert refused.exit_code == 1
    assert "is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert everything(source) == later

    closed(source)  # the operator stops the app first
    forced = flask(source.test_cli_runner(), source, "db", "restore", "--force", str(file))
    assert forced.exit_code == 0, forced.output
    assert "(replacing what it held)" in forced.stdout
    assert everything(source) == populated


def test_a_restore_refuses_what_is_not_a_backup(tmp_path: Path, fresh_database: str) -> None:
    app = make_app(fresh_database)
    other_kind = (
        (b"PGDMP", "is a PostgreSQL backup: the app's database is SQLite.")
        if fresh_database.startswith("sqlite")
        else (backup.SQLITE_MAGIC, "is an SQLite backup: the app's database is PostgreSQL.")
    )
    try:
        for content, says in [
            (b"ref,name\nANG-0001,Bar\n", "is neither an SQLite backup nor a pg_dump archive"),
            other_kind,
        ]:
            file = tmp_path / "not-a.backup"
            file.write_bytes(content)
            result = flask(app.test_cli_runner(), app, "db", "restore", str(file))
            assert result.exit_code == 1
            assert result.stderr.startswith("restore failed: ")
            assert says in result.stderr
            assert len(result.stderr.splitlines()) == 1
    finally:
        closed(app)


def test_a_backup_of_a_newer_version_of_the_app_is_refused(
    source: Flask, populated: Rows, fresh_database: str, tmp_path: Path
) -> None:
    """Its schema revision is unknown here: `db upgrade` could not follow,
    so nothing is restored."""
    with source.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0042'"))
        db.session.commit()
    file = tmp_path / "newer.backup"
    assert flask(source.test_cli_runner(), source, "db", "backup", str(file)).exit_code == 0
    app = make_app(fresh_database)
    try:
        result = flask(app.test_cli_runner(), app, "db", "restore", str(file))
        assert result.exit_code == 1
        assert result.stderr == (
            f"restore failed: {file} has the schema revision f00dfeed0042, unknown to this "
            "version of the app: restore it with the version that made it, or a newer one.\n"
        )
        with app.app_context():
            assert inspect(db.engine).get_table_names() == []
    finally:
        closed(app)
