"""The public directory of this process: the snapshot of public refuges
that answers the public lookups without a database round trip per request,
and the visibility rule as SQL.

Every process keeps a snapshot of the public refuges with its nearest index.
The snapshot is rebuilt when the merchants' revision counter moves (checked
at most every `INDEX_POLL_SECONDS`, 2 s by default, so a change saved by any
process or server is seen everywhere within that bound plus the rebuild),
at once after a change committed by the same process, and when the date in
Europe/Paris changes (trainings expire at midnight).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import date

from flask import Flask, current_app
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.exc import SQLAlchemyError

from angela.core.hours import paris_today
from angela.core.refuges import REFUGE_FIELDS, Directory, Refuge
from angela.core.visibility import public_window
from angela.core.vocab import TrainingStatus
from angela.extensions import db
from angela.models import Merchant
from angela.services import revisions
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


class _Holder:
    """One app's current directory, with when and how it was built."""

    def __init__(self, poll_seconds: float, valid_months: int):
        self.poll_seconds = poll_seconds
        self.valid_months = valid_months
        self.directory: Directory | None = None
        self.key: tuple[int, date] | None = None
        self.next_check = 0.0
        self.seen_generation = -1
        self.lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = _Holder(
        app.config["INDEX_POLL_SECONDS"], app.config["TRAINING_VALID_MONTHS"]
    )


def directory() -> Directory:
    """Return the current snapshot of public refuges, rebuilt when stale.

    Raises sqlalchemy errors only when no snapshot exists yet and the
    database cannot be read; otherwise a failing check keeps the last one.
    """
    holder: _Holder = current_app.extensions[EXTENSION_KEY]
    now = time.monotonic()
    generation = revisions.local_generation(Watched.MERCHANTS)
    fresh = holder.seen_generation == generation and now < holder.next_check
    if holder.directory is not None and fresh:
        return holder.directory
    with holder.lock:
        generation = revisions.local_generation(Watched.MERCHANTS)
        try:
            key = (revisions.read(Watched.MERCHANTS), paris_today())
            if key != holder.key or holder.directory is None:
                refuges = list(_load_public(key[1], holder.valid_months))
                holder.directory = Directory(refuges, revision=key[0], day=key[1])
                holder.key = key
        except SQLAlchemyError:
            db.session.rollback()
            if holder.directory is None:
                raise
            current_app.logger.warning("refuge index check failed; serving the last snapshot")
        holder.seen_generation = generation
        holder.next_check = time.monotonic() + holder.poll_seconds
        return holder.directory


def _load_public(today: date, valid_months: int) -> Iterable[Refuge]:
    rows = db.session.execute(select(*PUBLIC_COLUMNS).where(public_clause(today, valid_months)))
    for row in rows:
        yield Refuge(*row)
