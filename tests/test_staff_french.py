"""What staff read is French: dates, times, phone numbers, communes and
codes in the history and the audit log; the last status change on the
merchant page for every role; suspend and withdraw explained; messages
that agree whatever the name."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from angela.core import french
from angela.core.hours import PARIS
from angela.extensions import db
from angela.models import Merchant, User
from angela.services import accounts, audit, exchange
from tests.places import MELUN_STATION

# --- the formats --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 22), "22 novembre 2026"),
        (date(2026, 12, 1), "1er décembre 2026"),
        (date(2027, 2, 2), "2 février 2027"),
        (date(2026, 8, 31), "31 août 2026"),
    ],
)
def test_a_day_is_written_in_words(day, expected):
    assert french.day_text(day) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 22, 14, 5), "22 novembre 2026 à 14 h 05"),
        (datetime(2026, 11, 1, 9, 0), "1er novembre 2026 à 9 h"),
        (datetime(2026, 11, 22, 0, 30), "22 novembre 2026 à 0 h 30"),
    ],
)
def test_a_moment_is_a_day_and_a_time(moment, expected):
    assert french.moment_text(moment) == expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("training_status", "trained", "Formé"),
        ("training_status", "suspended", "Suspendu"),
        ("training_status", "withdrawn", "Retiré"),
        ("training_status", "pending", "Formation à venir"),
        ("category", "bakery", "Boulangerie"),
        ("category", "public_service", "Service public"),
        ("role", "viewer", "Lecture seule"),
        ("role", "admin", "Administrateur"),
        ("commune_code", "77288", "Melun"),
        ("commune_code", "77152", "Dammarie-lès-Lys"),
        ("trained_on", "2026-11-22", "22 novembre 2026"),
        ("trained_on", "2026-12-01", "1er décembre 2026"),
        ("phone", "+33164390000", "01 64 39 00 00"),
        ("contact_phone", "+33612345678", "06 12 34 56 78"),
        ("lat", 48.5391, "48,539100"),
        ("active", True, "oui"),
        ("mfa", False, "non"),
        ("notes", None, "—"),
        ("trainer", "", "—"),
        ("name", "Bar-Tabac", "Bar-Tabac"),
        ("position", 3, "3"),
        # What no vocabulary knows is shown as stored rather than lost.
        ("category", "cantine", "cantine"),
        ("trained_on", "pas une date", "pas une date"),
        ("phone", "n'importe quoi", "n'importe quoi"),
    ],
)
def test_stored_values_are_shown_in_french(name, value, expected):
    assert french.field_value_text(name, value) == expected


# --- the pages ----------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text a person sees: no attribute, no script, no style."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


# What the log stores and no person should read.
RAW = [
    re.compile(r"\btrained\b"),
    re.compile(r"\bsuspended\b"),
    re.compile(r"\bbakery\b"),
    re.compile(r"\bviewer\b"),
    re.compile(r"\d{4}-\d{2}-\d{2}"),  # ISO date
    re.compile(r"\d{2}/\d{2}/\d{4}"),  # the numeric date the log used to show
    re.compile(r"\+33\d"),  # E.164
    re.compile(r"\b77288\b"),  # INSEE code
    re.compile(r"\b\d{2}:\d{2}\b"),  # a clock time without « h »
]
CSV = (
    "ref,name,category,address,postcode,lat,lon,phone,opening_hours,training_status,"
    "trained_on,trainer,contact_name,contact_email,contact_phone,notes\r\n"
    "ANG-0100,Boulangerie du Marché,bakery,16 rue Paul Doumer,77000,{lat},{lon},"
    "01 64 39 00 00,,trained,{day},Claire,Mme Martin,martin@example.fr,06 12 34 56 78,"
    "Note privée\r\n"
)


@pytest.fixture
def history(app, staff_client, today):
    """A merchant imported (every field), trained again and suspended by an
    agent, and an account whose role an admin changed; return the merchant's id."""
    trained_on = today - timedelta(days=10)
    data = CSV.format(lat=MELUN_STATION[0], lon=MELUN_STATION[1], day=trained_on.isoformat())
    with app.app_context():
        exchange.apply_import(exchange.plan_import(data.encode(), today), actor=None)
        merchant = db.session.execute(select(Merchant)).scalar_one()
        merchant_id, version = merchant.id, merchant.version
        viewer = accounts.create_user("lecteur@cidff77.example", "x" * 16, "viewer", None)
        accounts.update_user(viewer.id, "agent", True, actor=None)
    agent = staff_client("agent")
    agent.post(
        f"/staff/merchants/{merchant_id}/training",
        data={"trained_on": today.isoformat(), "trainer": "Nadia", "version": str(version)},
    )
    suspended = agent.post(
        f"/staff/merchants/{merchant_id}/status/suspend",
        data={"reason": "Plainte reçue", "version": str(version + 1)},
        follow_redirects=True,
    )
    assert "Le lieu « Boulangerie du Marché » est suspendu." in suspended.text
    return merchant_id


