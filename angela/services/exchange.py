"""CSV exchange with the database: the one import used by the CLI and the
staff upload, and the export. All-or-nothing: a file with any error changes
nothing, and a valid file is applied in one transaction (written in chunks,
so that no statement grows with the file)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import func, select

from angela.core.import_preview import FieldChange, field_changes, record_fields
from angela.core.merchant_csv import (
    RECORD_FIELDS,
    MerchantRecord,
    RowError,
    parse_file,
    record_of,
    write_excel,
    write_rows,
)
from angela.core.schema import values_of
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import Merchant
from angela.services import audit

if TYPE_CHECKING:
    from angela.models import User

# Rows per statement: far below PostgreSQL's 65,535 parameters and SQLite's
# 32,766 variables per query.
CHUNK_SIZE = 1000
# Errors listed to a person; the rest are only counted (a file of bad rows
# must not become a page or a terminal of tens of megabytes).
ERRORS_SHOWN = 200
# Merchants detailed in a preview, for creations and for updates alike; the
# rest are only counted.
PREVIEW_SHOWN = 100

T = TypeVar("T")


@dataclass
class ImportPlan:
    """What importing a file would do; `errors` empty means it can be applied."""

    errors: list[RowError] = field(default_factory=list)
    to_create: list[MerchantRecord] = field(default_factory=list)
    to_update: list[tuple[Merchant, MerchantRecord]] = field(default_factory=list)
    unchanged: int = 0
    layout: str = ""  # how the file was read, in French

    @property
    def errors_shown(self) -> list[RowError]:
        """The first errors, the ones to list."""
        return self.errors[:ERRORS_SHOWN]

    @property
    def errors_hidden(self) -> int:
        """How many errors are left out of `errors_shown`."""
        return max(len(self.errors) - ERRORS_SHOWN, 0)

    @property
    def creations_shown(self) -> list[tuple[MerchantRecord, list[tuple[str, str]]]]:
        """The first merchants to create, each with all its fields (label, value)."""
        return [(record, record_fields(record)) for record in self.to_create[:PREVIEW_SHOWN]]

    @property
    def updates_shown(self) -> list[tuple[MerchantRecord, list[FieldChange]]]:
        """The first merchants to update, each with its changed fields."""
        return [
            (record, field_changes(record_of(merchant), record))
            for merchant, record in self.to_update[:PREVIEW_SHOWN]
        ]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.to_create),
            "updated": len(self.to_update),
            "unchanged": self.unchanged,
        }


def plan_import(data: bytes, today: date) -> ImportPlan:
    """Return the plan for importing the CSV bytes (canonical, or as a
    spreadsheet saved them): every error, or the merchants to create and to
    update (matched by `ref`)."""
    parsed = parse_file(data, today)
    if parsed.errors:
        return ImportPlan(errors=parsed.errors, layout=parsed.layout)
    records = parsed.records
    existing: dict[str, Merchant] = {}
    for refs in _chunks([record.ref for record in records]):
        found = db.session.execute(select(Merchant).where(Merchant.ref.in_(refs))).scalars()
        existing.update((merchant.ref, merchant) for merchant in found)
    plan = ImportPlan(layout=parsed.layout)
    for record in records:
        merchant = existing.get(record.ref)
        if merchant is None:
            plan.to_create.append(record)
            continue
        # A column the file lacks (see KEPT_WHEN_ABSENT) keeps the stored value.
        kept = {name: getattr(merchant, name) for name in parsed.kept}
        record = replace(record, **kept) if kept else record
        if record_of(merchant) != record:
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
        for records in _chunks(plan.to_create):
            _create(records, actor)
        for pairs in _chunks(plan.to_update):
            _update(pairs, actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return plan.counts


def export_csv() -> str:
    """Return every merchant as canonical CSV text, ordered by ref."""
    return write_rows(_all_records())


def export_excel() -> str:
    """Return every merchant as "pour Excel" text (to encode as UTF-8), ordered by ref."""
    return write_excel(_all_records())


def _all_records() -> list[MerchantRecord]:
    merchants = db.session.execute(select(Merchant)).scalars().all()
    # Sorted here, not in SQL, so that the order never depends on a collation.
    return [record_of(m) for m in sorted(merchants, key=lambda m: m.ref)]


def merchant_count() -> int:
    return db.session.execute(select(func.count(Merchant.id))).scalar_one()


def _create(records: Sequence[MerchantRecord], actor: User | None) -> None:
    created = [Merchant(**_values(record)) for record in records]
    db.session.add_all(created)
    db.session.flush()
    for merchant in created:
        changes = audit.diff({}, values_of(merchant))
        audit.record(AuditAction.IMPORT_CREATE, actor, merchant=merchant, changes=changes)
    db.session.flush()


def _update(pairs: Sequence[tuple[Merchant, MerchantRecord]], actor: User | None) -> None:
    updated = []
    for merchant, record in pairs:
        updated.append((merchant, values_of(merchant)))
        for name, value in _values(record).items():
            setattr(merchant, name, value)
    db.session.flush()
    for merchant, before in updated:
        changes = audit.diff(before, values_of(merchant))
        audit.record(AuditAction.IMPORT_UPDATE, actor, merchant=merchant, changes=changes)
    db.session.flush()


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


def _values(record: MerchantRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in RECORD_FIELDS}
