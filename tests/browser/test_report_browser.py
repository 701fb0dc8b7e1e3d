"""The "Signaler un problème" link with JavaScript, in headless Chromium on
a phone: the form opens under its card (and from the map's popup), a report sent
inline reaches the database, the server's French refusals show beside their
field, and a report made without network waits on the phone and leaves
once, with the moment it was made, when the network returns. No request
carries the position; no cookie is set."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from angela.core import reports
from angela.core.vocab import ReportReason
from angela.extensions import db
from angela.models import Merchant, Report
from tests.browser.conftest import LAPTOP, PHONE, Server, _seed, _serving, browser_app, page_opener
from tests.browser.test_offline import CONTROLLED, SECRET_PLACE, WAIT_MS, carries, spellings
from tests.browser.test_public_page import located, popup_shown, search
from tests.places import DAMMARIE_TOWN_HALL, MELUN_TOWN_HALL

pytestmark = pytest.mark.browser

REPORT = re.compile("^Signaler un problème")
SENT = "Merci. Votre signalement est transmis à l'équipe du CIDFF."
KEPT = "Pas de réseau : votre signalement partira dès que le téléphone retrouvera le réseau."
STORE = "angela-reports"
TEXT = "Précisez si vous le voulez (facultatif)"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The conftest's refuges on a server of this module's own, its report
    throttle loose enough for every test here (the throttle has its own)."""
    database = tmp_path_factory.mktemp("report-browser") / "angela.sqlite3"
    app = browser_app(database, REPORTS_PER_SENDER=500, REPORTS_PER_REFUGE=500)
    _seed(app)
    with _serving(app) as served:
        yield served


@pytest.fixture
def open_(browser: Any, site: Server) -> Iterator[Callable[..., Any]]:
    """Open a path of `site` on a phone at Melun town hall (more options go
    to the browser context)."""
    with page_opener(browser, site) as opener:
        yield lambda path="/", **options: opener(
            path, **{**PHONE, **located(MELUN_TOWN_HALL), **options}
        )


def reports_on(site: Server, name: str) -> list[dict[str, Any]]:
    """Return the reports stored on the refuge `name`, oldest first."""
    with site.app.app_context():
        merchant_id = db.session.execute(
            select(Merchant.id).where(Merchant.name == name)
        ).scalar_one()
        rows = db.session.execute(
            select(Report).where(Report.merchant_id == merchant_id).order_by(Report.id)
        ).scalars()
        return [
            {
                "reason": row.reason,
                "text": row.text,
                "email": row.email,
                "made_at": _utc(row.made_at),
                "created_at": _utc(row.created_at),
            }
            for row in rows
        ]


def _utc(moment: datetime) -> datetime:
    # SQLite gives naive UTC back.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def card_of(page: Any, name: str) -> Any:
    return page.locator("[data-results] [data-card]", has_text=name)


def open_form(page: Any, name: str) -> Any:
    """Tap "Signaler un problème" on the card of `name`; return its form."""
    card = card_of(page, name)
    card.get_by_role("link", name=REPORT).click()
    form = card.locator("[data-report-form]")
    expect(form).to_be_visible()
    return form


def kept(page: Any) -> Any:
    return page.evaluate("(key) => localStorage.getItem(key)", STORE)


# --- inline, online -------------------------------------------------------------


