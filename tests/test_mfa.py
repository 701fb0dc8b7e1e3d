"""The second step of staff logins (TOTP): setting it up, logging in with a
code or a recovery code, each accepted once, the half-logged-in state that
opens nothing and expires, the throttle shared with passwords, the audit
log, the secret sealed at rest, and the command-line reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from angela.core import sealing, totp
from angela.extensions import db
from angela.models import AuditEvent, RecoveryCode, StaffSession, User
from angela.services import accounts, mfa
from angela.staff import templating, two_step
from tests.conftest import (
    CODE_PAGE,
    STAFF_PASSWORD,
    STAFF_TOTP_SECRET,
    app_code,
    log_in,
)
from tests.test_auth import PUBLIC_STAFF_ENDPOINTS, _url, walk_staff_urls_to

SECURITY_PAGE = "/staff/security"
# A fixed instant, on a step boundary, for the service tests.
T0 = datetime(2026, 12, 8, 9, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def code_at(seconds: float, secret: str = STAFF_TOTP_SECRET) -> str:
    return totp.code_at(secret, at(seconds).timestamp())


@pytest.fixture
def csrf_off(app):
    app.config["WTF_CSRF_ENABLED"] = False


def user_of(app, email):
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        db.session.expunge(user)
        return user


def events(app, action):
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return [
            (e.actor_id, e.target_user_id, e.changes, e.reason) for e in db.session.scalars(query)
        ]


def password_step(client, email, password=STAFF_PASSWORD):
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 302 and response.headers["Location"] == CODE_PAGE
    return response


def enrolled_at_t0(app, make_user, role="agent"):
    """An account whose app was set up at T0; return (user id, recovery codes)."""
    email = make_user(role, mfa=False)
    with app.app_context():
        user_id = user_of(app, email).id
        return user_id, mfa.enable(user_id, STAFF_TOTP_SECRET, code_at(0), now=T0)


# --- the core ------------------------------------------------------------------


def test_a_code_is_accepted_one_step_either_side_and_only_after_the_last_one():
    now = at(0).timestamp()
    for offset in (-30, 0, 30):
        assert totp.matching_step(STAFF_TOTP_SECRET, code_at(offset), None, now) is not None
    for offset in (-60, 60):
        assert totp.matching_step(STAFF_TOTP_SECRET, code_at(offset), None, now) is None
    step = totp.step_at(now)
    assert totp.matching_step(STAFF_TOTP_SECRET, code_at(0), step - 1, now) == step
    assert totp.matching_step(STAFF_TOTP_SECRET, code_at(0), step, now) is None
    assert totp.matching_step(STAFF_TOTP_SECRET, "12345a", None, now) is None


def test_codes_are_read_as_people_type_them():
    assert totp.normalise(" 123 456 ") == "123456"
    assert totp.normalise("ABCDE-FGHJK") == "abcdefghjk"
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 10 and set(code) <= set(totp.RECOVERY_ALPHABET) for code in codes)
    assert totp.shown("abcdefghjk") == "abcde-fghjk"
    assert totp.grouped("ABCDEFGHIJKL") == "ABCD EFGH IJKL"


def test_the_qr_code_is_an_svg_data_uri_without_style():
    uri = totp.qr_data_uri(totp.provisioning_uri(STAFF_TOTP_SECRET, "a@cidff77.example"))
    assert uri.startswith("data:image/svg+xml")
    assert "style" not in uri


def test_a_sealed_secret_opens_only_with_its_key_its_context_and_in_time():
    sealed = sealing.seal("key one", sealing.Context.TOTP_SECRET, "SECRET")
    assert "SECRET" not in sealed
    assert sealing.unseal("key one", sealing.Context.TOTP_SECRET, sealed) == "SECRET"
    for key, context in (
        ("key two", sealing.Context.TOTP_SECRET),
        ("key one", sealing.Context.ENROLMENT),
    ):
        with pytest.raises(sealing.Unsealable):
            sealing.unseal(key, context, sealed)
    old = sealing.seal("key one", sealing.Context.ENROLMENT, "SECRET")
    with pytest.raises(sealing.Unsealable):
        sealing.unseal("key one", sealing.Context.ENROLMENT, old, max_age=-1)


# --- the service ---------------------------------------------------------------


def test_the_secret_is_stored_sealed_and_the_recovery_codes_hashed(app, make_user):
    user_id, codes = enrolled_at_t0(app, make_user)
    assert user_of(app, make_user("viewer")).totp_secret is None  # another account: none
    with app.app_context():
        stored = db.session.get(User, user_id)
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert STAFF_TOTP_SECRET not in stored.totp_secret
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(code.replace("-", "") in "".join(hashes) for code in codes)


def test_each_code_is_accepted_once(app, make_user):
    user_id, _codes = enrolled_at_t0(app, make_user)
    with app.app_context():
        assert mfa.verify(user_id, code_at(0), now=at(10)) is None  # the setup used it
        assert mfa.verify(user_id, code_at(30), now=at(40)) is not None
        assert mfa.verify(user_id, code_at(30), now=at(45)) is None
        assert mfa.verify(user_id, code_at(0), now=at(50)) is None  # an older step
        assert mfa.verify(user_id, code_at(90), now=at(60)) is not None  # one step ahead


def test_each_recovery_code_is_accepted_once_whatever_its_case(app, make_user):
    user_id, codes = enrolled_at_t0(app, make_user)
    with app.app_context():
        used = mfa.verify(user_id, codes[3].upper().replace("-", " "))
        assert used == mfa.Verified(by_recovery_code=True, recovery_codes_left=9)
        assert mfa.verify(user_id, codes[3]) is None
        assert mfa.verify(user_id, "abcde-fghjk") is None
    [(actor, target, changes, _reason)] = events(app, "mfa_recovery_used")
    assert actor == target == user_id
    assert changes == {"recovery_codes_left": {"before": 10, "after": 9}}


def test_a_new_secret_key_refuses_the_app_but_not_the_recovery_codes(app, make_user):
    user_id, codes = enrolled_at_t0(app, make_user)
    app.config["SECRET_KEY"] = "a new secret key"
    with app.app_context():
        assert mfa.verify(user_id, code_at(30), now=at(30)) is None
        assert mfa.verify(user_id, codes[0]) is not None


# --- setting it up -------------------------------------------------------------


def shown_key(page):
    match = re.search(r'<p class="secret-key"><code>([A-Z2-7 ]+)</code>', page)
    assert match, page
    return match.group(1).replace(" ", "")


def test_setting_up_shows_a_qr_code_and_the_key_then_needs_a_right_code(app, staff_client):
    agent = staff_client("agent")
    other = log_in(app.test_client(), user_of(app, "agent1@cidff77.example").email)
    assert other.status_code == 302
    page = agent.get(SECURITY_PAGE)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'class="qr" src="data:image/svg+xml' in page.text
    secret = shown_key(page.text)
    assert agent.get(SECURITY_PAGE).text.count(totp.grouped(secret)) == 1  # kept on reload
    wrong = agent.post(f"{SECURITY_PAGE}/enable", data={"code": "000000"})
    assert wrong.status_code == 422 and "Code incorrect" in wrong.text
    done = agent.post(f"{SECURITY_PAGE}/enable", data={"code": app_code(secret=secret)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.text)
    assert len(set(codes)) == 10
    assert agent.get("/staff/merchants").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(StaffSession.id))) == 1  # the other one ended
    assert "activée depuis le" in agent.get(SECURITY_PAGE).text
    [(actor, target, changes, _)] = events(app, "mfa_enable")
    assert actor == target and changes == {"mfa": {"before": False, "after": True}}


def test_the_password_page_leads_to_the_security_page(staff_client):
    page = staff_client("viewer").get("/staff/password").text
    assert f'href="{SECURITY_PAGE}"' in page


def test_an_admin_without_it_can_do_nothing_but_set_it_up(app, make_user, make_merchant, csrf_off):
    make_merchant()
    client = app.test_client()
    assert log_in(client, make_user("admin", mfa=False)).headers["Location"] == "/staff/"
    walk_staff_urls_to(app, client, SECURITY_PAGE)
    page = client.get(SECURITY_PAGE).text
    assert "Votre rôle d'administrateur exige la double authentification" in page
    client.post(f"{SECURITY_PAGE}/enable", data={"code": app_code(secret=shown_key(page))})
    assert client.get("/staff/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("role", "with_it", "missing"),
    [("admin", False, True), ("admin", True, False), ("agent", False, False)],
)
def test_staff_templates_know_when_the_second_step_is_missing(
    app, make_user, role, with_it, missing
):
    email = make_user(role, mfa=with_it)
    with app.test_request_context("/staff/"):
        assert not templating.must_set_up_second_step()  # nobody logged in
        login_user(accounts.find_by_email(email))
        assert templating.must_set_up_second_step() is missing


def test_a_provisional_admin_chooses_a_password_first(app, staff_client):
    admin = staff_client("admin")
    data = {"email": "new.admin@cidff77.example", "role": "admin", "password": "provisoire long"}
    assert admin.post("/staff/admin/users", data=data).status_code == 302
    client = app.test_client()
    log_in(client, data["email"], data["password"])
    assert client.get(SECURITY_PAGE).headers["Location"] == "/staff/password"


# --- logging in ----------------------------------------------------------------


def test_a_login_needs_the_code_and_the_half_state_opens_nothing(
    app, make_user, make_merchant, csrf_off
):
    make_merchant()
    email = make_user("admin")
    client = app.test_client()
    client.post(
        "/staff/login?next=/staff/merchants", data={"email": email, "password": STAFF_PASSWORD}
    )
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_url(rule), method=method)
            assert response.status_code == 302, (method, rule.rule)
            assert response.headers["Location"].startswith("/staff/login"), rule.rule
    with app.app_context():
        assert db.session.scalar(select(func.count(StaffSession.id))) == 0
    page = client.get(CODE_PAGE)
    assert page.status_code == 200 and "Code de vérification" in page.text
    wrong = client.post(CODE_PAGE, data={"code": "000000"})
    assert wrong.status_code == 422 and "Code incorrect ou déjà utilisé" in wrong.text
    right = client.post(CODE_PAGE, data={"code": app_code()})
    assert right.headers["Location"] == "/staff/merchants"
    assert client.get("/staff/admin/audit").status_code == 200
    assert client.get(CODE_PAGE).headers["Location"] == "/staff/"


def test_a_code_used_to_log_in_is_refused_the_second_time(app, make_user, csrf_off):
    email = make_user("agent", mfa=True)
    code = app_code()
    assert log_in(app.test_client(), email, code=code).status_code == 302
    again = app.test_client()
    password_step(again, email)
    assert again.post(CODE_PAGE, data={"code": code}).status_code == 422
    assert again.post(CODE_PAGE, data={"code": app_code(30)}).status_code == 302


def test_a_recovery_code_logs_in_once_and_says_how_many_remain(app, make_user, csrf_off):
    user_id, codes = enrolled_at_t0(app, make_user)
    email = user_of(app, "agent1@cidff77.example").email
    client = app.test_client()
    assert log_in(client, email, code=codes[0]).headers["Location"] == "/staff/"
    assert "Il vous en reste 9" in client.get("/staff/").text
    assert log_in(app.test_client(), email, code=codes[0]).status_code == 422
    admin = app.test_client()
    log_in(admin, make_user("admin"))
    audit = admin.get("/staff/admin/audit").text
    assert "Code de secours utilisé" in audit and "Codes de secours restants" in audit
    assert "Double authentification activée" in audit
    assert user_id == user_of(app, email).id


def test_the_half_state_expires_after_a_few_minutes(app, make_user, csrf_off):
    email = make_user("admin")
    client = app.test_client()
    password_step(client, email)
    with client.session_transaction("/staff/") as session:
        waiting = session[two_step.KEY]
        session[two_step.KEY] = {
            **waiting,
            "since": waiting["since"] - two_step.LIFETIME_SECONDS - 1,
        }
    response = client.post(CODE_PAGE, data={"code": app_code()})
    assert response.headers["Location"] == "/staff/login"
    assert "La connexion a expiré" in client.get("/staff/login").text
    assert client.get(CODE_PAGE).headers["Location"] == "/staff/login"  # nothing left


def test_without_a_password_step_the_code_page_sends_to_the_login(client):
    response = client.get(CODE_PAGE)
    assert response.headers["Location"] == "/staff/login"
    assert "expiré" not in client.get("/staff/login").text


def test_a_deactivated_account_cannot_finish_its_login(app, make_user, csrf_off):
    email = make_user("agent", mfa=True)
    client = app.test_client()
    password_step(client, email)
    with app.app_context():
        admin = accounts.get_user(user_of(app, make_user("admin")).id)
        accounts.update_user(user_of(app, email).id, "agent", False, admin)
    assert client.post(CODE_PAGE, data={"code": app_code()}).headers["Location"] == "/staff/login"


def test_wrong_codes_count_like_wrong_passwords(app, make_user, csrf_off):
    email = make_user("admin")
    client = app.test_client()
    assert log_in(client, email, "wrong password!!").status_code == 200
    password_step(client, email)  # counts until the code is right too
    for _ in range(3):
        assert client.post(CODE_PAGE, data={"code": "000000"}).status_code == 422
    throttled = client.post(CODE_PAGE, data={"code": app_code()})  # the right one, now
    assert throttled.status_code == 429 and "Trop de tentatives" in throttled.text
    assert log_in(app.test_client(), email).status_code == 429


def test_a_right_code_forgets_the_failed_attempts(app, make_user, csrf_off):
    email = make_user("admin")
    client = app.test_client()
    password_step(client, email)
    for _ in range(3):
        client.post(CODE_PAGE, data={"code": "000000"})
    assert client.post(CODE_PAGE, data={"code": app_code()}).status_code == 302
    for _ in range(4):
        assert log_in(app.test_client(), email, "wrong password!!").status_code == 200


def test_the_code_page_needs_its_csrf_token(app, make_user):
    email = make_user("admin")
    client = app.test_client()
    page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": email, "password": STAFF_PASSWORD, "csrf_token": token}
    assert client.post("/staff/login", data=data).headers["Location"] == CODE_PAGE
    refused = client.post(CODE_PAGE, data={"code": app_code()})
    assert refused.status_code == 400 and "Formulaire expiré" in refused.text


# --- turning it off, and the command-line reset --------------------------------


def test_turning_it_off_needs_a_right_code(app, staff_client):
    client = staff_client("admin")
    wrong = client.post(f"{SECURITY_PAGE}/disable", data={"code": "000000"})
    assert wrong.status_code == 422 and "Code incorrect" in wrong.text
    done = client.post(f"{SECURITY_PAGE}/disable", data={"code": app_code(30)})
    assert done.headers["Location"] == SECURITY_PAGE
    assert user_of(app, "admin1@cidff77.example").totp_secret is None
    assert client.get("/staff/admin/users").headers["Location"] == SECURITY_PAGE  # set it up again
    [(actor, target, changes, _)] = events(app, "mfa_disable")
    assert actor == target and changes == {"mfa": {"before": True, "after": False}}


def test_the_command_line_resets_a_lost_phone(app, runner, make_user, csrf_off):
    email = make_user("admin")
    client = app.test_client()
    log_in(client, email)
    result = runner.invoke(args=["users", "reset-mfa", email.upper()])
    assert result.exit_code == 0, result.output
    assert f"two-step login reset for {email}" in result.output
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")  # session ended
    user = user_of(app, email)
    assert user.totp_secret is None and user.mfa_enabled_at is None
    with app.app_context():
        assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    [(actor, target, changes, reason)] = events(app, "mfa_reset")
    assert (actor, target, reason) == (None, user.id, mfa.REASON_RESET)
    assert changes == {"mfa": {"before": True, "after": False}}
    again = app.test_client()
    assert log_in(again, email).headers["Location"] == "/staff/"  # the password alone...
    assert again.get("/staff/").headers["Location"] == SECURITY_PAGE  # ...to set it up again
    audit = app.test_client()
    log_in(audit, make_user("admin"))
    log = audit.get("/staff/admin/audit?action=mfa_reset").text
    assert "Double authentification réinitialisée" in log and "par la ligne de commande" in log


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@cidff77.example", "no account for"),
        ("agent1@cidff77.example", "rien à réinitialiser"),
    ],
)
def test_the_command_line_reset_refuses_what_it_cannot_do(runner, make_user, email, message):
    make_user("agent")
    result = runner.invoke(args=["users", "reset-mfa", email])
    assert result.exit_code == 1 and message in result.output
