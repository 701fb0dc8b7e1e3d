"""The support services shown after the danger: the staff's use-cases (add,
edit with optimistic locking, delete, list), each written to the audit log
in the same transaction, and the public list of the complete ones.

The public list is kept in memory per process (and on disk) and read again
when the support revision moves, in the background, the way the refuge
directory is (`services.kept`): the public pages then show it without a
query per visit, and still show it (or at least 3919, which the template
always adds) when the database fails.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from angela.core.support import PublicService, SupportRecord, missing, public_view, values_of
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import SupportService, User
from angela.services import audit, revisions
from angela.services.kept import Kept, NothingToServe, Source
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


def init_app(app: Flask) -> None:
    source = Source("support", Watched.SUPPORT, _read_key, _build, _to_disk, _from_disk)
    app.extensions[EXTENSION_KEY] = Kept(app, source)


def public_services() -> tuple[PublicService, ...]:
    """Return the complete services, in display order, as the public sees
    them; the last list read (or none) when the database fails."""
    kept: Kept[int, tuple[PublicService, ...]] = current_app.extensions[EXTENSION_KEY]
    try:
        return kept.get()
    except NothingToServe:
        return ()


def _read_key() -> int:
    return revisions.read(Watched.SUPPORT)


def _build(_revision: int) -> tuple[PublicService, ...]:
    return _load_public()


def _to_disk(revision: int, services: tuple[PublicService, ...]) -> dict[str, Any]:
    return {"revision": revision, "services": [asdict(service) for service in services]}


def _from_disk(data: dict[str, Any]) -> tuple[int, tuple[PublicService, ...]]:
    return int(data["revision"]), tuple(PublicService(**item) for item in data["services"])


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
