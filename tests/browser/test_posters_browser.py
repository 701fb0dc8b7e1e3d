"""Posters printed by real Chromium: each format of each poster is one page
of the right paper size, and its QR code, decoded from the printed page
(pdftoppm then zbarimg), is the exact public address — in the sheet's
language too (Arabic, right to left); a sheet a third longer (the
pseudo-language) still fits; the preview passes axe on a phone and a
laptop, its « Imprimer » button prints, and its languages switch the sheet.
The printed pages go to tests/screenshots/poster-<kind>-<format>[-<lang>].png."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LAPTOP, PHONE, SCREENSHOTS, Server, log_in, trained_merchant
from tests.conftest import skip_or_fail
from tests.places import MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

# Long on purpose: the name must wrap and the poster still fit its page.
LONG_NAME = "Pharmacie de la Place Saint-Jean et de l'Hôtel de Ville de Melun"
DEVICES = {"phone": PHONE, "laptop": LAPTOP}


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        skip_or_fail(f"{name} not found (Debian package {package})")
    return str(found)


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    return {
        "pdfinfo": _tool("pdfinfo", "poppler-utils"),
        "pdftoppm": _tool("pdftoppm", "poppler-utils"),
        "zbarimg": _tool("zbarimg", "zbar-tools"),
    }


@pytest.fixture(scope="module")
def refuge_id(staff_site: Server) -> int:
    merchant = trained_merchant(
        staff_site.app, MELUN_TOWN_HALL, ref="ANG-0900", name=LONG_NAME, category="pharmacy",
        address="16 rue Paul Doumer", postcode="77000",
    )  # fmt: skip
    return merchant.id


@pytest.fixture
def open_poster(
    open_staff_page: Callable[..., Any], refuge_id: int
) -> Iterator[Callable[..., Any]]:
    """Open the poster of the kind ("refuge" or "commune") in the format,
    logged in as the staff server's agent."""

    def open_(
        kind: str, paper: str, device: dict[str, Any], lang: str = "fr", **options: Any
    ) -> Any:
        subject = refuge_id if kind == "refuge" else "77288"
        query = f"format={paper}" + ("" if lang == "fr" else f"&langue={lang}")
        page = open_staff_page(f"/staff/posters/{kind}/{subject}?{query}", device, **options)
        log_in(page)
        page.locator(".sheet").wait_for()
        return page

    yield open_


def public_address(staff_site: Server, kind: str, refuge_id: int, lang: str = "fr") -> str:
    path = f"/refuges/{refuge_id}" if kind == "refuge" else "/?commune=77288"
    return staff_site.url(("" if lang == "fr" else f"/{lang}") + path)


