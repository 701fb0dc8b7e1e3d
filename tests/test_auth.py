"""Staff accounts: login, sessions, throttling, CSRF, roles on every route."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from angela.extensions import db
from angela.models import AuditEvent, LoginFailure, StaffSession, User, utcnow
from angela.services import accounts, login_throttle
from angela.staff import login
from tests.conftest import STAFF_PASSWORD, log_in

# Placeholders for URL converters when walking the URL map.
URL_VALUES = {
    "merchant_id": 1, "user_id": 1, "action": "suspend", "service_id": 1,
    "report_id": 1, "step": "resolve",
    "commune_code": "77288",  # Melun, where merchant_and_users' merchant is
}  # fmt: skip
# The code step of a login, like the login page, is reached before a session exists.
PUBLIC_STAFF_ENDPOINTS = {"auth.login", "auth.login_code", "auth.logout", "static"}
# Every role may change its own password and set up its own second step.
SELF_SERVICE_ENDPOINTS = {"auth.password_change", "mfa.security", "mfa.enable", "mfa.disable"}


def _url(rule):
    url = rule.rule
    for name, value in URL_VALUES.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    return url


def walk_staff_urls_to(app, client, location: str) -> None:
    """Assert that every staff URL a signed-in person could try, with every
    method, sends `client` to `location` (the one page left to them)."""
    walked = 0
    for rule in app.url_map.iter_rules():
        skipped = PUBLIC_STAFF_ENDPOINTS | SELF_SERVICE_ENDPOINTS
        if not rule.rule.startswith("/staff") or rule.endpoint in skipped:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_url(rule), method=method)
            assert response.status_code == 302, (method, rule.rule)
            assert response.headers["Location"] == location, (method, rule.rule)
            walked += 1
    assert walked >= 15


@pytest.fixture
def merchant_and_users(make_merchant, make_report, make_user):
    make_report(make_merchant().id)
    return make_user("admin")


def test_login_and_logout(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    response = log_in(client, email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "Tableau de bord" in client.get("/staff/").text
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_login_error_does_not_say_which_part_was_wrong(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    wrong_password = log_in(client, email, "not the right password").text
    unknown_email = log_in(client, "nobody@cidff77.example").text
    message = "Adresse e-mail ou mot de passe incorrect."
    assert message in wrong_password and message in unknown_email
    assert "Tableau de bord" not in wrong_password


def test_inactive_account_cannot_log_in(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert log_in(client, email).status_code == 200
    assert client.get("/staff/").status_code == 302


def test_session_cookie_is_httponly_lax_and_secure_over_https(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    plain = log_in(client, email).headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = client.post(
        "/staff/login",
        data={"email": email, "password": STAFF_PASSWORD},
        base_url="https://localhost",
    ).headers["Set-Cookie"]
    assert "Secure" in secure


def test_next_parameter_is_never_an_open_redirect(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    data = {"email": email, "password": STAFF_PASSWORD}
    response = client.post("/staff/login?next=//evil.example/staff/", data=data)
    assert response.headers["Location"] == "/staff/"


# `next` values that must not be followed after login.
UNSAFE_NEXT = [
    "//evil.example/staff/",
    "https://evil.example/staff/",
    "/\\evil.example/staff/",
    "/staff/\\evil.example",
    "/staff/ x",
    "javascript:alert(1)",
    "/public/",
    "staff/",
    "/staff/\r\nSet-Cookie: stolen=1",
    "/staff/\nLocation: https://evil.example/",
    "/staff/\x00",
]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_an_unsafe_next_falls_back_to_the_dashboard(app, target):
    with app.test_request_context("/staff/login"):
        assert login._safe_next(target) == "/staff/"


def test_a_safe_next_is_followed(app):
    with app.test_request_context("/staff/login"):
        assert login._safe_next("/staff/merchants?q=caf%C3%A9&page=2") == (
            "/staff/merchants?q=caf%C3%A9&page=2"
        )


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_login_with_an_unsafe_next_never_fails_nor_leaves_the_staff_face(
    client, app, make_user, target
):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    response = client.post(
        "/staff/login",
        query_string={"next": target},
        data={"email": email, "password": STAFF_PASSWORD},
    )
    # A control character is refused before the login (400); else the dashboard.
    assert response.status_code in (302, 400)
    assert response.headers.get("Location", "/staff/") == "/staff/"
    assert (response.status_code == 400) == any(ord(c) < 32 for c in target)


def test_logout_ends_the_session_on_the_server(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    log_in(client, make_user("agent"))
    with client.session_transaction("/staff/") as saved:
        stolen = dict(saved)
    client.post("/staff/logout")
    with client.session_transaction("/staff/") as session:
        session.update(stolen)  # a copy of the old cookie
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        assert db.session.execute(select(StaffSession)).first() is None


def test_deactivation_ends_sessions_at_once(app, staff_client, make_user):
    agent = staff_client("agent")
    admin = staff_client("admin")
    with app.app_context():
        agent_id = db.session.execute(select(User.id).where(User.role == "agent")).scalar_one()
    assert agent.get("/staff/merchants").status_code == 200
    response = admin.post(f"/staff/admin/users/{agent_id}", data={f"u{agent_id}-role": "agent"})
    assert response.status_code == 302
    assert agent.get("/staff/merchants").status_code == 302
    with app.app_context():
        event = db.session.execute(select(AuditEvent)).scalars().all()[-1]
        assert event.action == "user_update"
        assert event.changes == {"active": {"before": True, "after": False}}


@pytest.mark.parametrize(
    ("age", "field"), [(timedelta(minutes=31), "last_seen_at"), (timedelta(hours=13), "created_at")]
)
def test_sessions_expire_after_idleness_and_max_age(client, app, make_user, age, field):
    app.config["WTF_CSRF_ENABLED"] = False
    log_in(client, make_user("agent"))
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        db.session.execute(update(StaffSession).values({field: utcnow() - age}))
        db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_five_failures_per_account_are_throttled_with_429(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    for _ in range(5):
        assert log_in(client, email, "wrong password!!").status_code == 200
    # even the right password is refused now, from another address too
    response = client.post(
        "/staff/login",
        data={"email": email, "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text


def test_five_failures_per_address_are_throttled(client, app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    for number in range(5):
        log_in(client, f"guess{number}@cidff77.example", "wrong password!!")
    assert log_in(client, email).status_code == 429


def test_old_failures_no_longer_count(app):
    limits = login_throttle.ThrottleLimits(5, timedelta(minutes=15))
    with app.app_context():
        for _ in range(5):
            old = utcnow() - timedelta(minutes=16)
            assert login_throttle.admit("a@b.fr", "192.0.2.1", limits, now=old)
        assert login_throttle.admit("a@b.fr", "192.0.2.1", limits)
        assert len(db.session.execute(select(LoginFailure)).scalars().all()) == 1


def test_csrf_token_is_required_on_login_and_forms(client, app, make_user):
    email = make_user("agent")
    refused = client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD})
    assert refused.status_code == 400
    assert "Formulaire expiré" in refused.text
    page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(
        "/staff/login", data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302
    assert client.post("/staff/logout").status_code == 400


def test_passwords_are_argon2id_and_rehashed_when_parameters_change(app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(STAFF_PASSWORD)
    with app.app_context():
        db.session.execute(update(User).values(password_hash=weak))
        db.session.commit()
    assert log_in(client, email).status_code == 302
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_short_passwords_are_refused(app):
    with app.app_context(), pytest.raises(accounts.AccountError, match="12 caractères"):
        accounts.create_user("a@b.fr", "short pass", "agent", actor=None)


def test_cli_creates_a_user_with_password_asked_twice(runner, app):
    result = runner.invoke(
        args=["users", "create", "Agent@CIDFF77.example", "--role", "agent"],
        input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "created agent account agent@cidff77.example" in result.output
    with app.app_context():
        assert accounts.authenticate("agent@cidff77.example", STAFF_PASSWORD) is not None


def test_cli_reads_password_from_stdin_and_refuses_bad_input(runner):
    ok = runner.invoke(
        args=["users", "create", "a@cidff77.example", "--role", "viewer", "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
    )
    assert ok.exit_code == 0
    again = runner.invoke(
        args=["users", "create", "a@cidff77.example", "--role", "viewer", "--password-stdin"],
        input=STAFF_PASSWORD + "\n",
    )
    assert again.exit_code == 1 and "existe déjà" in again.output
    short = runner.invoke(
        args=["users", "create", "b@cidff77.example", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1
    bad_role = runner.invoke(
        args=["users", "create", "c@x.fr", "--role", "boss", "--password-stdin"]
    )
    assert bad_role.exit_code == 2


def test_last_admin_cannot_be_demoted(app, make_user):
    make_user("admin")
    with app.app_context():
        admin = db.session.execute(select(User)).scalar_one()
        with pytest.raises(accounts.AccountError, match="au moins un administrateur"):
            accounts.update_user(admin.id, "viewer", True, admin)


def test_every_staff_url_sends_anonymous_visitors_to_login(client, app):
    app.config["WTF_CSRF_ENABLED"] = False
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")]
    assert len(rules) >= 15
    for rule in rules:
        if rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_url(rule), method=method)
            assert response.status_code == 302, (method, rule.rule)
            assert response.headers["Location"].startswith("/staff/login"), rule.rule


def test_a_viewer_is_refused_every_write_and_admin_page(app, staff_client, merchant_and_users):
    viewer = staff_client("viewer")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = viewer.open(_url(rule), method=method)
            if rule.endpoint in SELF_SERVICE_ENDPOINTS:
                assert response.status_code in (200, 422), (method, rule.rule)
                continue
            writes = method != "GET"
            if (
                writes
                or rule.endpoint.startswith("admin.")
                or rule.endpoint
                in (
                    "staff.merchant_new",
                    "staff.merchant_edit",
                    "staff.merchants_import",
                    "staff.merchants_export",
                    "staff.merchants_export_excel",
                    "staff.merchants_template",
                    "staff.merchants_import_guide",
                    "support.service_new",
                    "support.service_edit",
                    "support.service_delete",
                )
            ):
                assert response.status_code == 403, (method, rule.rule)
                checked += writes
            else:
                assert response.status_code == 200, (method, rule.rule)
    assert checked >= 8


def test_an_agent_cannot_reach_admin_pages(staff_client):
    agent = staff_client("agent")
    assert agent.get("/staff/admin/audit").status_code == 403
    assert agent.get("/staff/admin/users").status_code == 403
    assert agent.post("/staff/admin/users", data={}).status_code == 403


def test_no_default_account_exists(app):
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_public_requests_carry_no_session_even_after_a_staff_login(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login = log_in(client, make_user("agent"))
    assert "Path=/staff" in login.headers["Set-Cookie"]
    for path in (
        "/",
        "/?commune=77288",
        "/api/v1/refuges/nearest?lat=48.5&lon=2.6",
        "/healthz",
        "/refuges/1/signaler",
    ):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
    assert client.get("/staff/").status_code == 200