def test_a_report_made_inline_reaches_the_staff(open_, site):
    page = open_()
    seen: list[Any] = []
    page.context.on("request", lambda request: seen.append(request))
    set_cookies: list[str] = []
    page.context.on(
        "response",
        lambda response: set_cookies.extend(
            value for name, value in response.headers.items() if name == "set-cookie"
        ),
    )
    search(page)
    card = card_of(page, "Pharmacie du Centre")
    link = card.get_by_role("link", name=REPORT)
    # A card built on the phone links to its refuge's server form too.
    expect(link).to_have_attribute("href", re.compile(r"^/refuges/\d+/signaler$"))
    expect(link).to_have_accessible_name("Signaler un problème : Pharmacie du Centre")
    form = open_form(page, "Pharmacie du Centre")
    expect(form.get_by_role("heading", name="Signaler un problème")).to_be_focused()
    reasons = form.get_by_role("radio")
    expect(reasons).to_have_count(len(ReportReason))
    for member, radio in zip(ReportReason, reasons.all(), strict=True):
        expect(radio).to_have_accessible_name(member.label)

    form.get_by_role("radio", name=ReportReason.WRONG_HOURS.label).check()
    text = form.get_by_label(TEXT)
    text.fill("Fermé le samedi après-midi <b>depuis</b> octobre.")
    expect(form.locator("[data-report-count]")).to_have_text("Encore 451 caractères.")
    before = datetime.now(UTC)
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(SENT)
    expect(form.get_by_role("button", name="Fermer")).to_be_visible()
    expect(form.get_by_role("button", name="Envoyer")).to_be_hidden()

    [stored] = reports_on(site, "Pharmacie du Centre")
    assert stored["reason"] == "wrong_hours"
    assert stored["text"] == "Fermé le samedi après-midi <b>depuis</b> octobre."
    assert stored["email"] is None
    # made_at is kept to the minute.
    assert before - timedelta(minutes=1) < stored["made_at"] <= datetime.now(UTC)
    assert kept(page) is None  # nothing left on the phone

    form.get_by_role("button", name="Fermer").click()
    expect(card.locator("[data-report-form]")).to_have_count(0)
    expect(link).to_be_focused()

    posts = [r for r in seen if r.method == "POST" and r.url.endswith("/signaler")]
    assert len(posts) == 1
    # What the person chose and typed, the token, the moment, the honeypot: no more.
    assert set(posts[0].post_data_json) == {"token", "site_web", *reports.FIELDS}
    assert page.context.cookies() == [] and set_cookies == []


def test_no_request_of_a_report_carries_the_position(open_, site):
    page = open_(**located(SECRET_PLACE))
    seen: list[Any] = []
    page.context.on("request", lambda request: seen.append(request))
    search(page)
    form = open_form(page, "Café de la Mairie")
    form.get_by_role("radio", name=ReportReason.OTHER.label).check()
    form.get_by_label(re.compile("^Votre e-mail")).fill("angela.test@example.org")
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(SENT)
    assert reports_on(site, "Café de la Mairie")[-1]["email"] == "angela.test@example.org"

    secrets = spellings(SECRET_PLACE[0]) | spellings(SECRET_PLACE[1])
    reported = [r for r in seen if "/signaler" in r.url]
    assert [r.method for r in reported] == ["GET", "POST"]
    leaks = {request.url: found for request in seen if (found := carries(request, secrets))}
    assert leaks == {}


def test_escape_or_cancel_closes_the_form_and_returns_to_the_link(open_):
    page = open_()
    search(page)
    card = card_of(page, "Café de la Mairie")
    link = card.get_by_role("link", name=REPORT)
    form = open_form(page, "Café de la Mairie")
    form.get_by_role("radio", name=ReportReason.CLOSED.label).check()
    page.keyboard.press("Escape")
    expect(card.locator("[data-report-form]")).to_have_count(0)
    expect(link).to_be_focused()

    form = open_form(page, "Café de la Mairie")
    # Opened afresh: what was chosen before is gone.
    expect(form.get_by_role("radio", name=ReportReason.CLOSED.label)).not_to_be_checked()
    form.get_by_role("button", name="Annuler").click()
    expect(card.locator("[data-report-form]")).to_have_count(0)
    expect(link).to_be_focused()


def test_the_map_popup_opens_the_form_under_the_list_card(open_):
    page = open_()
    search(page)
    section = page.locator("[data-map-section]")
    section.locator(".leaflet-marker-icon").first.click()
    popup_shown(section)
    section.locator(".leaflet-popup").get_by_role("link", name=REPORT).click()
    expect(section.locator(".leaflet-popup")).to_have_count(0)
    form = card_of(page, "Café de la Mairie").locator("[data-report-form]")
    expect(form.get_by_role("heading", name="Signaler un problème")).to_be_focused()


