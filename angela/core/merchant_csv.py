"""The merchant CSV contract: reading rows into checked records, and writing
records back, canonically (DESIGN.md) or "pour Excel" (UTF-8 with BOM,
semicolons, French headers and values). Reading takes both, and the files
spreadsheets save (see core/spreadsheet.py). Pure: no Flask, no database;
the territory gives the commune.

Errors name the physical line (the header is line 1) and the column as the
file names it.

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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from datetime import date
from typing import cast

from angela.core import schema, spreadsheet, territory

COLUMNS = schema.CSV_COLUMNS
REQUIRED = frozenset(field.name for field in schema.MERCHANT_FIELDS if field.required)
# Columns added to the format after files were made without them: a file
# that lacks one leaves its stored values as they are (services.exchange),
# where any other absent column reads as empty. Re-importing last year's
# file must not erase every "vérifié le" date the staff recorded since.
KEPT_WHEN_ABSENT = frozenset({"last_checked_on"})

# What a spreadsheet takes for the start of a formula, and the values that
# get a protecting quote: any run of quotes (maybe none) then one of them.
FORMULA_TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(f"'*[{re.escape(FORMULA_TRIGGERS)}]")
# The csv module's words for a broken file, in French.
_CSV_ERRORS = {
    "unexpected end of data": "un guillemet ouvert n'est jamais refermé",
    "expected after": "un guillemet fermant est suivi d'autre chose qu'un séparateur",
    "field larger than field limit": "un champ est beaucoup trop long",
}


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
    # Last and with a default: set by its own staff action, not by the form.
    last_checked_on: date | None = None


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


@dataclass(frozen=True)
class Parsed:
    """What a file holds: its records (meaningful only without errors), its
    errors, and how it was read, in French ("Fichier lu : …", empty when
    the bytes could not be read)."""

    records: list[MerchantRecord]
    errors: list[RowError]
    layout: str
    # The KEPT_WHEN_ABSENT columns the file does not have: their values in
    # `records` are None and mean "leave the stored value".
    kept: frozenset[str] = frozenset()


def parse_file(data: bytes, today: date) -> Parsed:
    """Return what the bytes of an uploaded file hold, whatever encoding and
    separator a spreadsheet gave them (see core/spreadsheet.py)."""
    try:
        decoded = spreadsheet.decode(data)
    except spreadsheet.Unreadable as error:
        return Parsed([], [RowError(error.line, "-", str(error))], "")
    separator = spreadsheet.separator_of(decoded.text)
    records, errors, french, present = _parse(decoded.text, today, separator)
    headers = "en français" if french else "du format d'échange"
    layout = (
        f"Fichier lu : séparateur {spreadsheet.SEPARATORS[separator]}, "
        f"encodage {decoded.encoding}, en-têtes {headers}."
    )
    return Parsed(records, errors, layout, KEPT_WHEN_ABSENT - present)


def escape_cell(value: str) -> str:
    """Return the cell text for `value` that no spreadsheet runs as a formula
    (see the module docstring); `unescape_cell` gives the value back."""
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def unescape_cell(text: str) -> str:
    """Return the value a cell stands for: one protecting quote removed."""
    return text[1:] if text.startswith("'") and _NEEDS_QUOTE.match(text) else text


def parse_rows(
    text: str, today: date, separator: str | None = None
) -> tuple[list[MerchantRecord], list[RowError]]:
    """Return the records of a CSV text and every error found; records are
    meaningful only when there is no error. The separator is the header's
    (comma or semicolon) unless given."""
    records, errors, _french, _present = _parse(
        text, today, separator or spreadsheet.separator_of(text)
    )
    return records, errors


def changed_fields(before: MerchantRecord, after: MerchantRecord) -> list[str]:
    """Return the names of the fields whose value differs, in schema order."""
    return [name for name in RECORD_FIELDS if getattr(before, name) != getattr(after, name)]


def write_rows(records: Iterable[MerchantRecord]) -> str:
    """Return the CSV text of `records`, in the canonical column order."""
    return _write(records, COLUMNS, ",", lambda _column, value: _format(value))


def write_excel(records: Iterable[MerchantRecord]) -> str:
    """Return the "pour Excel" text of `records`: a BOM (to encode as UTF-8),
    semicolons, the schema's French labels as headers and French values;
    `parse_file` reads it back to the same records."""
    header = [schema.LABELS[column] for column in COLUMNS]
    return "\ufeff" + _write(records, header, spreadsheet.EXCEL_SEPARATOR, spreadsheet.cell_text)


def _write(
    records: Iterable[MerchantRecord],
    header: Iterable[str],
    separator: str,
    cell: Callable[[str, object], str],
) -> str:
    out = io.StringIO(newline="")
    # CRLF as RFC 4180 says; it also makes the writer quote any field that
    # holds a lone carriage return, which would otherwise split the row.
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        values = dict(zip(RECORD_FIELDS, astuple(record), strict=True))
        writer.writerow(escape_cell(cell(column, values[column])) for column in COLUMNS)
    return out.getvalue()


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _parse(
    text: str, today: date, separator: str
) -> tuple[list[MerchantRecord], list[RowError], bool, frozenset[str]]:
    """Return the records, the errors, whether the headers were French, and
    the canonical columns the header names."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    errors: list[RowError] = []
    records: list[MerchantRecord] = []
    rows = _rows_with_lines(reader, errors)
    header_row = next(rows, None)
    if header_row is None:
        return (
            [],
            [RowError(1, "-", "le fichier est vide : il faut au moins la ligne d'en-tête")],
            False,
            frozenset(),
        )
    header = spreadsheet.without_empty_tail([name.strip() for name in header_row[1]])
    columns = [spreadsheet.column_of(name) for name in header]
    french = any(column not in (None, name) for name, column in zip(header, columns, strict=True))
    names = {column: name for name, column in zip(header, columns, strict=True) if column}
    for column in COLUMNS:  # a column absent from the file is named as its neighbours are
        names.setdefault(column, schema.LABELS[column] if french else column)
    present = frozenset(column for column in columns if column)
    errors.extend(_header_errors(header, columns, names))
    if errors:
        return [], errors, french, present
    first_line: dict[str, int] = {}
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header) and not "".join(values[len(header) :]).strip():
            values = values[: len(header)]  # the empty cells a spreadsheet adds on the right
        if len(values) != len(header):
            message = f"{len(values)} champs au lieu de {len(header)}"
            errors.append(RowError(line, str(min(len(values), len(header)) + 1), message))
            continue
        row = dict(zip(cast(list[str], columns), values, strict=True))
        record = _record(row, names, line, today, errors)
        if record is None:
            continue
        if record.ref in first_line:
            message = f"la référence {record.ref} figure déjà ligne {first_line[record.ref]}"
            errors.append(RowError(line, names["ref"], message))
            continue
        first_line[record.ref] = line
        records.append(record)
    return records, errors, french, present


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
            reason = next(
                (words for english, words in _CSV_ERRORS.items() if english in str(error)),
                "des guillemets sont mal placés",
            )
            errors.append(RowError(line, "-", f"CSV mal formé : {reason}"))
            return
        yield line, values
        line = reader.line_num + 1  # type: ignore[attr-defined]


