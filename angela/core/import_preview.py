"""What an import preview shows a person: for a merchant the file changes,
each changed field with its value before and after; for a new one, every
field. French labels (the schema's) and French values (core/french.py).
Pure: records in, words out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from angela.core import french, schema
from angela.core.merchant_csv import RECORD_FIELDS, MerchantRecord, changed_fields


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def field_changes(before: MerchantRecord, after: MerchantRecord) -> list[FieldChange]:
    """Return the fields that differ between two records of one merchant, in
    schema order, with their values as people read them."""
    return [
        FieldChange(
            schema.LABELS[name],
            value_text(name, getattr(before, name)),
            value_text(name, getattr(after, name)),
        )
        for name in changed_fields(before, after)
    ]


def record_fields(record: MerchantRecord) -> list[tuple[str, str]]:
    """Return (label, value as people read it) for every field of a record."""
    return [
        (schema.LABELS[name], value_text(name, getattr(record, name))) for name in RECORD_FIELDS
    ]


def value_text(name: str, value: object) -> str:
    """Return a record's value in French words: « 22 novembre 2026 », « Formé »,
    « 01 64 39 00 00 », a commune by name, degrees in full with a comma."""
    if isinstance(value, float):
        # In full: two positions that differ must never read the same.
        return repr(value).replace(".", ",")
    if isinstance(value, date):
        return french.day_text(value)
    return french.field_value_text(name, value)
