"""WCAG 2.1 AA on the staff face, checked by axe-core in real Chromium: each
page as it first opens and as it shows errors, on a phone, and on a laptop
the pages whose layout changes with the width. Screenshots go to
tests/screenshots/staff-a11y-<device>-<page>.png."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from angela.extensions import db
from angela.models import User
from angela.services import accounts, mfa
from tests.browser.conftest import AGENT, LAPTOP, PHONE, SCREENSHOTS, Server, _seed
from tests.conftest import CODE_PAGE, STAFF_PASSWORD, STAFF_TOTP_SECRET, app_code

pytestmark = pytest.mark.browser

ADMIN = "admin@cidff77.example"  # her app has STAFF_TOTP_SECRET
NEW_ADMIN = "admin.nouvelle@cidff77.example"  # has not set up the second step yet
CAREFUL = "agent.prudente@cidff77.example"  # sets it up on the page
NEWCOMER = "nouvelle@cidff77.example"  # invited: her password is provisional
FORMER = "ancien@cidff77.example"  # deactivated
DEVICES = {"phone": PHONE, "laptop": LAPTOP}
BAD_CSV = b"ref,name\nANG-0001,\n"
CODE_LABEL = "Code à 6 chiffres, ou code de secours"
SETUP_LABEL = "Code à 6 chiffres affiché par l'application"
# The staff servers by base URL (this module's and the dark module's), for
# what the browser cannot do by itself: read the admin's phone.
_APPS: dict[str, Flask] = {}


def log_in(page: Any, email: str = AGENT) -> None:
    """Log in with the password and, when asked, the code of the account's app."""
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if page.url.endswith(CODE_PAGE):
        page.get_by_label(CODE_LABEL).fill(fresh_code(page, email))
        submit(page, "Valider")


def fresh_code(page: Any, email: str) -> str:
    """The code of the account's app, after forgetting the step the server
    last accepted: several logins within 30 seconds each need one here
    (tests/test_mfa.py checks that a code is refused the second time)."""
    with _app_of(page).app_context():
        db.session.execute(update(User).where(User.email == email).values(totp_last_step=None))
        db.session.commit()
    return app_code()


def _app_of(page: Any) -> Flask:
    return _APPS[page.url.split("/staff/")[0]]


def submit(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def failed_login(page: Any) -> None:
    page.get_by_label("Adresse e-mail").fill("personne@cidff77.example")
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    submit(page, "Se connecter")
    assert "incorrect" in page.locator("[role=alert]").inner_text()


def merchant_errors(page: Any) -> None:
    page.get_by_label("Nom du lieu").fill("")
    page.get_by_label("Code postal").fill("7700")
    submit(page, "Enregistrer")
    assert page.locator(".field.has-error").count() >= 3


def import_errors(page: Any) -> None:
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "commercants.csv", "mimeType": "text/csv", "buffer": BAD_CSV}
    )
    submit(page, "Vérifier le fichier")
    assert "rien ne sera importé" in page.locator("#apercu").inner_text()


def password_errors(page: Any) -> None:
    page.get_by_label("Mot de passe actuel").fill(STAFF_PASSWORD)
    page.get_by_label("Nouveau mot de passe (12").fill("court")
    page.get_by_label("une seconde fois").fill("autre chose encore")
    submit(page, "Changer le mot de passe")
    assert page.locator(".field.has-error").count() == 2


def support_errors(page: Any) -> None:
    page.get_by_label("Nom").fill("")
    page.get_by_label("Code postal").fill("7700")
    submit(page, "Enregistrer")
    assert page.locator(".field.has-error").count() >= 2


def password_step(page: Any) -> None:
    page.get_by_label("Adresse e-mail").fill(ADMIN)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    submit(page, "Se connecter")
    assert page.url.endswith(CODE_PAGE)


def wrong_code(page: Any) -> None:
    password_step(page)
    page.get_by_label(CODE_LABEL).fill("000000")
    submit(page, "Valider")
    assert "Code incorrect" in page.locator(".field.has-error").inner_text()


def setup_shown(page: Any) -> None:
    """The QR code is drawn (the CSP lets its data: image through) beside the key."""
    assert page.url.endswith("/staff/security")
    assert page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 200")
    assert len(page.locator(".secret-key code").inner_text().split()) == 8


def setup_errors(page: Any) -> None:
    setup_shown(page)
    page.get_by_label(SETUP_LABEL).fill("000000")
    submit(page, "Activer la double authentification")
    assert page.locator(".field.has-error").count() == 1


def set_up_now(page: Any) -> None:
    """Set the second step up as a person does, typing the key into an app;
    the recovery codes are shown. The server then forgets it, so that the
    page can be shown again, on another device or in the dark (the page
    stays as it is for axe)."""
    key = page.locator(".secret-key code").inner_text().replace(" ", "")
    page.get_by_label(SETUP_LABEL).fill(app_code(secret=key))
    submit(page, "Activer la double authentification")
    assert page.locator(".recovery-codes li").count() == 10
    with _app_of(page).app_context():
        mfa.reset(CAREFUL)


