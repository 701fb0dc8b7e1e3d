"""CSV import and export in the staff face: preview, confirm, all-or-nothing,
the same import as the command line, every change in the audit log."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from angela.core.merchant_csv import COLUMNS
from angela.extensions import db
from angela.models import AuditEvent, Merchant
from angela.services import exchange
from tests.places import DAMMARIE_TOWN_HALL, MELUN_STATION


def csv_text(*rows: dict[str, object]) -> bytes:
    lines = [",".join(COLUMNS)]
    for row in rows:
        lines.append(",".join(str(row.get(column, "")) for column in COLUMNS))
    return ("\n".join(lines) + "\n").encode()


def row(ref, name, position, today, **extra):
    values = {
        "ref": ref,
        "name": name,
        "category": "cafe",
        "address": "1 place Saint-Jean",
        "postcode": "77000",
        "lat": position[0],
        "lon": position[1],
        "training_status": "trained",
        "trained_on": today.isoformat(),
    }
    values.update(extra)
    return values


def upload(client, data: bytes, name="commercants.csv"):
    return client.post(
        "/staff/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def confirm_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(upload|created|updated)"[^>]*value="(\d+)"', page))


def count(app, model=Merchant):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_preview_then_confirm_imports_in_one_go(app, staff_client, today, make_merchant):
    make_merchant(ref="ANG-0001", name="Ancien nom", position=MELUN_STATION)
    agent = staff_client("agent")
    data = csv_text(
        row("ANG-0001", "Nouveau nom", MELUN_STATION, today),
        row("ANG-0002", "Le Bistrot", DAMMARIE_TOWN_HALL, today, notes="privé"),
    )
    preview = upload(agent, data)
    assert preview.status_code == 200
    assert (
        "<strong>1</strong> à créer" in preview.text
        and "<strong>1</strong> à modifier" in preview.text
    )
    assert count(app) == 1  # nothing yet
    done = agent.post("/staff/import/confirm", data=confirm_fields(preview.text))
    assert done.status_code == 302
    assert count(app) == 2
    with app.app_context():
        audit = db.session.execute(
            select(AuditEvent.action, AuditEvent.changes)
            .where(AuditEvent.merchant_id.is_not(None))
            .order_by(AuditEvent.id)
        ).all()
    assert [action for action, _ in audit] == ["import_create", "import_update"]
    assert audit[0][1]["notes"] == {"before": None, "after": "privé"}
    assert audit[1][1]["name"] == {"before": "Ancien nom", "after": "Nouveau nom"}


def test_a_file_with_errors_changes_nothing_and_lists_them(app, staff_client, today):
    agent = staff_client("agent")
    data = csv_text(
        row("ANG-0001", "Bon", MELUN_STATION, today),
        row("ANG-0002", "Mauvais", MELUN_STATION, today, phone="123"),
        row("ANG-0003", "Loin", (48.40232, 2.70028), today),
    )
    preview = upload(agent, data)
    assert preview.status_code == 422
    assert "2 erreur(s)" in preview.text and "rien ne sera importé" in preview.text
    assert '<td class="num">3</td>' in preview.text and '<td class="num">4</td>' in preview.text
    assert "Confirmer" not in preview.text
    assert count(app) == 0


def test_confirming_after_the_data_changed_shows_a_new_preview(
    app, staff_client, today, make_merchant
):
    agent = staff_client("agent")
    preview = upload(agent, csv_text(row("ANG-0001", "Le Bistrot", MELUN_STATION, today)))
    make_merchant(ref="ANG-0001", name="Autre", position=DAMMARIE_TOWN_HALL)
    again = agent.post("/staff/import/confirm", data=confirm_fields(preview.text))
    assert again.status_code == 409 and "nouvel aperçu" in again.text
    assert count(app) == 1


def test_an_upload_belongs_to_its_owner(app, staff_client, today):
    preview = upload(staff_client("agent"), csv_text(row("ANG-0001", "X", MELUN_STATION, today)))
    other = staff_client("agent").post("/staff/import/confirm", data=confirm_fields(preview.text))
    assert other.status_code == 302 and other.headers["Location"].endswith("/staff/import")
    assert count(app) == 0


def test_uploads_over_the_cap_are_refused(app, staff_client):
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # a small body: the test client keeps it in memory
    response = upload(staff_client("agent"), b"ref\n" + b"x" * 20_000)
    assert response.status_code == 413
    assert "dépasse 2 Mo" in response.text


def test_export_downloads_the_same_csv_as_the_cli(app, staff_client, make_merchant):
    make_merchant(notes="à garder", position=MELUN_STATION)
    response = staff_client("agent").get("/staff/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        assert response.text == exchange.export_csv()
    assert "à garder" in response.text


def test_cli_import_is_audited_without_an_author(app, runner, today, tmp_path):
    path = str(tmp_path / "import.csv")
    with open(path, "wb") as file:
        file.write(csv_text(row("ANG-0009", "Cli", MELUN_STATION, today)))
    result = runner.invoke(args=["merchants", "import", path])
    assert result.output.strip() == "created 1, updated 0, unchanged 0"
    with app.app_context():
        event = db.session.execute(select(AuditEvent)).scalar_one()
    assert event.action == "import_create" and event.actor_id is None


def test_the_export_keeps_formulas_from_spreadsheets(app, staff_client, make_merchant):
    make_merchant(name='=HYPERLINK("http://evil.example","Cliquez")', notes="@SUM(A1)")
    text = staff_client("agent").get("/staff/export.csv").text
    line = text.splitlines()[1]
    assert line.startswith('ANG-0001,"\'=HYPERLINK(""http://evil.example"",')
    # Never checked: the last column, `last_checked_on`, is empty.
    assert ",'+33199001234," in line and line.endswith(",'@SUM(A1),")


def bad_rows(today, count: int) -> bytes:
    """`count` rows with four errors each: an unknown category, a bad
    postcode, no training date, a bad e-mail."""
    return csv_text(
        *(
            row(f"ANG-{number:05d}", "Mauvais", MELUN_STATION, today,
                category="bistrot", postcode="7700", trained_on="", contact_email="x")
            for number in range(1, count + 1)
        )
    )  # fmt: skip


def test_the_preview_lists_the_first_200_errors_and_counts_the_rest(app, staff_client, today):
    preview = upload(staff_client("agent"), bad_rows(today, 60))
    assert preview.status_code == 422
    assert "240 erreur(s) : rien ne sera importé" in preview.text
    assert preview.text.count('<td class="num">') == 200
    assert '<td class="num">51</td>' in preview.text  # the 4 errors of the 50th row
    assert '<td class="num">52</td>' not in preview.text
    assert "et 40 autres erreurs" in preview.text
    assert count(app) == 0


def test_a_large_file_of_bad_rows_gives_a_small_page(app, staff_client, today):
    data = bad_rows(today, 15_000)
    assert len(data) > 1_000_000
    # Encoded here: the test client would spool this body to a file it never closes.
    boundary = "----angela-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="commercants.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    preview = staff_client("agent").post(
        "/staff/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert preview.status_code == 422
    assert "60000 erreur(s)" in preview.text and "et 59800 autres erreurs" in preview.text
    assert len(preview.data) < 150_000


def test_an_unreadable_upload_names_the_line_of_the_bad_byte(app, staff_client, today):
    data = (
        csv_text(
            row("ANG-0001", "Bon", MELUN_STATION, today),
            row("ANG-0002", "Café", MELUN_STATION, today),
        )
        .decode()
        .encode("latin-1")
        .replace(b"Caf\xe9", b"Caf\x81")  # 0x81: neither UTF-8 nor Windows-1252
    )
    preview = upload(staff_client("agent"), data)
    assert preview.status_code == 422
    assert '<td class="num">3</td>' in preview.text
    assert "ni en UTF-8 ni en Windows-1252" in preview.text
