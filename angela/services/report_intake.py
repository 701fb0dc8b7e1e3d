"""Street reports coming in: the throttle, and the stored report.

A sender is known only by the HMAC-SHA256 of its network address under the
random salt of the day (`ReportSalt`): yesterday's salt is the oldest kept,
so no stored hash can be tied to an address once its salt is gone, and the
address itself is never written anywhere. Attempts are counted in the
database (`ReportAttempt`), so the limits hold across gunicorn workers and
app servers: per sender, attempts per window; per refuge, accepted reports
per window. A refused sender is also remembered in memory until its
refusal ends, so that a flood from it is answered without a query.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from angela.core.hours import PARIS
from angela.core.reports import StreetReport
from angela.core.vocab import ReportStatus
from angela.extensions import db
from angela.models import Report, ReportAttempt, ReportSalt, utcnow

EXTENSION_KEY = "angela.report_intake"
ATTEMPTS_KEPT = timedelta(days=1)
PURGE_EVERY_SECONDS = 600.0
MEMO_SIZE = 10_000


@dataclass(frozen=True)
class IntakeLimits:
    per_sender: int
    per_refuge: int
    window: timedelta


class Throttled(Exception):
    """Too many reports: from this sender (`scope` "sender") or on this
    refuge ("refuge"); `retry_after` is in whole seconds."""

    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope} throttled for {retry_after} s")
        self.scope, self.retry_after = scope, max(1, retry_after)


@dataclass
class _State:
    """What one app keeps in memory: salts by day, refused senders until
    when, and when it last purged old attempts."""

    salts: dict[date, bytes] = field(default_factory=dict)
    refused_until: dict[str, datetime] = field(default_factory=dict)
    last_purge: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


def limits() -> IntakeLimits:
    config = current_app.config
    return IntakeLimits(
        per_sender=config["REPORTS_PER_SENDER"],
        per_refuge=config["REPORTS_PER_REFUGE"],
        window=timedelta(minutes=config["REPORT_WINDOW_MINUTES"]),
    )


def receive(
    refuge_id: int, report: StreetReport, address: str, now: datetime | None = None
) -> None:
    """Store `report` on `refuge_id` as a new report, sent from the network
    `address` (hashed, never stored), and commit; raise Throttled, storing
    nothing, when the sender or the refuge is over its limit."""
    moment = (now or utcnow()).astimezone(UTC)
    bounds, state = limits(), _state()
    sender = hold_back(address, moment)
    try:
        _admit(refuge_id, sender, bounds, moment)
    except Throttled as throttled:
        if throttled.scope == "sender":
            _remember_refusal(state, sender, moment + timedelta(seconds=throttled.retry_after))
        raise
    db.session.add(
        Report(
            merchant_id=refuge_id,
            reason=report.reason.value,
            text=report.text,
            email=report.email,
            made_at=report.made_at,
            status=ReportStatus.NEW.value,
            created_at=moment,
        )
    )
    db.session.commit()


def hold_back(address: str, now: datetime | None = None) -> str:
    """Return the sender key of `address`; raise Throttled when this app
    refused that sender and the refusal still runs. No query once the salt
    of the day is known: a refused flood costs a hash and a lookup."""
    moment = (now or utcnow()).astimezone(UTC)
    sender = sender_hash(address, moment)
    state = _state()
    with state.lock:
        until = state.refused_until.get(sender)
    if until is not None and until > moment:
        raise Throttled("sender", math.ceil((until - moment).total_seconds()))
    return sender


def _admit(refuge_id: int, sender: str, bounds: IntakeLimits, moment: datetime) -> None:
    """Record the attempt and check both limits in one locked transaction,
    so that simultaneous posts cannot all see the counts below them."""
    _lock(f"sender:{sender}", f"refuge:{refuge_id}")
    _purge_now_and_then(moment)
    since = moment - bounds.window
    sent = select(ReportAttempt.at).where(
        ReportAttempt.sender_hash == sender, ReportAttempt.at > since
    )
    # On SQLite, this first write takes the database's write lock.
    attempt = ReportAttempt(sender_hash=sender, at=moment)
    db.session.add(attempt)
    db.session.flush()
    earliest, count = _oldest_and_count(sent)
    if count > bounds.per_sender:
        db.session.delete(attempt)  # a refused flood leaves no rows behind
        db.session.commit()
        raise Throttled("sender", _seconds_until(earliest, bounds.window, moment))
    accepted = select(Report.created_at).where(
        Report.merchant_id == refuge_id, Report.created_at > since
    )
    earliest, count = _oldest_and_count(accepted)
    if count >= bounds.per_refuge:
        db.session.commit()  # the attempt still counts against the sender
        raise Throttled("refuge", _seconds_until(earliest, bounds.window, moment))


def _oldest_and_count(query: Select[datetime]) -> tuple[datetime | None, int]:
    rows = query.subquery()
    oldest, count = db.session.execute(select(func.min(rows.c[0]), func.count())).one()
    return oldest, count


def _seconds_until(earliest: datetime | None, window: timedelta, moment: datetime) -> int:
    if earliest is None:
        return 1
    if earliest.tzinfo is None:  # SQLite gives naive UTC back
        earliest = earliest.replace(tzinfo=moment.tzinfo)
    return math.ceil((earliest + window - moment).total_seconds())


def _remember_refusal(state: _State, sender: str, until: datetime) -> None:
    with state.lock:
        if len(state.refused_until) >= MEMO_SIZE:
            now = utcnow()
            for key in [k for k, end in state.refused_until.items() if end <= now]:
                del state.refused_until[key]
            if len(state.refused_until) >= MEMO_SIZE:
                state.refused_until.clear()  # the database still holds the counts
        state.refused_until[sender] = until


def sender_hash(address: str, now: datetime) -> str:
    """Return the sender key of a network address on the day of `now`: the
    hex HMAC-SHA256 of the address under the salt of that day."""
    salt = _salt(now.astimezone(PARIS).date())
    return hmac.new(salt, address.encode(), hashlib.sha256).hexdigest()


def _salt(day: date) -> bytes:
    """Return the salt of `day`, creating it on its first use (any app
    server may be first: the insert does nothing when another won) and
    deleting those older than yesterday."""
    state = _state()
    with state.lock:
        known = state.salts.get(day)
    if known is not None:
        return known
    read = select(ReportSalt.salt).where(ReportSalt.day == day)
    salt = db.session.execute(read).scalar_one_or_none()
    if salt is None:
        insert = postgresql.insert if _dialect() == "postgresql" else sqlite.insert
        db.session.execute(
            insert(ReportSalt)
            .values(day=day, salt=secrets.token_bytes(32))
            .on_conflict_do_nothing(index_elements=["day"])
        )
        db.session.execute(delete(ReportSalt).where(ReportSalt.day < day - timedelta(days=1)))
        db.session.commit()
        salt = db.session.execute(read).scalar_one()
    with state.lock:
        state.salts = {day: salt}  # only today's is ever needed again
    return salt


def _purge_now_and_then(moment: datetime) -> None:
    state = _state()
    with state.lock:
        due = time.monotonic() - state.last_purge > PURGE_EVERY_SECONDS
        if due:
            state.last_purge = time.monotonic()
    if due:
        db.session.execute(delete(ReportAttempt).where(ReportAttempt.at < moment - ATTEMPTS_KEPT))


def _lock(*names: str) -> None:
    """Serialise reports from the same sender or on the same refuge until
    the commit (PostgreSQL advisory locks, taken in one order; SQLite has a
    single writer, taken by the first write)."""
    if _dialect() != "postgresql":
        return
    for number in sorted({_lock_number(name) for name in names}):
        db.session.execute(select(func.pg_advisory_xact_lock(number)))


def _lock_number(name: str) -> int:
    digest = hashlib.sha256(f"angela.report_intake:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _state() -> _State:
    # One per app (each app is a worker, with its own memory); setdefault
    # is atomic, so two first requests in two threads share one.
    state: _State | None = current_app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = current_app.extensions.setdefault(EXTENSION_KEY, _State())
    return state
