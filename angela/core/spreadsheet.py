"""The merchant CSV as spreadsheets write it: the encoding of a file (UTF-8
with or without BOM, or Windows-1252 as French Excel saves « CSV
(séparateur : point-virgule) »), its separator (comma or semicolon), the
French column headers and values people type (« Boulangerie », « Formé »,
22/11/2026, 48,5391), and the cells of the "pour Excel" export.

The canonical names, codes and formats of DESIGN.md are always accepted:
this module only widens what is read, never changes what a canonical file
means. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from angela.core import phones, schema
from angela.core.french import folded
from angela.core.vocab import Category, TrainingStatus, Vocabulary

UTF8_BOM = b"\xef\xbb\xbf"
SEPARATORS = {",": "virgule", ";": "point-virgule"}
EXCEL_SEPARATOR = ";"
SAVE_AS_HINT = (
    "dans Excel, choisissez Fichier › Enregistrer sous › « CSV UTF-8 (délimité par des "
    "virgules) » ou « CSV (séparateur : point-virgule) »"
)
# A complete multi-byte UTF-8 sequence: seen in a file that is not UTF-8,
# it means two encodings were mixed, and Windows-1252 would garble it.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_FIRST_LINE = re.compile(r"[^\r\n]*")


class Unreadable(ValueError):
    """The bytes are not a text file this import reads; `line` is the
    physical line of the first bad byte (1 when it is the whole file), the
    message says in French what the file is and how to save it."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as a person reads it: "UTF-8", "UTF-8 avec BOM", "Windows-1252 (Excel)"


def decode(data: bytes) -> Decoded:
    """Return the text of an uploaded file and the encoding it was read in:
    UTF-8 (with or without BOM) when it is valid UTF-8, else Windows-1252.
    Raise Unreadable for a workbook, UTF-16, mixed encodings or bytes that
    neither encoding has."""
    if data.startswith(b"PK\x03\x04"):
        raise Unreadable(f"ce fichier est un classeur Excel (.xlsx), pas un CSV : {SAVE_AS_HINT}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(f"ce fichier est en UTF-16 (« Texte Unicode ») : {SAVE_AS_HINT}")
    body = data.removeprefix(UTF8_BOM)
    try:
        return Decoded(body.decode("utf-8"), "UTF-8 avec BOM" if body is not data else "UTF-8")
    except UnicodeDecodeError as error:
        bad, line = body[error.start], _line_of(body, error.start)
    if body is not data or _UTF8_SEQUENCE.search(body):
        raise Unreadable(
            f"le fichier mélange deux encodages (UTF-8 et un autre) : l'octet 0x{bad:02X} "
            f"est illisible ; {SAVE_AS_HINT}",
            line,
        )
    try:
        return Decoded(body.decode("cp1252"), "Windows-1252 (Excel)")
    except UnicodeDecodeError as error:
        bad, line = body[error.start], _line_of(body, error.start)
    raise Unreadable(
        f"le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x{bad:02X} illisible) : "
        f"{SAVE_AS_HINT}",
        line,
    )


def _line_of(body: bytes, position: int) -> int:
    # Lines end as the CSV reader ends them: CRLF, LF or a lone CR.
    return 1 + len(_LINE_BREAK.findall(body, 0, position))


def separator_of(text: str) -> str:
    """Return the separator of a CSV text, judged on its header line: a
    semicolon when it holds more semicolons than commas, else a comma."""
    header = _FIRST_LINE.match(text.removeprefix("\ufeff"))
    first = header.group() if header else ""
    return ";" if first.count(";") > first.count(",") else ","


def without_empty_tail(header: list[str]) -> list[str]:
    """Return the header without the empty cells at its end, which a
    spreadsheet writes for columns that were only formatted."""
    while len(header) > 1 and not header[-1]:
        header = header[:-1]
    return header


def separator_hint(header: list[str]) -> str | None:
    """Return why a header of one unknown column was probably cut wrong, or None."""
    if len(header) != 1:
        return None
    if "\t" in header[0]:
        return (
            "les colonnes sont séparées par des tabulations : enregistrez le fichier en CSV "
            "(séparateur virgule ou point-virgule)"
        )
    if "|" in header[0]:
        return "les colonnes sont séparées par « | » : utilisez la virgule ou le point-virgule"
    return None


# --- Headers ------------------------------------------------------------------

# Short names people give columns, besides the canonical names and the
# schema's labels (which the "pour Excel" export writes).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "ref": ("Réf",),
    "name": ("Nom",),
    "category": ("Catégorie", "Type"),
    "phone": ("Téléphone",),
    "opening_hours": ("Horaires",),
    "training_status": ("Statut",),
    "trained_on": ("Formé le", "Formée le"),
    "trainer": ("Formateur", "Formatrice"),
    "contact_name": ("Contact",),
    "contact_email": ("E-mail",),
    "notes": ("Notes",),
    "last_checked_on": ("Vérifié", "Vérifiée le", "Dernière vérification"),
}


