"""Staff sessions kept in the database: the browser holds a random token,
the database its hash, so that logout, deactivation and a password change
end them for every app server at once; they expire after inactivity and
after a maximum age, and are purged at each login and by
`flask --app angela sessions purge`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from angela.extensions import db
from angela.models import StaffSession, User, utcnow
from angela.services import login_throttle

# Writing `last_seen_at` on every click would be a write per request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    max_age: timedelta


@dataclass(frozen=True)
class Purged:
    sessions: int
    failures: int


def start_session(user: User, now: datetime | None = None) -> str:
    """Forget the account's failed logins, open a session and return its
    token (to be kept in the browser only)."""
    token = secrets.token_urlsafe(32)
    moment = now or utcnow()
    login_throttle.forget_failures(user.email)
    db.session.add(
        StaffSession(
            token_hash=_hash(token), user_id=user.id, created_at=moment, last_seen_at=moment
        )
    )
    db.session.commit()
    return token


def resume_session(token: str, limits: SessionLimits, now: datetime | None = None) -> User | None:
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


def end_all(user_id: int) -> None:
    """Forget every session of the account (the caller commits)."""
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def purge(limits: SessionLimits, failure_window: timedelta, now: datetime | None = None) -> Purged:
    """Forget the sessions that expired (idle too long or too old) and the
    failed logins older than the throttle window, and commit; return how
    many of each."""
    moment = now or utcnow()
    expired = select(StaffSession.id).where(
        (StaffSession.last_seen_at <= moment - limits.idle)
        | (StaffSession.created_at <= moment - limits.max_age)
    )
    # Rows another transaction is deleting (a logout) are left, not waited for.
    result = db.session.execute(
        delete(StaffSession)
        .where(StaffSession.id.in_(expired.with_for_update(skip_locked=True)))
        .execution_options(synchronize_session=False)
    )
    failures = login_throttle.purge(failure_window, moment)
    db.session.commit()
    return Purged(sessions=result.rowcount, failures=failures)  # type: ignore[attr-defined]


def _hash(token: str) -> str:
    # A copy of the table must not be a set of live sessions.
    return hashlib.sha256(token.encode()).hexdigest()
