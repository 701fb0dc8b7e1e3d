"""`last_checked_on` ("Vérifié le"): the CSV column appended last (files
without it still import, and leave the stored dates alone), the staff action
"Coordonnées vérifiées", what the public reads, and the dashboard's list of
refuges to check."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from angela import config
from angela.core import french
from angela.core.hours import paris_today
from angela.core.merchant_csv import COLUMNS, parse_file
from angela.core.refuges import Directory, Refuge
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import AuditEvent, Merchant
from angela.services import directory, exchange, revisions
from angela.services.revisions import Watched
from tests.places import MELUN_STATION, MELUN_TOWN_HALL
from tests.test_exchange_cli import csv_file, flask, row, stored

MELUN = "77288"
OCTOBER_12 = date(2026, 10, 12)
TODAY = date(2026, 11, 29)  # for the pure parsing tests


def without_column(text: str, column: str) -> str:
    """Return the CSV text without one of its columns, as an older file has it."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    drop = rows[0].index(column)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        [cell for position, cell in enumerate(values) if position != drop] for values in rows
    )
    return out.getvalue()


# --- The CSV column --------------------------------------------------------------


def test_the_column_is_the_last_of_the_format():
    assert COLUMNS[-1] == "last_checked_on"
    assert COLUMNS[:-1][-1] == "notes"


def test_a_file_with_the_column_reads_the_date(tmp_path):
    text = csv_file(tmp_path / "a.csv", row(TODAY, 1, last_checked_on="2026-10-12")).read_bytes()
    parsed = parse_file(text, TODAY)
    assert parsed.errors == []
    assert parsed.records[0].last_checked_on == OCTOBER_12
    assert parsed.kept == frozenset()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-30", "la date 2026-11-30 est dans le futur"),
        ("2026-13-01", "« 2026-13-01 » n'est pas une date (JJ/MM/AAAA, ex. 22/11/2026)"),
        ("hier", "« hier » n'est pas une date (JJ/MM/AAAA, ex. 22/11/2026)"),
        ("12.10.2026", "« 12.10.2026 » n'est pas une date (JJ/MM/AAAA, ex. 22/11/2026)"),
    ],
)
def test_a_future_or_unreadable_date_is_refused_on_its_line_and_column(tmp_path, value, message):
    text = csv_file(
        tmp_path / "a.csv", row(TODAY, 1), row(TODAY, 2, last_checked_on=value)
    ).read_bytes()
    parsed = parse_file(text, TODAY)
    assert [str(error) for error in parsed.errors] == [f"line 3, column last_checked_on: {message}"]


def test_a_file_without_the_column_still_reads_and_says_its_dates_are_kept(tmp_path):
    text = csv_file(tmp_path / "a.csv", row(TODAY, 1)).read_text(encoding="utf-8")
    parsed = parse_file(without_column(text, "last_checked_on").encode(), TODAY)
    assert parsed.errors == []
    assert parsed.records[0].last_checked_on is None
    assert parsed.kept == {"last_checked_on"}


def test_the_cli_refuses_a_future_check_date_and_changes_nothing(app, runner, tmp_path, today):
    tomorrow = (today + timedelta(days=1)).isoformat()
    bad = csv_file(tmp_path / "bad.csv", row(today, 1), row(today, 2, last_checked_on=tomorrow))
    result = flask(runner, app, "merchants", "import", str(bad))
    assert result.exit_code == 1
    assert f"line 3, column last_checked_on: la date {tomorrow} est dans le futur" in result.output
    with app.app_context():
        assert exchange.merchant_count() == 0


@pytest.fixture
def checked_pair(make_merchant, today):
    """Two merchants, one checked on 12 October 2026 (or 40 days ago if that
    is later than today), one never checked."""
    day = min(OCTOBER_12, today - timedelta(days=40))
    make_merchant(ref="ANG-0001", last_checked_on=day)
    make_merchant(ref="ANG-0002")
    return day


