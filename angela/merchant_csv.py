"""The merchant CSV contract: reading rows into checked records, and writing
records back. Pure: no Flask, no database; the territory gives the commune.

Errors name the physical line (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from datetime import date
from typing import cast

from email_validator import EmailNotValidError, validate_email

from angela import hours, phones, territory
from angela.catalog import CATEGORIES, TRAINING_STATUSES

COLUMNS = (
    "ref", "name", "category", "address", "postcode", "lat", "lon", "phone",
    "opening_hours", "training_status", "trained_on", "trainer", "contact_name",
    "contact_email", "contact_phone", "notes",
)  # fmt: skip
REQUIRED = frozenset(
    ("ref", "name", "category", "address", "postcode", "lat", "lon", "training_status")
)
MAX_LENGTHS = {"ref": 32, "name": 200, "address": 300, "trainer": 200, "contact_name": 200,
               "contact_email": 254, "notes": 5000, "opening_hours": 500}  # fmt: skip
REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
POSTCODE_PATTERN = re.compile(r"\d{5}")
DECIMAL_PATTERN = re.compile(r"[+-]?\d{1,3}(?:\.\d{1,20})?")


@dataclass(frozen=True)
class MerchantRecord:
    """One merchant as the CSV describes it, checked and normalised."""

    ref: str
    name: str
    category: str
    address: str
    postcode: str
    commune_code: str
    lat: float
    lon: float
    phone: str | None
    opening_hours: str | None
    training_status: str
    trained_on: date | None
    trainer: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    notes: str | None


RECORD_FIELDS = tuple(field.name for field in fields(MerchantRecord))


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class _Invalid(ValueError):
    pass


def decode(data: bytes) -> str:
    """Return the text of an uploaded file (UTF-8, with or without BOM);
    raise ValueError in French when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"le fichier n'est pas en UTF-8 (octet illisible à la position {error.start})"
        ) from None


