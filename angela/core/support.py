"""The support services people may turn to after the danger (associations,
the police station's social worker): each field once, with its French label,
its longest value and its reader; the completeness rule that decides what
the public sees; and the public view, which carries the public fields only.

Pure: plain values in and out, no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from angela.core import phones
from angela.core.schema import MAX_INPUT_LENGTH, POSTCODE_PATTERN, Field, Invalid

MAX_POSITION = 999


def _phone(value: str, _today: date) -> str:
    try:
        return phones.to_e164(value)
    except phones.PhoneError as error:
        raise Invalid(str(error)) from None


def _postcode(value: str, _today: date) -> str:
    if not POSTCODE_PATTERN.fullmatch(value):
        raise Invalid(f"code postal « {value} » invalide (5 chiffres)")
    return value


def _position(value: str, _today: date) -> int:
    if not value.isdigit() or int(value) > MAX_POSITION:
        raise Invalid(f"« {value} » n'est pas un nombre entier de 0 à {MAX_POSITION}")
    return int(value)


_ANY = MAX_INPUT_LENGTH
# `public`: shown on the public pages, and required there (see `missing`).
SUPPORT_FIELDS: tuple[Field, ...] = (
    Field("name", "Nom", 200, required=True, public=True),
    Field("services", "Accompagnement proposé", 1000, public=True),
    Field("phone", "Téléphone", 20, _phone, public=True, max_input=_ANY),
    Field("address", "Adresse", 300, public=True),
    Field("postcode", "Code postal", 5, _postcode, public=True, max_input=_ANY),
    Field("hours", "Horaires d'accueil", 300, public=True),
    Field("languages", "Langues parlées", 200, public=True),
    Field("position", "Ordre d'affichage", 3, _position, max_input=_ANY),
    Field("notes", "Notes internes", 5000),
)
FIELDS: Mapping[str, Field] = {field.name: field for field in SUPPORT_FIELDS}
FIELD_NAMES = tuple(FIELDS)
PUBLIC_FIELDS = tuple(field.name for field in SUPPORT_FIELDS if field.public)
LABELS: Mapping[str, str] = {field.name: field.label for field in SUPPORT_FIELDS}


@dataclass(frozen=True)
class SupportRecord:
    """One support service as the staff form describes it, read by the fields' readers."""

    name: str
    services: str | None = None
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    hours: str | None = None
    languages: str | None = None
    position: int = 0
    notes: str | None = None


@dataclass(frozen=True)
class PublicService:
    """What the public pages show of a complete service: its public fields
    and the phone number as people write it; nothing else."""

    name: str
    services: str
    phone: str  # E.164, for the tel: link
    phone_text: str
    address: str
    postcode: str
    hours: str
    languages: str


def values_of(item: object) -> dict[str, Any]:
    """Return every field of a stored service or a record, as the audit log keeps them."""
    return {name: getattr(item, name) for name in FIELD_NAMES}


def missing(item: object) -> list[str]:
    """Return the labels of the public fields left empty, in form order: a
    service is shown to the public only when this is empty."""
    return [LABELS[name] for name in PUBLIC_FIELDS if not (getattr(item, name) or "").strip()]


def public_view(item: object) -> PublicService | None:
    """Return the public view of a service, or None while it is incomplete."""
    if missing(item):
        return None
    values = {name: getattr(item, name).strip() for name in PUBLIC_FIELDS}
    return PublicService(**values, phone_text=phones.for_display(values["phone"]))
