"""Backups of a PostgreSQL database, with its client programs.

A backup is `pg_dump --format=custom` reading a snapshot exported by a
transaction of ours, in which the counts are taken too: what is reported
is what the archive holds. A restore checks the archive with `pg_restore
--list`, then restores it in one transaction. Each program is the one of
the server's major version if installed, else the closest newer one; the
password reaches it in the environment, never on its command line.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Connection, inspect, text

from angela.extensions import db
from angela.services.backup_contents import (
    COUNT_QUERY,
    BackupError,
    Counts,
    check_revisions,
    check_tables,
    database_errors,
)
from angela.services.database import CONNECT_TIMEOUT_S

# Where Debian and Ubuntu install each PostgreSQL version's client
# programs; the one on PATH is tried last.
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump --format=custom


@dataclass(frozen=True, order=True)
class PgVersion:
    """A PostgreSQL major version: (15, 0) for 15.x, (9, 6) before version 10."""

    major: int
    minor: int = 0

    @classmethod
    def from_number(cls, number: int) -> PgVersion:
        """From `server_version_num`: 150020 is 15, 90624 is 9.6."""
        if number >= 100_000:
            return cls(number // 10_000)
        return cls(number // 10_000, number // 100 % 100)

    @classmethod
    def from_text(cls, text: str) -> PgVersion | None:
        """From `pg_dump --version`: "pg_dump (PostgreSQL) 15.20 (Debian ...)"."""
        found = re.search(r"\(PostgreSQL\) (\d+)(?:\.(\d+))?", text)
        if found is None:
            return None
        major = int(found.group(1))
        return cls(major) if major >= 10 else cls(major, int(found.group(2) or 0))

    def __str__(self) -> str:
        return str(self.major) if self.major >= 10 else f"{self.major}.{self.minor}"


def back_up(url: URL, temporary: Path) -> tuple[Counts, PgVersion, str]:
    """Dump the app's database into `temporary`; return what the archive
    holds, the server's version and the program used ("pg_dump 15").
    Raises BackupError on a database error or without a suitable pg_dump."""
    with database_errors(), db.engine.connect() as connection:
        server = _server_version(connection)
        pg_dump, version = find_tool("pg_dump", server)
        check_tables(set(inspect(connection).get_table_names()), url.database)
        connection.rollback()
        # The snapshot pg_dump reads, and the counts taken in it: the two agree.
        repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
        with repeatable.begin():
            repeatable.execute(text("SET TRANSACTION READ ONLY"))
            repeatable.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
            snapshot = repeatable.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = Counts(*repeatable.execute(text(COUNT_QUERY)).one())
            uri, environment = libpq_target(url)
            _run_pg_dump(
                [
                    str(pg_dump),
                    "--format=custom",
                    f"--file={temporary}",
                    f"--snapshot={snapshot}",
                    f"--dbname={uri}",
                ],
                environment,
            )
    return counts, server, f"pg_dump {version}"


def _run_pg_dump(arguments: list[str], environment: Mapping[str, str]) -> None:
    # A function of its own, like backup_sqlite._copy_pages: the step after
    # the backup's moment is fixed (tests/backup/test_backup.py commits an
    # import there).
    _run(arguments, environment)


def restore(source: Path, url: URL, tables: set[str]) -> None:
    """Restore the archive `source` into the app's database, which holds
    `tables`, once checked. Raises BackupError, the database unchanged, when
    the archive is not fit or pg_restore fails."""
    with database_errors(), db.engine.connect() as connection:
        server = _server_version(connection)
    pg_restore, _version = find_tool("pg_restore", server)
    listing = _run([str(pg_restore), "--list", str(source)], {})
    archived = set(re.findall(r"^\d+; \d+ \d+ TABLE public (\S+)", listing, re.MULTILINE))
    check_tables(archived, source)
    check_revisions(_archived_revisions(pg_restore, source), source)
    if extra := sorted(tables - archived):
        # --clean drops only what the backup holds; these would stay behind
        # and break the upgrade that follows.
        raise BackupError(
            f"the database holds tables the backup does not ({', '.join(extra)}): "
            "restore into a new database."
        )
    uri, environment = libpq_target(url)
    arguments = [str(pg_restore), "--no-owner", "--no-privileges"]
    if tables:
        arguments += ["--clean", "--if-exists"]
    arguments += ["--single-transaction", "--exit-on-error", f"--dbname={uri}", str(source)]
    _run(arguments, environment, failure="nothing was restored: ")


def _archived_revisions(pg_restore: Path, source: Path) -> set[str]:
    """The rows of alembic_version in a pg_dump archive (its COPY block)."""
    data = ["--data-only", "--table=alembic_version", "--file=-"]
    script = _run([str(pg_restore), *data, str(source)], {})
    block = re.search(r"^COPY public\.alembic_version .*?\n(.*?)^\\\.$", script, re.M | re.S)
    return set(block.group(1).split()) if block else set()


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """Return the connection URI for libpq programs, without the driver
    (`+psycopg`) or the password, and the environment that carries the
    password (PGPASSWORD): a command line is visible to every local user."""
    environment = {}
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    if "PGCONNECT_TIMEOUT" not in os.environ:
        environment["PGCONNECT_TIMEOUT"] = str(CONNECT_TIMEOUT_S)
    # Built anew: `URL.set(password=None)` would keep the password.
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=False), environment


def find_tool(name: str, server: PgVersion) -> tuple[Path, PgVersion]:
    """Return the installed `name` (pg_dump, pg_restore) to use with a
    server of version `server`, and its version."""
    found = []
    for candidate in tool_candidates(name):
        version = PgVersion.from_text(_run([str(candidate), "--version"], {}))
        if version is not None:
            found.append((candidate, version))
    return choose_tool(name, found, server)


def tool_candidates(name: str) -> list[Path]:
    """Each version's program, oldest first, then the one on PATH."""
    versions = glob.glob(os.path.join(POSTGRES_BIN_GLOB, name))
    found = [Path(path) for path in sorted(versions, key=_version_of_directory)]
    on_path = shutil.which(name)
    if on_path is not None:
        found.append(Path(on_path))
    return [path for path in found if os.access(path, os.X_OK)]


