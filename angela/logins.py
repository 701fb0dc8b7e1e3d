"""Logging in and staying logged in: failed attempts counted in the database
(so the limit holds across gunicorn workers and app servers) and server-side
sessions that expire after inactivity and after a maximum age."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from angela.extensions import db
from angela.models import LoginFailure, StaffSession, User, utcnow

# Writing `last_seen_at` on every click would be a write per request.
TOUCH_EVERY = timedelta(minutes=1)
# Failures older than this are forgotten for good.
KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    max_failures: int
    window: timedelta
    idle: timedelta
    max_age: timedelta


def is_throttled(email: str, address: str, limits: Limits, now: datetime | None = None) -> bool:
    """Return whether this account or this address failed too often lately."""
    since = (now or utcnow()) - limits.window
    recent = select(func.count(LoginFailure.id)).where(LoginFailure.at > since)
    by_account = recent.where(LoginFailure.email == email.strip().lower())
    by_address = recent.where(LoginFailure.address == address)
    return any(
        db.session.execute(query).scalar_one() >= limits.max_failures
        for query in (by_account, by_address)
    )


def record_failure(email: str, address: str, now: datetime | None = None) -> None:
    """Count a failed attempt for the account and the address, and commit."""
    moment = now or utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < moment - KEEP_FAILURES))
    db.session.add(LoginFailure(email=email.strip().lower()[:254], address=address, at=moment))
    db.session.commit()


def start_session(user: User, now: datetime | None = None) -> str:
    """Forget the account's failures, open a session and return its token
    (to be kept in the browser only)."""
    token = secrets.token_urlsafe(32)
    moment = now or utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    db.session.add(
        StaffSession(
            token_hash=_hash(token), user_id=user.id, created_at=moment, last_seen_at=moment
        )
    )
    db.session.commit()
    return token


def resume_session(token: str, limits: Limits, now: datetime | None = None) -> User | None:
    """Return the active user of a live session, marking it as used; None
    when the token is unknown, idle too long, too old, or the account inactive."""
    moment = now or utcnow()
    query = (
        select(StaffSession, User)
        .join(User, StaffSession.user_id == User.id)
        .where(
            StaffSession.token_hash == _hash(token),
            StaffSession.last_seen_at > moment - limits.idle,
            StaffSession.created_at > moment - limits.max_age,
            User.active.is_(True),
        )
    )
    row = db.session.execute(query).one_or_none()
    if row is None:
        return None
    session, user = row
    touched = db.session.execute(
        update(StaffSession)
        .where(StaffSession.id == session.id, StaffSession.last_seen_at < moment - TOUCH_EVERY)
        .values(last_seen_at=moment)
        .execution_options(synchronize_session=False)
    )
    if touched.rowcount:  # type: ignore[attr-defined]
        db.session.commit()
    return user  # type: ignore[no-any-return]


def end_session(token: str) -> None:
    """Forget the session with this token, and commit."""
    db.session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))
    db.session.commit()


def _hash(token: str) -> str:
    # A copy of the table must not be a set of live sessions.
    return hashlib.sha256(token.encode()).hexdigest()
