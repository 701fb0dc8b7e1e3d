"""Which merchants the safeguarding rule (`core.safeguarding`) flags for a
visit, from the stored reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from angela.core import safeguarding
from angela.core.safeguarding import VisitFlag
from angela.extensions import db
from angela.models import Merchant, Report, utcnow


def flags(now: datetime | None = None, merchant_id: int | None = None) -> dict[int, VisitFlag]:
    """Return the merchants flagged for a visit at `now` (default: now), by
    merchant id; only that merchant when `merchant_id` is given."""
    since = safeguarding.window_start(now or utcnow())
    query = (
        select(Report.merchant_id, func.count(Report.id))
        .where(
            Report.reason == safeguarding.SIGNAL.value,
            Report.status.not_in([status.value for status in safeguarding.IGNORED_STATUSES]),
            Report.made_at >= since,
        )
        .group_by(Report.merchant_id)
    )
    if merchant_id is not None:
        query = query.where(Report.merchant_id == merchant_id)
    counts = {row[0]: row[1] for row in db.session.execute(query)}
    return safeguarding.flagged(counts)


def flag_of(merchant_id: int) -> VisitFlag | None:
    """Return the merchant's flag, or None when it is not flagged."""
    return flags(merchant_id=merchant_id).get(merchant_id)


def flagged_merchants(now: datetime | None = None) -> list[tuple[Merchant, VisitFlag]]:
    """Return the merchants flagged for a visit with their flags, the most
    reported first, then by reference."""
    found = flags(now)
    if not found:
        return []
    query = select(Merchant).where(Merchant.id.in_(found))
    merchants = db.session.execute(query).scalars()
    pairs = [(merchant, found[merchant.id]) for merchant in merchants]
    return sorted(pairs, key=lambda pair: (-pair[1].count, pair[0].ref))
