"""The PostgreSQL client programs of backups: the password reaches pg_dump
in its environment only, a missing or too old pg_dump is said in one line,
and, without a database, the libpq URI, the versions read from the programs
and the choice of the program that fits the server."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import make_url

from angela.services import backup, backup_postgres
from angela.services.backup_postgres import PgVersion
from tests.backup.conftest import Rows, closed, make_app
from tests.conftest import POSTGRES_URL
from tests.test_exchange_cli import flask

postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@postgres_only
def test_the_password_reaches_pg_dump_by_the_environment_only(
    source: Flask, populated: Rows, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(POSTGRES_URL)
    password = url.password or "not-on-the-command-line"
    app = make_app(url.set(password=password).render_as_string(hide_password=False))
    calls: list[tuple[list[str], dict[str, str]]] = []
    run = subprocess.run

    def spy(arguments: list[str], **options: Any) -> Any:
        calls.append((arguments, options["env"]))
        return run(arguments, **options)

    monkeypatch.setattr(backup_postgres.subprocess, "run", spy)
    try:
        result = flask(app.test_cli_runner(), app, "db", "backup", str(tmp_path / "pw.backup"))
    finally:
        closed(app)
    assert result.exit_code == 0, result.output
    (dump,) = [(arguments, env) for arguments, env in calls if "--format=custom" in arguments]
    arguments, env = dump
    assert env["PGPASSWORD"] == password
    assert not any(password in argument for argument in arguments)
    assert any(argument.startswith("--dbname=postgresql://") for argument in arguments)
    assert "+psycopg" not in " ".join(arguments)


def fake_pg_dump(directory: Path, version: str) -> None:
    directory.mkdir(parents=True)
    program = directory / "pg_dump"
    program.write_text(f'#!/bin/sh\necho "pg_dump (PostgreSQL) {version}"\n')
    program.chmod(0o755)


@postgres_only
@pytest.mark.parametrize(
    ("installed", "says"),
    [
        (None, "backup failed: pg_dump not found (looked in "),
        ("9.6.24", "backup failed: pg_dump 9.6 cannot work with the PostgreSQL "),
    ],
)
def test_without_a_suitable_pg_dump_the_backup_says_so(
    source: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    installed: str | None,
    says: str,
) -> None:
    tools = tmp_path / "tools"
    if installed is not None:
        fake_pg_dump(tools / "9.6" / "bin", installed)
    monkeypatch.setattr(backup_postgres, "POSTGRES_BIN_GLOB", str(tools / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    file = tmp_path / "angela.backup"
    result = flask(source.test_cli_runner(), source, "db", "backup", str(file))
    assert result.exit_code == 1
    assert result.stderr.startswith(says)
    assert "install postgresql-client-" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not file.exists()
    assert not file.with_name("angela.backup.tmp").exists()


# --- Without a database ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "uri", "environment"),
    [
        (
            "postgresql+psycopg://angela:s3cr%40t@db.example:5433/angela?sslmode=require",
            "postgresql://angela@db.example:5433/angela?sslmode=require",
            {"PGPASSWORD": "s3cr@t"},
        ),
        ("postgresql://postgres@127.0.0.1/test", "postgresql://postgres@127.0.0.1/test", {}),
    ],
)
def test_the_libpq_uri_has_no_driver_and_no_password(
    url: str, uri: str, environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    found_uri, found_environment = backup_postgres.libpq_target(make_url(url))
    assert found_uri == uri
    assert found_environment == {**environment, "PGCONNECT_TIMEOUT": "3"}


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", PgVersion(15)),
        ("pg_restore (PostgreSQL) 17.2", PgVersion(17)),
        ("pg_dump (PostgreSQL) 9.6.24", PgVersion(9, 6)),
        ("pg_dump (PostgreSQL) 18devel", PgVersion(18)),
        ("something else", None),
    ],
)
def test_versions_are_read_from_the_programs(text: str, version: PgVersion | None) -> None:
    assert PgVersion.from_text(text) == version


def test_server_version_numbers() -> None:
    assert PgVersion.from_number(150020) == PgVersion(15)
    assert PgVersion.from_number(90624) == PgVersion(9, 6)
    assert str(PgVersion(9, 6)) == "9.6"
    assert str(PgVersion(16)) == "16"


def test_the_pg_dump_of_the_servers_version_is_chosen_else_the_closest_newer() -> None:
    v = PgVersion
    found = [(Path("/13"), v(13)), (Path("/17"), v(17)), (Path("/15"), v(15)), (Path("/16"), v(16))]
    assert backup_postgres.choose_tool("pg_dump", found, v(15)) == (Path("/15"), v(15))
    assert backup_postgres.choose_tool("pg_dump", found, v(14)) == (Path("/15"), v(15))
    assert backup_postgres.choose_tool("pg_dump", found, v(9, 6)) == (Path("/13"), v(13))
    with pytest.raises(backup.BackupError, match=r"^pg_dump 17 cannot work with the PostgreSQL 18"):
        backup_postgres.choose_tool("pg_dump", found, v(18))
    with pytest.raises(backup.BackupError, match=r"install postgresql-client-16"):
        backup_postgres.choose_tool("pg_dump", [], v(16))
