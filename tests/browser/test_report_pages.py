"""The report pages without JavaScript, in a real browser: the form and the
confirmation on a phone and a laptop, light and dark, with no accessibility
violation (axe), and the whole round trip typed and sent as a person would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from angela.extensions import db
from angela.models import Report
from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    Server,
    _serving,
    browser_app,
    page_opener,
    trained_merchant,
)
from tests.places import MELUN_STATION

pytestmark = pytest.mark.browser

DEVICES = {"phone": PHONE, "laptop": LAPTOP}
# Contrast depends on the scheme, layout on the screen: the night on a
# phone (the likeliest) and the day on a laptop cover both.
LOOKS = [("dark", "phone"), ("light", "laptop")]


@pytest.fixture(scope="module")
def report_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    """A server of its own with one refuge, its throttle loosened: every
    report of these tests comes from loopback, on that refuge."""
    database: Path = tmp_path_factory.mktemp("report-browser") / "angela.sqlite3"
    app = browser_app(
        database, INDEX_POLL_SECONDS=0.0, REPORTS_PER_SENDER=50, REPORTS_PER_REFUGE=50
    )
    with app.app_context():
        db.create_all()
    refuge = trained_merchant(
        app,
        MELUN_STATION,
        ref="ANG-0001",
        name="Café de la Gare",
        category="cafe",
        address="1 place Gallieni",
        postcode="77000",
        phone="+33199000001",
    )
    with _serving(app) as served:
        yield served, refuge.id


@pytest.mark.parametrize(("scheme", "device"), LOOKS)
def test_the_report_round_trip_without_javascript(
    browser: Any, report_site: tuple[Server, int], shoot: Any, device: str, scheme: str
):
    site, refuge_id = report_site
    with page_opener(browser, site) as open_:
        options = {**DEVICES[device], "color_scheme": scheme, "java_script_enabled": False}
        page = open_(f"/refuges/{refuge_id}", **options)
        shoot(page, f"a-report-link-{device}-{scheme}")
        page.get_by_role("link", name="Signaler un problème").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Signaler un problème")
        shoot(page, f"a-report-form-{device}-{scheme}", full_page=True)

        # A mistake first: the text too long for the server (maxlength bypassed).
        page.get_by_label("Horaires faux").check()
        page.locator("textarea").evaluate("(area) => area.removeAttribute('maxlength')")
        page.get_by_label("Précisez si vous le voulez").fill("Fermé le mardi. " * 40)
        page.get_by_role("button", name="Envoyer le signalement").click()
        summary = page.locator(".report-errors")
        expect(summary).to_contain_text("Le texte fait 639 caractères : 500 au plus.")
        expect(page.get_by_label("Horaires faux")).to_be_checked()
        shoot(page, f"a-report-error-{device}-{scheme}", full_page=True)

        page.get_by_label("Précisez si vous le voulez").fill("Fermé le mardi, pas le lundi.")
        page.get_by_label("Votre e-mail").fill("camille@exemple.fr")
        page.get_by_role("button", name="Envoyer le signalement").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Merci, votre signalement est transmis"
        )
        expect(page.locator("main")).to_contain_text("Nous vous répondrons")
        shoot(page, f"a-report-sent-{device}-{scheme}", full_page=True)
        page.get_by_role("link", name="Retour au refuge Café de la Gare").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Café de la Gare")
    with site.app.app_context():
        texts = db.session.execute(select(Report.text)).scalars().all()
    assert "Fermé le mardi, pas le lundi." in texts


@pytest.mark.parametrize(("scheme", "device"), LOOKS)
def test_the_form_its_errors_and_the_thanks_have_no_violation(
    browser: Any, report_site: tuple[Server, int], axe: Any, device: str, scheme: str
):
    # axe is a script: it runs where scripts do; the pages are the same.
    site, refuge_id = report_site
    with page_opener(browser, site) as open_:
        options = {**DEVICES[device], "color_scheme": scheme, "bypass_csp": True}
        page = open_(f"/refuges/{refuge_id}/signaler", **options)
        expect(page.get_by_role("radio")).to_have_count(5)
        assert axe(page) == []
        # The honeypot is out of sight, out of the accessibility tree.
        trap = page.locator("input[name=site_web]")
        expect(trap).to_have_count(1)
        assert (trap.bounding_box() or {"x": 0})["x"] < 0
        expect(page.get_by_role("textbox", name="Site web (laissez vide)")).to_have_count(0)
        # Each reason is a whole line to tap.
        for reason in page.locator(".report-reason").all():
            assert (reason.bounding_box() or {"height": 0})["height"] >= 48
        page.get_by_label("Votre e-mail").fill("pas-une-adresse")
        page.get_by_role("button", name="Envoyer le signalement").click()
        expect(page.locator(".report-errors")).to_contain_text("Choisissez le problème")
        assert axe(page) == []
        page.get_by_label("Autre problème").check()
        page.get_by_label("Votre e-mail").fill("")
        page.get_by_role("button", name="Envoyer le signalement").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Merci, votre signalement est transmis"
        )
        assert axe(page) == []
        # The card's link is quiet, but a full touch target.
        page.goto(site.url(f"/refuges/{refuge_id}"))
        link = page.get_by_role("link", name="Signaler un problème")
        assert (link.bounding_box() or {"height": 0})["height"] >= 44
