"""Passwords of staff accounts: each person changes their own; an account an
administrator created or reset has a provisional password, to be replaced
before anything else; the audit log says so, never the password."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from angela.extensions import db
from angela.models import AuditEvent, StaffSession, User
from angela.services import accounts
from tests.conftest import STAFF_PASSWORD, log_in
from tests.test_auth import walk_staff_urls_to

NEW_PASSWORD = "une phrase que je suis seule à connaître"
PROVISIONAL_PASSWORD = "provisoire donné de vive voix"
PASSWORD_PAGE = "/staff/password"


def change(client, current=STAFF_PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        PASSWORD_PAGE,
        data={
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def account(app, email):
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        db.session.expunge(user)
        return user


def password_works(app, email, password):
    with app.app_context():
        return accounts.authenticate(email, password) is not None


def sessions_of(app, email):
    with app.app_context():
        query = (
            select(func.count(StaffSession.id))
            .join(User, User.id == StaffSession.user_id)
            .where(User.email == email)
        )
        return db.session.execute(query).scalar_one()


def password_events(app):
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.reason.is_not(None)).order_by(AuditEvent.id)
        return [
            (event.action, event.actor_id, event.target_user_id, event.reason, event.changes)
            for event in db.session.execute(query).scalars()
        ]


def logged_in(app, email, password=STAFF_PASSWORD):
    client = app.test_client()
    assert log_in(client, email, password).status_code == 302
    return client


@pytest.fixture
def agent(app, make_user):
    """An agent's email, and CSRF off for the clients of this test."""
    app.config["WTF_CSRF_ENABLED"] = False
    return make_user("agent")


@pytest.fixture
def invite(app, staff_client):
    """Return a function creating an account in the admin UI, as an admin
    invites someone; it returns the new account's email."""
    admin = staff_client("admin")

    def create(role="agent", email="invitee@cidff77.example"):
        data = {"email": email, "role": role, "password": PROVISIONAL_PASSWORD}
        response = admin.post("/staff/admin/users", data=data)
        assert response.status_code == 302, response.text
        return email

    return create


# --- changing one's own password ---------------------------------------------


@pytest.mark.parametrize("role", ["admin", "agent", "viewer"])
def test_every_role_reaches_the_password_page_from_the_navigation(app, make_user, role):
    app.config["WTF_CSRF_ENABLED"] = False
    client = logged_in(app, make_user(role))
    assert f'href="{PASSWORD_PAGE}">Mon mot de passe</a>' in client.get("/staff/").text
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200
    for label in ("Mot de passe actuel", "Nouveau mot de passe", "une seconde fois"):
        assert label in page.text
    assert "provisoire" not in page.text


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("not my password at all", NEW_PASSWORD, None, "current_password",
         "Le mot de passe actuel est incorrect."),
        (STAFF_PASSWORD, "court!", None, "new_password",
         "Le mot de passe doit compter au moins 12 caractères."),
        (STAFF_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again",
         "Les deux nouveaux mots de passe ne sont pas identiques."),
        (STAFF_PASSWORD, STAFF_PASSWORD, None, "new_password",
         "Choisissez un mot de passe différent de l&#39;actuel."),
        ("", NEW_PASSWORD, None, "current_password", "Saisissez votre mot de passe actuel."),
    ],
    ids=["wrong-current", "too-short", "mismatch", "unchanged", "current-missing"],
)  # fmt: skip
def test_a_refused_change_says_why_under_the_field_and_changes_nothing(
    app, agent, current, new, again, field, message
):
    client = logged_in(app, agent)
    response = change(client, current, new, again)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', response.text)
    assert error is not None, response.text
    assert message in error.group(1)
    [tag] = re.findall(rf'<input [^>]*id="{field}"[^>]*>', response.text)
    assert 'aria-invalid="true"' in tag
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', tag)
    assert password_works(app, agent, STAFF_PASSWORD)
    assert new == STAFF_PASSWORD or not password_works(app, agent, new)
    assert client.get("/staff/").status_code == 200
    assert password_events(app) == []


def test_wrong_current_passwords_count_as_failed_logins(app, agent):
    client = logged_in(app, agent)
    for _ in range(5):
        assert change(client, current="a guess, not it").status_code == 422
    throttled = change(client)  # even the right one, now
    assert throttled.status_code == 429
    assert "Trop de tentatives" in throttled.text
    assert password_works(app, agent, STAFF_PASSWORD)


def test_success_ends_every_other_session_but_not_this_one(app, agent):
    here, elsewhere = logged_in(app, agent), logged_in(app, agent)
    assert sessions_of(app, agent) == 2
    response = change(here)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "Votre mot de passe est changé" in here.get("/staff/").text
    assert here.get("/staff/merchants").status_code == 200
    gone = elsewhere.get("/staff/merchants")
    assert gone.status_code == 302 and gone.headers["Location"].startswith("/staff/login")
    assert sessions_of(app, agent) == 1
    assert password_works(app, agent, NEW_PASSWORD)
    assert not password_works(app, agent, STAFF_PASSWORD)


def test_the_change_is_audited_without_any_secret(app, agent):
    client = logged_in(app, agent)
    change(client)
    user = account(app, agent)
    [(action, actor, target, reason, changes)] = password_events(app)
    assert (action, actor, target) == ("password_change", user.id, user.id)
    assert reason == accounts.REASON_CHANGED
    assert changes == {}  # the password was not provisional: no field changed
    recorded = json.dumps([reason, changes], ensure_ascii=False)
    for secret in (STAFF_PASSWORD, NEW_PASSWORD, user.password_hash, "$argon2"):
        assert secret not in recorded


