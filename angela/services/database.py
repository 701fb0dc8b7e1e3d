"""Connection settings that every database needs, and the health probe."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from angela.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000


def init_app(app: Flask) -> None:
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # The default database lives in the instance folder, new on a fresh clone.
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() != "sqlite":
        options.setdefault("pool_pre_ping", True)
        options.setdefault("connect_args", {"connect_timeout": 5})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # WAL lets public reads go on while an import writes; the busy timeout
    # makes a writer wait for another instead of failing at once.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def is_reachable() -> bool:
    """Return whether the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
