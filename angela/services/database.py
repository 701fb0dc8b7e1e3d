"""Connection settings that every database needs, and the health probe."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from angela.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
# PostgreSQL: how long to wait for a connection, for one statement, for a
# pooled connection, and for the network to acknowledge what was sent. A
# database that stops answering must fail a staff request in seconds, not
# after the worker is killed (public requests never wait on it: see kept.py).
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 30_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000
POOL_TIMEOUT_S = 5
TCP_USER_TIMEOUT_MS = 10_000
# The health probe's answer: "unavailable" past this.
HEALTH_WAIT_S = 2.0
HEALTH_KEY = "angela.health"
_probe_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Set the engine options; call it before `db.init_app`, which creates
    the engine with them."""
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # The default database lives in the instance folder, new on a fresh clone.
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() != "sqlite":
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_timeout", POOL_TIMEOUT_S)
        options.setdefault("connect_args", _postgres_arguments())


def _postgres_arguments() -> dict[str, Any]:
    server_side = (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}"
    )
    return {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "options": server_side,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 3,
        "keepalives_count": 3,
    }


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
    """Return whether the database answers a trivial query within
    HEALTH_WAIT_S (a frozen database would hold the probe forever: it runs
    in a thread of its own, one at a time per app)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _probe_lock:
        probe = app.extensions.get(HEALTH_KEY)
        if probe is None or probe.done():
            probe = Future()
            threading.Thread(
                target=_probe, args=(app, probe), name="angela-health", daemon=True
            ).start()
            app.extensions[HEALTH_KEY] = probe
    try:
        return bool(probe.result(timeout=HEALTH_WAIT_S))
    except WaitedTooLong:
        return False


def _probe(app: Flask, answer: Future[bool]) -> None:
    reachable = False
    try:
        with app.app_context():
            try:
                db.session.execute(text("SELECT 1"))
                reachable = True
            finally:
                with contextlib.suppress(SQLAlchemyError):
                    db.session.rollback()
    except SQLAlchemyError:
        pass
    finally:
        answer.set_result(reachable)