@pytest.mark.parametrize(
    ("kind", "paper", "lang"),
    [
        *[(kind, paper, "fr") for kind in ("refuge", "commune") for paper in ("a4", "a5")],
        # One other language, right to left, is enough: the sheet is the same.
        ("refuge", "a5", "ar"),
        ("commune", "a4", "ar"),
    ],
)
def test_the_printed_poster_is_one_page_whose_qr_code_is_the_public_address(
    open_poster, staff_site, refuge_id, tools, tmp_path, kind, paper, lang
):
    page = open_poster(kind, paper, LAPTOP, lang=lang)
    sheet = page.locator(".sheet")
    assert sheet.get_attribute("lang") == lang
    assert sheet.evaluate("(element) => getComputedStyle(element).direction") == (
        "rtl" if lang == "ar" else "ltr"
    )
    pdf = tmp_path / "poster.pdf"
    # Letter asked for, the stylesheet's page size wins: the sheet chooses its paper.
    page.pdf(path=str(pdf), format="Letter", prefer_css_page_size=True, print_background=True)

    info = subprocess.run([tools["pdfinfo"], str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
    # pdfinfo names the ISO size it recognises (Letter would be "letter").
    assert re.search(rf"^Page size:.* pts \({paper.upper()}\)$", info.stdout, re.M), info.stdout

    SCREENSHOTS.mkdir(exist_ok=True)
    png = SCREENSHOTS / f"poster-{kind}-{paper}{'' if lang == 'fr' else f'-{lang}'}"
    subprocess.run(
        [tools["pdftoppm"], "-png", "-r", "110", "-singlefile", str(pdf), str(png)], check=True
    )
    decoded = subprocess.run(
        [tools["zbarimg"], "--raw", "-q", str(png) + ".png"], capture_output=True, text=True
    )
    assert decoded.stdout.strip() == public_address(staff_site, kind, refuge_id, lang), (
        decoded.stderr
    )


def test_the_printed_page_holds_the_words_of_the_scheme(open_poster, tools, tmp_path):
    page = open_poster("refuge", "a5", LAPTOP)
    pdf = tmp_path / "poster.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    text = _pdf_text(pdf)
    if text is None:
        skip_or_fail("pdftotext not found (Debian package poppler-utils)")
    flat = " ".join(text.split())
    for words in (
        "Vous ne vous sentez pas en sécurité",
        "Entrez et demandez",
        "formée pour vous aider discrètement",
        "Police",
        "Urgences",
        "SMS si vous ne pouvez pas parler",
        "Violences Femmes Info : écoute, pas un numéro d'urgence",
        "16 rue Paul Doumer, 77000 Melun",
    ):
        assert words in flat, words
    # The numbers stand apart from their words (a column of their own).
    assert set(re.findall(r"\b(?:17|112|114|3919)\b", flat)) == {"17", "112", "114", "3919"}
    # The preview's tools are not printed.
    assert "Imprimer" not in flat and "Toutes les affiches" not in flat


def _pdf_text(pdf: Path) -> str | None:
    found = shutil.which("pdftotext")
    if found is None:
        return None
    done = subprocess.run([found, str(pdf), "-"], capture_output=True, text=True)
    return done.stdout


# The blocks of the sheet that its edge cuts, or that hide part of what they
# hold (the place's block, which gives way first when words are long).
CUT_BLOCKS = """() => {
  const poster = document.querySelector(".poster");
  const style = getComputedStyle(poster);
  const edge = poster.getBoundingClientRect().bottom - parseFloat(style.paddingBlockEnd);
  const problems = [];
  for (const block of poster.children) {
    const name = block.className;
    const box = block.getBoundingClientRect();
    const bottom = box.top + Math.max(box.height, block.scrollHeight);
    if (bottom > edge + 1) problems.push(`${name}: cut`);
    const hides = getComputedStyle(block).overflowY !== "visible";
    if (hides && block.scrollHeight > block.clientHeight + 1) problems.push(`${name}: clipped`);
  }
  return problems;
}"""


@pytest.mark.parametrize(("kind", "paper"), [("refuge", "a5"), ("commune", "a4")])
def test_a_sheet_a_third_longer_still_shows_every_block_whole(
    open_poster, staff_site, shoot, kind, paper
):
    # The pseudo-language: every message accented and a third longer, as
    # translations may be; the long name of the refuge wraps on top.
    staff_site.app.config["PSEUDO_LANGUAGE"] = True
    try:
        page = open_poster(kind, paper, LAPTOP, lang="en-XA")
        page.locator(".sheet").screenshot(
            path=str(SCREENSHOTS / f"poster-{kind}-{paper}-pseudo.png")
        )
        assert page.evaluate(CUT_BLOCKS) == []
    finally:
        staff_site.app.config["PSEUDO_LANGUAGE"] = False


@pytest.mark.parametrize("device", DEVICES)
def test_the_preview_passes_axe_and_its_button_prints(open_poster, axe, shoot, device):
    # axe is added as a script of the page: the CSP would refuse it.
    page = open_poster("commune", "a4", DEVICES[device], bypass_csp=True)
    button = page.get_by_role("button", name="Imprimer")
    button.wait_for()
    # Headless Chromium has no print dialog: count the calls instead.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button.click()
    assert page.evaluate("() => window.printed") == 1
    page.get_by_role("link", name="A5").click()
    page.locator(".sheet-a5").wait_for()
    assert page.get_by_role("link", name="A5").get_attribute("aria-current") == "page"
    shoot(page, f"poster-preview-{device}", full_page=True)
    assert axe(page) == []
    # The languages switch the sheet, and keep the format.
    page.get_by_role("link", name="العربية").click()
    page.locator('.sheet-a5[lang="ar"][dir="rtl"]').wait_for()
    assert page.get_by_role("link", name="العربية").get_attribute("aria-current") == "page"
    assert page.get_by_role("link", name="A4").get_attribute("href").endswith("langue=ar")
    shoot(page, f"poster-preview-{device}-ar", full_page=True)


@pytest.mark.parametrize("device", DEVICES)
def test_the_poster_index_passes_axe_and_leads_to_the_posters(
    open_staff_page, staff_server, refuge_id, axe, shoot, device
):
    page = open_staff_page("/staff/posters/?q=place+saint-jean", DEVICES[device], bypass_csp=True)
    log_in(page)
    page.get_by_role("heading", name="Affiches à imprimer").wait_for()
    shoot(page, f"poster-index-{device}", full_page=True)
    assert axe(page) == []
    poster = page.get_by_role("link", name=f"Affiche A5 de {LONG_NAME}")
    assert poster.get_attribute("href") == f"/staff/posters/refuge/{refuge_id}?format=a5"
    # The language chosen, the search kept, the posters are offered in it.
    page.get_by_label("Langue des affiches").select_option("ar")
    page.get_by_role("button", name="Choisir").click()
    page.wait_for_url("**/staff/posters/?langue=ar&q=place+saint-jean")
    page.get_by_role("link", name=f"Affiche A5 de {LONG_NAME}").click()
    page.locator('.sheet-a5[lang="ar"]').wait_for()
    assert page.url == f"{staff_server}/staff/posters/refuge/{refuge_id}?format=a5&langue=ar"