def _header_errors(
    header: list[str], columns: list[str | None], names: dict[str, str]
) -> Iterator[RowError]:
    hint = spreadsheet.separator_hint(header)
    if hint:  # the columns that seem absent are only cut wrong: one error says it
        yield RowError(1, "-", f"colonne inconnue « {header[0]} » : {hint}")
        return
    seen: set[str] = set()
    for position, (name, column) in enumerate(zip(header, columns, strict=True), start=1):
        if column is None:
            yield RowError(1, name or str(position), f"colonne inconnue « {name} »")
        elif column in seen:
            yield RowError(1, name, "colonne en double")
        else:
            seen.add(column)
    for column in COLUMNS:
        if column in REQUIRED and column not in seen:
            yield RowError(1, names[column], "colonne obligatoire absente")


def _record(
    row: dict[str, str], names: dict[str, str], line: int, today: date, errors: list[RowError]
) -> MerchantRecord | None:
    parsed: dict[str, object] = {}
    found: dict[str, str] = {}
    for column in COLUMNS:
        try:
            text = unescape_cell(row.get(column, "").strip())
            parsed[column] = spreadsheet.FIELDS[column].parse(text, today)
        except schema.Invalid as error:
            found[column] = str(error)
    for column, message in schema.cross_field_errors(parsed):
        found.setdefault(column, message)
    if found:
        errors.extend(
            RowError(line, names[column], found[column]) for column in COLUMNS if column in found
        )
        return None
    lat, lon = cast(float, parsed["lat"]), cast(float, parsed["lon"])
    commune = territory.commune_at(lat, lon)
    if commune is None:
        message = f"le point ({lat}, {lon}) est hors des 20 communes de Melun Val de Seine"
        errors.append(RowError(line, names["lat"], message))
        return None
    return MerchantRecord(commune_code=commune.code, **parsed)  # type: ignore[arg-type]
