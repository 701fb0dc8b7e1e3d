"""Files as French Excel and LibreOffice write them: they import to the same
records as the canonical file; the "pour Excel" export, the template and the
column guide; every import error in French, with French values."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from angela.core import schema
from angela.core.merchant_csv import COLUMNS, FORMULA_TRIGGERS, parse_file, write_excel
from angela.core.spreadsheet import column_of, decode
from angela.core.vocab import Category, TrainingStatus
from tests.places import DAMMARIE_TOWN_HALL, MELUN_STATION, MELUN_TOWN_HALL
from tests.test_merchant_csv import TODAY as CSV_TODAY
from tests.test_merchant_csv import records as generated_records

TODAY = date(2026, 11, 29)

# Two merchants as the canonical format writes them (codes, ISO dates, dot
# decimals); the characters Windows-1252 holds beyond Latin-1's are in them.
CANONICAL_ROWS = [
    {
        "ref": "ANG-0001", "name": "Boulangerie de l’Œuvre — « 2 € le pain »",
        "category": "bakery", "address": "3 rue de la Légion d'Honneur", "postcode": "77000",
        "lat": str(MELUN_TOWN_HALL[0]), "lon": str(MELUN_TOWN_HALL[1]),
        "phone": "+33164520000", "opening_hours": "Tu-Sa 07:00-19:30; PH off",
        "training_status": "trained", "trained_on": "2026-11-22", "trainer": "CIDFF 77",
        "contact_name": "Françoise Lefèvre", "contact_email": "francoise@exemple.fr",
        "contact_phone": "+33612345678", "notes": "Gérante : sonner à l'arrière ; garçon\nau 2e",
        "last_checked_on": "2026-10-12",
    },
    {
        "ref": "ANG-0002", "name": "Pharmacie du Pont", "category": "pharmacy",
        "address": "1 quai Hippolyte Rossignol", "postcode": "77190",
        "lat": str(DAMMARIE_TOWN_HALL[0]), "lon": str(DAMMARIE_TOWN_HALL[1]),
        "phone": "", "opening_hours": "", "training_status": "pending", "trained_on": "",
        "trainer": "", "contact_name": "", "contact_email": "", "contact_phone": "", "notes": "",
        "last_checked_on": "",
    },
]  # fmt: skip

# The same merchants as a person types them in a French spreadsheet.
FRENCH_VALUES = {
    "ANG-0001": {"category": "Boulangerie", "lat": "48,539343", "lon": "2,66029",
                 "phone": "01 64 52 00 00", "training_status": "Formé",
                 "trained_on": "22/11/2026", "contact_phone": "06 12 34 56 78",
                 "last_checked_on": "12/10/2026"},
    "ANG-0002": {"category": "pharmacie", "lat": "48,51723", "lon": "2,63947",
                 "training_status": "Formation à venir"},
}  # fmt: skip


def write(rows, header, separator=",", quoting=csv.QUOTE_MINIMAL, line_end="\n") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, quoting=quoting, lineterminator=line_end)
    writer.writerow(header)
    for values in rows:
        writer.writerow(values[column] for column in COLUMNS)
    return out.getvalue()


def french_rows() -> list[dict[str, str]]:
    return [{**values, **FRENCH_VALUES[values["ref"]]} for values in CANONICAL_ROWS]


LABELS = [schema.LABELS[column] for column in COLUMNS]
# Headers as people retype them: short names, other case, no accents.
TYPED = ["REFERENCE", "Nom", "Catégorie", "adresse", "code postal", "Latitude", "longitude",
         "Téléphone", "Horaires", "Statut", "Formé le", "Formateur", "Contact", "E-mail",
         "telephone du contact", "Notes", "Verifie"]  # fmt: skip


def canonical_records():
    parsed = parse_file(write(CANONICAL_ROWS, COLUMNS).encode(), TODAY)
    assert parsed.errors == []
    return parsed.records


# (what wrote it, bytes, what the preview says it read)
SPREADSHEET_FILES = [
    pytest.param(
        write(french_rows(), LABELS, ";", line_end="\r\n").encode("cp1252"),
        "séparateur point-virgule, encodage Windows-1252 (Excel), en-têtes en français",
        id="excel-csv-point-virgule",
    ),
    pytest.param(
        write(french_rows(), TYPED, ";", line_end="\r\n").encode("cp1252"),
        "séparateur point-virgule, encodage Windows-1252 (Excel), en-têtes en français",
        id="excel-typed-headers",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + write(french_rows(), LABELS, ";", line_end="\r\n").encode(),
        "séparateur point-virgule, encodage UTF-8 avec BOM, en-têtes en français",
        id="excel-csv-utf8",
    ),
    pytest.param(
        write(french_rows(), LABELS, ",", csv.QUOTE_ALL).encode(),
        "séparateur virgule, encodage UTF-8, en-têtes en français",
        id="libreoffice-utf8-comma-quoted",
    ),
    pytest.param(
        b"\xef\xbb\xbf" + write(CANONICAL_ROWS, COLUMNS, ";", csv.QUOTE_ALL).encode(),
        "séparateur point-virgule, encodage UTF-8 avec BOM, en-têtes du format d'échange",
        id="libreoffice-bom-semicolon-canonical-values",
    ),
    pytest.param(
        write(CANONICAL_ROWS, COLUMNS).encode(),
        "séparateur virgule, encodage UTF-8, en-têtes du format d'échange",
        id="canonical",
    ),
]


@pytest.mark.parametrize(("data", "layout"), SPREADSHEET_FILES)
def test_spreadsheet_files_read_to_the_records_of_the_canonical_file(data, layout):
    parsed = parse_file(data, TODAY)
    assert parsed.errors == []
    assert parsed.records == canonical_records()
    assert parsed.layout == f"Fichier lu : {layout}."


def test_windows_1252_characters_decode_right():
    data = write(french_rows(), LABELS, ";", line_end="\r\n").encode("cp1252")
    assert b"\x92" in data and b"\x8c" in data and b"\x80" in data  # ’ Œ € in Windows-1252
    first = parse_file(data, TODAY).records[0]
    assert first.name == "Boulangerie de l’Œuvre — « 2 € le pain »"
    assert first.address == "3 rue de la Légion d'Honneur"
    assert first.contact_name == "Françoise Lefèvre"
    assert first.notes == "Gérante : sonner à l'arrière ; garçon\nau 2e"
    assert decode(data).encoding == "Windows-1252 (Excel)"


def test_a_utf8_file_is_never_read_as_windows_1252():
    data = "ref\nCafé à l’angle\n".encode()
    assert decode(data).text == "ref\nCafé à l’angle\n"


@pytest.mark.parametrize(
    ("header", "column"),
    [("Référence", "ref"), ("reference", "ref"), ("REF", "ref"), ("Nom du lieu", "name"),
     ("Type de lieu", "category"), ("Catégorie", "category"), ("Code postal", "postcode"),
     ("Téléphone (public)", "phone"), ("Statut de formation", "training_status"),
     ("Formé le", "trained_on"), ("E-mail du contact", "contact_email"),
     ("email du contact", "contact_email"), ("Horaires d’ouverture", "opening_hours"),
     ("Commune", None), ("nombre", None), ("", None)],
)  # fmt: skip
def test_headers_are_matched_without_case_accents_or_punctuation(header, column):
    assert column_of(header) == column


@pytest.mark.parametrize(
    ("column", "typed", "stored"),
    [
        ("category", "Boulangerie", "bakery"),
        ("category", "BUREAU DE TABAC", "tobacconist"),
        ("category", "cafe", "cafe"),
        ("category", "Café", "cafe"),
        ("training_status", "Formé", "trained"),
        ("training_status", "formee", "trained"),
        ("training_status", "Suspendue", "suspended"),
        ("training_status", "Retiré", "withdrawn"),
        ("trained_on", "22/11/2026", date(2026, 11, 22)),
        ("trained_on", "1/2/2026", date(2026, 2, 1)),
        ("trained_on", "2026-11-22", date(2026, 11, 22)),
        ("lat", "48,5393", 48.5393),
        ("lon", "2,66", 2.66),
    ],
)
def test_french_values_are_read_as_the_stored_codes(column, typed, stored):
    values = {**CANONICAL_ROWS[0], column: typed}
    parsed = parse_file(write([values], COLUMNS).encode(), TODAY)
    assert parsed.errors == []
    assert getattr(parsed.records[0], column) == stored


# --- Errors in French ---------------------------------------------------------


def errors_of(values: dict[str, str], header=LABELS, separator=";") -> list[str]:
    data = write([{**french_rows()[0], **values}], header, separator).encode()
    return [str(error) for error in parse_file(data, TODAY).errors]


def test_an_unknown_category_lists_the_french_labels_and_no_code():
    [message] = errors_of({"category": "Bistrot"})
    assert message.startswith("line 2, column Type de lieu: type de lieu « Bistrot » inconnu")
    assert all(member.label in message for member in Category)
    assert "bakery" not in message and "public_service" not in message


def test_an_unknown_status_lists_the_french_words():
    [message] = errors_of({"training_status": "ok"})
    assert all(member.label in message for member in TrainingStatus)
    assert "trained" not in message


def test_a_trained_merchant_without_date_names_the_status_in_french():
    [message] = errors_of({"trained_on": ""})
    assert message == ("line 2, column Date de formation: obligatoire pour le statut « Formé »")


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"trained_on": "31/02/2026"}, "« 31/02/2026 » n'est pas une date (JJ/MM/AAAA"),
        ({"trained_on": "01/12/2026"}, "la date 01/12/2026 est dans le futur"),
        ({"lat": "48.53,9"}, "« 48.53,9 » n'est pas un nombre décimal (ex. 48,5391)"),
        ({"lat": "91,5"}, "91,5 est hors de [-90, 90]"),
    ],
)
def test_dates_and_decimals_are_refused_as_they_were_typed(values, words):
    [message] = errors_of(values)
    assert words in message


def test_a_missing_column_of_a_french_file_is_named_in_french():
    header = [label for label in LABELS if label != "Code postal"]
    rows = [{k: v for k, v in french_rows()[0].items() if k != "postcode"}]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerow(rows[0][c] for c in COLUMNS if c != "postcode")
    errors = parse_file(out.getvalue().encode(), TODAY).errors
    assert [str(error) for error in errors] == [
        "line 1, column Code postal: colonne obligatoire absente"
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("\t".join(COLUMNS).encode() + b"\n", "séparées par des tabulations"),
        (b"PK\x03\x04\x14\x00\x06\x00", "classeur Excel (.xlsx), pas un CSV"),
        ("ref,name\n".encode("utf-16"), "UTF-16"),
        (b"ref,name\nA,Caf\xc3\xa9\nB,Caf\xe9\n", "mélange deux encodages"),
    ],
    ids=["tabs", "xlsx", "utf-16", "mixed"],
)
def test_a_wrong_separator_or_encoding_is_explained_in_words(data, words):
    errors = parse_file(data, TODAY).errors
    assert len(errors) == 1 and words in errors[0].message
    assert "Enregistrer sous" in errors[0].message or "virgule" in errors[0].message


def test_a_broken_quote_is_explained_in_french():
    data = (",".join(COLUMNS) + '\nANG-0001,"pas fermé\n').encode()
    [error] = parse_file(data, TODAY).errors
    assert error.message == "CSV mal formé : un guillemet ouvert n'est jamais refermé"


# --- Writing "pour Excel" -------------------------------------------------------


def test_the_excel_variant_has_a_bom_semicolons_french_headers_and_values_and_crlf():
    text = write_excel(canonical_records())
    assert text.startswith("\ufeffRéférence;Nom du lieu;Type de lieu;Adresse;Code postal;")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[1].startswith(
        "ANG-0001;Boulangerie de l’Œuvre — « 2 € le pain »;Boulangerie;"
        "3 rue de la Légion d'Honneur;77000;48,539343;2,66029;01 64 52 00 00;"
    )
    # The hours hold a semicolon, so their cell is quoted.
    assert ';"Tu-Sa 07:00-19:30; PH off";Formé;22/11/2026;' in lines[1]
    assert ";Boulangerie;" in lines[1] and ";48,539343;2,66029;01 64 52 00 00;" in lines[1]
    assert ";Formation à venir;" in text
    assert "\n" not in text.replace("\r\n", "").replace("garçon\nau", "")  # only CRLF ends rows


def test_the_excel_variant_reads_back_to_the_same_records():
    records = canonical_records()
    parsed = parse_file(write_excel(records).encode(), TODAY)
    assert parsed.errors == [] and parsed.records == records


def test_no_cell_of_the_excel_variant_starts_a_formula():
    record = dataclasses.replace(
        canonical_records()[0], name="=HYPERLINK(\"http://evil.example\")", notes="@SUM(A1)",
        trainer="-2+3", address="+33 rue",
    )  # fmt: skip
    text = write_excel([record])
    cells = [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
             for cell in row]  # fmt: skip
    assert cells and not any(cell and cell[0] in FORMULA_TRIGGERS for cell in cells)
    assert parse_file(text.encode(), TODAY).records == [record]


# --- The staff face -------------------------------------------------------------


def upload(client, data: bytes):
    return client.post(
        "/staff/import",
        data={"file": (io.BytesIO(data), "commercants.csv")},
        content_type="multipart/form-data",
    )


def test_the_excel_export_imports_back_unchanged(app, staff_client, make_merchant):
    make_merchant(name="Café de l’Œuvre", notes="ligne 1\nligne 2 ; « € »", position=MELUN_STATION)
    make_merchant(name="=1+1", status="suspended", trained_on=None, contact_phone="+33612345678")
    make_merchant(category="bakery", opening_hours="Tu-Sa 07:00-19:30; PH off")
    agent = staff_client("agent")
    export = agent.get("/staff/export-excel.csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "excel.csv" in export.headers["Content-Disposition"]
    assert export.data.startswith(b"\xef\xbb\xbfR\xc3\xa9f\xc3\xa9rence;Nom du lieu;")
    preview = upload(agent, export.data)
    assert preview.status_code == 200
    assert "<strong>0</strong> à créer" in preview.text
    assert "<strong>0</strong> à modifier" in preview.text
    assert "<strong>3</strong> inchangé(s)" in preview.text
    assert "séparateur point-virgule, encodage UTF-8 avec BOM, en-têtes en français" in preview.text


def test_the_canonical_staff_export_still_imports_back_unchanged(app, staff_client, make_merchant):
    make_merchant(name="Café de l’Œuvre", notes="a,b\nc", position=MELUN_STATION)
    make_merchant(name="@SUM(A1)")
    agent = staff_client("agent")
    export = agent.get("/staff/export.csv")
    assert not export.data.startswith(b"\xef\xbb\xbf") and export.text.startswith("ref,name,")
    preview = upload(agent, export.data)
    assert "<strong>2</strong> inchangé(s)" in preview.text
    assert "virgule, encodage UTF-8, en-têtes du format d'échange" in html.unescape(preview.text)


def test_the_template_is_the_excel_header_alone(app, staff_client):
    agent = staff_client("agent")
    response = agent.get("/staff/import/modele.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data == ("\ufeff" + ";".join(LABELS) + "\r\n").encode()
    assert "Rien à changer" in upload(agent, response.data).text


def test_the_import_page_links_the_downloads_and_the_guide(app, staff_client):
    page = staff_client("agent").get("/staff/import").text
    for url in ("/staff/export-excel.csv", "/staff/export.csv", "/staff/import/modele.csv",
                "/staff/import/guide"):  # fmt: skip
        assert f'href="{url}"' in page


def test_the_column_guide_describes_every_column(app, staff_client):
    page = staff_client("agent").get("/staff/import/guide")
    assert page.status_code == 200
    for column in COLUMNS:
        assert f"<code>{column}</code>" in page.text
        assert schema.LABELS[column].replace("'", "&#39;") in page.text
    optional = [c for c in COLUMNS if not schema.FIELDS[c].required]
    assert page.text.count("(facultatif)") == len(optional)
    assert "Boulangerie" in page.text and "JJ/MM/AAAA" in page.text


@pytest.mark.parametrize(
    "url", ["/staff/export-excel.csv", "/staff/import/modele.csv", "/staff/import/guide"]
)
def test_viewers_may_not_download_or_read_the_import_files(app, staff_client, url):
    assert staff_client("viewer").get(url).status_code == 403


def test_the_error_table_scrolls_inside_its_card(app, staff_client):
    data = write([{**french_rows()[0], "category": "Bistrot"}], LABELS, ";").encode()
    preview = upload(staff_client("agent"), data)
    assert preview.status_code == 422
    assert '<div class="table-scroll import-errors"' in preview.text
    assert "Boulangerie, Bureau de tabac" in preview.text and "bakery" not in preview.text


def test_the_cli_reads_a_french_excel_file_too(app, runner, tmp_path):
    path = tmp_path / "excel.csv"
    rows = [{**values, "trained_on": "22/11/2025" if values["trained_on"] else ""}
            for values in french_rows()]  # fmt: skip
    path.write_bytes(write(rows, LABELS, ";", line_end="\r\n").encode("cp1252"))
    result = runner.invoke(args=["merchants", "import", str(path)])
    assert result.output.strip() == "created 2, updated 0, unchanged 0"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(generated_records(), max_size=3, unique_by=lambda record: record.ref))
def test_the_excel_variant_of_any_records_reads_back_to_them(generated):
    parsed = parse_file(write_excel(generated).encode(), CSV_TODAY)
    assert (parsed.records, parsed.errors) == (generated, [])


def test_the_empty_cells_a_spreadsheet_adds_on_the_right_are_ignored():
    text = write(french_rows(), LABELS, ";", line_end="\r\n")
    padded = "\r\n".join(line + ";;;" if line else line for line in text.split("\r\n"))
    parsed = parse_file(padded.encode("cp1252"), TODAY)
    assert (parsed.records, parsed.errors) == (canonical_records(), [])


def test_a_value_beyond_the_header_is_still_an_error():
    text = ",".join(COLUMNS) + ",\n" + ",".join(CANONICAL_ROWS[1].values()) + ",en trop\n"
    [error] = parse_file(text.encode(), TODAY).errors
    assert str(error) == "line 2, column 18: 18 champs au lieu de 17"