def new_password_asked(page: Any) -> None:
    assert page.url.endswith("/staff/password")
    assert "provisoire" in page.locator("main").inner_text()


def reset_form_opened(page: Any) -> None:
    page.get_by_text("Donner un mot de passe provisoire").first.click()
    page.get_by_label("Nouveau mot de passe provisoire").first.wait_for()


# name: (account logged in or None, path, what to do on the page before checking);
# an account's pages are visited in this order, in one browser context.
PAGES: dict[str, tuple[str | None, str, Callable[[Any], None] | None]] = {
    "login": (None, "/staff/login", None),
    "login-error": (None, "/staff/login", failed_login),
    "dashboard": (AGENT, "/staff/", None),
    "merchants": (AGENT, "/staff/merchants", None),
    "merchant-new": (AGENT, "/staff/merchants/new", None),
    "merchant-new-errors": (AGENT, "/staff/merchants/new", merchant_errors),
    "import": (AGENT, "/staff/import", None),
    "import-errors": (AGENT, "/staff/import", import_errors),
    "password": (AGENT, "/staff/password", None),
    "password-errors": (AGENT, "/staff/password", password_errors),
    "password-provisional": (NEWCOMER, "/staff/", new_password_asked),
    "support": (AGENT, "/staff/support/", None),
    "support-new-errors": (AGENT, "/staff/support/new", support_errors),
    "accounts": (ADMIN, "/staff/admin/users", reset_form_opened),
    "audit": (ADMIN, "/staff/admin/audit", None),
    "mfa-code": (None, "/staff/login", password_step),
    "mfa-code-error": (None, "/staff/login", wrong_code),
    "mfa-setup-required": (NEW_ADMIN, "/staff/", setup_shown),
    "mfa-setup-errors": (NEW_ADMIN, "/staff/security", setup_errors),
    "mfa-recovery-codes": (CAREFUL, "/staff/security", set_up_now),
    "mfa-on": (ADMIN, "/staff/security", None),
}


@pytest.fixture(scope="module")
def staff_data(staff_site: Server) -> None:
    """The named refuges of the public tests (one suspended); an admin with
    the second step, one without, an account an admin created (provisional
    password), a deactivated one and an agent who sets the second step up.
    Every login comes from 127.0.0.1: the throttle must not lock them out
    after the pages of failed logins."""
    _seed(staff_site.app)
    _APPS[staff_site.base] = staff_site.app
    staff_site.app.config["LOGIN_MAX_FAILURES"] = 1000
    with staff_site.app.app_context():
        admin = accounts.create_user(ADMIN, STAFF_PASSWORD, "admin", actor=None)
        mfa.enable(admin.id, STAFF_TOTP_SECRET, app_code(-30))
        accounts.create_user(NEW_ADMIN, STAFF_PASSWORD, "admin", actor=None)
        accounts.create_user(CAREFUL, STAFF_PASSWORD, "agent", actor=None)
        accounts.create_user(NEWCOMER, STAFF_PASSWORD, "viewer", admin, provisional=True)
        former = accounts.create_user(FORMER, STAFF_PASSWORD, "agent", admin)
        accounts.update_user(former.id, "agent", False, admin)


def staff_pages(
    open_staff_page: Callable[..., Any],
    device: dict[str, Any],
    names: Iterable[str],
    **options: Any,
) -> Iterator[tuple[str, Any]]:
    """Yield (name, page) for each of the PAGES `names`, open on `device`
    with its step done. An account's pages share one browser context, so
    one login (a login costs a password hash); each account's context is
    a new one, so a step cannot change what another account's page shows.
    The context options go to every context."""
    by_account: dict[str | None, list[str]] = {}
    for name in sorted(names, key=list(PAGES).index):
        by_account.setdefault(PAGES[name][0], []).append(name)
    for account, group in by_account.items():
        # axe is injected as a <script>, which the pages' strict CSP would refuse.
        page = open_staff_page("/staff/login", device, bypass_csp=True, **options)
        if account:
            log_in(page, account)
        root = page.url.split("/staff/")[0]
        for name in group:
            _account, path, then = PAGES[name]
            page.goto(root + path)
            if then:
                then(page)
            yield name, page


# axe's verdicts hang on colours and markup, the same at every width, except
# where the layout changes: on a phone (every page) the menu scrolls sideways
# and the tables scroll; on a laptop the menu joins the brand's line, the
# merchant form makes two columns under its sticky save bar, the import's
# error table and the rows of accounts spread out.
CHECKED_ON = {
    "phone": list(PAGES),
    "laptop": ["dashboard", "merchant-new", "merchant-new-errors", "import-errors", "accounts"],
}


@pytest.mark.parametrize("device", DEVICES)
def test_the_staff_pages_have_no_wcag_21_aa_violation(
    open_staff_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    staff_data: None,
    device: str,
):
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    for name, page in staff_pages(open_staff_page, DEVICES[device], CHECKED_ON[device]):
        page.screenshot(path=str(SCREENSHOTS / f"staff-a11y-{device}-{name}.png"), full_page=True)
        found[name] = axe(page)
    assert found == {name: [] for name in CHECKED_ON[device]}