def choose_tool(
    name: str, found: list[tuple[Path, PgVersion]], server: PgVersion
) -> tuple[Path, PgVersion]:
    """The program of the server's own major version, else the oldest newer
    one: an older program refuses a newer server (and its archive format),
    a much newer one writes archives that only it can read."""
    package = f"postgresql-client-{server}"
    if not found:
        raise BackupError(
            f"{name} not found (looked in {POSTGRES_BIN_GLOB} and PATH): "
            f"install {package}, the PostgreSQL client programs."
        )
    usable = [(path, version) for path, version in found if version >= server]
    if not usable:
        newest = max(version for _path, version in found)
        raise BackupError(
            f"{name} {newest} cannot work with the PostgreSQL {server} server: install {package}."
        )
    exact = [(path, version) for path, version in usable if version == server]
    return (exact or sorted(usable, key=lambda pair: pair[1]))[0]


def _version_of_directory(path: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/9.6/bin/pg_dump, /usr/lib/postgresql/15/bin/pg_dump
    return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.parent.name))


def _run(arguments: list[str], environment: Mapping[str, str], failure: str = "") -> str:
    """Run a client program; return its output, or raise BackupError with its
    first error line (it never holds the password, which is not an argument)."""
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program, arguments as a list
            arguments,
            env={**os.environ, **environment},
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise BackupError(f"{failure}{arguments[0]}: {error.strerror}") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        message = lines[0] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{failure}{message}")
    return done.stdout


def _server_version(connection: Connection) -> PgVersion:
    number = connection.execute(text("SHOW server_version_num")).scalar_one()
    return PgVersion.from_number(int(number))