def test_the_password_form_needs_its_csrf_token(app, agent):
    client = logged_in(app, agent)
    app.config["WTF_CSRF_ENABLED"] = True
    refused = change(client)
    assert refused.status_code == 400
    assert "Formulaire expiré" in refused.text
    assert password_works(app, agent, STAFF_PASSWORD)


# --- provisional passwords ---------------------------------------------------


def test_an_account_made_in_the_admin_ui_has_a_provisional_password(app, invite):
    email = invite()
    assert account(app, email).must_change_password
    client = logged_in(app, email, PROVISIONAL_PASSWORD)
    landing = client.get("/staff/", follow_redirects=True)
    assert landing.request.path == PASSWORD_PAGE
    assert "Votre mot de passe est provisoire" in landing.text
    assert 'href="/staff/merchants"' not in landing.text  # the navigation waits too


def test_a_provisional_password_sends_every_staff_url_to_the_password_page(
    app, invite, make_merchant
):
    make_merchant()
    # An admin account, so that no role check could answer first.
    client = logged_in(app, invite(role="admin"), PROVISIONAL_PASSWORD)
    walk_staff_urls_to(app, client, PASSWORD_PAGE)


def test_choosing_ones_own_password_opens_the_staff_pages(app, invite):
    email = invite()
    client = logged_in(app, email, PROVISIONAL_PASSWORD)
    assert change(client, current=PROVISIONAL_PASSWORD).headers["Location"] == "/staff/"
    assert client.get("/staff/merchants").status_code == 200
    assert not account(app, email).must_change_password
    [(action, _actor, _target, reason, changes)] = password_events(app)
    assert (action, reason) == ("password_change", accounts.REASON_CHANGED)
    assert changes == {"must_change_password": {"before": True, "after": False}}


def test_a_provisional_account_may_still_log_out(app, invite):
    client = logged_in(app, invite(), PROVISIONAL_PASSWORD)
    response = client.post("/staff/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login"
    assert sessions_of(app, "invitee@cidff77.example") == 0


def test_an_account_made_on_the_command_line_is_not_provisional(app, runner):
    app.config["WTF_CSRF_ENABLED"] = False
    result = runner.invoke(
        args=["users", "create", "own@cidff77.example", "--role", "agent", "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert not account(app, "own@cidff77.example").must_change_password
    client = logged_in(app, "own@cidff77.example")
    assert client.get("/staff/merchants").status_code == 200


# --- an administrator's reset --------------------------------------------------


def reset(admin, user_id, password=PROVISIONAL_PASSWORD):
    return admin.post(
        f"/staff/admin/users/{user_id}/password", data={f"p{user_id}-password": password}
    )


def test_an_admin_reset_gives_a_provisional_password_and_ends_the_sessions(
    app, staff_client, make_user
):
    admin = staff_client("admin")
    email = make_user("agent")
    agent = logged_in(app, email)
    user = account(app, email)
    response = reset(admin, user.id)
    assert response.status_code == 302
    assert "Mot de passe provisoire enregistré pour" in admin.get("/staff/admin/users").text
    assert agent.get("/staff/merchants").headers["Location"].startswith("/staff/login")
    assert sessions_of(app, email) == 0
    assert not password_works(app, email, STAFF_PASSWORD)
    again = logged_in(app, email, PROVISIONAL_PASSWORD)
    assert again.get("/staff/merchants").headers["Location"] == PASSWORD_PAGE


def test_an_admin_reset_is_audited_without_the_password(app, staff_client, make_user):
    admin = staff_client("admin")
    user = account(app, make_user("viewer"))
    reset(admin, user.id)
    admin_id = account(app, "admin1@cidff77.example").id
    [(action, actor, target, reason, changes)] = password_events(app)
    assert (action, actor, target) == ("password_reset", admin_id, user.id)
    assert reason == accounts.REASON_RESET
    assert changes == {"must_change_password": {"before": False, "after": True}}
    assert PROVISIONAL_PASSWORD not in json.dumps([reason, changes], ensure_ascii=False)
    log = admin.get("/staff/admin/audit").text
    assert "Mot de passe provisoire donné par un administrateur" in log
    assert "<td>non</td><td>oui</td>" in log


def test_the_accounts_page_offers_a_reset_for_others_and_shows_who_is_provisional(
    app, staff_client, invite
):
    invite()
    admin = staff_client("admin")
    page = admin.get("/staff/admin/users").text
    invitee = account(app, "invitee@cidff77.example")
    me = account(app, "admin2@cidff77.example")
    assert f'action="/staff/admin/users/{invitee.id}/password"' in page
    assert f'action="/staff/admin/users/{me.id}/password"' not in page
    assert "mot de passe provisoire ·" in page


@pytest.mark.parametrize(
    ("password", "own", "message"),
    [
        ("court!", False, "au moins 12 caractères"),
        (PROVISIONAL_PASSWORD, True, "Pour votre propre compte, utilisez « Mon mot de passe »."),
    ],
    ids=["too-short", "own-account"],
)
def test_a_refused_reset_says_why_and_changes_nothing(
    app, staff_client, make_user, password, own, message
):
    admin = staff_client("admin")
    email = "admin1@cidff77.example" if own else make_user("agent")
    response = reset(admin, account(app, email).id, password)
    assert response.status_code == 302
    assert message in admin.get("/staff/admin/users").text
    assert password_works(app, email, STAFF_PASSWORD)
    assert not account(app, email).must_change_password
    assert password_events(app) == []


def test_resetting_an_unknown_account_is_404(staff_client):
    assert reset(staff_client("admin"), 999).status_code == 404
