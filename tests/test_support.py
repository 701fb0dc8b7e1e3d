"""The support services after the danger: the completeness rule, the staff
use-cases and pages (roles, CSRF, optimistic locking, audit), the public
section ("Après : être accompagné·e", 3919 always first) and the five names
the migration seeds."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import flask_migrate
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from angela import create_app
from angela.core import support as rules
from angela.core.support import SupportRecord
from angela.extensions import db
from angela.models import AuditEvent, SupportService, User
from angela.services import revisions, support
from angela.services.revisions import Watched

SEEDED = [
    "Paroles de Femmes – Le Relais",
    "AVIMEJ",
    "ACJUSE",
    "CIDFF",
    "Intervenante sociale du commissariat de Melun",
]
LISTENING_LINE = "3919 — Violences Femmes Info : écoute anonyme et gratuite, 24 h/24, 7 j/7"
COMPLETE: dict[str, Any] = {
    "name": "Association d'aide aux victimes",
    "services": "Écoute, accompagnement juridique et aide aux démarches.",
    "phone": "+33164000001",
    "address": "2 rue du Palais de Justice",
    "postcode": "77000",
    "hours": "du lundi au vendredi, 9 h – 17 h 30",
    "languages": "français, anglais, arabe",
    "notes": "Contact interne : Mme Secret, 06 00 00 00 00",
}


def form(**overrides: str) -> dict[str, str]:
    """The staff form as a person fills it in, complete unless overridden."""
    values = {**COMPLETE, "phone": "01 64 00 00 01", "position": "1", "version": ""}
    values.update(overrides)
    return values


def page_text(response) -> str:
    """The page as a person reads it: tags removed, entities and spaces plain."""
    words = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", unescape(words).replace("\xa0", " "))


@pytest.fixture
def make_service(app):
    """Create and commit a service (complete unless overridden); return its id."""

    def make(**overrides: Any) -> int:
        with app.app_context():
            service = SupportService(**{**COMPLETE, **overrides})
            db.session.add(service)
            db.session.commit()
            return service.id

    return make


def stored(app, service_id: int) -> SupportService | None:
    with app.app_context():
        service = db.session.get(SupportService, service_id)
        if service is not None:
            db.session.expunge(service)
        return service


def audit_events(app) -> list[tuple[str, int | None, dict[str, Any]]]:
    with app.app_context():
        found = db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.action.like("support_%"))
            .order_by(AuditEvent.id)
        ).scalars()  # fmt: skip
        return [(event.action, event.support_service_id, event.changes) for event in found]


# --- the completeness rule (pure) ---------------------------------------------


@pytest.mark.parametrize("field", rules.PUBLIC_FIELDS)
def test_a_service_lacking_any_public_field_is_not_public(field):
    record = SupportRecord(**{**COMPLETE, field: "  " if field != "name" else ""})
    assert rules.missing(record) == [rules.LABELS[field]]
    assert rules.public_view(record) is None


def test_the_public_view_carries_the_public_fields_only():
    view = rules.public_view(SupportRecord(**COMPLETE))
    assert view is not None
    assert view.phone == "+33164000001" and view.phone_text == "01 64 00 00 01"
    assert "Mme Secret" not in repr(view)
    assert not hasattr(view, "notes") and not hasattr(view, "position")


def test_an_empty_record_lacks_every_public_field_in_form_order():
    assert rules.missing(SupportRecord(name="CIDFF")) == [
        "Accompagnement proposé", "Téléphone", "Adresse", "Code postal",
        "Horaires d'accueil", "Langues parlées",
    ]  # fmt: skip


# --- the service layer ----------------------------------------------------------


def _actor(app, make_user, role: str = "agent") -> User:
    email = make_user(role)
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_create_update_delete_are_audited_and_move_the_revision(app, make_user):
    with app.app_context():
        actor = _actor(app, make_user)
        service = support.create(SupportRecord(name="AVIMEJ"), actor)
        service_id, version = service.id, service.version
        support.update(service_id, version, SupportRecord(**COMPLETE), actor)
        support.delete(service_id, version + 1, actor)
        assert revisions.read(Watched.SUPPORT) == 3
        assert db.session.get(SupportService, service_id) is None
    [created, updated, deleted] = audit_events(app)
    assert created[:2] == ("support_create", None)  # the service is gone: SET NULL
    assert created[2]["name"] == {"before": None, "after": "AVIMEJ"}
    assert updated[0] == "support_update"
    assert updated[2]["name"] == {"before": "AVIMEJ", "after": COMPLETE["name"]}
    assert updated[2]["languages"]["after"] == "français, anglais, arabe"
    assert deleted[0] == "support_delete"
    assert deleted[2]["name"] == {"before": COMPLETE["name"], "after": None}
    assert deleted[2]["notes"]["before"] == COMPLETE["notes"]


def test_an_update_from_an_old_version_is_refused_and_changes_nothing(app, make_user):
    with app.app_context():
        actor = _actor(app, make_user)
        service = support.create(SupportRecord(name="ACJUSE"), actor)
        support.update(service.id, 1, SupportRecord(name="ACJUSE", phone="+33164000002"), actor)
        with pytest.raises(support.EditConflict) as conflict:
            support.update(service.id, 1, SupportRecord(name="ACJUSE", address="ailleurs"), actor)
        assert conflict.value.service is not None and conflict.value.service.version == 2
        with pytest.raises(support.EditConflict):
            support.delete(service.id, 1, actor)
    kept = stored(app, service.id)
    assert kept is not None and kept.address is None and kept.phone == "+33164000002"
    assert [action for action, *_ in audit_events(app)] == ["support_create", "support_update"]


def test_a_name_is_taken_whatever_its_case(app, make_user):
    with app.app_context():
        actor = _actor(app, make_user)
        support.create(SupportRecord(name="CIDFF"), actor)
        with pytest.raises(support.SupportError, match="s'appelle déjà"):
            support.create(SupportRecord(name="cidff"), actor)


# --- the staff pages --------------------------------------------------------------

STAFF_URLS = [
    ("GET", "/staff/support/"),
    ("GET", "/staff/support/new"),
    ("POST", "/staff/support/new"),
    ("GET", "/staff/support/{id}/edit"),
    ("POST", "/staff/support/{id}/edit"),
    ("GET", "/staff/support/{id}/delete"),
    ("POST", "/staff/support/{id}/delete"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_URLS)
def test_anonymous_visitors_are_sent_to_the_login(app, client, make_service, method, url):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.open(url.format(id=make_service()), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize(("method", "url"), STAFF_URLS[1:])
def test_a_viewer_reads_the_list_but_changes_nothing(app, staff_client, make_service, method, url):
    service_id = make_service()
    viewer = staff_client("viewer")
    assert viewer.get("/staff/support/").status_code == 200
    response = viewer.open(url.format(id=service_id), method=method, data=form())
    assert response.status_code == 403
    assert "Accès refusé" in response.text
    assert stored(app, service_id) is not None and audit_events(app) == []


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_agents_and_admins_add_a_service(app, staff_client, role):
    response = staff_client(role).post("/staff/support/new", data=form())
    assert response.status_code == 302, response.text
    with app.app_context():
        service = db.session.execute(select(SupportService)).scalar_one()
        assert service.phone == "+33164000001" and service.version == 1
    [(action, service_id, _changes)] = audit_events(app)
    assert action == "support_create" and service_id == service.id


def test_an_incomplete_service_is_listed_with_what_it_lacks(app, staff_client, make_service):
    make_service(name="AVIMEJ", phone=None, address=None)
    make_service(name="CIDFF")
    agent = staff_client("agent")
    listing = page_text(agent.get("/staff/support/"))
    assert "Incomplet : manque téléphone, adresse." in listing
    assert listing.count("Visible au public") == 1
    saved = agent.post("/staff/support/new", data=form(name="ACJUSE", hours="", languages=""))
    followed = page_text(agent.get(saved.headers["Location"]))
    assert "invisible au public : manque horaires d'accueil, langues parlées" in followed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "n&#39;est pas un numéro"),
        ("postcode", "7700", "5 chiffres"),
        ("position", "premier", "nombre entier de 0 à 999"),
        ("name", "", "Saisissez le nom du service"),
        ("languages", "x" * 201, "Plus de 200 caractères"),
    ],
)
def test_bad_fields_are_explained_next_to_them(app, staff_client, field, value, message):
    response = staff_client("agent").post("/staff/support/new", data=form(**{field: value}))
    assert response.status_code == 422
    assert message in response.text and 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.execute(select(SupportService)).first() is None


def test_a_name_already_used_is_refused_on_its_field(app, staff_client, make_service):
    make_service(name="CIDFF")
    response = staff_client("agent").post("/staff/support/new", data=form(name="CIDFF"))
    assert response.status_code == 422
    assert "Un service s&#39;appelle déjà « CIDFF »" in response.text


def test_forms_need_their_csrf_token(app, client, make_user, make_service):
    from tests.conftest import STAFF_PASSWORD

    service_id = make_service()
    email = make_user("agent")
    token_of = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    login = token_of.search(client.get("/staff/login").text).group(1)
    data = {"email": email, "password": STAFF_PASSWORD, "csrf_token": login}
    assert client.post("/staff/login", data=data).status_code == 302
    for url in ("/staff/support/new", f"/staff/support/{service_id}/delete"):
        refused = client.post(url, data=form(name="Sans jeton", version="1"))
        assert refused.status_code == 400 and "Formulaire expiré" in refused.text
    token = token_of.search(client.get("/staff/support/new").text).group(1)
    accepted = client.post("/staff/support/new", data=form(name="Avec jeton", csrf_token=token))
    assert accepted.status_code == 302
    assert stored(app, service_id) is not None
    assert [action for action, *_ in audit_events(app)] == ["support_create"]


def test_two_people_editing_at_once_cannot_overwrite_each_other(app, staff_client, make_service):
    service_id = make_service(name="AVIMEJ", phone=None)
    first, second = staff_client("agent"), staff_client("admin")
    url = f"/staff/support/{service_id}/edit"
    assert 'name="version" type="hidden" value="1"' in first.get(url).text
    saved = first.post(url, data=form(name="AVIMEJ", version="1"))
    assert saved.status_code == 302
    late = second.post(url, data=form(name="AVIMEJ", phone="01 64 99 99 99", version="1"))
    assert late.status_code == 409
    assert "modifié entre-temps" in late.text and "01 64 00 00 01" in late.text
    assert 'value="01 64 99 99 99"' in late.text  # what they typed is kept
    assert 'name="version" type="hidden" value="2"' in late.text
    assert stored(app, service_id).phone == "+33164000001"


def test_deleting_asks_first_then_deletes_the_version_shown(app, staff_client, make_service):
    service_id = make_service(name="ACJUSE")
    agent = staff_client("agent")
    url = f"/staff/support/{service_id}/delete"
    question = agent.get(url)
    assert question.status_code == 200
    assert "Supprimer « ACJUSE » ?" in page_text(question)
    assert stored(app, service_id) is not None
    stale = agent.post(url, data={"version": "0"})
    assert stale.status_code == 302 and stored(app, service_id) is not None
    deleted = agent.post(url, data={"version": "1"})
    assert deleted.status_code == 302 and stored(app, service_id) is None
    assert "« ACJUSE » est supprimé." in page_text(agent.get("/staff/support/"))


def test_the_audit_log_shows_support_changes_in_words(app, staff_client, make_service):
    agent, admin = staff_client("agent"), staff_client("admin")
    agent.post("/staff/support/new", data=form(name="AVIMEJ", languages=""))
    with app.app_context():
        service_id = db.session.execute(select(SupportService.id)).scalar_one()
    agent.post(f"/staff/support/{service_id}/edit", data=form(name="AVIMEJ", version="1"))
    agent.post(f"/staff/support/{service_id}/delete", data={"version": "2"})
    log = page_text(admin.get("/staff/admin/audit"))
    shown = (
        "Accompagnement ajouté", "Accompagnement modifié", "Accompagnement supprimé",
        "accompagnement AVIMEJ", "Langues parlées", "français, anglais, arabe",
    )  # fmt: skip
    for words in shown:
        assert words in log
    only = admin.get("/staff/admin/audit?action=support_delete")
    assert "Accompagnement supprimé</strong>" in only.text
    assert "Accompagnement ajouté</strong>" not in only.text


def test_the_staff_navigation_links_to_the_list(staff_client):
    page = staff_client("viewer").get("/staff/").text
    assert 'href="/staff/support/"' in page and "Accompagnement" in page


# --- the public section -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/refuges/{id}"])
def test_3919_is_always_there_as_a_listening_line(client, make_merchant, path):
    response = client.get(path.format(id=make_merchant().id))
    assert response.status_code == 200
    words = page_text(response)
    assert "Après : être accompagné·e" in words
    assert LISTENING_LINE in words
    assert "ligne d'écoute, pas un numéro d'urgence" in words
    section = response.text.split('id="accompagnement"')[1]
    assert 'href="tel:3919"' in section


@pytest.mark.parametrize("path", ["/", "/refuges/{id}"])
def test_only_complete_services_are_shown_with_their_public_fields(
    client, make_merchant, make_service, path
):
    make_service()
    make_service(name="AVIMEJ", phone=None)
    make_service(name="ACJUSE", services="", postcode=None)
    response = client.get(path.format(id=make_merchant().id))
    words = page_text(response)
    assert COMPLETE["name"] in words and COMPLETE["services"] in words
    assert 'href="tel:+33164000001"' in response.text and "01 64 00 00 01" in words
    assert "2 rue du Palais de Justice, 77000" in words
    assert "du lundi au vendredi, 9 h – 17 h 30" in words and "français, anglais, arabe" in words
    assert "AVIMEJ" not in words and "ACJUSE" not in words
    assert "Mme Secret" not in words and "06 00 00 00 00" not in words
    assert words.index(LISTENING_LINE) < words.index(COMPLETE["name"])


def test_services_follow_the_display_order_then_the_name(client, make_service):
    make_service(name="Zeta", phone="+33164000003", position=2)
    make_service(name="Beta", phone="+33164000004", position=1)
    make_service(name="Alpha", phone="+33164000005", position=2)
    words = page_text(client.get("/"))
    assert words.index("Beta") < words.index("Alpha") < words.index("Zeta")


def test_a_staff_edit_shows_or_hides_a_service_at_once(app, client, staff_client, make_service):
    service_id = make_service(name="CIDFF", phone=None)
    assert "CIDFF 77" not in page_text(client.get("/"))
    agent = staff_client("agent")
    url = f"/staff/support/{service_id}/edit"
    agent.post(url, data=form(name="CIDFF 77", version="1"))
    assert "CIDFF 77" in page_text(client.get("/"))
    agent.post(url, data=form(name="CIDFF 77", phone="", version="2"))
    assert "CIDFF 77" not in page_text(client.get("/"))


def test_a_change_saved_by_another_process_is_seen(app, client, database_url, make_service):
    make_service(name="Premier service")
    assert "Premier service" in page_text(client.get("/"))
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with other.app_context():
        service = db.session.execute(select(SupportService)).scalar_one()
        service.name = "Nom changé ailleurs"
        db.session.commit()
        db.engine.dispose()
    assert "Nom changé ailleurs" in page_text(client.get("/"))  # INDEX_POLL_SECONDS is 0


def test_the_page_keeps_its_section_when_the_database_fails(app, client, make_service, monkeypatch):
    make_service(name="Service connu")
    assert "Service connu" in page_text(client.get("/"))

    def broken(_dataset):
        raise OperationalError("SELECT 1", {}, Exception("database is down"))

    monkeypatch.setattr(revisions, "read", broken)
    response = client.get("/")
    assert response.status_code == 200
    assert "Service connu" in page_text(response) and LISTENING_LINE in page_text(response)


def test_the_service_worker_version_moves_with_the_list(client, make_service):
    before = client.get("/sw.js").text
    make_service(name="Nouveau service")
    assert client.get("/sw.js").text != before


# --- the migration ------------------------------------------------------------------


def test_upgrading_an_empty_database_seeds_the_five_names_only(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade()
        services = db.session.execute(select(SupportService).order_by("position")).scalars()
        seeded = [(s.name, rules.missing(s), s.notes, s.version) for s in services]
        public = support.public_services()
        db.session.rollback()
        flask_migrate.downgrade(revision="base")
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()
    assert [name for name, *_ in seeded] == SEEDED
    every_public_field_but_the_name = [rules.LABELS[name] for name in rules.PUBLIC_FIELDS[1:]]
    assert all(lacks == every_public_field_but_the_name for _, lacks, _, _ in seeded)
    assert all(notes is None and version == 1 for *_, notes, version in seeded)
    assert public == ()