def test_export_then_import_with_the_column_is_a_round_trip(app, runner, tmp_path, checked_pair):
    with app.app_context():
        exported = exchange.export_csv()
    assert exported.splitlines()[0].endswith(",notes,last_checked_on")
    assert f",{checked_pair.isoformat()}\r\n" in exported
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8", newline="")
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.output == "created 0, updated 0, unchanged 2\n"
    with app.app_context():
        assert exchange.export_csv() == exported


def test_an_old_file_without_the_column_leaves_the_check_dates_alone(
    app, runner, tmp_path, checked_pair
):
    # Why: a file made before the column existed, or by a tool that does
    # not know it, says nothing about checks; reading it as "never checked"
    # would erase every date the staff recorded, silently.
    with app.app_context():
        exported = exchange.export_csv()
    old = tmp_path / "old.csv"
    old.write_text(without_column(exported, "last_checked_on"), encoding="utf-8", newline="")
    result = flask(runner, app, "merchants", "import", str(old))
    assert result.output == "created 0, updated 0, unchanged 2\n"
    edited = old.read_text(encoding="utf-8").replace("Commerce 1,", "Commerce Un,")
    old.write_text(edited, encoding="utf-8", newline="")
    result = flask(runner, app, "merchants", "import", str(old))
    assert result.output == "created 0, updated 1, unchanged 1\n"
    assert stored(app, "ANG-0001").name == "Commerce Un"
    assert stored(app, "ANG-0001").last_checked_on == checked_pair
    assert stored(app, "ANG-0002").last_checked_on is None
    with app.app_context():
        assert exchange.export_csv() == exported.replace("Commerce 1,", "Commerce Un,")


def test_an_empty_cell_in_the_column_clears_the_date(app, runner, tmp_path, checked_pair):
    path = tmp_path / "cleared.csv"
    with app.app_context():
        exported = exchange.export_csv()
    cleared = exported.replace(f",{checked_pair.isoformat()}\r\n", ",\r\n")
    path.write_text(cleared, encoding="utf-8", newline="")
    result = flask(runner, app, "merchants", "import", str(path))
    assert result.output == "created 0, updated 1, unchanged 1\n"
    assert stored(app, "ANG-0001").last_checked_on is None


def test_a_new_merchant_from_an_old_file_is_never_checked(app, runner, tmp_path, today):
    text = csv_file(tmp_path / "a.csv", row(today, 7)).read_text(encoding="utf-8")
    path = tmp_path / "old.csv"
    path.write_text(without_column(text, "last_checked_on"), encoding="utf-8", newline="")
    assert flask(runner, app, "merchants", "import", str(path)).exit_code == 0
    assert stored(app, "ANG-0007").last_checked_on is None


def test_the_excel_export_writes_verifie_le_in_french_and_reads_back(app, checked_pair):
    with app.app_context():
        text = exchange.export_excel()
        header = text.removeprefix("\ufeff").splitlines()[0]
        assert header.endswith(";Notes internes;Vérifié le")
        assert f";{checked_pair:%d/%m/%Y}\r\n" in text
        plan = exchange.plan_import(text.encode(), paris_today())
    assert plan.errors == [] and plan.counts == {"created": 0, "updated": 0, "unchanged": 2}


def test_the_template_and_the_guide_name_the_column(staff_client):
    agent = staff_client("agent")
    template = agent.get("/staff/import/modele.csv").get_data(as_text=True)
    assert template.rstrip("\r\n").endswith(";Vérifié le")
    guide = agent.get("/staff/import/guide").get_data(as_text=True)
    assert "<code>last_checked_on</code>" in guide
    assert "sans cette colonne, les dates déjà enregistrées restent" in guide


# --- "Coordonnées vérifiées" ------------------------------------------------------


def detail(client, merchant_id: int) -> str:
    return client.get(f"/staff/merchants/{merchant_id}").get_data(as_text=True)


