"""The "Partager ce refuge" of a refuge's page, in headless Chromium on a phone:
the phone's share sheet gets the refuge's page (never her position); a
closed sheet says nothing, a failed one hands over to the SMS link; without
a share sheet, the SMS link stays and "Copier le lien" copies the page's
address and says so. Screenshots: tests/screenshots/50-share-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

NAME = "Pharmacie du Centre"  # a refuge of the browser tests' data
SHARE = "Partager ce refuge"
BY_SMS = "Partager ce refuge par SMS"
COPY = "Copier le lien"

# The phone's share sheet, stubbed: it notes what it was given, then does
# what window.shareOutcome says (resolve, or reject with that error's name).
SHARE_SHEET = """
Object.defineProperty(Navigator.prototype, "share", {
  configurable: true,
  value: async function share(data) {
    (window.sharedData ||= []).push(data);
    const outcome = window.shareOutcome || "done";
    if (outcome !== "done") {
      throw new DOMException("stubbed", outcome);
    }
  },
});
Object.defineProperty(Navigator.prototype, "canShare", {
  configurable: true, value: () => true,
});
"""
NO_SHARE_SHEET = """
delete Navigator.prototype.share;
delete Navigator.prototype.canShare;
"""


@pytest.fixture
def refuge_path(server: Server) -> str:
    """The path of NAME's page, as the API knows it."""
    features = server.app.test_client().get("/api/v1/refuges").get_json()["features"]
    [found] = [f for f in features if f["properties"]["name"] == NAME]
    return f"/refuges/{found['properties']['id']}"


def opened(open_page: Callable[..., Any], path: str, script: str, **options: Any) -> Any:
    """Open `path` with `script` run before the page's own, on every load."""
    page = open_page(path, **options)
    page.add_init_script(script)
    page.reload()
    return page


def test_the_share_sheet_gets_the_refuges_page(open_page, server, refuge_path, shoot):
    page = opened(open_page, refuge_path, SHARE_SHEET)
    button = page.get_by_role("button", name=SHARE, exact=True)
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name=BY_SMS)).to_be_hidden()
    expect(page.get_by_role("button", name=COPY)).to_be_hidden()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    shoot(page, "50-share-refuge-page")
    button.click()
    assert page.evaluate("window.sharedData") == [
        {
            "title": f"{NAME} — refuge « Où est Angela ? »",
            "text": f"Refuge « Où est Angela ? » : {NAME}, 2 rue de l'Essai, 77000 Melun",
            "url": server.url(refuge_path),
        }
    ]


def test_a_closed_share_sheet_says_nothing(open_page, refuge_path):
    page = opened(open_page, refuge_path, SHARE_SHEET + 'window.shareOutcome = "AbortError";')
    page.get_by_role("button", name=SHARE, exact=True).click()
    page.wait_for_function("window.sharedData?.length === 1")
    page.wait_for_timeout(200)  # longer than the status takes to speak
    expect(page.locator("[data-share-status]")).to_have_text("")
    expect(page.get_by_role("link", name=BY_SMS)).to_be_hidden()


def test_a_failed_share_sheet_hands_over_to_the_sms_link(open_page, refuge_path):
    page = opened(open_page, refuge_path, SHARE_SHEET + 'window.shareOutcome = "NotAllowedError";')
    page.get_by_role("button", name=SHARE, exact=True).click()
    expect(page.locator("[data-share-status]")).to_have_text(
        "Le partage n'a pas abouti : envoyez le lien par SMS."
    )
    sms = page.get_by_role("link", name=BY_SMS)
    expect(sms).to_be_visible()
    expect(sms).to_have_attribute("href", re.compile(r"^sms:\?&body=."))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_without_a_share_sheet_the_link_is_copied(
    open_page, server, refuge_path, shoot, axe, scheme
):
    page = opened(
        open_page,
        refuge_path,
        NO_SHARE_SHEET,
        color_scheme=scheme,
        permissions=["clipboard-read", "clipboard-write"],
        bypass_csp=True,  # for axe, injected as a <script>
    )
    expect(page.get_by_role("button", name=SHARE, exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name=BY_SMS)).to_be_visible()
    copy = page.get_by_role("button", name=COPY)
    for target in (page.get_by_role("link", name=BY_SMS), copy):
        box = target.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    copy.click()
    expect(page.get_by_role("status").filter(has_text="Lien copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == server.url(refuge_path)
    page.locator("[data-share]").scroll_into_view_if_needed()
    shoot(page, f"50-share-copied-{scheme}")
    assert axe(page) == []


def test_without_javascript_the_sms_link_alone_is_offered(open_page, refuge_path):
    page = open_page(refuge_path, java_script_enabled=False)
    sms = page.get_by_role("link", name=BY_SMS)
    expect(sms).to_be_visible()
    expect(sms).to_have_attribute("href", re.compile(r"^sms:\?&body=Refuge%20%C2%AB%20O"))
    expect(page.get_by_role("button", name=SHARE, exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name=COPY)).to_be_hidden()
