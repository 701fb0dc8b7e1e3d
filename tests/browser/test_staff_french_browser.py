"""The merchant page as a viewer reads it (the last status change, in
French), the audit log as an admin reads it and the status choice as an
agent reads it, on a phone and a laptop: no WCAG 2.1 AA violation, no raw
value. Screenshots go to tests/screenshots/staff-french-<device>-<page>.png."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from angela.core.hours import paris_today
from angela.core.vocab import AuditAction
from angela.extensions import db
from angela.models import Merchant, User
from angela.services import accounts, exchange, merchants, mfa
from tests.browser.conftest import AGENT, LAPTOP, PHONE, SCREENSHOTS, Server
from tests.browser.test_staff_a11y import _APPS, log_in
from tests.conftest import STAFF_PASSWORD, STAFF_TOTP_SECRET, app_code
from tests.places import MELUN_STATION

pytestmark = pytest.mark.browser

ADMIN = "admin.journal@cidff77.example"
VIEWER = "observatoire@cidff77.example"
DEVICES = {"phone": PHONE, "laptop": LAPTOP}
CSV = (
    "ref,name,category,address,postcode,lat,lon,phone,opening_hours,training_status,"
    "trained_on,trainer,contact_name,contact_email,contact_phone,notes\r\n"
    "ANG-0100,Pharmacie des Remparts,pharmacy,5 avenue Thiers,77000,{lat},{lon},"
    "01 64 39 00 00,Mo-Sa 09:00-19:30,trained,{day},Claire,Mme Martin,martin@example.fr,"
    "06 12 34 56 78,Note privée\r\n"
    "ANG-0101,Boulangerie du Marché,bakery,3 place Saint-Jean,77000,{lat},{lon},,,trained,{day},"
    ",,,,\r\n"
)


@pytest.fixture(scope="module")
def suspended_place(staff_site: Server) -> int:
    """A pharmacy and a bakery imported, the pharmacy then suspended by an
    agent with a reason; an admin (second step set up) and a viewer; return
    the pharmacy's id (the bakery's is the next one)."""
    app = staff_site.app
    _APPS[staff_site.base] = app
    today = paris_today()
    data = CSV.format(
        lat=MELUN_STATION[0], lon=MELUN_STATION[1], day=(today - timedelta(days=40)).isoformat()
    )
    with app.app_context():
        exchange.apply_import(exchange.plan_import(data.encode(), today), actor=None)
        admin = accounts.create_user(ADMIN, STAFF_PASSWORD, "admin", actor=None)
        mfa.enable(admin.id, STAFF_TOTP_SECRET, app_code(-30))
        accounts.create_user(VIEWER, STAFF_PASSWORD, "viewer", admin)
        agent = db.session.execute(select(User).where(User.role == "agent")).scalars().first()
        place = db.session.execute(select(Merchant).where(Merchant.ref == "ANG-0100")).scalar_one()
        merchants.set_status(
            place.id, place.version, AuditAction.MERCHANT_SUSPEND,
            "Plainte d'une cliente, vérification en cours", agent,
        )  # fmt: skip
        return place.id


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["merchant-as-viewer", "audit", "status-choice"])
def test_french_values_read_well_on_every_device(
    open_staff_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    suspended_place: int,
    device: str,
    name: str,
):
    account, path = {
        "merchant-as-viewer": (VIEWER, f"/staff/merchants/{suspended_place}"),
        "audit": (ADMIN, "/staff/admin/audit"),
        "status-choice": (AGENT, f"/staff/merchants/{suspended_place + 1}"),
    }[name]
    page = open_staff_page("/staff/login", DEVICES[device], bypass_csp=True)
    log_in(page, account)
    page.goto(page.url.split("/staff/")[0] + path)
    # A registration's many fields are folded away: unfold them to read them all.
    page.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    text = page.locator("main").inner_text()
    if name == "status-choice":
        assert "Formé dès l'enregistrement" in text
        assert "Temporaire" in text and "Le lieu quitte le dispositif" in text
    else:
        assert "Formé → Suspendu" in text and "Plainte d'une cliente" in text
    for raw in ("trained", "suspended", "pharmacy", "+33", "77288"):
        assert raw not in text, raw
    if name == "merchant-as-viewer":
        assert "Historique" not in text and "Mme Martin" not in text
    elif name == "audit":
        assert "01 64 39 00 00" in text and "Pharmacie" in text and "Melun" in text
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"staff-french-{device}-{name}.png"), full_page=True)
    assert axe(page) == []
