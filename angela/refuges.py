"""Public refuges: the visibility rule, and the in-memory directory that
answers the public lookups without a database round trip per request.

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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import Flask, current_app
from opening_hours import OpeningHours
from sqlalchemy import ColumnElement, and_, event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from angela import hours
from angela.extensions import db
from angela.models import MERCHANTS_REVISION, Merchant, Revision
from angela.nearest import NearestIndex


def paris_today(now: datetime | None = None) -> date:
    """Return today's date in Europe/Paris."""
    return (now or datetime.now(hours.PARIS)).astimezone(hours.PARIS).date()


def public_window(today: date, valid_months: int) -> tuple[date, date]:
    """Return (after, until): a training makes a merchant public when its date
    is strictly after `after` (less than `valid_months` ago) and not later than
    `until` (today: a training in the future has not happened)."""
    return today - relativedelta(months=valid_months), today


def is_public(status: str, trained_on: date | None, today: date, valid_months: int) -> bool:
    """Return whether a merchant with this status and training date is a public refuge."""
    after, until = public_window(today, valid_months)
    return status == "trained" and trained_on is not None and after < trained_on <= until


def training_expires_on(trained_on: date, valid_months: int) -> date:
    """Return the first day on which a training given on `trained_on` no
    longer makes its merchant public."""
    expires: date = trained_on + relativedelta(months=valid_months)
    return expires


def public_clause(today: date, valid_months: int) -> ColumnElement[bool]:
    """Return the SQL condition for `is_public`, for queries and counts."""
    after, until = public_window(today, valid_months)
    return and_(
        Merchant.training_status == "trained",
        # Explicit, so that NOT of this clause is true, not NULL, without a date.
        Merchant.trained_on.is_not(None),
        Merchant.trained_on > after,
        Merchant.trained_on <= until,
    )


@dataclass(frozen=True)
class Refuge:
    """What the public may know of a merchant."""

    id: int
    name: str
    category: str
    address: str
    postcode: str
    commune_code: str
    lat: float
    lon: float
    phone: str | None
    opening_hours: str | None


PUBLIC_COLUMNS = tuple(getattr(Merchant, name) for name in Refuge.__dataclass_fields__)


@dataclass
class Directory:
    """A snapshot of the public refuges, with their nearest index."""

    refuges: list[Refuge]
    index: NearestIndex = field(init=False)
    _hours: dict[int, OpeningHours | None] = field(init=False, default_factory=dict)
    _statuses: dict[int, tuple[datetime, hours.OpenStatus]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # What callers derive from a refuge once per snapshot (e.g. its JSON).
        self.derived: dict[tuple[str, int], Any] = {}
        self.refuges.sort(key=lambda refuge: refuge.id)
        self.by_id = {refuge.id: refuge for refuge in self.refuges}
        self.index = NearestIndex(
            [r.id for r in self.refuges],
            [r.lat for r in self.refuges],
            [r.lon for r in self.refuges],
        )

    def get(self, refuge_id: int) -> Refuge | None:
        return self.by_id.get(refuge_id)

    def status(self, refuge: Refuge, moment: datetime) -> hours.OpenStatus:
        """Return the refuge's open status at `moment`; unknown when it has no hours."""
        # A status holds from when it was computed until its next change, so
        # most lookups (at "now") reuse it instead of evaluating the hours.
        known = self._statuses.get(refuge.id)
        if known is not None:
            since, status = known
            if since <= moment and (status.next_change is None or moment < status.next_change):
                return status
        if refuge.id not in self._hours:
            try:
                parsed = hours.parse(refuge.opening_hours) if refuge.opening_hours else None
            except hours.HoursError:
                parsed = None  # stored hours are checked on the way in; stay quiet if not
            self._hours[refuge.id] = parsed
        parsed = self._hours[refuge.id]
        if parsed is None:
            status = hours.OpenStatus(open_now=None, next_change=None)
        else:
            status = hours.status_at(parsed, moment)
        self._statuses[refuge.id] = (moment, status)
        return status

    def nearest(
        self, lat: float, lon: float, limit: int, open_at: datetime | None = None
    ) -> list[tuple[Refuge, float]]:
        """Return up to `limit` (refuge, metres) pairs nearest first; with
        `open_at`, only refuges open at that moment."""
        accept = None
        if open_at is not None:
            moment = open_at

            def accept(position: int) -> bool:
                return self.status(self.refuges[position], moment).open_now is True

        found = self.index.nearest(lat, lon, limit, accept)
        return [(self.refuges[position], distance) for distance, position in found]

    def in_commune(self, code: str) -> list[Refuge]:
        return [refuge for refuge in self.refuges if refuge.commune_code == code]


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


# Moves when this process commits a change to merchants.
_local_generation = 0


def init_app(app: Flask) -> None:
    app.extensions["angela.refuges"] = _Holder(
        app.config["INDEX_POLL_SECONDS"], app.config["TRAINING_VALID_MONTHS"]
    )


def directory() -> Directory:
    """Return the current snapshot of public refuges, rebuilt when stale.

    Raises sqlalchemy errors only when no snapshot exists yet and the
    database cannot be read; otherwise a failing check keeps the last one.
    """
    holder: _Holder = current_app.extensions["angela.refuges"]
    now = time.monotonic()
    fresh = holder.seen_generation == _local_generation and now < holder.next_check
    if holder.directory is not None and fresh:
        return holder.directory
    with holder.lock:
        generation = _local_generation
        try:
            key = (_read_revision(), paris_today())
            if key != holder.key or holder.directory is None:
                holder.directory = Directory(list(_load_public(key[1], holder.valid_months)))
                holder.key = key
        except SQLAlchemyError:
            db.session.rollback()
            if holder.directory is None:
                raise
            current_app.logger.warning("refuge index check failed; serving the last snapshot")
        holder.seen_generation = generation
        holder.next_check = time.monotonic() + holder.poll_seconds
        return holder.directory


def _read_revision() -> int:
    counter = db.session.execute(
        select(Revision.counter).where(Revision.name == MERCHANTS_REVISION)
    ).scalar_one_or_none()
    return counter or 0


def _load_public(today: date, valid_months: int) -> Iterable[Refuge]:
    rows = db.session.execute(select(*PUBLIC_COLUMNS).where(public_clause(today, valid_months)))
    for row in rows:
        yield Refuge(*row)


@event.listens_for(Session, "after_commit")
def _note_local_change(session: Session) -> None:
    global _local_generation
    if session.info.pop("merchants_changed", False):
        _local_generation += 1


@event.listens_for(Session, "after_rollback")
def _forget_local_change(session: Session) -> None:
    session.info.pop("merchants_changed", None)
