"""WCAG 2.1 AA on the staff face, checked by axe-core in real Chromium on a
phone and on a laptop: each page as it first opens and as it shows errors.
Screenshots go to tests/screenshots/staff-a11y-<device>-<page>.png."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from angela.services import accounts
from tests.browser.conftest import AGENT, LAPTOP, PHONE, SCREENSHOTS, Server, _seed
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "admin@cidff77.example"
NEWCOMER = "nouvelle@cidff77.example"  # invited: her password is provisional
FORMER = "ancien@cidff77.example"  # deactivated
DEVICES = {"phone": PHONE, "laptop": LAPTOP}
BAD_CSV = b"ref,name\nANG-0001,\n"


def log_in(page: Any, email: str = AGENT) -> None:
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


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


def reset_form_opened(page: Any) -> None:
    page.get_by_text("Donner un mot de passe provisoire").first.click()
    page.get_by_label("Nouveau mot de passe provisoire").first.wait_for()


# name: (account logged in or None, path, what to do on the page before checking)
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
    "password-provisional": (NEWCOMER, "/staff/", None),
    "support": (AGENT, "/staff/support/", None),
    "support-new-errors": (AGENT, "/staff/support/new", support_errors),
    "accounts": (ADMIN, "/staff/admin/users", reset_form_opened),
    "audit": (ADMIN, "/staff/admin/audit", None),
}


@pytest.fixture(scope="module")
def staff_data(staff_site: Server) -> None:
    """The named refuges of the public tests (one suspended); an admin, an
    account an admin created (provisional password) and a deactivated one."""
    _seed(staff_site.app)
    with staff_site.app.app_context():
        admin = accounts.create_user(ADMIN, STAFF_PASSWORD, "admin", actor=None)
        accounts.create_user(NEWCOMER, STAFF_PASSWORD, "viewer", admin, provisional=True)
        former = accounts.create_user(FORMER, STAFF_PASSWORD, "agent", admin)
        accounts.update_user(former.id, "agent", False, admin)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("device", DEVICES)
def test_the_staff_page_has_no_wcag_21_aa_violation(
    open_staff_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    staff_data: None,
    device: str,
    name: str,
):
    account, path, then = PAGES[name]
    # axe is injected as a <script>, which the pages' strict CSP would refuse.
    page = open_staff_page("/staff/login" if account else path, DEVICES[device], bypass_csp=True)
    if account:
        log_in(page, account)
        page.goto(page.url.split("/staff/")[0] + path)
    if then:
        then(page)
    if name == "password-provisional":
        assert page.url.endswith("/staff/password")
        assert "provisoire" in page.locator("main").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"staff-a11y-{device}-{name}.png"), full_page=True)
    assert axe(page) == []
