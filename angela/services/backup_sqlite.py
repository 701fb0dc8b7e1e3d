"""Backups of an SQLite database, with SQLite's online backup API.

A backup copies every page inside one read transaction of ours, so it
holds the moment that transaction began (WAL lets writers go on
meanwhile); the copy is one self-contained file, itself an SQLite
database. A restore checks the file, then writes every page in one write
transaction: all or nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import URL

from angela.services.backup_contents import (
    COUNT_QUERY,
    BackupError,
    Counts,
    check_revisions,
    check_tables,
)
from angela.services.database import SQLITE_BUSY_TIMEOUT_MS

SQLITE_MAGIC = b"SQLite format 3\x00"  # how every SQLite database file begins


def database_path(url: URL) -> Path:
    """The database file of `url`; raises BackupError for an in-memory database."""
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise BackupError("the database is in memory: there is nothing on disk to back up.")
    return Path(str(url.database))


def back_up(path: Path, temporary: Path) -> Counts:
    """Copy the database at `path` into the empty file `temporary`; return
    what the copy holds. Raises BackupError on any SQLite error."""
    if not path.is_file():
        raise BackupError(f"no SQLite database at {path}.")
    try:
        with (
            contextlib.closing(_connect(path)) as source,
            contextlib.closing(_connect(temporary)) as copy,
        ):
            check_tables(_tables(source), path)
            with _read_transaction(source):
                _copy_pages(source, copy)
            # One self-contained file (the live database is in WAL mode).
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(copy, temporary)
            return Counts(*copy.execute(COUNT_QUERY).fetchone())
    except sqlite3.Error as error:
        raise BackupError(f"SQLite: {error}") from None


@contextlib.contextmanager
def _read_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Hold one read transaction: the pages copied inside it are those of
    the moment it began, whatever is committed meanwhile."""
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    try:
        yield
    finally:
        connection.execute("ROLLBACK")


def _copy_pages(source: sqlite3.Connection, copy: sqlite3.Connection) -> None:
    # pages=-1: every page in one step, inside the source's read transaction
    # (in steps, each write to the source by another connection would
    # restart the copy, which a busy database might never let finish).
    # A function of its own: the step after the backup's moment is fixed
    # (tests/backup/test_backup.py commits an import there).
    source.backup(copy, pages=-1)


def restore(source: Path, path: Path) -> None:
    """Replace the database at `path` by the backup `source`, once checked.
    Raises BackupError, the database unchanged, on any SQLite error."""
    try:
        with contextlib.closing(_connect(source, read_only=True)) as backup:
            check_tables(_tables(backup), source)
            _check_integrity(backup, source)
            revisions = backup.execute("SELECT version_num FROM alembic_version")
            check_revisions({revision for (revision,) in revisions}, source)
            with contextlib.closing(_connect(path)) as database:
                # Every page in one step, one write transaction: all or nothing.
                backup.backup(database, pages=-1)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite, nothing was restored: {error}") from None


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and ended here, explicitly.
    timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def _check_integrity(connection: sqlite3.Connection, where: Path) -> None:
    (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
    if verdict != "ok":
        raise BackupError(f"{where} fails SQLite's integrity check: {verdict}")
