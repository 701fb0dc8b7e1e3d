"""CSV import and export against the database, through the command line
(`flask --app angela merchants import|export`, `seed`) and the exchange module."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.cli import FlaskGroup
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from angela.cli import SEED_FILE
from angela.core import territory
from angela.core.merchant_csv import COLUMNS, parse_rows
from angela.extensions import db
from angela.models import AuditEvent, Merchant
from angela.services import exchange
from tests.places import (
    DAMMARIE_TOWN_HALL,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
    SEINE_PORT_CHURCH,
)

GOLDEN = Path(__file__).parent / "golden"
ERROR_LINE = re.compile(r"line \d+, column \S+: .+")


# --- Helpers ---------------------------------------------------------------------


def flask(runner, app, *args: str):
    """Run `flask --app angela ARGS` as the `flask` script does (it pushes
    the app context), and return click's result."""
    group = FlaskGroup(create_app=lambda: app, add_default_commands=False, load_dotenv=False)
    # FlaskGroup sets FLASK_RUN_FROM_CLI; listing it here restores the environment.
    return runner.invoke(group, list(args), env={"FLASK_RUN_FROM_CLI": None})


def row(today: date, number: int, **overrides: str) -> dict[str, str]:
    lat, lon = overrides.pop("position", MELUN_TOWN_HALL)
    values = {
        "ref": f"ANG-{number:04d}",
        "name": f"Commerce {number}",
        "category": "shop",
        "address": f"{number} rue Paul Doumer",
        "postcode": "77000",
        "lat": str(lat),
        "lon": str(lon),
        "phone": "01 99 00 12 34",
        "opening_hours": "Mo-Sa 09:00-19:00; PH off",
        "training_status": "trained",
        "trained_on": (today - timedelta(days=30)).isoformat(),
        "trainer": "CIDFF 77",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "notes": "",
        "last_checked_on": "",
    }
    return {**values, **overrides}


def csv_file(path: Path, *rows: dict[str, str]) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for values in rows:
        writer.writerow(values[column] for column in COLUMNS)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


def snapshot(app) -> tuple[str, list[tuple[object, ...]]]:
    """Everything a failed or idle import must leave alone: the full export,
    and each row's id, version and timestamps."""
    with app.app_context():
        rows = db.session.execute(
            select(
                Merchant.ref,
                Merchant.id,
                Merchant.version,
                Merchant.created_at,
                Merchant.updated_at,
            ).order_by(Merchant.ref)
        ).all()
        return exchange.export_csv(), [tuple(found) for found in rows]


def stored(app, ref: str) -> Merchant:
    with app.app_context():
        merchant = db.session.execute(select(Merchant).where(Merchant.ref == ref)).scalar_one()
        db.session.expunge(merchant)
        return merchant


@pytest.fixture
def three(tmp_path, today) -> Path:
    """A good file of three merchants."""
    return csv_file(
        tmp_path / "three.csv",
        row(today, 1),
        row(today, 2, position=DAMMARIE_TOWN_HALL, postcode="77190", phone="+33 1 64 52 00 00"),
        row(today, 3, training_status="pending", trained_on="", opening_hours=""),
    )


@pytest.fixture
def imported(app, runner, three) -> Path:
    """The database after importing `three`."""
    result = flask(runner, app, "merchants", "import", str(three))
    assert result.exit_code == 0, result.output
    return three


# --- Importing a good file ----------------------------------------------------------


def test_importing_a_good_file_creates_the_merchants(app, runner, three, today):
    result = flask(runner, app, "merchants", "import", str(three))
    assert result.exit_code == 0, result.output
    assert result.output == "created 3, updated 0, unchanged 0\n"
    second = stored(app, "ANG-0002")
    assert second.commune_code == "77152"  # derived from the position: Dammarie-lès-Lys
    assert second.phone == "+33164520000"
    assert second.trained_on == today - timedelta(days=30)
    third = stored(app, "ANG-0003")
    assert (third.training_status, third.trained_on, third.opening_hours) == ("pending", None, None)


def test_importing_the_same_file_again_changes_nothing(app, runner, imported):
    before = snapshot(app)
    result = flask(runner, app, "merchants", "import", str(imported))
    assert result.exit_code == 0, result.output
    assert result.output == "created 0, updated 0, unchanged 3\n"
    assert snapshot(app) == before


