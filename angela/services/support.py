"""The support services shown after the danger: the staff's use-cases (add,
edit with optimistic locking, delete, list), each written to the audit log
in the same transaction, and the public list of the complete ones.

The public list is kept in memory per process and read again when the
support revision moves (checked at most every `INDEX_POLL_SECONDS`, at once
after a change saved by this process), the way the refuge directory is: the
public pages then show it without a query per visit, and still show it (or
at least 3919, which the template always adds) when the database fails.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from angela.core.support import PublicService, SupportRecord, missing, public_view, values_of
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import SupportService, User
from angela.services import audit, revisions
from angela.services.revisions import Watched

EXTENSION_KEY = "angela.support"


class SupportError(ValueError):
    """The input is refused; `field` names the form field, the message is French."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class EditConflict(Exception):
    """Someone saved or deleted the service since the form was opened;
    `service` is how it is now (None when deleted)."""

    def __init__(self, service: SupportService | None):
        super().__init__(service.name if service else "deleted")
        self.service = service


@dataclass(frozen=True)
class StaffEntry:
    """A service as the staff list shows it: with what it lacks to be public."""

    service: SupportService
    missing: list[str]


def get(service_id: int) -> SupportService:
    """Return the service; raise LookupError when there is none."""
    service = db.session.get(SupportService, service_id)
    if service is None:
        raise LookupError(service_id)
    return service


def list_services() -> list[StaffEntry]:
    """Return every service in display order, with the public fields each lacks."""
    return [StaffEntry(service, missing(service)) for service in _ordered()]


def create(record: SupportRecord, actor: User) -> SupportService:
    """Add and commit a service; return it. Raises SupportError when the name is taken."""
    _check_name_free(record.name, exclude_id=None)
    service = SupportService(**values_of(record))
    db.session.add(service)
    _flush(service)
    changes = audit.diff({}, values_of(service))
    audit.record(AuditAction.SUPPORT_CREATE, actor, changes=changes, support_service=service)
    db.session.commit()
    return service


def update(service_id: int, version: int, record: SupportRecord, actor: User) -> SupportService:
    """Save the form over the service as it was at `version`; return it.

    Raises EditConflict when it changed since, SupportError when the name is taken.
    """
    service = _at_version(service_id, version)
    _check_name_free(record.name, exclude_id=service.id)
    before = values_of(service)
    for name, value in values_of(record).items():
        setattr(service, name, value)
    changes = audit.diff(before, values_of(service))
    if not changes:
        return service
    _flush(service)
    audit.record(AuditAction.SUPPORT_UPDATE, actor, changes=changes, support_service=service)
    db.session.commit()
    return service


def delete(service_id: int, version: int, actor: User) -> str:
    """Delete the service as it was at `version`; return its name. The audit
    event keeps every value it had. Raises EditConflict when it changed since."""
    service = _at_version(service_id, version)
    name = service.name
    audit.record(AuditAction.SUPPORT_DELETE, actor, changes=audit.diff(values_of(service), {}))
    db.session.delete(service)
    _flush(service)
    db.session.commit()
    return name


def public_services() -> tuple[PublicService, ...]:
    """Return the complete services, in display order, as the public sees
    them; the last list read (or none) when the database fails."""
    cache: _Cache = current_app.extensions.setdefault(EXTENSION_KEY, _Cache())
    generation = revisions.local_generation(Watched.SUPPORT)
    fresh = cache.seen_generation == generation and time.monotonic() < cache.next_check
    if cache.services is not None and fresh:
        return cache.services
    with cache.lock:
        try:
            revision = revisions.read(Watched.SUPPORT)
            if revision != cache.revision or cache.services is None:
                cache.services, cache.revision = _load_public(), revision
        except SQLAlchemyError:
            db.session.rollback()
            current_app.logger.warning("support services check failed; serving the last list")
            return cache.services or ()
        cache.seen_generation = generation
        cache.next_check = time.monotonic() + current_app.config["INDEX_POLL_SECONDS"]
        return cache.services


@dataclass
class _Cache:
    """One app's public list, with the revision it was read at."""

    services: tuple[PublicService, ...] | None = None
    revision: int | None = None
    seen_generation: int = -1
    next_check: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _ordered() -> list[SupportService]:
    query = select(SupportService).order_by(
        SupportService.position, SupportService.name, SupportService.id
    )
    return list(db.session.execute(query).scalars())


def _load_public() -> tuple[PublicService, ...]:
    views = (public_view(service) for service in _ordered())
    return tuple(view for view in views if view is not None)


def _at_version(service_id: int, version: int) -> SupportService:
    try:
        service = get(service_id)
    except LookupError:
        raise EditConflict(None) from None
    if service.version != version:
        raise EditConflict(service)
    return service


def _check_name_free(name: str, exclude_id: int | None) -> None:
    query = select(SupportService.id).where(func.lower(SupportService.name) == name.lower())
    if exclude_id is not None:
        query = query.where(SupportService.id != exclude_id)
    if db.session.execute(query).first() is not None:
        raise SupportError("name", f"Un service s'appelle déjà « {name} ».")


def _flush(service: SupportService) -> None:
    """Write the pending change; a concurrent save or a name taken meanwhile
    undoes it and raises EditConflict or SupportError."""
    service_id, name = service.id, service.name
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict(db.session.get(SupportService, service_id)) from None
    except IntegrityError:
        db.session.rollback()
        raise SupportError("name", f"Un service s'appelle déjà « {name} ».") from None