# Every URL in the site's caches, whatever the cache.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) {
      urls.push(request.url);
    }
  }
  return urls;
}"""


def test_the_service_worker_keeps_no_report_answer(open_, site):
    page = open_()
    page.evaluate(CONTROLLED, WAIT_MS)
    answers: list[Any] = []
    page.on("response", lambda response: answers.append(response))
    search(page)
    form = open_form(page, "Café de la Mairie")
    form.get_by_role("radio", name=ReportReason.WRONG_HOURS.label).check()
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(SENT)

    reported = [answer for answer in answers if "/signaler" in answer.url]
    assert [answer.status for answer in reported] == [200, 201]
    for answer in reported:
        assert not answer.from_service_worker
        assert "no-store" in answer.headers["cache-control"]
    cached = page.evaluate(CACHED_URLS)
    assert site.url("/") in cached  # the worker did keep the page
    assert not [url for url in cached if "/signaler" in url]


# --- refusals, in French -------------------------------------------------------------


def test_a_text_too_long_for_the_server_is_refused_beside_the_field(open_, site):
    page = open_()
    search(page)
    form = open_form(page, "Boulangerie Gambetta")
    form.get_by_role("radio", name=ReportReason.OTHER.label).check()
    text = form.get_by_label(TEXT)
    text.evaluate("(field) => field.removeAttribute('maxlength')")  # as an old browser would
    text.fill("x" * 501)
    expect(form.locator("[data-report-count]")).to_have_text("1 caractère de trop.")
    form.get_by_role("button", name="Envoyer").click()
    error = form.locator('[data-report-error="text"]')
    expect(error).to_have_text(re.compile(r"^Le texte fait 501 caractères : 500 au plus\."))
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_be_focused()
    assert reports_on(site, "Boulangerie Gambetta") == []

    text.fill("x" * 500)
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(SENT)
    assert len(reports_on(site, "Boulangerie Gambetta")) == 1


def test_a_missing_reason_or_a_broken_email_is_said_before_anything_is_sent(open_):
    # A list the server rendered (Melun, chosen in the picker) opens inline too.
    page = open_("/?commune=77288")
    seen: list[Any] = []
    page.context.on("request", lambda request: seen.append(request))
    form = open_form(page, "Café de la Mairie")
    form.get_by_role("button", name="Envoyer").click()
    expect(form.locator('[data-report-error="reason"]')).to_have_text(
        "Choisissez ce qui ne va pas."
    )
    expect(form.get_by_role("radio").first).to_be_focused()
    # Checked on the phone, as a report kept offline could not be corrected later.
    form.get_by_role("radio", name=ReportReason.OTHER.label).check()
    email = form.get_by_label(re.compile("^Votre e-mail"))
    email.fill("angela@")
    form.get_by_role("button", name="Envoyer").click()
    expect(form.locator('[data-report-error="reason"]')).to_be_hidden()
    expect(form.locator('[data-report-error="email"]')).to_contain_text("pas complète")
    expect(email).to_be_focused()
    assert not [r for r in seen if "/signaler" in r.url]


def test_a_refused_token_is_renewed_once_then_said(open_, site):
    page = open_()
    posts: list[Any] = []

    def forged(route: Any) -> None:
        if route.request.method == "GET":
            route.fulfill(json={"token": "forge.abc.def", "expires_in": 7200})
        else:
            posts.append(route.request)
            route.continue_()

    page.route(re.compile(r"/refuges/\d+/signaler$"), forged)
    search(page)
    form = open_form(page, "Bar du Port")
    form.get_by_role("radio", name=ReportReason.HELP_REFUSED.label).check()
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(
        re.compile("^Le formulaire n'a pas pu être vérifié")
    )
    expect(form.get_by_role("button", name="Envoyer")).to_be_visible()
    assert len(posts) == 2  # the first, then once with a fresh token
    assert reports_on(site, "Bar du Port") == []

    page.unroute(re.compile(r"/refuges/\d+/signaler$"))
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(SENT)
    assert [r["reason"] for r in reports_on(site, "Bar du Port")] == ["help_refused"]


# --- offline -------------------------------------------------------------------------


def test_a_report_made_offline_leaves_once_on_reconnect_with_its_moment(open_, site, shoot):
    page = open_()
    search(page)
    # The phone's clock says 20 minutes ago: the moment the report is made.
    made = (datetime.now(UTC) - timedelta(minutes=20)).replace(second=30, microsecond=0)
    page.clock.set_fixed_time(made)
    form = open_form(page, "Hôtel de la Gare")
    form.get_by_role("radio", name=ReportReason.CLOSED.label).check()
    form.get_by_label(TEXT).fill("Rideau baissé, panneau « à vendre ».")
    page.context.set_offline(True)
    posts: list[Any] = []
    page.context.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and "/signaler" in r.url else None,
    )
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(KEPT)
    form.scroll_into_view_if_needed()
    shoot(page, "report-kept-offline")
    assert '"reason":"closed"' in kept(page)
    assert reports_on(site, "Hôtel de la Gare") == []

    # The network returns while a second page of the site loads: both try
    # to send what is kept, and the report still leaves only once.
    page.context.set_offline(False)
    other = page.context.new_page()
    other.goto(site.url("/"))
    expect(form.get_by_role("status")).to_have_text(SENT)
    other.wait_for_function("(key) => localStorage.getItem(key) === null", arg=STORE)
    other.wait_for_timeout(500)  # the second page's sending is over
    [stored] = reports_on(site, "Hôtel de la Gare")
    assert len(posts) == 1
    assert stored["reason"] == "closed"
    assert stored["text"] == "Rideau baissé, panneau « à vendre »."
    assert stored["made_at"] == made.replace(second=0)
    assert stored["created_at"] - stored["made_at"] > timedelta(minutes=19)
    assert kept(page) is None


def test_a_report_kept_offline_leaves_at_the_next_page_load(open_, site):
    page = open_(**located(DAMMARIE_TOWN_HALL))
    search(page)
    form = open_form(page, "Mairie de Dammarie")
    form.get_by_role("radio", name=ReportReason.WRONG_PLACE.label).check()
    page.context.set_offline(True)
    form.get_by_role("button", name="Envoyer").click()
    expect(form.get_by_role("status")).to_have_text(KEPT)
    page.close()  # gone before the network came back

    later = page.context.new_page()
    page.context.set_offline(False)
    later.goto(site.url("/"))
    later.wait_for_function("(key) => localStorage.getItem(key) === null", arg=STORE)
    assert [r["reason"] for r in reports_on(site, "Mairie de Dammarie")] == ["wrong_place"]


# --- accessibility, light and dark ---------------------------------------------------


LAPTOP_ONLY = {**LAPTOP, "is_mobile": False, "has_touch": False}
SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}


@pytest.mark.parametrize(
    ("device", "scheme", "on_refuge_page"),
    [(PHONE, "light", False), (SMALL_PHONE, "dark", False), (LAPTOP_ONLY, "light", False),
     (PHONE, "dark", True)],
    ids=["phone", "small-phone-dark", "laptop", "refuge-page-dark"],
)  # fmt: skip
def test_the_open_form_has_no_axe_violation(
    open_, site, axe, shoot, device, scheme, on_refuge_page
):
    path = "/"
    if on_refuge_page:
        with site.app.app_context():
            refuge_id = db.session.execute(
                select(Merchant.id).where(Merchant.name == "Pharmacie du Centre")
            ).scalar_one()
        path = f"/refuges/{refuge_id}"
    # axe is injected as a <script>, which the page's strict CSP would refuse.
    page = open_(path, bypass_csp=True, color_scheme=scheme, **device)
    if on_refuge_page:
        card = page.locator("main [data-card]").first
    else:
        search(page)
        card = card_of(page, "Café de la Mairie")
    card.get_by_role("link", name=REPORT).click()
    form = card.locator("[data-report-form]")
    # One level below the card's name: h3 in a list, h1 on a refuge's page.
    expect(form.locator("h2" if on_refuge_page else "h4")).to_have_text("Signaler un problème")
    form.get_by_role("radio", name=ReportReason.HELP_REFUSED.label).check()
    form.get_by_label(TEXT).fill("Pas d'aide, et mal reçue.")
    form.scroll_into_view_if_needed()
    form.locator("[data-report-title]").scroll_into_view_if_needed()
    # Nothing wider than the screen: no sideways scrolling for one thumb.
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    width = device["viewport"]["width"]
    shoot(page, f"report-form-{width}-{scheme}{'-refuge' if on_refuge_page else ''}")
    form.get_by_role("button", name="Annuler").scroll_into_view_if_needed()
    shoot(page, f"report-form-{width}-{scheme}{'-refuge' if on_refuge_page else ''}-end")
    assert axe(page) == []