def test_an_edited_file_updates_only_what_changed(app, runner, imported, tmp_path, today):
    _, versions_before = snapshot(app)
    edited = csv_file(
        tmp_path / "edited.csv",
        row(today, 1, name="Le Nouveau Nom", phone="06 12 34 56 78"),
        row(today, 2, position=DAMMARIE_TOWN_HALL, postcode="77190", phone="+33 1 64 52 00 00"),
        row(today, 3, training_status="trained", trained_on=today.isoformat(), opening_hours=""),
        row(today, 4, position=SEINE_PORT_CHURCH, postcode="77240"),
    )
    result = flask(runner, app, "merchants", "import", str(edited))
    assert result.exit_code == 0, result.output
    assert result.output == "created 1, updated 2, unchanged 1\n"
    first = stored(app, "ANG-0001")
    assert (first.name, first.phone) == ("Le Nouveau Nom", "+33612345678")
    third = stored(app, "ANG-0003")
    assert (third.training_status, third.trained_on) == ("trained", today)
    assert stored(app, "ANG-0004").commune_code == "77447"
    _, versions_after = snapshot(app)
    before = {found[0]: found for found in versions_before}
    after = {found[0]: found for found in versions_after}
    assert after["ANG-0002"] == before["ANG-0002"]  # untouched: same version and timestamps
    for ref in ("ANG-0001", "ANG-0003"):
        assert after[ref][2] > before[ref][2]  # version moved
        assert after[ref][4] >= before[ref][4]  # updated_at not earlier
        assert after[ref][3] == before[ref][3]  # created_at kept


def test_a_file_with_a_byte_order_mark_imports(app, runner, tmp_path, today):
    path = csv_file(tmp_path / "excel.csv", row(today, 1))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = flask(runner, app, "merchants", "import", str(path))
    assert (result.exit_code, result.output) == (0, "created 1, updated 0, unchanged 0\n")


def test_an_imported_trained_merchant_is_at_once_a_public_refuge(app, runner, client, imported):
    features = client.get("/api/v1/refuges").get_json()["features"]
    assert sorted(feature["properties"]["name"] for feature in features) == [
        "Commerce 1",
        "Commerce 2",
    ]  # Commerce 3 is pending: not public


# --- All or nothing ---------------------------------------------------------------------


def test_one_bad_row_among_good_ones_changes_nothing(app, runner, imported, tmp_path, today):
    before = snapshot(app)
    mixed = csv_file(
        tmp_path / "mixed.csv",
        row(today, 1, name="Renamed"),  # would update
        row(today, 5),  # would create
        row(today, 6, category="bistrot"),  # line 4: bad
        row(today, 7),  # would create
    )
    result = flask(runner, app, "merchants", "import", str(mixed))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 4, column category: type de lieu « bistrot » inconnu ; valeurs possibles : "
        "Bar, Restaurant, Café, Pharmacie, Boulangerie, Bureau de tabac, Supermarché, "
        "Commerce, Hôtel, Cinéma, Service public, Autre lieu",
        "1 error(s): nothing was changed.",
    ]
    assert snapshot(app) == before


def test_every_error_is_printed_as_line_and_column(app, runner, imported, tmp_path, today):
    before = snapshot(app)
    notes = "sonnez\ndeux fois"  # a quoted field over two lines: rows below shift by one
    path = csv_file(
        tmp_path / "bad.csv",
        row(today, 5, notes=notes),  # lines 2-3
        row(today, 6, lat="nan", phone="112"),  # line 4
        row(today, 7, trained_on=(today + timedelta(days=1)).isoformat()),  # line 5
        row(today, 8, lat="48.402320", lon="2.700280"),  # line 6: Fontainebleau
        row(today, 9, trained_on=""),  # line 7
        row(today, 10, postcode="770", contact_email="pas-un-email"),  # line 8
        row(today, 11, opening_hours="lundi-samedi 9h-19h"),  # line 9
        row(today, 5, name="Doublon"),  # line 10
    )
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.exit_code == 1
    *errors, summary = result.output.splitlines()
    assert all(ERROR_LINE.fullmatch(error) for error in errors), errors
    assert [error.split(":")[0] for error in errors] == [
        "line 4, column lat",
        "line 4, column phone",
        "line 5, column trained_on",
        "line 6, column lat",
        "line 7, column trained_on",
        "line 8, column postcode",
        "line 8, column contact_email",
        "line 9, column opening_hours",
        "line 10, column ref",
    ]
    assert "« lundi-samedi 9h-19h »" in errors[7]
    assert summary == "9 error(s): nothing was changed."
    assert snapshot(app) == before