def check(client, merchant: Merchant, version: int | None = None):
    data = {"version": str(merchant.version if version is None else version)}
    return client.post(f"/staff/merchants/{merchant.id}/check", data=data)


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_an_agent_or_admin_confirms_the_details_today(app, staff_client, make_merchant, role):
    merchant = make_merchant()
    client = staff_client(role)
    page = detail(client, merchant.id)
    assert "Jamais vérifié" in page
    assert "Vous avez confirmé avec le commerce son adresse, ses horaires et son téléphone" in page
    with app.app_context():
        revision = revisions.read(Watched.MERCHANTS)
    response = check(client, merchant)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/merchants/{merchant.id}"
    today = paris_today()
    page = detail(client, merchant.id)
    assert f"Coordonnées vérifiées le {french.day_text(today)}." in page
    assert f"Vérifié le {french.day_text(today)}" in page
    assert "Jamais vérifié" not in page
    with app.app_context():
        after = db.session.get(Merchant, merchant.id)
        assert after.last_checked_on == today
        assert after.version == merchant.version + 1
        assert revisions.read(Watched.MERCHANTS) == revision + 1
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == AuditAction.MERCHANT_CHECK)
        ).scalar_one()
        assert event.merchant_id == merchant.id
        assert event.changes == {"last_checked_on": {"before": None, "after": today.isoformat()}}


def test_the_public_sees_the_check_at_once(staff_client, client, make_merchant):
    merchant = make_merchant(opening_hours="24/7")
    assert "Vérifié le" not in client.get(f"/refuges/{merchant.id}").get_data(as_text=True)
    assert check(staff_client("agent"), merchant).status_code == 302
    words = french.checked_text(paris_today())
    assert words in client.get(f"/refuges/{merchant.id}").get_data(as_text=True)
    api = client.get(f"/api/v1/refuges/{merchant.id}").get_json()
    assert api["last_checked_on"] == paris_today().isoformat()


def test_a_check_on_a_stale_page_changes_nothing(app, staff_client, make_merchant):
    merchant = make_merchant()
    client = staff_client("agent")
    response = check(client, merchant, version=merchant.version - 1)
    assert response.status_code == 302
    page = detail(client, merchant.id)
    assert "Ce commerçant a été modifié entre-temps" in page
    assert "Jamais vérifié" in page
    with app.app_context():
        assert db.session.get(Merchant, merchant.id).last_checked_on is None
        checks = select(AuditEvent).where(AuditEvent.action == AuditAction.MERCHANT_CHECK)
        assert db.session.execute(checks).first() is None


@pytest.mark.parametrize("version", ["", "abc", "1" * 12])
def test_a_check_without_a_readable_version_changes_nothing(
    app, staff_client, make_merchant, version
):
    merchant = make_merchant()
    client = staff_client("agent")
    response = client.post(f"/staff/merchants/{merchant.id}/check", data={"version": version})
    assert response.status_code == 302
    assert "formulaire est incomplet ou trop ancien" in detail(client, merchant.id)
    with app.app_context():
        assert db.session.get(Merchant, merchant.id).last_checked_on is None


def test_checking_an_unknown_merchant_is_a_404(staff_client):
    response = staff_client("agent").post("/staff/merchants/999/check", data={"version": "1"})
    assert response.status_code == 404


def test_a_viewer_may_read_the_date_but_not_check(app, staff_client, make_merchant):
    merchant = make_merchant(last_checked_on=OCTOBER_12)
    viewer = staff_client("viewer")
    page = detail(viewer, merchant.id)
    assert "Vérifié le 12 octobre 2026" in page
    assert "/check" not in page
    assert check(viewer, merchant).status_code == 403
    with app.app_context():
        assert db.session.get(Merchant, merchant.id).last_checked_on == OCTOBER_12


def test_an_anonymous_visitor_is_sent_to_the_login(app, client, make_merchant):
    app.config["WTF_CSRF_ENABLED"] = False  # as the URL-map walk: the role check alone
    merchant = make_merchant()
    response = check(client, merchant)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_the_check_needs_the_csrf_token(app, staff_client, make_merchant):
    merchant = make_merchant()
    client = staff_client("agent")
    app.config["WTF_CSRF_ENABLED"] = True
    assert check(client, merchant).status_code == 400
    page = detail(client, merchant.id)
    form = re.search(r'action="/staff/merchants/\d+/check".*?</form>', page, re.S).group()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"csrf_token": token, "version": str(merchant.version)}
    response = client.post(f"/staff/merchants/{merchant.id}/check", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Merchant, merchant.id).last_checked_on == paris_today()


