"""French phone numbers: checked and stored in E.164 (phonenumbers)."""

from __future__ import annotations

import phonenumbers

# Metropolitan France and the overseas departments share the +33 plan or
# their own codes; the scheme only lists places in Seine-et-Marne.
REGION = "FR"


class PhoneError(ValueError):
    """Not a valid French number; the message says so in French."""


def to_e164(text: str) -> str:
    """Return the number in E.164 (+33...), or raise PhoneError."""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise PhoneError(f"« {text} » n'est pas un numéro de téléphone") from None
    if not phonenumbers.is_valid_number_for_region(number, REGION):
        raise PhoneError(f"« {text} » n'est pas un numéro français valide")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(e164: str) -> str:
    """Return the number as French people write it: 01 64 52 00 00."""
    number = phonenumbers.parse(e164, REGION)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