def test_a_bad_header_changes_nothing(app, runner, imported, tmp_path, today):
    before = snapshot(app)
    path = csv_file(tmp_path / "header.csv", row(today, 5))
    path.write_text(path.read_text().replace("postcode", "code_post", 1), encoding="utf-8")
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 1, column code_post: colonne inconnue « code_post »",
        "line 1, column postcode: colonne obligatoire absente",
        "2 error(s): nothing was changed.",
    ]
    assert snapshot(app) == before


def test_an_unreadable_file_is_refused_on_the_line_of_the_bad_byte(app, runner, tmp_path, today):
    path = csv_file(
        tmp_path / "latin1.csv",
        row(today, 1),  # line 2
        row(today, 2, notes="sonnez\ndeux fois"),  # lines 3-4
        row(today, 3, name="Café de la Gare"),  # line 5
    )
    # 0x81 is neither UTF-8 nor Windows-1252 (which now reads the rest).
    latin1 = path.read_text(encoding="utf-8").encode("latin-1")
    path.write_bytes(latin1.replace(b"Caf\xe9", b"Caf\x81"))
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 5, column -: le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x81 "
        "illisible) : dans Excel, choisissez Fichier › Enregistrer sous › « CSV UTF-8 "
        "(délimité par des virgules) » ou « CSV (séparateur : point-virgule) »",
        "1 error(s): nothing was changed.",
    ]
    assert snapshot(app)[1] == []


def test_only_the_first_200_errors_are_printed_then_their_number(app, runner, tmp_path, today):
    rows = [row(today, number, postcode="7700") for number in range(1, 251)]
    result = flask(runner, app, "merchants", "import", str(csv_file(tmp_path / "bad.csv", *rows)))
    assert result.exit_code == 1
    *errors, more, summary = result.output.splitlines()
    assert len(errors) == exchange.ERRORS_SHOWN == 200
    assert all(ERROR_LINE.fullmatch(error) for error in errors), errors
    assert errors[0].startswith("line 2, column postcode: ")
    assert errors[-1].startswith("line 201, column postcode: ")
    assert more == "... and 50 more error(s), not shown."
    assert summary == "250 error(s): nothing was changed."
    assert snapshot(app)[1] == []


def test_exactly_200_errors_are_all_printed_without_a_note(app, runner, tmp_path, today):
    rows = [row(today, number, postcode="7700") for number in range(1, 201)]
    result = flask(runner, app, "merchants", "import", str(csv_file(tmp_path / "bad.csv", *rows)))
    *errors, summary = result.output.splitlines()
    assert len(errors) == 200 and all(ERROR_LINE.fullmatch(error) for error in errors)
    assert summary == "200 error(s): nothing was changed."


def test_a_database_error_is_one_line_without_sql(app, runner, tmp_path, today):
    """The import writes merchants, then fails on the audit log: nothing is
    kept, and the message is the database's first line, not the statement."""
    with app.app_context():
        db.session.execute(text("DROP TABLE audit_events"))
        db.session.commit()
    path = csv_file(tmp_path / "good.csv", *(row(today, number) for number in range(1, 40)))
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("database error, nothing was changed: ")
    assert "audit_events" in line and len(line) < 300
    assert "INSERT" not in line.upper() and "SELECT" not in line.upper()
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with app.app_context():
        assert exchange.merchant_count() == 0


# More rows than PostgreSQL takes parameters in one statement (65,535).
MANY = 66_000


