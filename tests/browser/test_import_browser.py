"""The import page, its preview with the changed fields, a file with errors
and the column guide, in Chromium on a phone and a laptop: no WCAG 2.1 AA
violation, nothing wider than the screen, the error table inside its card."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from angela.core import schema
from angela.core.merchant_csv import COLUMNS, record_of, write_excel
from angela.extensions import db
from angela.models import Merchant
from tests.browser.conftest import AGENT, PHONE, SCREENSHOTS, Server, _seed
from tests.conftest import STAFF_PASSWORD

SHOTS = SCREENSHOTS / "import"
DEVICES = {"phone": PHONE, "laptop": {"viewport": {"width": 1280, "height": 800}}}


@pytest.fixture(scope="module")
def files(staff_site: Server) -> dict[str, bytes]:
    """The refuges of the public tests, and two files as French Excel saves
    them: one that changes three, creates one and keeps six; one with errors."""
    _seed(staff_site.app)
    with staff_site.app.app_context():
        merchants = db.session.execute(db.select(Merchant).order_by(Merchant.ref)).scalars()
        records = [record_of(merchant) for merchant in merchants]
    edited = [
        dataclasses.replace(records[0], training_status="suspended", phone="+33164390000"),
        dataclasses.replace(records[1], name="Pharmacie du Centre-Ville", category="shop"),
        dataclasses.replace(records[2], notes="Entrée par la cour ; sonner deux fois"),
        *records[3:],
        dataclasses.replace(records[0], ref="ANG-0100", name="Le Comptoir du Pont"),
    ]
    header = ";".join(schema.LABELS[column] for column in COLUMNS)
    bad_rows = "".join(
        f"ANG-{n:04d};Lieu {n};Bistrot de quartier;1 rue X;7700;48,54;2,66;;;Formé;;;;;;;\r\n"
        for n in range(200, 215)
    )
    return {
        "changes": write_excel(edited).removeprefix("\ufeff").encode("cp1252"),
        "errors": (header + "\r\n" + bad_rows).encode("cp1252"),
    }


def log_in(page: Any) -> None:
    page.get_by_label("Adresse e-mail").fill(AGENT)
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def upload(page: Any, data: bytes) -> None:
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "commercants.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()


def nothing_wider_than_the_screen(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("step", ["page", "changes", "errors", "guide"])
def test_the_import_pages_read_well_on_every_screen(
    open_staff_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    files: dict[str, bytes],
    device: str,
    step: str,
):
    page = open_staff_page("/staff/login", DEVICES[device], bypass_csp=True)
    log_in(page)
    base = page.url.split("/staff/")[0]
    page.goto(base + ("/staff/import/guide" if step == "guide" else "/staff/import"))
    if step == "changes":
        upload(page, files["changes"])
        preview = page.locator("#apercu")
        assert "Windows-1252" in preview.inner_text()
        assert "Suspendu" in preview.locator(".field-changes").first.inner_text()
    elif step == "errors":
        upload(page, files["errors"])
        card = page.locator("#apercu")
        assert "Boulangerie" in card.inner_text()
        assert card.evaluate("card => card.scrollWidth <= card.clientWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{step}-{device}.png"), full_page=True)
    if step in ("changes", "errors"):  # the preview as the screen shows it
        page.locator("#apercu").scroll_into_view_if_needed()
        page.evaluate("document.querySelector('#apercu').scrollIntoView()")
        page.screenshot(path=str(SHOTS / f"{step}-{device}-preview.png"))
    nothing_wider_than_the_screen(page)
    assert axe(page) == []
