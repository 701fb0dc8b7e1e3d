"""CSV exchange with the database: the one import used by the CLI and the
staff upload, and the export. All-or-nothing: a file with any error changes
nothing, and a valid file is applied in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from angela.core.merchant_csv import (
    RECORD_FIELDS,
    MerchantRecord,
    RowError,
    decode,
    parse_rows,
    record_of,
    write_rows,
)
from angela.core.schema import values_of
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import Merchant
from angela.services import audit

if TYPE_CHECKING:
    from angela.models import User


@dataclass
class ImportPlan:
    """What importing a file would do; `errors` empty means it can be applied."""

    errors: list[RowError] = field(default_factory=list)
    to_create: list[MerchantRecord] = field(default_factory=list)
    to_update: list[tuple[Merchant, MerchantRecord]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.to_create),
            "updated": len(self.to_update),
            "unchanged": self.unchanged,
        }


def plan_import(data: bytes, today: date) -> ImportPlan:
    """Return the plan for importing the CSV bytes: every error, or the
    merchants to create and to update (matched by `ref`)."""
    try:
        text = decode(data)
    except ValueError as error:
        return ImportPlan(errors=[RowError(1, "-", str(error))])
    records, errors = parse_rows(text, today)
    if errors:
        return ImportPlan(errors=errors)
    existing = {
        merchant.ref: merchant
        for merchant in db.session.execute(
            select(Merchant).where(Merchant.ref.in_([record.ref for record in records]))
        ).scalars()
    }
    plan = ImportPlan()
    for record in records:
        merchant = existing.get(record.ref)
        if merchant is None:
            plan.to_create.append(record)
        elif record_of(merchant) != record:
            plan.to_update.append((merchant, record))
        else:
            plan.unchanged += 1
    return plan


def apply_import(plan: ImportPlan, actor: User | None = None) -> dict[str, int]:
    """Apply a plan without errors in one transaction, each change in the
    audit log under `actor` (None: the command line); return the counts.

    Raises ValueError when the plan has errors; database errors roll back
    everything and propagate.
    """
    if plan.errors:
        raise ValueError("an import with errors cannot be applied")
    try:
        created = [Merchant(**_values(record)) for record in plan.to_create]
        db.session.add_all(created)
        updated = []
        for merchant, record in plan.to_update:
            updated.append((merchant, values_of(merchant)))
            for name, value in _values(record).items():
                setattr(merchant, name, value)
        db.session.flush()
        for merchant in created:
            changes = audit.diff({}, values_of(merchant))
            audit.record(AuditAction.IMPORT_CREATE, actor, merchant=merchant, changes=changes)
        for merchant, before in updated:
            changes = audit.diff(before, values_of(merchant))
            audit.record(AuditAction.IMPORT_UPDATE, actor, merchant=merchant, changes=changes)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return plan.counts


def export_csv() -> str:
    """Return every merchant as CSV text, ordered by ref."""
    merchants = db.session.execute(select(Merchant)).scalars().all()
    # Sorted here, not in SQL, so that the order never depends on a collation.
    return write_rows(record_of(m) for m in sorted(merchants, key=lambda m: m.ref))


def merchant_count() -> int:
    return db.session.execute(select(func.count(Merchant.id))).scalar_one()


def _values(record: MerchantRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in RECORD_FIELDS}
