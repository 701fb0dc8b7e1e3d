"""French phone numbers, as staff type them, stored in E.164."""

from __future__ import annotations

import pytest

from angela.core.phones import PhoneError, for_display, to_e164


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01 99 00 12 34", "+33199001234"),
        ("0199001234", "+33199001234"),
        ("01.99.00.12.34", "+33199001234"),
        ("01-99-00-12-34", "+33199001234"),
        ("+33 1 99 00 12 34", "+33199001234"),
        ("+33199001234", "+33199001234"),
        ("+33 (0)1 99 00 12 34", "+33199001234"),
        ("0033 1 99 00 12 34", "+33199001234"),
        ("01 64 52 00 00", "+33164520000"),
        ("06 12 34 56 78", "+33612345678"),
        ("07 81 23 45 67", "+33781234567"),
        ("09 99 00 12 34", "+33999001234"),
        ("0 800 123 456", "+33800123456"),
        (" 01 99 00 12 34 ", "+33199001234"),
    ],
)
def test_french_numbers_are_stored_in_e164(typed, stored):
    assert to_e164(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "+44 20 7946 0958",  # London
        "+32 2 555 12 12",  # Brussels
        "+1 202 555 0143",  # Washington
        "0044 20 7946 0958",
        "17",  # emergency and short numbers are not a place's number
        "112",
        "3919",
        "01 99 00 12",  # too short
        "01 99 00 12 34 5",  # too long
        "+33 1 99 00 12 34 56",
    ],
)
def test_foreign_and_short_numbers_are_refused_as_not_french(typed):
    with pytest.raises(PhoneError) as caught:
        to_e164(typed)
    assert str(caught.value) == f"« {typed} » n'est pas un numéro français valide"


@pytest.mark.parametrize("typed", ["", "pas de téléphone", "abc"])
def test_text_that_is_no_number_is_refused(typed):
    with pytest.raises(PhoneError, match="n'est pas un numéro de téléphone"):
        to_e164(typed)


def test_a_phone_error_is_a_value_error():
    assert issubclass(PhoneError, ValueError)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+33164520000", "01 64 52 00 00"), ("+33612345678", "06 12 34 56 78")],
)
def test_numbers_are_shown_as_french_people_write_them(stored, shown):
    assert for_display(stored) == shown
