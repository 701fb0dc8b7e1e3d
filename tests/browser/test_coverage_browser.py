"""The coverage observatory in real Chromium: no WCAG 2.1 AA violation on a
phone and on a laptop, the map drawn without its tiles, and the page
printed on A4. Screenshots go to tests/screenshots/coverage-*.png, the
printed pages to tests/screenshots/coverage-print-*.png."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import AGENT, LAPTOP, PHONE, SCREENSHOTS, Server, _seed, log_in

pytestmark = pytest.mark.browser

PAGE = "/staff/coverage"


@pytest.fixture(scope="module")
def refuges(staff_site: Server) -> None:
    _seed(staff_site.app)


def signed_in(open_staff_page: Callable[..., Any], device: dict[str, Any], **options: Any) -> Any:
    page = open_staff_page("/staff/login", device, **options)
    log_in(page, AGENT)
    page.wait_for_load_state()
    page.goto(page.url.split("/staff/")[0] + PAGE)
    return page


@pytest.mark.parametrize("device", ["phone", "laptop"])
def test_the_coverage_page_has_no_wcag_21_aa_violation(
    open_staff_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    refuges: None,
    device: str,
) -> None:
    # axe is injected as a <script>, which the page's strict CSP would refuse.
    page = signed_in(open_staff_page, PHONE if device == "phone" else LAPTOP, bypass_csp=True)
    page.locator(".heat-table summary").click()  # the table too, not only its summary
    assert page.locator("svg.heatmap-svg rect title").count() == 0  # titles sit on the groups
    assert page.locator("svg.heatmap-svg g > title").count() == 8 * 24
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"coverage-{device}.png"), full_page=True)
    assert axe(page) == []


def test_the_map_draws_the_uncovered_cells_and_the_open_refuges_without_tiles(
    open_staff_page: Callable[..., Any], refuges: None
) -> None:
    # Saturday 23:00: the three 24/7 refuges of the seed are open, the others not.
    page = signed_in(open_staff_page, LAPTOP)
    status = page.locator("[data-map-status]")
    status.filter(has_text="Le fond de carte ne se charge pas").wait_for()
    assert page.locator("[data-coverage-map]").is_visible()
    cells = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    cells.first.wait_for()
    # Hundreds of cells out of reach, and the open refuges as small circles.
    assert cells.count() > 300
    page.locator("#carte").screenshot(path=str(SCREENSHOTS / "coverage-map-no-tiles.png"))


def test_the_printed_page_fits_a4_without_the_menu(
    open_staff_page: Callable[..., Any], refuges: None, tmp_path: Any
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    page = signed_in(open_staff_page, LAPTOP)
    page.emulate_media(media="print")
    assert not page.locator(".staff-nav").is_visible()
    assert not page.locator("form.coverage-choice").is_visible()
    assert page.locator("svg.heatmap-svg").is_visible()
    for old in SCREENSHOTS.glob("coverage-print-*.png"):
        old.unlink()
    pdf = tmp_path / "coverage.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "coverage-print")],
        check=True,
    )
    pages = sorted(SCREENSHOTS.glob("coverage-print-*.png"))
    assert 2 <= len(pages) <= 6
