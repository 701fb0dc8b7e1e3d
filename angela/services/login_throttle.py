"""Login attempts, counted in the database so that the limit holds across
gunicorn workers and app servers, per account and per address.

An attempt is recorded before its password is checked, and counted in the
same transaction under a lock, so that simultaneous tries cannot all see
the count below the limit: at most `max_failures` attempts per window reach
the password check. Accounts are counted under their canonical address
(`angela.core.emails`), the form they log in with. A successful login
forgets the account's attempts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select

from angela.core import emails
from angela.extensions import db
from angela.models import LoginFailure, utcnow

MAX_ADDRESS = 64  # the column's length; an IPv6 address takes 45


@dataclass(frozen=True)
class ThrottleLimits:
    max_failures: int
    window: timedelta


def admit(email: str, address: str, limits: ThrottleLimits, now: datetime | None = None) -> bool:
    """Record an attempt to log in to `email` from `address`, forget those
    past the window, and commit. Return False, and keep no record, when the
    account or the address already had `limits.max_failures` attempts within
    the window."""
    moment = now or utcnow()
    account, address = emails.key(email), address[:MAX_ADDRESS]
    _lock(f"account:{account}", f"address:{address}")
    purge(limits.window, moment)  # on SQLite, this first write takes the write lock
    attempt = LoginFailure(email=account, address=address, at=moment)
    db.session.add(attempt)
    db.session.flush()
    since = moment - limits.window
    over = any(
        _count(where, since) > limits.max_failures
        for where in (LoginFailure.email == account, LoginFailure.address == address)
    )
    if over:
        db.session.delete(attempt)
    db.session.commit()
    return not over


def forget_failures(email: str) -> None:
    """Forget the account's attempts after a successful login (the caller commits)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == emails.key(email)))


def purge(window: timedelta, now: datetime | None = None) -> int:
    """Forget attempts older than the window, which no longer count; return
    how many (the caller commits)."""
    old = select(LoginFailure.id).where(LoginFailure.at < (now or utcnow()) - window)
    # Rows another transaction is deleting are left for the next purge, not waited for.
    result = db.session.execute(
        delete(LoginFailure)
        .where(LoginFailure.id.in_(old.with_for_update(skip_locked=True)))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


def _count(where: ColumnElement[bool], since: datetime) -> int:
    query = select(func.count(LoginFailure.id)).where(where, LoginFailure.at > since)
    return db.session.execute(query).scalar_one()


def _lock(*names: str) -> None:
    """Serialise attempts on the same account or address until the commit.

    PostgreSQL: transaction advisory locks, taken in one order so that two
    attempts never wait for each other. SQLite has a single writer: the
    first write that follows waits for the database's write lock."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for number in sorted({_lock_number(name) for name in names}):
        db.session.execute(select(func.pg_advisory_xact_lock(number)))


def _lock_number(name: str) -> int:
    digest = hashlib.sha256(f"angela.login_throttle:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
