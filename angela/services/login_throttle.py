"""Failed logins, counted in the database so that the limit holds across
gunicorn workers and app servers, per account and per address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from angela.extensions import db
from angela.models import LoginFailure, utcnow

# Failures older than this are forgotten for good.
KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class ThrottleLimits:
    max_failures: int
    window: timedelta


def is_throttled(
    email: str, address: str, limits: ThrottleLimits, now: datetime | None = None
) -> bool:
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


def forget_failures(email: str) -> None:
    """Forget the account's failures after a successful login (the caller commits)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
