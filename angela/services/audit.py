"""The audit trail: who changed which merchant, account or support service,
when, and each field's value before and after. Events are added to the
caller's transaction, so a change and its record are committed or lost
together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select

from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import AuditEvent, Merchant, Report, SupportService, User
from angela.services.pagination import paginate

if TYPE_CHECKING:
    from flask_login import AnonymousUserMixin

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    action: AuditAction | None = None
    actor_id: int | None = None
    merchant_id: int | None = None
    page: int = 1
    support_service_id: int | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor_email: str | None
    merchant_ref: str | None
    merchant_name: str | None
    target_email: str | None
    support_name: str | None = None


@dataclass(frozen=True)
class StatusChange:
    """The last change of a merchant's training status, as every role may
    read it: when, by whom, from and to which status, and why. Nothing
    else of the event (its other fields may be private)."""

    at: datetime
    actor_email: str | None
    before: str | None
    after: str
    reason: str | None


def record(
    action: AuditAction,
    actor: User | AnonymousUserMixin | None,
    *,
    changes: dict[str, Any],
    merchant: Merchant | None = None,
    target_user_id: int | None = None,
    reason: str | None = None,
    support_service: SupportService | None = None,
    report: Report | None = None,
) -> AuditEvent:
    """Add an event to the session (flushed merchants and services only: they need an id).
    A report's event names its merchant too, without a merchant version:
    handling a report does not change the merchant."""
    if report is not None and merchant is None:
        merchant_id: int | None = report.merchant_id
    else:
        merchant_id = merchant.id if merchant is not None else None
    event = AuditEvent(
        action=action.value,
        actor_id=actor.id if isinstance(actor, User) else None,
        merchant_id=merchant_id,
        merchant_version=merchant.version if merchant is not None else None,
        target_user_id=target_user_id,
        reason=reason,
        changes=changes,
        support_service_id=support_service.id if support_service is not None else None,
        report_id=report.id if report is not None else None,
    )
    db.session.add(event)
    return event


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Return {field: {"before": old, "after": new}} for every field that differs,
    in JSON-ready values (dates as ISO text)."""
    changes = {}
    for name in (*before, *(key for key in after if key not in before)):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            changes[name] = {"before": old, "after": new}
    return changes


def events(chosen: AuditFilter) -> tuple[list[AuditRow], int]:
    """Return one page of events, newest first, and the number of pages."""
    query = _filtered(chosen).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    found = paginate(query, chosen.page, PAGE_SIZE)
    return [AuditRow(*row) for row in found.rows], found.pages


def merchant_events_since(merchant_id: int, version: int) -> list[AuditRow]:
    """Return the events that made the merchant's versions after `version`, oldest first."""
    query = _filtered(AuditFilter(merchant_id=merchant_id)).where(
        AuditEvent.merchant_version > version
    )
    return [AuditRow(*row) for row in db.session.execute(query.order_by(AuditEvent.id))]


def last_status_change(merchant_id: int) -> StatusChange | None:
    """Return the newest event that changed the merchant's training status
    (its registration included), or None when the log has none."""
    query = _filtered(AuditFilter(merchant_id=merchant_id)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    for row in db.session.execute(query):
        event, actor_email = row[0], row[1]
        change = (event.changes or {}).get("training_status")
        if change and change.get("after"):
            return StatusChange(
                event.at, actor_email, change.get("before"), change["after"], event.reason
            )
    return None


def actors() -> list[User]:
    """Return the accounts that appear as authors in the log."""
    ids = select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)).distinct()
    query = select(User).where(User.id.in_(ids)).order_by(User.email)
    return list(db.session.execute(query).scalars())


def _filtered(chosen: AuditFilter) -> Select[Any]:
    actor = db.aliased(User)
    target = db.aliased(User)
    query = (
        select(
            AuditEvent, actor.email, Merchant.ref, Merchant.name, target.email, SupportService.name
        )
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .outerjoin(Merchant, AuditEvent.merchant_id == Merchant.id)
        .outerjoin(target, AuditEvent.target_user_id == target.id)
        .outerjoin(SupportService, AuditEvent.support_service_id == SupportService.id)
    )
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    if chosen.actor_id:
        query = query.where(AuditEvent.actor_id == chosen.actor_id)
    if chosen.merchant_id:
        query = query.where(AuditEvent.merchant_id == chosen.merchant_id)
    if chosen.support_service_id:
        query = query.where(AuditEvent.support_service_id == chosen.support_service_id)
    return query


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
