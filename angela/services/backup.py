"""Backups that restore: `flask --app angela db backup FILE` and `db restore FILE`.

A backup is one file, consistent at one moment while the app serves and
writes: SQLite's online backup API copies every page inside one read
transaction (`backup_sqlite`); on PostgreSQL, `pg_dump` reads a snapshot
exported by a transaction of ours, in which the counts are taken too
(`backup_postgres`), so what is printed is what the file holds. The file is
written to FILE.tmp, readable by its owner only (it holds contacts and
password hashes), flushed to disk, then renamed: FILE is complete or absent.

A restore goes into an empty database unless `force`; it checks the file
first, replaces everything in one transaction, then upgrades the schema.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command as alembic_command
from alembic.util import CommandError
from sqlalchemy import URL, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from angela.extensions import db
from angela.services import backup_postgres, backup_sqlite
from angela.services.backup_contents import (
    COUNT_QUERY,
    BackupError,
    Counts,
    alembic_config,
    database_errors,
    first_line,
)
from angela.services.backup_postgres import PG_DUMP_MAGIC, PgVersion, choose_tool, libpq_target
from angela.services.backup_sqlite import SQLITE_MAGIC

__all__ = [
    "COUNT_QUERY",
    "SQLITE_MAGIC",
    "BackupError",
    "BackupReport",
    "Counts",
    "PgVersion",
    "RestoreReport",
    "back_up",
    "choose_tool",
    "human_size",
    "libpq_target",
    "restore",
]


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    counts: Counts  # as the backup holds them
    source: str  # "SQLite database FILE" or "PostgreSQL 15 database NAME"
    tool: str | None  # "pg_dump 15" on PostgreSQL


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    counts: Counts  # as the database holds them after the restore and upgrade
    target: str
    replaced: bool  # the database held tables, replaced under `force`


# --- Backup ------------------------------------------------------------------------


def back_up(target: Path, *, force: bool = False) -> BackupReport:
    """Write a consistent backup of the app's database to `target`.

    Raises BackupError when `target` exists (unless `force`), when the
    database cannot be read, or when no suitable `pg_dump` is installed.
    """
    url = db.engine.url
    if target.is_dir():
        raise BackupError(f"{target} is a directory: give the backup a file name.")
    if target.exists() and not force:
        raise BackupError(
            f"{target} already exists: choose another name, or --force to replace it."
        )
    if not target.parent.is_dir():
        raise BackupError(f"no directory {target.parent} to write the backup into.")
    temporary = target.with_name(target.name + ".tmp")
    try:
        _private_empty_file(temporary)
        counts, source, tool = _write_backup(url, target, temporary)
        _sync(temporary)
        if target.exists() and not force:  # created while the backup ran
            raise BackupError(f"{target} appeared during the backup: nothing was replaced.")
        os.replace(temporary, target)
        _sync_directory(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return BackupReport(target, target.stat().st_size, counts, source, tool)


def _write_backup(url: URL, target: Path, temporary: Path) -> tuple[Counts, str, str | None]:
    """Back up into `temporary`; return the counts, the source and the tool."""
    if url.get_backend_name() == "sqlite":
        path = backup_sqlite.database_path(url)
        if _same_file(path, target):
            raise BackupError(f"{target} is the database itself: back it up elsewhere.")
        return backup_sqlite.back_up(path, temporary), f"SQLite database {path}", None
    counts, server, tool = backup_postgres.back_up(url, temporary)
    return counts, f"PostgreSQL {server} database {url.database}", tool


# --- Restore -----------------------------------------------------------------------


def restore(source: Path, *, force: bool = False) -> RestoreReport:
    """Restore the backup `source` into the app's database, then upgrade
    its schema. The file is checked before anything is changed, and the
    restore is one transaction: on any error the database is as before.

    Raises BackupError when the file is not a backup of this app for this
    kind of database, or when the database is not empty (unless `force`).
    """
    if not source.is_file():
        raise BackupError(f"no backup file at {source}.")
    url = db.engine.url
    kind = _kind_of(source)
    tables = _table_names()
    if url.get_backend_name() == "sqlite":
        target = _restore_sqlite(source, url, kind, tables, force)
    else:
        target = _restore_postgres(source, url, kind, tables, force)
    return RestoreReport(source, _upgrade_schema(), target, replaced=bool(tables))


def _restore_sqlite(source: Path, url: URL, kind: str, tables: set[str], force: bool) -> str:
    if kind != "sqlite":
        raise BackupError(f"{source} is a PostgreSQL backup: the app's database is SQLite.")
    path = backup_sqlite.database_path(url)
    if _same_file(path, source):
        raise BackupError(f"{source} is the database itself.")
    target = f"SQLite database {path}"
    _refuse_unless_empty(tables, force, target)
    db.engine.dispose()
    backup_sqlite.restore(source, path)
    return target


def _restore_postgres(source: Path, url: URL, kind: str, tables: set[str], force: bool) -> str:
    if kind != "postgresql":
        raise BackupError(f"{source} is an SQLite backup: the app's database is PostgreSQL.")
    target = f"PostgreSQL database {url.database}"
    _refuse_unless_empty(tables, force, target)
    db.engine.dispose()
    backup_postgres.restore(source, url, tables)
    return target


def _kind_of(path: Path) -> str:
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither an SQLite backup nor a pg_dump archive.")


def _table_names() -> set[str]:
    try:
        with database_errors():
            return set(inspect(db.engine).get_table_names())
    finally:
        db.session.remove()


def _refuse_unless_empty(tables: set[str], force: bool, target: str) -> None:
    if tables and not force:
        raise BackupError(
            f"the {target} is not empty ({len(tables)} tables): restore into a new "
            "database, or --force to replace everything in it (stop the app first)."
        )


def _upgrade_schema() -> Counts:
    """`flask db upgrade`, its errors raised (Flask-Migrate's own function
    logs them and exits); return what the database then holds."""
    try:
        alembic_command.upgrade(alembic_config(), "head")
        return Counts(*db.session.execute(text(COUNT_QUERY)).one())
    except CommandError as error:  # a revision this code does not know
        raise BackupError(
            f"restored, but the schema cannot be upgraded ({error}): "
            "is the backup from a newer version of the app?"
        ) from None
    except SQLAlchemyError as error:
        raise BackupError(f"restored, but then: {first_line(error)}") from None
    finally:
        db.session.remove()


# --- Files -------------------------------------------------------------------------


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve() or first.samefile(second)
    except OSError:
        return False


def _private_empty_file(path: Path) -> None:
    """Create `path` empty, readable and writable by its owner only (a file
    or link left there by an earlier attempt is removed first)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _sync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def human_size(size: int) -> str:
    """1234567 → "1.2 MB" (decimal units, as `ls -h --si` says them)."""
    if size < 1000:
        return f"{size} bytes"
    amount, unit = size / 1000, "kB"
    for larger in ("MB", "GB"):
        if round(amount, 1) < 1000:
            break
        amount, unit = amount / 1000, larger
    return f"{amount:.1f} {unit}"