def parse_rows(text: str, today: date) -> tuple[list[MerchantRecord], list[RowError]]:
    """Return the records of a CSV text and every error found; records are
    meaningful only when there is no error."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[RowError] = []
    records: list[MerchantRecord] = []
    rows = _rows_with_lines(reader, errors)
    header_row = next(rows, None)
    if header_row is None:
        return [], [RowError(1, "-", "le fichier est vide : il faut au moins la ligne d'en-tête")]
    header = [name.strip() for name in header_row[1]]
    errors.extend(_header_errors(header))
    if errors:
        return [], errors
    first_line: dict[str, int] = {}
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            message = f"{len(values)} champs au lieu de {len(header)}"
            errors.append(RowError(line, str(min(len(values), len(header)) + 1), message))
            continue
        record = _record(dict(zip(header, values, strict=True)), line, today, errors)
        if record is None:
            continue
        if record.ref in first_line:
            message = f"la référence {record.ref} figure déjà ligne {first_line[record.ref]}"
            errors.append(RowError(line, "ref", message))
            continue
        first_line[record.ref] = line
        records.append(record)
    return records, errors


def write_rows(records: Iterable[MerchantRecord]) -> str:
    """Return the CSV text of `records`, in the canonical column order."""
    out = io.StringIO(newline="")
    # CRLF as RFC 4180 says; it also makes the writer quote any field that
    # holds a lone carriage return, which would otherwise split the row.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        values = dict(zip(RECORD_FIELDS, astuple(record), strict=True))
        writer.writerow(_format(values[column]) for column in COLUMNS)
    return out.getvalue()


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _rows_with_lines(
    reader: Iterator[list[str]], errors: list[RowError]
) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(RowError(line, "-", f"CSV mal formé ({error})"))
            return
        yield line, values
        line = reader.line_num + 1  # type: ignore[attr-defined]


def _header_errors(header: list[str]) -> Iterator[RowError]:
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if name not in COLUMNS:
            yield RowError(1, name or str(position), f"colonne inconnue « {name} »")
        elif name in seen:
            yield RowError(1, name, "colonne en double")
        seen.add(name)
    for name in COLUMNS:
        if name in REQUIRED and name not in seen:
            yield RowError(1, name, "colonne obligatoire absente")


def _record(
    row: dict[str, str], line: int, today: date, errors: list[RowError]
) -> MerchantRecord | None:
    values = {column: row.get(column, "").strip() for column in COLUMNS}
    parsed: dict[str, object] = {}
    count = len(errors)
    for column in COLUMNS:
        try:
            parsed[column] = _check(column, values[column], values, today)
        except _Invalid as error:
            errors.append(RowError(line, column, str(error)))
    if len(errors) > count:
        return None
    lat, lon = cast(float, parsed["lat"]), cast(float, parsed["lon"])
    commune = territory.commune_at(lat, lon)
    if commune is None:
        message = f"le point ({lat}, {lon}) est hors des 20 communes de Melun Val de Seine"
        errors.append(RowError(line, "lat", message))
        return None
    return MerchantRecord(commune_code=commune.code, **parsed)  # type: ignore[arg-type]


def _check(column: str, value: str, row: dict[str, str], today: date) -> object:
    if not value:
        if column in REQUIRED:
            raise _Invalid("valeur obligatoire manquante")
        if column == "trained_on" and row["training_status"] == "trained":
            raise _Invalid("date de formation obligatoire pour le statut trained")
        return None
    if len(value) > MAX_LENGTHS.get(column, 300):
        raise _Invalid(f"plus de {MAX_LENGTHS.get(column, 300)} caractères")
    checker = _CHECKERS.get(column)
    return checker(value, today) if checker else value


def _ref(value: str, _today: date) -> str:
    if not REF_PATTERN.fullmatch(value):
        raise _Invalid(f"référence « {value} » invalide (lettres, chiffres, . _ -)")
    return value


def _choice(allowed: dict[str, str], what: str):  # type: ignore[no-untyped-def]
    def check(value: str, _today: date) -> str:
        if value not in allowed:
            raise _Invalid(f"{what} « {value} » inconnu ; valeurs possibles : {', '.join(allowed)}")
        return value

    return check


def _postcode(value: str, _today: date) -> str:
    if not POSTCODE_PATTERN.fullmatch(value):
        raise _Invalid(f"code postal « {value} » invalide (5 chiffres)")
    return value


def _degrees(bound: float):  # type: ignore[no-untyped-def]
    def check(value: str, _today: date) -> float:
        if not DECIMAL_PATTERN.fullmatch(value):
            raise _Invalid(f"« {value} » n'est pas un nombre décimal (ex. 48.539100)")
        number = float(value)
        if not -bound <= number <= bound:
            raise _Invalid(f"{value} est hors de [-{bound:g}, {bound:g}]")
        return number

    return check


def _phone(value: str, _today: date) -> str:
    try:
        return phones.to_e164(value)
    except phones.PhoneError as error:
        raise _Invalid(str(error)) from None


def _hours(value: str, _today: date) -> str:
    try:
        hours.parse(value)
    except hours.HoursError as error:
        raise _Invalid(str(error)) from None
    return value


def _date(value: str, today: date) -> date:
    try:
        day = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        day = None
    if day is None:
        raise _Invalid(f"« {value} » n'est pas une date AAAA-MM-JJ")
    if day > today:
        raise _Invalid(f"la date {value} est dans le futur")
    return day


def _email(value: str, _today: date) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _Invalid(f"« {value} » n'est pas une adresse e-mail valide") from None


_CHECKERS = {
    "ref": _ref,
    "category": _choice(CATEGORIES, "catégorie"),
    "training_status": _choice(TRAINING_STATUSES, "statut"),
    "postcode": _postcode,
    "lat": _degrees(90),
    "lon": _degrees(180),
    "phone": _phone,
    "contact_phone": _phone,
    "opening_hours": _hours,
    "trained_on": _date,
    "contact_email": _email,
}