def _header_key(text: str) -> str:
    # Case, accents, spaces, dashes and brackets do not tell columns apart.
    return re.sub(r"[^a-z0-9]", "", folded(text))


def _headers() -> dict[str, str]:
    known: dict[str, str] = {}
    for column in schema.CSV_COLUMNS:
        for text in (column, schema.LABELS[column], *HEADER_ALIASES.get(column, ())):
            if known.setdefault(_header_key(text), column) != column:
                raise RuntimeError(f"the header {text!r} names two columns")
    return known


_COLUMN_BY_HEADER = _headers()


def column_of(header: str) -> str | None:
    """Return the canonical column a header names (canonical name, French
    label or alias, in any case, with or without accents), or None."""
    return _COLUMN_BY_HEADER.get(_header_key(header)) if header.strip() else None


# --- Values --------------------------------------------------------------------

# Words people write for a training status, besides its label.
STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    TrainingStatus.PENDING: ("À venir", "À former"),
    TrainingStatus.TRAINED: ("Formée",),
    TrainingStatus.SUSPENDED: ("Suspendue",),
    TrainingStatus.WITHDRAWN: ("Retirée",),
}
_FRENCH_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _word_reader(
    vocabulary: type[Vocabulary], what: str, aliases: dict[str, tuple[str, ...]]
) -> schema.Reader:
    words: dict[str, str] = {}
    for member in vocabulary:
        for word in (member.value, member.label, *aliases.get(member.value, ())):
            words[folded(word)] = member.value

    def read(value: str, _today: date) -> str:
        code = words.get(folded(value))
        if code is None:
            allowed = ", ".join(member.label for member in vocabulary)
            raise schema.Invalid(f"{what} « {value} » inconnu ; valeurs possibles : {allowed}")
        return code

    return read


def _day(value: str, today: date) -> date:
    french = _FRENCH_DAY.fullmatch(value)
    day: date | None
    try:
        if french:
            day = date(int(french[3]), int(french[2]), int(french[1]))
        else:
            day = date.fromisoformat(value) if schema.DATE_PATTERN.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        raise schema.Invalid(f"« {value} » n'est pas une date (JJ/MM/AAAA, ex. 22/11/2026)")
    try:  # the schema's rule (not in the future), shown with the date as typed
        return schema.FIELDS["trained_on"].read(day.isoformat(), today)  # type: ignore[no-any-return]
    except schema.Invalid as error:
        raise schema.Invalid(str(error).replace(day.isoformat(), value)) from None


def _degrees(bound: float) -> schema.Reader:
    def read(value: str, _today: date) -> float:
        text = value.replace(",", ".") if _DECIMAL_COMMA.fullmatch(value) else value
        if not schema.DEGREES_PATTERN.fullmatch(text):
            raise schema.Invalid(f"« {value} » n'est pas un nombre décimal (ex. 48,5391)")
        try:
            return schema.parse_degrees(text, bound)
        except schema.Invalid as error:
            raise schema.Invalid(str(error).replace(text, value)) from None

    return read


_READERS = {
    "category": _word_reader(Category, "type de lieu", {}),
    "training_status": _word_reader(TrainingStatus, "statut", STATUS_ALIASES),
    "trained_on": _day,
    "last_checked_on": _day,
    "lat": _degrees(90),
    "lon": _degrees(180),
}
FIELDS: dict[str, schema.Field] = {
    name: replace(field, read=_READERS[name]) if name in _READERS else field
    for name, field in schema.FIELDS.items()
}


def cell_text(column: str, value: Any) -> str:
    """Return a stored value as the "pour Excel" export writes it: French
    words, JJ/MM/AAAA, decimal commas, phones as people write them; each
    reads back, through FIELDS, to the same value."""
    if value is None:
        return ""
    if column == "category":
        return Category.of(value).label
    if column == "training_status":
        return TrainingStatus.of(value).label
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if column in ("phone", "contact_phone"):
        return phones.for_display(value)
    return str(value)
