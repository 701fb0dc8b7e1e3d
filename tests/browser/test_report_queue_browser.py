"""The report queue in real Chromium: axe (WCAG 2.1 AA) on the queue, one
report (as it opens and with a refused step), the merchant page with its
reports and the dashboard, on a phone and on a laptop; and an agent taking
a report in hand with the mouse. Screenshots go to
tests/screenshots/reports-<device>-<page>.png."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from angela.extensions import db
from angela.models import Merchant, Report, utcnow
from tests.browser.conftest import LAPTOP, PHONE, SCREENSHOTS, Server, _seed, log_in

pytestmark = pytest.mark.browser

DEVICES = {"phone": PHONE, "laptop": LAPTOP}
XSS = '<img src=x onerror="document.title=1">Ils ont refusé de m\'aider.'


@pytest.fixture(scope="module")
def report_ids(staff_site: Server) -> dict[str, int]:
    """The named refuges, and reports about them: refused help twice at
    the Café de la Mairie (flagged for a visit), wrong hours at the
    pharmacy, one resolved with a note, one sent from a phone offline."""
    _seed(staff_site.app)
    now = utcnow()
    with staff_site.app.app_context():
        ids = dict(db.session.execute(select(Merchant.name, Merchant.id)).all())
        cafe, pharmacy = ids["Café de la Mairie"], ids["Pharmacie du Centre"]
        reports = {
            "refused": Report(merchant_id=cafe, reason="help_refused", text=XSS,
                              email="reponse@example.fr", made_at=now - timedelta(hours=3)),
            "refused_before": Report(merchant_id=cafe, reason="help_refused", text=None,
                                     made_at=now - timedelta(days=20)),
            "hours": Report(merchant_id=pharmacy, reason="wrong_hours",
                            text="Fermé le samedi après-midi.\nOuvert le dimanche matin.",
                            made_at=now - timedelta(days=2, hours=5),
                            created_at=now - timedelta(days=2)),
            "resolved": Report(merchant_id=pharmacy, reason="wrong_place", status="resolved",
                               staff_note="Position corrigée sur la fiche.", closed_at=now,
                               made_at=now - timedelta(days=9)),
        }  # fmt: skip
        db.session.add_all(reports.values())
        db.session.commit()
        return {name: report.id for name, report in reports.items()} | {"cafe": cafe}


def dismiss_without_note(page: Any) -> None:
    page.get_by_role("button", name="Écarter").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.title().startswith("Erreur : ")


PAGES: dict[str, tuple[str, Callable[[Any], None] | None]] = {
    "queue": ("/staff/reports", None),
    "queue-filtered": ("/staff/reports?status=new&reason=help_refused", None),
    "report": ("/staff/reports/{refused}", None),
    "report-error": ("/staff/reports/{hours}", dismiss_without_note),
    "report-closed": ("/staff/reports/{resolved}", None),
    "merchant": ("/staff/merchants/{cafe}", None),
    "dashboard": ("/staff/", None),
}


@pytest.mark.parametrize("device", DEVICES)
def test_the_report_pages_have_no_wcag_21_aa_violation(
    open_staff_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    report_ids: dict[str, int],
    device: str,
):
    # axe is injected as a <script>, which the pages' strict CSP would refuse.
    page = open_staff_page("/staff/login", DEVICES[device], bypass_csp=True)
    log_in(page)  # once for every page: a login costs a password hash
    page.wait_for_load_state()
    root = page.url.split("/staff/")[0]
    width = DEVICES[device]["viewport"]["width"]
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    for name, (path, then) in PAGES.items():
        page.goto(root + path.format(**report_ids))
        if then:
            then(page)
        assert page.title() != "1", name  # the typed <img onerror> never ran
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(SCREENSHOTS / f"reports-{device}-{name}.png"), full_page=True)
        found[name] = axe(page)
    assert found == {name: [] for name in PAGES}


def test_an_agent_takes_a_report_in_hand_and_the_menu_counts_down(
    open_staff_page: Callable[..., Any], report_ids: dict[str, int], staff_site: Server
):
    page = open_staff_page("/staff/login", LAPTOP)
    log_in(page)
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Espace équipe")
    before = nav.get_by_role("link", name="Signalements").inner_text()
    page.goto(staff_site.url(f"/staff/reports/{report_ids['refused_before']}"))
    page.get_by_role("button", name="Prendre en charge").click()
    page.wait_for_load_state()
    assert "Signalement pris en charge." in page.locator(".flashes").inner_text()
    assert "En cours" in page.locator(".report-facts").inner_text()
    after = nav.get_by_role("link", name="Signalements").inner_text()
    assert int(after.split()[-2]) == int(before.split()[-2]) - 1, (before, after)
