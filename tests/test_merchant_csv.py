"""The merchant CSV contract, read and written without an app or a database."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from angela.core import territory
from angela.core.merchant_csv import (
    COLUMNS,
    FORMULA_TRIGGERS,
    MerchantRecord,
    RowError,
    escape_cell,
    parse_rows,
    unescape_cell,
    write_rows,
)
from angela.core.schema import REF_PATTERN
from angela.core.spreadsheet import Unreadable, decode
from tests.places import (
    DAMMARIE_TOWN_HALL,
    FONTAINEBLEAU_CHATEAU,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
    PARIS_NOTRE_DAME,
    SEINE_PORT_CHURCH,
)

TODAY = date(2026, 6, 15)

# One valid row as a member of staff would type it (French phone formats,
# fixed to Melun town hall).
GOOD = {
    "ref": "ANG-0001",
    "name": "Le Bar du Marché",
    "category": "bar",
    "address": "16 rue Paul Doumer",
    "postcode": "77000",
    "lat": str(MELUN_TOWN_HALL[0]),
    "lon": str(MELUN_TOWN_HALL[1]),
    "phone": "01 99 00 12 34",
    "opening_hours": "Mo-Sa 09:00-19:00; PH off",
    "training_status": "trained",
    "trained_on": "2026-01-10",
    "trainer": "CIDFF 77",
    "contact_name": "Camille Martin",
    "contact_email": "camille@example.fr",
    "contact_phone": "+33 6 12 34 56 78",
    "notes": "",
}

GOOD_RECORD = MerchantRecord(
    ref="ANG-0001",
    name="Le Bar du Marché",
    category="bar",
    address="16 rue Paul Doumer",
    postcode="77000",
    commune_code="77288",
    lat=48.539343,
    lon=2.66029,
    phone="+33199001234",
    opening_hours="Mo-Sa 09:00-19:00; PH off",
    training_status="trained",
    trained_on=date(2026, 1, 10),
    trainer="CIDFF 77",
    contact_name="Camille Martin",
    contact_email="camille@example.fr",
    contact_phone="+33612345678",
    notes=None,
)


def row(**overrides: str) -> dict[str, str]:
    return {**GOOD, **overrides}


def csv_text(*rows: dict[str, str], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for values in rows:
        writer.writerow(values.get(column, "") for column in columns)
    return out.getvalue()


def messages(errors: list[RowError]) -> list[str]:
    return [str(error) for error in errors]


# --- Reading a good file ---------------------------------------------------


def test_a_valid_row_becomes_a_checked_normalised_record():
    records, errors = parse_rows(csv_text(row()), TODAY)
    assert errors == []
    assert records == [GOOD_RECORD]


@pytest.mark.parametrize(
    ("position", "code"),
    [
        (MELUN_TOWN_HALL, "77288"),
        (MELUN_STATION, "77288"),
        (DAMMARIE_TOWN_HALL, "77152"),
        (LE_MEE_CENTRE, "77285"),
        (SEINE_PORT_CHURCH, "77447"),
    ],
)
def test_the_commune_is_derived_from_the_position(position, code):
    lat, lon = position
    records, errors = parse_rows(csv_text(row(lat=str(lat), lon=str(lon))), TODAY)
    assert errors == []
    assert records[0].commune_code == code


def test_columns_may_come_in_any_order():
    shuffled = tuple(reversed(COLUMNS))
    assert parse_rows(csv_text(row(), columns=shuffled), TODAY) == ([GOOD_RECORD], [])


def test_optional_columns_may_be_left_out_of_the_header():
    columns = ("ref", "name", "category", "address", "postcode", "lat", "lon", "training_status")
    records, errors = parse_rows(csv_text(row(training_status="pending"), columns=columns), TODAY)
    assert errors == []
    assert records == [
        dataclasses.replace(
            GOOD_RECORD,
            phone=None,
            opening_hours=None,
            training_status="pending",
            trained_on=None,
            trainer=None,
            contact_name=None,
            contact_email=None,
            contact_phone=None,
        )
    ]


def test_a_byte_order_mark_is_accepted():
    text = csv_text(row())
    assert parse_rows("\ufeff" + text, TODAY) == ([GOOD_RECORD], [])
    assert decode(b"\xef\xbb\xbf" + text.encode()).text == text
    assert decode(text.encode()).text == text


def test_decode_refuses_a_file_in_neither_utf8_nor_windows_1252_in_french():
    with pytest.raises(ValueError, match="ni en UTF-8 ni en Windows-1252"):
        decode(b"ref,name\nANG-0001,Caf\xe9\x81")  # 0x81 means nothing in Windows-1252


# Bytes that neither UTF-8 nor Windows-1252 read, or UTF-8 mixed with another
# encoding (Windows-1252 would garble its accents).
@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"ref,name\n\x81", 2),
        (b"\xef\xbb\xbfref\xff,name\n", 1),  # after a BOM, still line 1
        (b'ref,name\r\nA,"deux\r\nlignes"\r\nB,Caf\x8d\r\n', 4),
        (b"ref,name\nA,\xc3\xa9\n\nB,Caf\xc3\n", 4),  # a sequence cut short, after a blank line
        (b"ref,name\rA,x\rB,\x90", 3),  # old Mac line ends, as the CSV reader counts them
    ],
    ids=["lf", "bom", "crlf-multiline", "blank-line", "cr"],
)
def test_a_bad_byte_is_reported_on_its_own_line(data, line):
    with pytest.raises(Unreadable) as refused:
        decode(data)
    assert refused.value.line == line
    assert "octet 0x" in str(refused.value)


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("phone", "01.99.00.12.34", "+33199001234"),
        ("phone", "0033 1 99 00 12 34", "+33199001234"),
        ("contact_phone", "06-12-34-56-78", "+33612345678"),
        ("contact_email", "Camille@Example.FR", "Camille@example.fr"),
        ("name", "  Le Bar du Marché  ", "Le Bar du Marché"),
        ("notes", "   ", None),
        ("opening_hours", "", None),
        ("lat", "+48.539343", 48.539343),
        # One protecting quote before a formula-like value is taken off.
        ("lat", "'+48.539343", 48.539343),
        ("phone", "'+33199001234", "+33199001234"),
        ("phone", "'+33 1 99 00 12 34", "+33199001234"),
        ("name", "'=1+1", "=1+1"),
        ("name", "''=1+1", "'=1+1"),
        ("name", "'Le Bar", "'Le Bar"),  # no formula after it: the quote is data
        ("notes", "  '- à reformer  ", "- à reformer"),
    ],
)
def test_values_are_normalised(column, value, field):
    records, errors = parse_rows(csv_text(row(**{column: value})), TODAY)
    assert errors == []
    assert getattr(records[0], column) == field


@pytest.mark.parametrize("status", ["pending", "suspended", "withdrawn"])
def test_a_training_date_is_optional_unless_trained(status):
    records, errors = parse_rows(csv_text(row(training_status=status, trained_on="")), TODAY)
    assert errors == []
    assert records[0].trained_on is None
    assert records[0].training_status == status


def test_a_training_today_is_accepted():
    records, errors = parse_rows(csv_text(row(trained_on=TODAY.isoformat())), TODAY)
    assert errors == []
    assert records[0].trained_on == TODAY


def test_notes_keep_their_lines_commas_and_quotes():
    notes = 'Gérante : « Mme Dupont », 2e étage\nsonner "fort"'
    records, errors = parse_rows(csv_text(row(notes=notes)), TODAY)
    assert errors == []
    assert records[0].notes == notes


# --- The header --------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ((*COLUMNS, "nombre"), ["line 1, column nombre: colonne inconnue « nombre »"]),
        (("Rf", *COLUMNS[1:]), ["line 1, column Rf: colonne inconnue « Rf »",
                                "line 1, column ref: colonne obligatoire absente"]),
        ((*COLUMNS, "name"), ["line 1, column name: colonne en double"]),
        ((*COLUMNS, "Nom"), ["line 1, column Nom: colonne en double"]),  # French for name
        (tuple(c for c in COLUMNS if c != "lat"),
         ["line 1, column lat: colonne obligatoire absente"]),
        (
            tuple(c for c in COLUMNS if c not in ("ref", "postcode")),
            ["line 1, column ref: colonne obligatoire absente",
             "line 1, column postcode: colonne obligatoire absente"],
        ),
    ],
    ids=["unknown", "typo", "duplicate", "duplicate-in-french", "missing", "two-missing"],
)  # fmt: skip
def test_header_errors_are_on_line_1_and_name_the_column(columns, expected):
    records, errors = parse_rows(csv_text(row(), columns=columns), TODAY)
    assert messages(errors) == expected
    assert records == []


def test_an_empty_file_is_an_error():
    records, errors = parse_rows("", TODAY)
    assert records == []
    assert [(error.line, error.column) for error in errors] == [(1, "-")]
    assert "vide" in errors[0].message


def test_spaces_around_header_names_are_ignored():
    text = csv_text(row()).replace("ref,name", " ref , name", 1)
    assert parse_rows(text, TODAY) == ([GOOD_RECORD], [])


# --- Bad values: `line N, column C: message` -----------------------------------

BAD_VALUES = [
    # (column, value, words the message must contain)
    ("ref", "", "obligatoire"),
    ("ref", "ANG 0001", "ANG 0001"),
    ("ref", "-ANG", "-ANG"),
    ("ref", "A" * 33, "32 caractères"),
    ("name", "", "obligatoire"),
    ("name", "x" * 201, "200 caractères"),
    ("address", "   ", "obligatoire"),
    ("category", "bistrot", "bistrot"),
    ("category", "Bistrot", "Bistrot"),
    ("category", "", "obligatoire"),
    ("training_status", "formidable", "formidable"),
    ("training_status", "TRAINE", "TRAINE"),
    ("postcode", "7700", "7700"),
    ("postcode", "77 000", "77 000"),
    ("postcode", "ABCDE", "ABCDE"),
    ("lat", "", "obligatoire"),
    ("lat", "48,539,343", "48,539,343"),
    ("lat", "48.539,343", "48.539,343"),
    ("lat", "nan", "nan"),
    ("lat", "NaN", "NaN"),
    ("lat", "inf", "inf"),
    ("lat", "4.85e1", "4.85e1"),
    ("lat", "48.5°", "48.5°"),
    ("lat", "91", "[-90, 90]"),
    ("lat", "-90.5", "[-90, 90]"),
    ("lon", "181", "[-180, 180]"),
    ("lon", "-180.000001", "[-180, 180]"),
    ("lon", "2.66029E", "2.66029E"),
    ("phone", "+44 20 7946 0958", "+44 20 7946 0958"),
    ("phone", "112", "112"),
    ("phone", "01 99 00 12", "01 99 00 12"),
    ("phone", "pas de téléphone", "pas de téléphone"),
    ("contact_phone", "+1 202 555 0143", "+1 202 555 0143"),
    ("contact_email", "camille@", "camille@"),
    ("contact_email", "camille.example.fr", "camille.example.fr"),
    ("contact_email", "camille@example", "camille@example"),
    ("opening_hours", "Mo-Sa 9h-19h", "« Mo-Sa 9h-19h »"),
    ("opening_hours", "du lundi au samedi", "« du lundi au samedi »"),
    ("opening_hours", "Mo-Sa 25:00-26:00", "« Mo-Sa 25:00-26:00 »"),
    ("trained_on", "", "obligatoire"),
    ("trained_on", "15.01.2026", "15.01.2026"),
    ("trained_on", "31/02/2026", "31/02/2026"),
    ("trained_on", "15/01/26", "15/01/26"),
    ("trained_on", "2026-1-5", "2026-1-5"),
    ("trained_on", "2026-02-30", "2026-02-30"),
    ("trained_on", "2026-13-01", "2026-13-01"),
    ("trained_on", "hier", "hier"),
    ("trained_on", (TODAY + timedelta(days=1)).isoformat(), "futur"),
    ("trained_on", "2031-01-01", "futur"),
]


@pytest.mark.parametrize(("column", "value", "words"), BAD_VALUES)
def test_a_bad_value_is_reported_with_its_line_and_column(column, value, words):
    records, errors = parse_rows(csv_text(row(**{column: value})), TODAY)
    assert records == []
    assert [(error.line, error.column) for error in errors] == [(2, column)]
    assert words in errors[0].message
    assert str(errors[0]) == f"line 2, column {column}: {errors[0].message}"


def test_unreadable_opening_hours_say_so_in_words():
    _, errors = parse_rows(csv_text(row(opening_hours="Mo-Sa 9h-19h")), TODAY)
    message = errors[0].message
    assert message.startswith("horaires illisibles")
    assert "Mo-Sa 09:00-19:00" in message  # a valid example to copy


@pytest.mark.parametrize("position", [FONTAINEBLEAU_CHATEAU, PARIS_NOTRE_DAME])
def test_a_point_outside_the_territory_is_refused(position):
    lat, lon = position
    records, errors = parse_rows(csv_text(row(lat=str(lat), lon=str(lon))), TODAY)
    assert records == []
    assert messages(errors) == [
        f"line 2, column lat: le point ({lat}, {lon}) "
        "est hors des 20 communes de Melun Val de Seine"
    ]


def test_a_ref_twice_in_the_file_is_reported_on_the_second_line():
    text = csv_text(row(), row(ref="ANG-0002"), row(name="Autre nom"))
    _, errors = parse_rows(text, TODAY)
    assert messages(errors) == ["line 4, column ref: la référence ANG-0001 figure déjà ligne 2"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ANG-0002,Trop court", "line 2, column 3: 2 champs au lieu de 17"),
        (",".join(["x"] * 18), "line 2, column 18: 18 champs au lieu de 17"),
    ],
)
def test_a_row_with_the_wrong_number_of_fields_is_reported(line, expected):
    text = ",".join(COLUMNS) + "\n" + line + "\n"
    assert messages(parse_rows(text, TODAY)[1]) == [expected]


def test_every_error_of_the_file_is_reported_at_once():
    text = csv_text(
        row(),
        row(ref="ANG-0002", category="bistrot", lat="nan", phone="112"),
        row(ref="ANG-0003"),
        row(ref="ANG-0004", trained_on="", contact_email="nobody"),
        row(ref="ANG-0005", lat=str(FONTAINEBLEAU_CHATEAU[0]), lon=str(FONTAINEBLEAU_CHATEAU[1])),
        row(ref="ANG-0003", name="Doublon"),
    )
    _, errors = parse_rows(text, TODAY)
    assert [(error.line, error.column) for error in errors] == [
        (3, "category"),
        (3, "lat"),
        (3, "phone"),
        (5, "trained_on"),
        (5, "contact_email"),
        (6, "lat"),
        (7, "ref"),
    ]


# --- Physical line numbers -----------------------------------------------------

# The format as it was before `last_checked_on`, which still reads: notes last.
HEADER = ",".join(column for column in COLUMNS if column != "last_checked_on")
GOOD_LINE = ",".join(GOOD.values())


def test_line_numbers_count_the_lines_of_quoted_multiline_fields_and_blank_lines():
    first = GOOD_LINE.removesuffix(",") + ',"sonner fort\nau 2e étage\n"'  # lines 2-4
    bad = GOOD_LINE.replace("ANG-0001", "ANG-0002").replace(",bar,", ",bistrot,")
    text = f"{HEADER}\n{first}\n\n\n{bad}\n"  # two blank lines: 5 and 6
    _, errors = parse_rows(text, TODAY)
    assert messages(errors) == [
        "line 7, column category: type de lieu « bistrot » inconnu ; valeurs possibles : "
        "Bar, Restaurant, Café, Pharmacie, Boulangerie, Bureau de tabac, Supermarché, "
        "Commerce, Hôtel, Cinéma, Service public, Autre lieu"
    ]


def test_a_bad_multiline_row_is_reported_on_its_first_line_and_the_next_one_after_it():
    multiline_bad = (
        GOOD_LINE.replace(",bar,", ",bistrot,").removesuffix(",") + ',"une\nnote\nlongue"'
    )  # lines 2-4
    after = GOOD_LINE.replace("ANG-0001", "ANG-0002").replace("77000", "7700")  # line 5
    _, errors = parse_rows(f"{HEADER}\n{multiline_bad}\n{after}\n", TODAY)
    assert [(error.line, error.column) for error in errors] == [(2, "category"), (5, "postcode")]


def test_line_numbers_with_windows_line_endings():
    multiline = GOOD_LINE.removesuffix(",") + ',"ligne 1\r\nligne 2"'  # lines 2-3
    bad = GOOD_LINE.replace("ANG-0001", "ANG-0002").replace("77000", "7700")
    text = f"{HEADER}\r\n{multiline}\r\n\r\n{bad}\r\n"
    _, errors = parse_rows(text, TODAY)
    assert [(error.line, error.column) for error in errors] == [(5, "postcode")]


def test_an_unterminated_quote_is_reported_on_the_line_where_the_row_starts():
    broken = GOOD_LINE.replace("ANG-0001", "ANG-0002").removesuffix(",") + ',"pas fermé\n'
    _, errors = parse_rows(f"{HEADER}\n{GOOD_LINE}\n\n{broken}", TODAY)
    assert [(error.line, error.column) for error in errors] == [(4, "-")]
    assert "CSV mal formé" in errors[0].message


# --- Writing -------------------------------------------------------------------


def test_write_rows_uses_the_canonical_columns_and_plain_values():
    record = dataclasses.replace(
        GOOD_RECORD,
        name='Le "Bar", du Marché',
        notes="deux\nlignes",
        last_checked_on=date(2026, 10, 12),
    )
    assert write_rows([record]) == (
        f"{HEADER},last_checked_on\r\n"
        'ANG-0001,"Le ""Bar"", du Marché",bar,16 rue Paul Doumer,77000,48.539343,2.66029,'
        "'+33199001234,Mo-Sa 09:00-19:00; PH off,trained,2026-01-10,CIDFF 77,Camille Martin,"
        'camille@example.fr,\'+33612345678,"deux\nlignes",2026-10-12\r\n'
    )


# --- Formula escaping (CSV injection) ---------------------------------------------

ESCAPES = [
    # (stored value, cell written): one quote more before quotes-then-trigger
    ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
    ("+33164520000", "'+33164520000"),
    ("-2.5", "'-2.5"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("'=1+1", "''=1+1"),
    ("''+1", "'''+1"),
    ("'", "'"),
    ("'Le Bar'", "'Le Bar'"),
    ("Bar = café", "Bar = café"),
    ("", ""),
]


@pytest.mark.parametrize(("value", "cell"), ESCAPES)
def test_a_cell_a_spreadsheet_would_run_gets_one_quote_more(value, cell):
    assert escape_cell(value) == cell
    assert unescape_cell(cell) == value


# Text rich in quotes and trigger characters, and any other text too.
FORMULA_TEXT = st.text(st.sampled_from(["'", *FORMULA_TRIGGERS, "a", " "]) | st.characters())


@given(FORMULA_TEXT)
def test_escaping_is_exactly_undone_and_never_leaves_a_formula(value):
    cell = escape_cell(value)
    assert unescape_cell(cell) == value
    assert not cell.startswith(tuple(FORMULA_TRIGGERS))
    assert cell in (value, "'" + value)


@given(FORMULA_TEXT)
def test_unescaping_takes_off_at_most_one_leading_quote(text):
    assert unescape_cell(text) in (text, text[1:])


def test_formula_like_values_are_written_quoted_and_read_back():
    record = dataclasses.replace(
        GOOD_RECORD,
        name="=1+1",
        address="'=1+1",
        trainer="@CIDFF",
        contact_name="-",
        notes="- à reformer\n- nouvelle équipe",
    )
    text = write_rows([record])
    line = text.split("\r\n")[1]
    assert line.startswith("ANG-0001,'=1+1,bar,''=1+1,77000,")
    assert ",'@CIDFF,'-," in line
    assert line.endswith(',"\'- à reformer\n- nouvelle équipe",')  # never checked: empty
    assert parse_rows(text, TODAY) == ([record], [])


def test_no_exported_cell_starts_a_formula():
    record = dataclasses.replace(GOOD_RECORD, name="=cmd|' /C calc'!A0", notes="@x")
    rows = list(csv.reader(io.StringIO(write_rows([record]), newline="")))
    cells = [cell for values in rows for cell in values]
    assert "'+33199001234" in cells and "'=cmd|' /C calc'!A0" in cells
    assert [cell for cell in cells if cell.startswith(tuple(FORMULA_TRIGGERS))] == []


def test_write_rows_of_nothing_is_the_header_alone():
    assert write_rows([]) == HEADER + ",last_checked_on\r\n"


# Generated valid records: every value is one the parser would itself produce.
OPENING_HOURS = [
    "Mo-Sa 09:00-19:00; PH off",
    "24/7",
    "Fr-Sa 18:00-02:00",
    "Mo-Fr 08:00-12:00,14:00-18:30",
]
PHONES = ["+33199001234", "+33164520000", "+33612345678", "+33800123456"]
EMAILS = ["camille@example.fr", "Jean.Dupont@example.org", "contact+angela@mairie-melun.fr"]


# How a value may start that a spreadsheet takes for a formula, as the CSV carries it.
FORMULA_STARTS = ["", "", "=", "+", "-", "@", "'", "'=", "''+", "'-"]


def _text(max_size: int) -> st.SearchStrategy[str]:
    # Any printable text, often formula-like; the parser trims values, so
    # generated ones are trimmed.
    characters = st.characters(blacklist_categories=("Cc", "Cs"))
    text = st.text(characters, min_size=1, max_size=max_size)
    start = st.sampled_from(FORMULA_STARTS)
    return st.tuples(start, text).map("".join).map(str.strip).filter(bool)


def _optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def records(draw: st.DrawFn) -> MerchantRecord:
    commune = draw(st.sampled_from(territory.communes()))
    # Six decimals, as staff type them: about 10 cm, and always re-readable.
    lat = round(commune.lat + draw(st.integers(-800, 800)) / 1_000_000, 6)
    lon = round(commune.lon + draw(st.integers(-800, 800)) / 1_000_000, 6)
    found = territory.commune_at(lat, lon)
    assume(found is not None)
    status = draw(st.sampled_from(["pending", "trained", "suspended", "withdrawn"]))
    dates = st.dates(min_value=date(2015, 1, 1), max_value=TODAY)
    notes = (
        st.tuples(
            st.sampled_from(FORMULA_STARTS),
            st.text(
                st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                max_size=80,
            ),
        )
        .map("".join)
        .map(str.strip)
    )
    return MerchantRecord(
        ref=draw(st.from_regex(REF_PATTERN, fullmatch=True)),
        name=draw(_text(60)),
        category=draw(st.sampled_from(["bar", "pharmacy", "public_service", "other"])),
        address=draw(_text(60)),
        postcode=draw(st.from_regex(r"77[0-9]{3}", fullmatch=True)),
        commune_code=found.code,
        lat=lat,
        lon=lon,
        phone=draw(_optional(st.sampled_from(PHONES))),
        opening_hours=draw(_optional(st.sampled_from(OPENING_HOURS))),
        training_status=status,
        trained_on=draw(dates if status == "trained" else _optional(dates)),
        trainer=draw(_optional(_text(30))),
        contact_name=draw(_optional(_text(30))),
        contact_email=draw(_optional(st.sampled_from(EMAILS))),
        contact_phone=draw(_optional(st.sampled_from(PHONES))),
        notes=draw(notes) or None,
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), max_size=3, unique_by=lambda record: record.ref))
def test_writing_then_reading_gives_back_the_same_records(generated):
    assert parse_rows(write_rows(generated), TODAY) == (generated, [])


def test_a_full_precision_longitude_survives_the_round_trip():
    lon = 2.6602900000000003  # the float just after 2.66029: 17 significant digits
    record = dataclasses.replace(GOOD_RECORD, lon=lon)
    assert parse_rows(write_rows([record]), TODAY) == ([record], [])


def test_a_lone_carriage_return_in_notes_survives_the_round_trip():
    record = dataclasses.replace(GOOD_RECORD, notes="avant\rapres")
    assert parse_rows(write_rows([record]), TODAY) == ([record], [])


def test_row_error_reads_as_line_column_message():
    assert str(RowError(12, "lat", "hors de [-90, 90]")) == "line 12, column lat: hors de [-90, 90]"
