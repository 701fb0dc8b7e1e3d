"""The merchant schema is the one definition of each field: the database
columns, the CSV contract, the public refuge and the API's coordinates all
follow it."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from sqlalchemy import String, Text

from angela.core import schema
from angela.core.merchant_csv import COLUMNS, MerchantRecord
from angela.core.refuges import Refuge
from angela.core.vocab import AuditAction, Category, Role, TrainingStatus
from angela.models import Merchant

TODAY = date(2026, 11, 29)
# The columns of the merchant CSV, in the order DESIGN.md gives them, then
# `last_checked_on`, appended at the end (issue 10).
DESIGN_COLUMNS = [
    "ref", "name", "category", "address", "postcode", "lat", "lon", "phone", "opening_hours",
    "training_status", "trained_on", "trainer", "contact_name", "contact_email",
    "contact_phone", "notes", "last_checked_on",
]  # fmt: skip


@pytest.mark.parametrize("field", schema.MERCHANT_FIELDS, ids=lambda field: field.name)
def test_each_field_is_a_column_as_long_as_the_schema_allows(field):
    column = Merchant.__table__.columns[field.name]
    if isinstance(column.type, String) and not isinstance(column.type, Text):
        assert column.type.length == field.max_length
    assert column.nullable is not field.required or field.name == "commune_code"


def test_every_merchant_column_but_the_bookkeeping_is_in_the_schema():
    # search_key: derived from ref, name and address for the staff search.
    bookkeeping = {"id", "created_at", "updated_at", "version", "search_key"}
    assert set(Merchant.__table__.columns.keys()) - bookkeeping == set(schema.FIELD_NAMES)


def test_the_csv_columns_are_the_designs_in_its_order():
    assert list(COLUMNS) == DESIGN_COLUMNS


def test_records_and_refuges_are_projections_of_the_schema():
    assert tuple(f.name for f in fields(MerchantRecord)) == schema.FIELD_NAMES
    assert Refuge._fields == ("id", *schema.PUBLIC_FIELDS)
    private = {"trainer", "contact_name", "contact_email", "contact_phone", "notes"}
    assert private.isdisjoint(schema.PUBLIC_FIELDS)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("48,539", "utilisez un point"),
        ("4.85e1", "nombre décimal"),
        ("nan", "nombre décimal"),
        (".5", "nombre décimal"),
        ("91", "[-90, 90]"),
    ],
)
def test_one_decimal_rule_for_latitudes(text, reason):
    with pytest.raises(schema.Invalid, match=reason.replace("[", r"\[").replace("]", r"\]")):
        schema.FIELDS["lat"].parse(text, TODAY)


@pytest.mark.parametrize("text", ["48.5", "-0.000001", "+48.539343", " 48.5 "])
def test_decimal_degrees_with_a_point_are_read(text):
    assert schema.FIELDS["lat"].parse(text, TODAY) == float(text)


def test_a_trained_merchant_needs_its_training_date():
    values = {"training_status": TrainingStatus.TRAINED, "trained_on": None}
    assert [name for name, _ in schema.cross_field_errors(values)] == ["trained_on"]
    assert schema.cross_field_errors({"training_status": "pending", "trained_on": None}) == []


@pytest.mark.parametrize("vocabulary", [Category, TrainingStatus, Role, AuditAction])
def test_vocabularies_have_a_french_label_for_each_code(vocabulary):
    assert all(member.label and member.label != member.value for member in vocabulary)
    assert vocabulary.of(vocabulary.codes()[0]) is next(iter(vocabulary))
    with pytest.raises(ValueError):
        vocabulary.of("nothing-like-this")


def test_roles_are_ordered_from_the_most_powerful():
    assert Role.ADMIN.may(Role.VIEWER) and Role.AGENT.may(Role.AGENT)
    assert not Role.VIEWER.may(Role.AGENT)
