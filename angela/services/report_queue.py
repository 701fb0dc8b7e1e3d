"""The staff queue of street reports: the filtered list, newest first, and
what the staff do with one report — take it in hand, resolve it or dismiss
it with a note. Each step is version-checked like a merchant form and
written to the audit log in the same transaction.

A closed report (resolved or dismissed) is never reopened: its text is
deleted after a while (`services.report_retention`), and a problem that
comes back is a new report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm.exc import StaleDataError

from angela.core.vocab import AuditAction, ReportReason, ReportStatus
from angela.extensions import db
from angela.models import Merchant, Report, User, utcnow
from angela.services import audit
from angela.services.pagination import paginate

PAGE_SIZE = 25
NOTE_MAX_LENGTH = 1000

# Each step: the statuses it may start from, the status it leads to, what
# the audit log calls it, and whether a note is required.
STEPS: dict[str, tuple[tuple[ReportStatus, ...], ReportStatus, AuditAction, bool]] = {
    "progress": ((ReportStatus.NEW,), ReportStatus.IN_PROGRESS, AuditAction.REPORT_PROGRESS, False),
    "resolve": (
        (ReportStatus.NEW, ReportStatus.IN_PROGRESS),
        ReportStatus.RESOLVED, AuditAction.REPORT_RESOLVE, False,
    ),
    "dismiss": (
        (ReportStatus.NEW, ReportStatus.IN_PROGRESS),
        ReportStatus.DISMISSED, AuditAction.REPORT_DISMISS, True,
    ),
}  # fmt: skip


class ReportError(ValueError):
    """The step is refused; the message is French."""


class ReportConflict(Exception):
    """Someone changed the report since the page was opened."""


@dataclass(frozen=True)
class ReportFilter:
    status: str = ""
    reason: str = ""
    commune: str = ""
    page: int = 1


@dataclass(frozen=True)
class ReportRow:
    report: Report
    merchant: Merchant
    handler_email: str | None


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportRow]
    total: int
    page: int
    pages: int


def search(chosen: ReportFilter) -> ReportPage:
    """Return the page of reports matching the filter, newest made first;
    an unknown status, reason or commune matches nothing."""
    query = _rows()
    if chosen.status:
        query = query.where(Report.status == chosen.status)
    if chosen.reason:
        query = query.where(Report.reason == chosen.reason)
    if chosen.commune:
        query = query.where(Merchant.commune_code == chosen.commune)
    found = paginate(_newest_first(query), chosen.page, PAGE_SIZE)
    return ReportPage([ReportRow(*row) for row in found.rows], found.total, found.page, found.pages)


def get(report_id: int) -> ReportRow:
    """Return the report with its merchant; raise LookupError when there is none."""
    row = db.session.execute(_rows().where(Report.id == report_id)).first()
    if row is None:
        raise LookupError(report_id)
    return ReportRow(*row)


def of_merchant(merchant_id: int) -> list[ReportRow]:
    """Return every report about the merchant, newest made first."""
    query = _newest_first(_rows().where(Report.merchant_id == merchant_id))
    return [ReportRow(*row) for row in db.session.execute(query)]


def new_count() -> int:
    """Return how many reports nobody has looked at yet."""
    query = select(func.count(Report.id)).where(Report.status == ReportStatus.NEW.value)
    return db.session.execute(query).scalar_one()


def new_by_reason() -> list[tuple[ReportReason, int]]:
    """Return the count of new reports for each reason, in the vocabulary's
    order (refused help first), zeros included."""
    query = (
        select(Report.reason, func.count(Report.id))
        .where(Report.status == ReportStatus.NEW.value)
        .group_by(Report.reason)
    )
    counts: dict[str, int] = {row[0]: row[1] for row in db.session.execute(query)}
    return [(reason, counts.get(reason.value, 0)) for reason in ReportReason]


def new_of_reason(reason: ReportReason) -> list[ReportRow]:
    """Return the new reports of one reason, newest made first (no page:
    the dashboard shows them all, there should be few)."""
    query = _rows().where(Report.status == ReportStatus.NEW.value, Report.reason == reason.value)
    return [ReportRow(*row) for row in db.session.execute(_newest_first(query))]


def step(report_id: int, version: int, name: str, note: str, actor: User) -> Report:
    """Apply the step `name` (progress, resolve, dismiss) to the report as it
    was at `version`, with the note (stripped; kept unchanged when empty).

    Raises ReportConflict when it changed since, ReportError when the step
    does not apply to its status or the note is missing or too long,
    LookupError when there is no such report, KeyError for an unknown step.
    """
    starts, after, action, note_required = STEPS[name]
    report = get(report_id).report
    if report.version != version:
        raise ReportConflict(report_id)
    note = note.strip()
    _check(report, starts, note, note_required)
    before = _values(report)
    report.status = after.value
    report.staff_note = note or report.staff_note
    report.handled_by_id = actor.id
    if after.closed:
        report.closed_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ReportConflict(report_id) from None
    audit.record(action, actor, report=report, changes=audit.diff(before, _values(report)))
    db.session.commit()
    return report


def _check(
    report: Report, starts: tuple[ReportStatus, ...], note: str, note_required: bool
) -> None:
    if report.status not in starts:
        status = ReportStatus.of(report.status)
        if status.closed:
            raise ReportError(
                f"Ce signalement est déjà {status.label.lower()} : un signalement clos "
                "ne se rouvre pas."
            )
        raise ReportError(f"Ce signalement est déjà {status.label.lower()}.")
    if note_required and not note:
        raise ReportError("Écrivez une note : pourquoi ce signalement est écarté.")
    if len(note) > NOTE_MAX_LENGTH:
        raise ReportError(f"La note fait {len(note)} caractères : {NOTE_MAX_LENGTH} au plus.")


def _values(report: Report) -> dict[str, Any]:
    # The keys the audit log shows (`report_status` has its French words).
    return {"report_status": report.status, "staff_note": report.staff_note}


def _rows() -> Select[Any]:
    # Typed loosely like the other staff queries: paginate() takes any select.
    return cast(
        "Select[Any]",
        select(Report, Merchant, User.email)
        .join(Merchant, Report.merchant_id == Merchant.id)
        .outerjoin(User, Report.handled_by_id == User.id),
    )


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Report.made_at.desc(), Report.id.desc())