def test_a_file_of_more_than_65535_rows_is_planned(app, runner, tmp_path, make_merchant):
    """Looking the refs up used to be one `IN` of every ref: refused by
    PostgreSQL past 65,535 (and by SQLite past 32,766), with megabytes of SQL
    printed. The dry run does all the import does before writing."""
    pending = {"status": "pending", "trained_on": None, "phone": None, "postcode": "77000"}
    make_merchant(ref="M000001", name="Ancien nom", address="1 rue Paul Doumer", **pending)
    last = MANY - 1  # known, in the last lookup
    make_merchant(
        ref=f"M{last:06d}", name=f"Commerce {last}", address=f"{last} rue Paul Doumer", **pending
    )
    lat, lon = MELUN_TOWN_HALL
    lines = ["ref,name,category,address,postcode,lat,lon,training_status"]
    lines += [
        f"M{number:06d},Commerce {number},shop,{number} rue Paul Doumer,77000,{lat},{lon},pending"
        for number in range(MANY)
    ]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = flask(runner, app, "merchants", "import", "--dry-run", str(path))
    assert result.exit_code == 0, result.output[:2000]
    assert result.output == (
        f"dry run, nothing changed: would have created {MANY - 2}, updated 1, unchanged 1\n"
    )


def test_an_import_is_written_in_chunks_all_or_nothing(app, runner, tmp_path, today, monkeypatch):
    monkeypatch.setattr(exchange, "CHUNK_SIZE", 3)
    first = csv_file(tmp_path / "first.csv", *(row(today, number) for number in range(1, 8)))
    assert flask(runner, app, "merchants", "import", str(first)).output == (
        "created 7, updated 0, unchanged 0\n"
    )
    before = snapshot(app)
    rows = [row(today, number, name=f"Renommé {number}") for number in range(1, 8)]
    rows += [row(today, number) for number in range(8, 15)]
    with app.app_context():
        plan = exchange.plan_import(csv_file(tmp_path / "second.csv", *rows).read_bytes(), today)
        assert plan.counts == {"created": 7, "updated": 7, "unchanged": 0}
        plan.to_create[-1] = dataclasses.replace(plan.to_create[-1], ref="ANG-0001")  # taken
        with pytest.raises(IntegrityError):
            exchange.apply_import(plan)
    assert snapshot(app) == before  # the chunks written before the failure are gone too
    with app.app_context():
        assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == 7


