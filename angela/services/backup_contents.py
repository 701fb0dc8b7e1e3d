"""What a backup of this app holds, checked the same way on both databases:
this app's tables at a schema revision this code knows, and the counts a
backup or a restore reports; the one error every backup step raises.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

# The tables that make a file a backup of this app: the data, and the schema
# revision that `db upgrade` starts from after a restore.
REQUIRED_TABLES = frozenset({"merchants", "alembic_version"})
# One statement, the same on both databases (constant table names).
COUNT_QUERY = (
    "SELECT (SELECT count(*) FROM merchants), (SELECT count(*) FROM users), "
    "(SELECT count(*) FROM audit_events)"
)


class BackupError(RuntimeError):
    """A backup or a restore cannot be done; the message is one line that says why."""


@dataclass(frozen=True)
class Counts:
    merchants: int
    accounts: int
    audit_events: int

    def __str__(self) -> str:
        return (
            f"{self.merchants} merchants, {self.accounts} accounts, "
            f"{self.audit_events} audit events"
        )


def check_tables(tables: set[str], where: object) -> None:
    """Raise BackupError unless `tables` holds this app's required tables."""
    if missing := sorted(REQUIRED_TABLES - tables):
        raise BackupError(
            f"{where} is not a database of this app ({', '.join(missing)} missing): "
            "run `flask --app angela db upgrade` on it, or check the file."
        )


def check_revisions(revisions: set[str], source: Path) -> None:
    """Refuse a backup whose schema this code's migrations do not know:
    made by a newer version of the app, `db upgrade` could not follow."""
    scripts = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    if unknown := sorted(revisions - {script.revision for script in scripts}):
        raise BackupError(
            f"{source} has the schema revision {', '.join(unknown)}, unknown to this version "
            "of the app: restore it with the version that made it, or a newer one."
        )


def alembic_config() -> Config:
    """The migrations' configuration, as Flask-Migrate builds it for this app."""
    migrate = current_app.extensions["migrate"]
    config: Config = migrate.migrate.get_config(migrate.directory)
    return config


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database error into BackupError, with its first line."""
    try:
        yield
    except SQLAlchemyError as error:
        raise BackupError(f"database error: {first_line(error)}") from None


def first_line(error: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's [SQL: ...] appendix."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__
