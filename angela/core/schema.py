"""The merchant schema: each field once, with its French label, its longest
stored value, whether it is required or public, and the function that reads
it from text. The CSV contract, the staff form, the audit log, the database
columns and the public refuge all derive from this table.

A reader takes the stripped text and today's date, returns the stored value,
and raises Invalid with a French message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email

from angela.core import hours, phones
from angela.core.vocab import Category, TrainingStatus, Vocabulary

# The largest id the database's integer keys hold: any larger is no one's.
MAX_ID = 2**31 - 1
REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
POSTCODE_PATTERN = re.compile(r"\d{5}")
# Decimal degrees, with a point: the one rule for every coordinate typed,
# uploaded or asked for.
DEGREES_PATTERN = re.compile(r"[+-]?\d+(?:\.\d+)?")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
# Text longer than this is refused before any reader looks at it.
MAX_INPUT_LENGTH = 300


class Invalid(ValueError):
    """The text is not a valid value for the field; the message is French."""


Reader = Callable[[str, date], Any]


def _text(value: str, _today: date) -> str:
    return value


def _ref(value: str, _today: date) -> str:
    if not REF_PATTERN.fullmatch(value):
        raise Invalid(f"référence « {value} » invalide (lettres, chiffres, . _ -)")
    return value


def _choice(vocabulary: type[Vocabulary], what: str) -> Reader:
    def read(value: str, _today: date) -> str:
        if value not in vocabulary.codes():
            allowed = ", ".join(vocabulary.codes())
            raise Invalid(f"{what} « {value} » inconnu ; valeurs possibles : {allowed}")
        return value

    return read


def _postcode(value: str, _today: date) -> str:
    if not POSTCODE_PATTERN.fullmatch(value):
        raise Invalid(f"code postal « {value} » invalide (5 chiffres)")
    return value


def parse_degrees(value: str, bound: float) -> float:
    """Return the decimal degrees written in `value`, within ±`bound`;
    raise Invalid otherwise."""
    if not DEGREES_PATTERN.fullmatch(value):
        hint = " : utilisez un point, pas une virgule" if "," in value else ""
        raise Invalid(f"« {value} » n'est pas un nombre décimal (ex. 48.539100){hint}")
    number = float(value)
    if not -bound <= number <= bound:
        raise Invalid(f"{value} est hors de [-{bound:g}, {bound:g}]")
    return number


def _degrees(bound: float) -> Reader:
    return lambda value, _today: parse_degrees(value, bound)


def _phone(value: str, _today: date) -> str:
    try:
        return phones.to_e164(value)
    except phones.PhoneError as error:
        raise Invalid(str(error)) from None


def _hours(value: str, _today: date) -> str:
    try:
        hours.parse(value)
    except hours.HoursError as error:
        raise Invalid(str(error)) from None
    return value


def _past_date(value: str, today: date) -> date:
    try:
        day = date.fromisoformat(value) if DATE_PATTERN.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        raise Invalid(f"« {value} » n'est pas une date AAAA-MM-JJ")
    if day > today:
        raise Invalid(f"la date {value} est dans le futur")
    return day


def _email(value: str, _today: date) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(f"Adresse e-mail invalide : « {value} » (ex. nom@exemple.fr)") from None


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    max_length: int  # the longest stored value, in characters
    read: Reader = _text
    required: bool = False
    public: bool = False  # shown to the public when the merchant is a refuge
    in_csv: bool = True  # False: derived (the commune comes from the position)
    # The longest text accepted before reading, when the reader rewrites it
    # (a phone number with spaces, a code checked against a list).
    max_input: int | None = None

    def parse(self, text: str, today: date) -> Any:
        """Return the stored value for the text (None when empty and optional).

        Raises Invalid: required and empty, too long, or unreadable.
        """
        value = text.strip()
        if not value:
            if self.required:
                raise Invalid("valeur obligatoire manquante")
            return None
        limit = self.max_input or self.max_length
        if len(value) > limit:
            raise Invalid(f"plus de {limit} caractères")
        return self.read(value, today)


_ANY = MAX_INPUT_LENGTH
MERCHANT_FIELDS: tuple[Field, ...] = (
    Field("ref", "Référence", 32, _ref, required=True),
    Field("name", "Nom du lieu", 200, required=True, public=True),
    Field(
        "category", "Type de lieu", 32, _choice(Category, "catégorie"), True, True, max_input=_ANY
    ),
    Field("address", "Adresse", 300, required=True, public=True),
    Field("postcode", "Code postal", 5, _postcode, True, True, max_input=_ANY),
    Field("commune_code", "Commune (INSEE)", 5, public=True, in_csv=False),
    Field("lat", "Latitude", 32, _degrees(90), True, True, max_input=_ANY),
    Field("lon", "Longitude", 32, _degrees(180), True, True, max_input=_ANY),
    Field("phone", "Téléphone (public)", 20, _phone, public=True, max_input=_ANY),
    Field("opening_hours", "Horaires d'ouverture", hours.MAX_LENGTH, _hours, public=True),
    Field(
        "training_status",
        "Statut de formation",
        16,
        _choice(TrainingStatus, "statut"),
        True,
        max_input=_ANY,
    ),
    Field("trained_on", "Date de formation", 10, _past_date, max_input=_ANY),
    Field("trainer", "Formateur ou formatrice", 200),
    Field("contact_name", "Nom du contact", 200),
    Field("contact_email", "E-mail du contact", 254, _email),
    Field("contact_phone", "Téléphone du contact", 20, _phone, max_input=_ANY),
    Field("notes", "Notes internes", 5000),
    # The day a staff member last confirmed the address, hours and phone with
    # the merchant: public ("Vérifié le …"), and the CSV's last column, so
    # that files made before it existed keep their layout.
    Field("last_checked_on", "Vérifié le", 10, _past_date, public=True, max_input=_ANY),
)
FIELDS: Mapping[str, Field] = {field.name: field for field in MERCHANT_FIELDS}
FIELD_NAMES = tuple(FIELDS)
CSV_COLUMNS = tuple(field.name for field in MERCHANT_FIELDS if field.in_csv)
PUBLIC_FIELDS = tuple(field.name for field in MERCHANT_FIELDS if field.public)
LABELS: Mapping[str, str] = {field.name: field.label for field in MERCHANT_FIELDS}


TRAINED_NEEDS_DATE = f"obligatoire pour le statut « {TrainingStatus.TRAINED.label} »"


def cross_field_errors(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (field, French message) for the rules that join two fields:
    a trained merchant needs its training date."""
    if values.get("training_status") == TrainingStatus.TRAINED and not values.get("trained_on"):
        return [("trained_on", TRAINED_NEEDS_DATE)]
    return []


def values_of(merchant: object) -> dict[str, Any]:
    """Return every schema field of an object that has them (a stored
    merchant, a record), the way the audit log and the CSV keep them."""
    return {name: getattr(merchant, name) for name in FIELD_NAMES}