def test_importing_a_missing_file_is_a_usage_error(app, runner, tmp_path):
    result = flask(runner, app, "merchants", "import", str(tmp_path / "absent.csv"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_stale_plan_fails_as_a_whole(app, tmp_path, today):
    """Two staff import at once: the plan made before the other import
    committed can no longer be applied, and none of it is."""
    first = csv_file(tmp_path / "a.csv", row(today, 1), row(today, 2))
    with app.app_context():
        plan = exchange.plan_import(first.read_bytes(), today)
        assert plan.counts == {"created": 2, "updated": 0, "unchanged": 0}
        other = exchange.plan_import(
            csv_file(tmp_path / "b.csv", row(today, 2)).read_bytes(), today
        )
        exchange.apply_import(other)
    before = snapshot(app)
    with app.app_context(), pytest.raises(IntegrityError):
        exchange.apply_import(plan)
    assert snapshot(app) == before  # ANG-0001 was not created either


def test_a_plan_with_errors_cannot_be_applied(app, tmp_path, today):
    path = csv_file(tmp_path / "bad.csv", row(today, 1, category="bistrot"))
    with app.app_context():
        plan = exchange.plan_import(path.read_bytes(), today)
        assert str(plan.errors[0]).startswith("line 2, column category:")
        with pytest.raises(ValueError, match="errors"):
            exchange.apply_import(plan)
    assert snapshot(app)[1] == []


# --- Dry run ---------------------------------------------------------------------------------


def test_a_dry_run_reports_what_it_would_do_and_changes_nothing(
    app, runner, imported, tmp_path, today
):
    before = snapshot(app)
    edited = csv_file(
        tmp_path / "edited.csv",
        row(today, 1, name="Renamed"),
        row(today, 2, position=DAMMARIE_TOWN_HALL, postcode="77190", phone="+33 1 64 52 00 00"),
        row(today, 3, training_status="pending", trained_on="", opening_hours=""),
        row(today, 4),
        row(today, 5),
    )
    result = flask(runner, app, "merchants", "import", "--dry-run", str(edited))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "dry run, nothing changed: would have created 2, updated 1, unchanged 2\n"
    )
    assert snapshot(app) == before
    real = flask(runner, app, "merchants", "import", str(edited))
    assert real.output == "created 2, updated 1, unchanged 2\n"


def test_a_dry_run_of_a_bad_file_reports_the_errors(app, runner, tmp_path, today):
    path = csv_file(tmp_path / "bad.csv", row(today, 1), row(today, 2, postcode="7700"))
    result = flask(runner, app, "merchants", "import", "--dry-run", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("line 3, column postcode: ")


# --- Export ------------------------------------------------------------------------------------


@pytest.fixture
def known_merchants(make_merchant) -> None:
    """The merchants of the golden export, created out of `ref` order."""
    make_merchant(
        ref="ANG-0003",
        name="Pharmacie de la Gare",
        category="pharmacy",
        address="2 place Gallieni",
        postcode="77000",
        position=MELUN_STATION,
        phone="+33164520000",
        opening_hours="Mo-Sa 09:00-19:30; PH off",
        trained_on=date(2025, 3, 14),
        trainer="CIDFF 77",
        contact_name="Mme Leroy",
        contact_email="pharmacie.gare@example.fr",
        contact_phone="+33612345678",
        last_checked_on=date(2025, 9, 30),
    )
    make_merchant(
        ref="ANG-0010",
        name="Mairie de Seine-Port",
        category="public_service",
        address="Place de l'Église",
        postcode="77240",
        position=SEINE_PORT_CHURCH,
        phone="+33164520000",
        opening_hours="Mo-Fr 08:30-12:00,13:30-17:00",
        status="suspended",
        trained_on=date(2023, 5, 20),
        contact_name="Service accueil",
        contact_email="accueil@seine-port.example.fr",
        notes="- Suspendu : changement d'équipe\n- à reformer",  # a list, not a formula
    )
    make_merchant(
        ref="ANG-0001",
        name='Bar "Le Central", Melun',
        category="bar",
        address="16 rue Paul Doumer",
        postcode="77000",
        position=MELUN_TOWN_HALL,
        phone="+33199001234",
        opening_hours="Fr-Sa 18:00-02:00",
        trained_on=date(2024, 11, 2),
        trainer="Équipe CIDFF",
        notes="Entrée côté cour.\nDemander Sarah, gérante.",
        last_checked_on=date(2024, 12, 1),
    )
    make_merchant(
        ref="ANG-0004",
        name="Le Mée Café",
        category="cafe",
        address="12, place de la Mairie",
        postcode="77350",
        position=LE_MEE_CENTRE,
        phone="+33800123456",
        opening_hours="24/7",
        status="withdrawn",
        trained_on=date(2022, 1, 10),
        trainer="CIDFF 77",
        notes="Retiré à la demande du gérant",
    )
    make_merchant(
        ref="ANG-0002",
        name="Boulangerie du Lys",
        category="bakery",
        address="1 avenue du Maréchal Foch",
        postcode="77190",
        position=DAMMARIE_TOWN_HALL,
        phone=None,
        status="pending",
        trained_on=None,
    )


def test_export_to_standard_output_gives_the_golden_bytes(app, runner, known_merchants):
    result = flask(runner, app, "merchants", "export")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (GOLDEN / "merchants_export.csv").read_bytes()


def test_export_to_a_file_gives_the_golden_bytes(app, runner, known_merchants, tmp_path):
    target = tmp_path / "out.csv"
    result = flask(runner, app, "merchants", "export", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == (GOLDEN / "merchants_export.csv").read_bytes()
    assert result.stdout == ""  # the file is the only output; the note goes to stderr
    assert result.stderr == f"exported to {target}\n"


def test_exporting_an_empty_database_gives_the_header_alone(app, runner):
    result = flask(runner, app, "merchants", "export")
    assert result.stdout == ",".join(COLUMNS) + "\n"


def test_the_golden_file_imports_into_an_empty_database_and_exports_unchanged(app, runner):
    golden = GOLDEN / "merchants_export.csv"
    result = flask(runner, app, "merchants", "import", str(golden))
    assert result.output == "created 5, updated 0, unchanged 0\n"
    assert flask(runner, app, "merchants", "export").stdout_bytes == golden.read_bytes()
    assert stored(app, "ANG-0002").commune_code == "77152"


def test_export_then_import_changes_nothing(app, runner, known_merchants, make_merchant, tmp_path):
    for place in (MELUN_STATION, LE_MEE_CENTRE, SEINE_PORT_CHURCH):
        make_merchant(position=place, notes="ligne 1\r\nligne 2", contact_email="a@example.fr")
    make_merchant(
        name="=HYPERLINK(\"http://evil.example\")", address="'=1+1", trainer="@CIDFF",
        contact_name="-", opening_hours="24/7", notes="''+ trois apostrophes\n- puis une liste",
    )  # fmt: skip
    before = snapshot(app)
    exported = tmp_path / "all.csv"
    assert flask(runner, app, "merchants", "export", str(exported)).exit_code == 0
    assert "'=HYPERLINK" in exported.read_text(encoding="utf-8")
    result = flask(runner, app, "merchants", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert result.output == "created 0, updated 0, unchanged 9\n"
    assert snapshot(app) == before


def test_no_exported_cell_starts_a_formula(app, runner, known_merchants, make_merchant):
    make_merchant(name="=1+1", notes="@SUM(A1)", contact_name="-x", trainer="\t=1")
    cells = [
        cell
        for values in csv.reader(io.StringIO(flask(runner, app, "merchants", "export").stdout))
        for cell in values
    ]
    assert "'=1+1" in cells and "'+33199001234" in cells
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []


def test_phone_numbers_are_read_with_or_without_the_protecting_quote(app, runner, tmp_path, today):
    path = csv_file(
        tmp_path / "phones.csv",
        row(today, 1, phone="'+33164520000", contact_phone="+33612345678"),
        row(today, 2, phone="+33 1 64 52 00 00", contact_phone="'+33 6 12 34 56 78"),
        row(today, 3, phone="01 64 52 00 00", contact_phone="06 12 34 56 78"),
    )
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.output == "created 3, updated 0, unchanged 0\n", result.output
    for ref in ("ANG-0001", "ANG-0002", "ANG-0003"):
        merchant = stored(app, ref)
        assert (merchant.phone, merchant.contact_phone) == ("+33164520000", "+33612345678")
    exported = flask(runner, app, "merchants", "export").stdout
    assert exported.count(",'+33164520000,") == 3  # written back in E.164, behind the quote


# --- Seed ----------------------------------------------------------------------------------------


def seed_records(today: date):
    assert SEED_FILE.exists(), f"{SEED_FILE} is missing: `make db` and `flask seed` need it"
    records, errors = parse_rows(SEED_FILE.read_text(encoding="utf-8-sig"), today)
    assert [str(error) for error in errors] == []
    return records


def test_the_seed_file_is_fictional_and_covers_the_20_communes(today):
    records = seed_records(today)
    assert {record.commune_code for record in records} == {c.code for c in territory.communes()}
    assert re.search(r"fictif|fictive|fictional", SEED_FILE.read_text(encoding="utf-8"), re.I)


def test_seed_loads_the_demo_merchants_into_an_empty_database(app, runner, today):
    records = seed_records(today)
    result = flask(runner, app, "seed")
    assert result.exit_code == 0, result.output
    assert result.output == f"Seeded {len(records)} fictional demo merchants from merchants.csv.\n"
    assert flask(runner, app, "merchants", "export").stdout.count("\n") >= len(records) + 1
    with app.app_context():
        assert exchange.merchant_count() == len(records)
        refs = set(db.session.execute(select(Merchant.ref)).scalars())
    assert refs == {record.ref for record in records}
    again = flask(runner, app, "merchants", "import", str(SEED_FILE))
    assert again.output == f"created 0, updated 0, unchanged {len(records)}\n"


def test_seed_on_a_database_with_merchants_changes_nothing(app, runner, make_merchant):
    make_merchant()
    before = snapshot(app)
    result = flask(runner, app, "seed")
    assert result.exit_code == 0, result.output
    assert result.output == "The database already holds 1 merchants: nothing seeded.\n"
    assert snapshot(app) == before


def test_seed_runs_under_the_flask_test_runner(app, runner, make_merchant):
    make_merchant()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.exception
    assert "nothing seeded" in result.output
