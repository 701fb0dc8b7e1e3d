"""The public directory of this process: the snapshot of public refuges
that answers the public lookups without a database round trip per request,
and the visibility rule as SQL.

Every process keeps a snapshot of the public refuges with its nearest index.
The snapshot is rebuilt when the merchants' revision counter moves (checked
at most every `INDEX_POLL_SECONDS`, 2 s by default, so a change saved by any
process or server is seen everywhere within that bound plus the rebuild),
at once after a change committed by the same process, and when the date in
Europe/Paris changes (trainings expire at midnight). The checks run in the
background and the snapshot is kept on disk too (`services.kept`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, select

from angela.core.hours import paris_today
from angela.core.refuges import REFUGE_FIELDS, Directory, Refuge
from angela.core.visibility import public_window
from angela.core.vocab import TrainingStatus
from angela.extensions import db
from angela.models import Merchant
from angela.services import revisions
from angela.services.kept import Kept, Source
from angela.services.revisions import Watched

EXTENSION_KEY = "angela.directory"
PUBLIC_COLUMNS = tuple(getattr(Merchant, name) for name in REFUGE_FIELDS)


def public_clause(today: date, valid_months: int) -> ColumnElement[bool]:
    """Return the SQL condition for `core.visibility.is_public`, for queries and counts."""
    after, until = public_window(today, valid_months)
    return and_(
        Merchant.training_status == TrainingStatus.TRAINED,
        # Explicit, so that NOT of this clause is true, not NULL, without a date.
        Merchant.trained_on.is_not(None),
        Merchant.trained_on > after,
        Merchant.trained_on <= until,
    )


def init_app(app: Flask) -> None:
    valid_months = app.config["TRAINING_VALID_MONTHS"]

    def build(key: tuple[int, date]) -> Directory:
        revision, today = key
        return Directory(_load_public(today, valid_months), revision=revision, day=today)

    source = Source("directory", Watched.MERCHANTS, _read_key, build, _to_disk, _from_disk)
    app.extensions[EXTENSION_KEY] = Kept(app, source)


def directory() -> Directory:
    """Return the current snapshot of public refuges, rebuilt when stale
    (see `services.kept`: no public request waits on a slow database).

    Raises NothingToServe (a database error) only when there is no snapshot
    yet, in memory or on disk, and the database gives none in time.
    """
    kept: Kept[tuple[int, date], Directory] = current_app.extensions[EXTENSION_KEY]
    return kept.get()


def _read_key() -> tuple[int, date]:
    # Trainings expire at midnight in Paris: a new day is a new snapshot.
    return revisions.read(Watched.MERCHANTS), paris_today()


def _to_disk(key: tuple[int, date], kept: Directory) -> dict[str, Any]:
    return {
        "revision": key[0],
        "day": key[1].isoformat(),
        "fields": list(REFUGE_FIELDS),
        # Tuples, written as JSON arrays; the check date as ISO text.
        "refuges": [_with_iso_day(refuge) for refuge in kept.refuges],
    }


def _with_iso_day(refuge: Refuge) -> tuple[Any, ...]:
    day = refuge.last_checked_on
    return (*refuge[:-1], day.isoformat() if day else None)


def _from_disk(data: dict[str, Any]) -> tuple[tuple[int, date], Directory]:
    if data["fields"] != list(REFUGE_FIELDS):
        raise ValueError("the refuges' fields changed since it was written")
    key = (int(data["revision"]), date.fromisoformat(data["day"]))
    refuges = [
        Refuge._make((*row[:-1], date.fromisoformat(row[-1]) if row[-1] else None))
        for row in data["refuges"]
    ]
    return key, Directory(refuges, revision=key[0], day=key[1])


def _load_public(today: date, valid_months: int) -> list[Refuge]:
    # On the connection, not the session: plain rows, without the ORM's
    # per-row work (a directory may hold tens of thousands of refuges).
    query = select(*PUBLIC_COLUMNS).where(public_clause(today, valid_months))
    return [Refuge._make(row) for row in db.session.connection().execute(query).all()]
