"""The demo data: fictional, valid, spread over the 20 communes."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from angela.cli import SEED_FILE
from angela.core import territory
from angela.core.merchant_csv import parse_rows
from angela.core.visibility import is_public
from angela.core.vocab import Category, TrainingStatus

# The day the demo data was written: its training dates are relative to it.
WRITTEN_ON = date(2026, 11, 26)
# Ranges the French regulator reserves for fiction (01 99 00, 04 65 71, 05 36 49).
FICTION_PHONE = re.compile(r"\+33(19900|46571|53649)\d{4}")


def seed_records():
    records, errors = parse_rows(SEED_FILE.read_text("utf-8"), WRITTEN_ON)
    assert errors == []
    return records


def test_seed_is_valid_and_says_it_is_fictional():
    records = seed_records()
    assert len(records) >= 60
    assert all(r.notes and r.notes.startswith("Données fictives") for r in records)
    phones = [p for r in records for p in (r.phone, r.contact_phone) if p]
    assert all(FICTION_PHONE.fullmatch(p) for p in phones)
    assert all(r.contact_email is None or r.contact_email.endswith("@example.org") for r in records)


def test_seed_covers_every_commune_category_and_status():
    records = seed_records()
    public = [r for r in records if is_public(r.training_status, r.trained_on, WRITTEN_ON, 24)]
    assert {r.commune_code for r in public} == {c.code for c in territory.communes()}
    assert set(Counter(r.category for r in records)) == set(Category.codes())
    assert set(Counter(r.training_status for r in records)) == set(TrainingStatus.codes())
    expired = [r for r in records if r.training_status == "trained" and r not in public]
    assert expired, "some trained rows must have an expired training"
    assert any(r.opening_hours is None for r in records)
    assert any(r.opening_hours == "24/7" for r in records)