@pytest.mark.parametrize("page", ["/staff/admin/audit", "/staff/merchants/{id}"])
def test_history_and_audit_show_no_raw_value(staff_client, history, today, page):
    html = staff_client("admin").get(page.format(id=history)).text
    text = visible(html)
    assert "Historique" in text or "Journal des modifications" in text
    for raw in RAW:
        assert not raw.search(text), (raw.pattern, raw.search(text))
    expected = [
        "Formé → Suspendu", "Boulangerie", "01 64 39 00 00", "06 12 34 56 78", "Melun",
        "Commune", "Statut de formation", "Motif : Plainte reçue",
        french.day_text(today - timedelta(days=10)), french.day_text(today),
    ]  # fmt: skip
    if "audit" in page:  # the account whose role changed
        expected += ["Rôle", "Lecture seule", "Agent"]
    for words in expected:
        assert words in text, words


def test_the_log_times_are_paris_times_in_words(app, staff_client, make_merchant):
    merchant = make_merchant()
    with app.app_context():
        event = audit.record(audit.AuditAction.MERCHANT_SUSPEND, None, changes={}, reason="x")
        event.merchant_id = merchant.id
        event.at = datetime(2026, 11, 22, 13, 5, tzinfo=UTC)  # 14 h 05 in Paris
        db.session.commit()
    page = staff_client("admin").get("/staff/admin/audit").text
    assert "22 novembre 2026 à 14 h 05" in page
    assert 'datetime="2026-11-22T14:05:00+01:00"' in page


@pytest.mark.parametrize("role", ["viewer", "agent", "admin"])
def test_every_role_sees_the_last_status_change(staff_client, history, today, role):
    text = visible(staff_client(role).get(f"/staff/merchants/{history}").text)
    assert "Dernier changement de statut" in text
    assert f"Formé → Suspendu le {french.day_text(today)} à" in text
    assert "par agent" in text and "Motif : Plainte reçue" in text
    if role != "admin":
        # The full history (contacts, notes, trainers) stays with admins.
        assert "Historique" not in text
    if role == "viewer":
        for private in ("Mme Martin", "martin@example.fr", "Note privée", "Nadia", "Claire"):
            assert private not in text


def test_a_registration_counts_as_the_first_status(app, staff_client, today):
    data = CSV.format(lat=MELUN_STATION[0], lon=MELUN_STATION[1], day=today.isoformat())
    with app.app_context():
        exchange.apply_import(exchange.plan_import(data.encode(), today), actor=None)
        merchant_id = db.session.execute(select(Merchant.id)).scalar_one()
    text = visible(staff_client("viewer").get(f"/staff/merchants/{merchant_id}").text)
    assert f"Formé dès l'enregistrement, le {french.day_text(today)} à" in text
    assert "par la ligne de commande" in text


def test_without_a_logged_change_no_last_change_is_invented(staff_client, make_merchant):
    merchant = make_merchant(status="suspended")
    text = visible(staff_client("viewer").get(f"/staff/merchants/{merchant.id}").text)
    assert "Suspendu" in text and "Dernier changement de statut" not in text


def test_suspending_and_withdrawing_are_explained_where_chosen(staff_client, make_merchant):
    merchant = make_merchant()
    html = staff_client("agent").get(f"/staff/merchants/{merchant.id}").text
    text = visible(html)
    assert "Temporaire : le lieu n'est plus montré au public" in text
    assert "pourra être rétabli" in text
    assert "Le lieu quitte le dispositif" in text
    for action in ("suspend", "withdraw"):
        assert f'aria-describedby="hint-{action}"' in html and f'id="hint-{action}"' in html


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("suspend", "trained", "Le lieu « Pharmacie des Remparts » est suspendu."),
        ("withdraw", "trained", "Le lieu « Pharmacie des Remparts » est retiré du dispositif."),
        ("reinstate", "suspended", "Le lieu « Pharmacie des Remparts » est rétabli."),
    ],
)
def test_status_messages_agree_whatever_the_name(
    staff_client, make_merchant, action, status, message
):
    merchant = make_merchant(name="Pharmacie des Remparts", status=status)
    page = staff_client("agent").post(
        f"/staff/merchants/{merchant.id}/status/{action}",
        data={"reason": "Vérifié", "version": str(merchant.version)},
        follow_redirects=True,
    )
    assert message in page.text


def test_account_dates_are_in_words(app, staff_client):
    admin = staff_client("admin")
    with app.app_context():
        created = db.session.execute(select(User.created_at)).scalars().first()
    local = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(PARIS)
    assert f"créé le {french.moment_text(local)}" in admin.get("/staff/admin/users").text


def test_a_recorded_training_says_its_day_in_words(staff_client, make_merchant, today):
    merchant = make_merchant(trainer="Claire")
    day = today - timedelta(days=3)
    page = staff_client("agent").post(
        f"/staff/merchants/{merchant.id}/training",
        data={"trained_on": day.isoformat(), "trainer": "Claire", "version": merchant.version},
        follow_redirects=True,
    )
    assert f"Formation du {french.day_text(day)} enregistrée." in page.text


def test_the_merchant_page_reads_its_hours_in_french(staff_client, make_merchant):
    merchant = make_merchant(opening_hours="Tu-Sa 07:00-19:30; PH off")
    text = visible(staff_client("viewer").get(f"/staff/merchants/{merchant.id}").text)
    assert "Du mardi au samedi de 7 h à 19 h 30" in text
    assert "Enregistrés sous la forme Tu-Sa 07:00-19:30; PH off" in text
    bare = make_merchant(opening_hours=None)
    assert "non renseignés" in visible(
        staff_client("viewer").get(f"/staff/merchants/{bare.id}").text
    )
