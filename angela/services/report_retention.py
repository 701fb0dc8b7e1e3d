"""How long what a person wrote in a report is kept: its free text and
e-mail are deleted 12 months after the report was resolved or dismissed.
The report itself (merchant, reason, dates, status) stays, so that counts
and the safeguarding history do not change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from dateutil.relativedelta import relativedelta
from sqlalchemy import or_, select

from angela.core import french
from angela.core.hours import PARIS
from angela.core.vocab import AuditAction, ReportStatus
from angela.extensions import db
from angela.models import Report, utcnow
from angela.services import audit

KEEP_MONTHS = 12


def cutoff(today: date) -> datetime:
    """Return the instant before which a report must have been closed to be
    purged on `today` (Paris): the start of the same day 12 months earlier."""
    return datetime.combine(_kept_since(today), time(), tzinfo=PARIS).astimezone(UTC)


def _kept_since(today: date) -> date:
    kept_since: date = today - relativedelta(months=KEEP_MONTHS)
    return kept_since


def purge(today: date) -> int:
    """Delete the text and e-mail of the reports closed before the cutoff
    that still hold either, mark them purged and record one audit event
    with their number (none when there were none); return the number.
    Running it again the same day purges nothing."""
    query = select(Report).where(
        Report.status.in_([ReportStatus.RESOLVED.value, ReportStatus.DISMISSED.value]),
        Report.closed_at < cutoff(today),
        or_(Report.text.is_not(None), Report.email.is_not(None)),
    )
    reports = list(db.session.execute(query).scalars())
    now = utcnow()
    for report in reports:
        report.text, report.email, report.purged_at = None, None, now
    if reports:
        audit.record(
            AuditAction.REPORTS_PURGE, None,
            changes={"reports_purged": {"before": None, "after": len(reports)}},
            reason=f"Signalements clos avant le {french.day_text(_kept_since(today))}",
        )  # fmt: skip
    db.session.commit()
    return len(reports)
