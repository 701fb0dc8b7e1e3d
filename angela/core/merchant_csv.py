"""The merchant CSV contract: reading rows into checked records, and writing
records back. Pure: no Flask, no database; the territory gives the commune.

Errors name the physical line (the header is line 1) and the column.

Formula escaping (OWASP "CSV injection"): a spreadsheet runs a cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return. On export, a
value that starts with any number of single quotes (none included) followed
by one of those characters gets one more single quote in front: `=1+1` is
written `'=1+1`, `'=1+1` is written `''=1+1`, and a phone number `+33164520000`
is written `'+33164520000` (still stored in E.164). On import, a cell that
starts with one or more quotes followed by one of those characters loses
exactly one quote; any other cell is read as it is. Reading undoes writing
exactly, so an export imports back unchanged, and a file typed by hand may
use either form (`+33 1 64 52 00 00` or `'+33 1 64 52 00 00`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from datetime import date
from typing import cast

from angela.core import schema, territory

COLUMNS = schema.CSV_COLUMNS
REQUIRED = frozenset(field.name for field in schema.MERCHANT_FIELDS if field.required)

# What a spreadsheet takes for the start of a formula, and the values that
# get a protecting quote: any run of quotes (maybe none) then one of them.
FORMULA_TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(f"'*[{re.escape(FORMULA_TRIGGERS)}]")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class MerchantRecord:
    """One merchant as the CSV or the staff form describes it, checked and
    normalised by the schema's readers."""

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
if RECORD_FIELDS != schema.FIELD_NAMES:
    raise RuntimeError("MerchantRecord must list the schema's fields, in its order")


def record_of(merchant: object) -> MerchantRecord:
    """Return the record describing a stored merchant (or anything with its fields)."""
    return MerchantRecord(**schema.values_of(merchant))


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class NotUtf8(ValueError):
    """The file is not UTF-8; `line` is the physical line of the first bad
    byte, the message is French."""

    def __init__(self, line: int, byte: int):
        super().__init__(
            f"le fichier n'est pas en UTF-8 (octet 0x{byte:02X} illisible) : "
            "enregistrez-le au format « CSV UTF-8 »"
        )
        self.line = line


def decode(data: bytes) -> str:
    """Return the text of an uploaded file (UTF-8, with or without BOM);
    raise NotUtf8 (a ValueError) when it is not UTF-8."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        # Lines end as the CSV reader ends them: CRLF, LF or a lone CR.
        line = 1 + len(_LINE_BREAK.findall(body, 0, error.start))
        raise NotUtf8(line, body[error.start]) from None


def escape_cell(value: str) -> str:
    """Return the cell text for `value` that no spreadsheet runs as a formula
    (see the module docstring); `unescape_cell` gives the value back."""
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def unescape_cell(text: str) -> str:
    """Return the value a cell stands for: one protecting quote removed."""
    return text[1:] if text.startswith("'") and _NEEDS_QUOTE.match(text) else text


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
        writer.writerow(escape_cell(_format(values[column])) for column in COLUMNS)
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
    parsed: dict[str, object] = {}
    found: dict[str, str] = {}
    for column in COLUMNS:
        try:
            text = unescape_cell(row.get(column, "").strip())
            parsed[column] = schema.FIELDS[column].parse(text, today)
        except schema.Invalid as error:
            found[column] = str(error)
    for column, message in schema.cross_field_errors(parsed):
        found.setdefault(column, message)
    if found:
        errors.extend(
            RowError(line, column, found[column]) for column in COLUMNS if column in found
        )
        return None
    lat, lon = cast(float, parsed["lat"]), cast(float, parsed["lon"])
    commune = territory.commune_at(lat, lon)
    if commune is None:
        message = f"le point ({lat}, {lon}) est hors des 20 communes de Melun Val de Seine"
        errors.append(RowError(line, "lat", message))
        return None
    return MerchantRecord(commune_code=commune.code, **parsed)  # type: ignore[arg-type]