def test_the_route_is_in_the_url_map_the_role_walks_cover(app):
    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}
    rule = rules["/staff/merchants/<int:merchant_id>/check"]
    assert rule.methods - {"HEAD", "OPTIONS"} == {"POST"}


def test_editing_the_form_keeps_the_check_date(app, staff_client, make_merchant):
    merchant = make_merchant(last_checked_on=OCTOBER_12)
    client = staff_client("agent")
    form = {
        "ref": merchant.ref, "name": "Nouveau nom", "category": "shop",
        "address": merchant.address, "postcode": "77000",
        "lat": f"{merchant.lat:.6f}", "lon": f"{merchant.lon:.6f}", "citycode": MELUN,
        "training_status": "trained", "trained_on": merchant.trained_on.isoformat(),
        "hours_source": "text", "opening_hours": "", "version": str(merchant.version),
    }  # fmt: skip
    response = client.post(f"/staff/merchants/{merchant.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        after = db.session.get(Merchant, merchant.id)
        assert (after.name, after.last_checked_on) == ("Nouveau nom", OCTOBER_12)


# --- What the public reads -----------------------------------------------------------


def test_cards_and_refuge_pages_say_when_it_was_checked(client, make_merchant):
    checked = make_merchant(name="Vérifié", opening_hours="24/7", last_checked_on=OCTOBER_12)
    never = make_merchant(name="Jamais", position=MELUN_STATION, opening_hours="24/7")
    page = client.get(f"/refuges/{checked.id}").get_data(as_text=True)
    assert '<p class="card-checked" data-field="checked">Vérifié le 12 octobre 2026</p>' in page
    assert "Vérifié le" not in client.get(f"/refuges/{never.id}").get_data(as_text=True)
    listing = client.get("/", query_string={"commune": MELUN}).get_data(as_text=True)
    assert listing.count("Vérifié le 12 octobre 2026") == 1
    first_day = make_merchant(name="Premier", last_checked_on=date(2026, 10, 1))
    assert "Vérifié le 1er octobre 2026" in client.get(f"/refuges/{first_day.id}").text


def test_the_api_and_the_device_snapshot_carry_the_date(client, make_merchant):
    checked = make_merchant(last_checked_on=OCTOBER_12)
    never = make_merchant(position=MELUN_STATION)
    assert client.get(f"/api/v1/refuges/{checked.id}").get_json()["last_checked_on"] == (
        "2026-10-12"
    )
    assert client.get(f"/api/v1/refuges/{never.id}").get_json()["last_checked_on"] is None
    features = client.get("/api/v1/refuges").get_json()["features"]
    assert {f["id"]: f["properties"]["last_checked_on"] for f in features} == {
        checked.id: "2026-10-12",
        never.id: None,
    }
    refuges = client.get("/api/v1/refuges/snapshot").get_json()["refuges"]
    assert {r["id"]: r["last_checked_on"] for r in refuges} == {
        checked.id: "2026-10-12",
        never.id: None,
    }
    nearest = client.get(
        "/api/v1/refuges/nearest",
        query_string={"lat": MELUN_TOWN_HALL[0], "lon": MELUN_TOWN_HALL[1]},
    ).get_json()["refuges"]
    assert {r["id"]: r["last_checked_on"] for r in nearest}[checked.id] == "2026-10-12"


def test_a_hidden_merchants_check_date_is_nowhere_public(client, make_merchant):
    hidden = make_merchant(status="suspended", last_checked_on=OCTOBER_12)
    assert client.get(f"/api/v1/refuges/{hidden.id}").status_code == 404
    assert "2026-10-12" not in client.get("/api/v1/refuges/snapshot").get_data(as_text=True)


# --- The dashboard and the list ------------------------------------------------------


@pytest.fixture
def to_check(make_merchant, today):
    """Public refuges checked long ago, never, lately; a hidden one never checked."""

    def ago(months: int) -> date:
        return today - relativedelta(months=months)

    return {
        "old": make_merchant(name="Vu il y a 8 mois", last_checked_on=ago(8)),
        "older": make_merchant(name="Vu il y a 13 mois", last_checked_on=ago(13)),
        "never": make_merchant(name="Jamais vu"),
        "recent": make_merchant(name="Vu il y a 2 mois", last_checked_on=ago(2)),
        "hidden": make_merchant(name="Suspendu jamais vu", status="suspended"),
    }


def listed(html: str) -> list[str]:
    section = html[html.index('id="checks-title"') :]
    return re.findall(r'<a href="/staff/merchants/\d+">([^<]+)</a>', section)


def test_the_dashboard_lists_refuges_not_checked_for_six_months_oldest_first(
    staff_client, to_check
):
    html = staff_client("viewer").get("/staff/").get_data(as_text=True)
    assert "Coordonnées à vérifier" in html
    assert "depuis 6&nbsp;mois" in html
    assert listed(html) == ["Jamais vu", "Vu il y a 13 mois", "Vu il y a 8 mois"]
    assert "jamais</span>" in html
    assert 'href="/staff/merchants?training=unchecked"' in html


def test_the_months_come_from_the_setting(app, staff_client, to_check):
    app.config["CHECK_EVERY_MONTHS"] = 12
    html = staff_client("viewer").get("/staff/").get_data(as_text=True)
    assert "depuis 12&nbsp;mois" in html
    assert listed(html) == ["Jamais vu", "Vu il y a 13 mois"]
    app.config["CHECK_EVERY_MONTHS"] = 1
    html = staff_client("viewer").get("/staff/").get_data(as_text=True)
    assert listed(html)[-1] == "Vu il y a 2 mois"


def test_the_dashboard_says_when_nothing_is_due(staff_client, make_merchant, today):
    make_merchant(last_checked_on=today)
    html = staff_client("viewer").get("/staff/").get_data(as_text=True)
    assert "Tous les refuges visibles ont été vérifiés depuis moins de 6&nbsp;mois." in html


def test_the_merchant_list_filters_the_refuges_to_check(staff_client, to_check):
    html = staff_client("viewer").get("/staff/merchants?training=unchecked").get_data(as_text=True)
    for key in ("old", "older", "never"):
        assert to_check[key].name in html
    for key in ("recent", "hidden"):
        assert to_check[key].name not in html
    assert '<option value="unchecked" selected>Coordonnées à vérifier</option>' in html


def test_the_setting_is_read_from_the_environment(tmp_path):
    environ = {"ANGELA_ENV": "development", "ANGELA_CHECK_EVERY_MONTHS": "3"}
    assert config.from_environment(str(tmp_path), environ)["CHECK_EVERY_MONTHS"] == 3
    default = config.from_environment(str(tmp_path), {"ANGELA_ENV": "development"})
    assert default["CHECK_EVERY_MONTHS"] == 6
    for bad in ("0", "six"):
        environ["ANGELA_CHECK_EVERY_MONTHS"] = bad
        with pytest.raises(config.ConfigurationError, match="ANGELA_CHECK_EVERY_MONTHS"):
            config.from_environment(str(tmp_path), environ)


def test_the_public_copy_on_disk_keeps_the_check_date():
    # The copy a process serves while the database is down is JSON: the
    # date goes as ISO text and comes back a date.
    refuges = [
        Refuge(1, "Vu", "shop", "1 rue", "77000", MELUN, 48.5, 2.6, None, None, OCTOBER_12),
        Refuge(2, "Jamais", "shop", "2 rue", "77000", MELUN, 48.5, 2.6, None, None),
    ]
    key = (3, TODAY)
    written = json.loads(json.dumps(directory._to_disk(key, Directory(list(refuges), 3, TODAY))))
    assert [row[-1] for row in written["refuges"]] == ["2026-10-12", None]
    assert directory._from_disk(written)[1].refuges == refuges
