"""The rest of the staff face's small things (issue 13): staff pages for
refused and missing addresses, the merchant page's public link and map, the
dashboard's communes with too few refuges, and the « lecture seule » sign."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from angela.core import territory
from angela.core.hours import paris_today
from angela.services import merchant_search
from tests.places import MELUN_TOWN_HALL

EMERGENCY_STRIP = "tel:17"


@pytest.mark.parametrize(
    "path", ["/staff/admin/users", "/staff/admin/audit", "/staff/merchants/new", "/staff/import"]
)
def test_a_viewer_refused_gets_the_staff_403_page(staff_client: Callable[..., FlaskClient], path):
    response = staff_client("viewer").get(path)
    assert response.status_code == 403
    page = response.text
    assert "<title>Accès refusé — Où est Angela ?</title>" in page
    assert "demandez à un administrateur" in page
    assert 'href="/staff/">Revenir au tableau de bord</a>' in page
    assert "staff-header" in page and "Une erreur est survenue" not in page
    assert EMERGENCY_STRIP not in page


@pytest.mark.parametrize(
    "path",
    ["/staff/merchants/999999", "/staff/nope", "/staff/admin/nope", "/staff/support/999/edit"],
)
def test_a_missing_staff_page_gets_the_staff_404_page(staff_client, path):
    response = staff_client("admin").get(path)
    assert response.status_code == 404
    page = response.text
    assert "<title>Page introuvable — Où est Angela ?</title>" in page
    assert "liste des commerçants" in page
    assert 'href="/staff/">Revenir au tableau de bord</a>' in page
    assert EMERGENCY_STRIP not in page and "Une erreur est survenue" not in page


def test_an_unknown_staff_address_logged_out_leads_to_the_login(client):
    response = client.get("/staff/nope")
    assert response.status_code == 404
    assert "Se connecter à l'espace équipe" in response.text
    assert EMERGENCY_STRIP not in response.text


def test_the_public_404_keeps_the_emergency_numbers(client):
    response = client.get("/nope")
    assert response.status_code == 404
    assert EMERGENCY_STRIP in response.text


def test_the_merchant_page_links_to_the_public_page_and_shows_a_map(staff_client, make_merchant):
    merchant = make_merchant(status="trained")
    page = staff_client("viewer").get(f"/staff/merchants/{merchant.id}").text
    assert f'href="/refuges/{merchant.id}"' in page
    assert "Voir la fiche publique" in page
    assert "data-merchant-map" in page
    assert f'data-lat="{merchant.lat:.6f}"' in page


@pytest.mark.parametrize("status", ["suspended", "pending", "withdrawn"])
def test_a_hidden_merchant_page_says_the_public_page_does_not_show_it(
    staff_client, make_merchant, status
):
    merchant = make_merchant(status=status)
    page = staff_client("agent").get(f"/staff/merchants/{merchant.id}").text
    assert f'href="/refuges/{merchant.id}"' not in page
    assert "La page publique ne montre pas ce lieu" in page


def test_the_dashboard_puts_communes_without_refuge_first_and_flags_those_with_one(
    app: Flask, make_merchant
):
    make_merchant(position=MELUN_TOWN_HALL)
    with app.test_request_context():
        rows = merchant_search.dashboard(paris_today(), 24)["communes"]
    melun = territory.commune_at(*MELUN_TOWN_HALL)
    counts = [count for _commune, count in rows]
    assert counts == sorted(counts, key=lambda c: c > 0)  # zero first
    assert rows[-1] == (melun, 1)
    empty = [commune.population for commune, count in rows if count == 0]
    assert empty == sorted(empty, reverse=True)  # most people without a refuge first


def test_the_dashboard_flags_communes_with_at_most_one_refuge(staff_client, make_merchant):
    make_merchant(position=MELUN_TOWN_HALL)
    page = staff_client("viewer").get("/staff/").text
    melun = territory.commune_at(*MELUN_TOWN_HALL)
    row = re.search(rf"<tr[^>]*>\s*<td><a [^>]*>{melun.name}</a>.*?</tr>", page, re.S)
    assert row and "un seul" in row.group(0)
    assert page.count("aucun</span>") == len(territory.communes()) - 1
    assert 'class="tile-more"' in page


@pytest.mark.parametrize("role, badge", [("viewer", True), ("agent", False), ("admin", False)])
def test_viewers_see_a_read_only_badge(staff_client, make_merchant, role, badge):
    merchant = make_merchant()
    client = staff_client(role)
    for path in ("/staff/merchants", f"/staff/merchants/{merchant.id}", "/staff/support/"):
        main = client.get(path).text.split('<main id="contenu"')[1]
        assert ("Lecture seule" in main) is badge, path
    header = client.get("/staff/").text.split('<main id="contenu"')[0]
    assert ("Lecture seule" in header) is badge


def test_the_phone_menu_folds_the_account_links(staff_client):
    page = staff_client("agent").get("/staff/").text
    account = page[page.index('<details class="staff-account">') :]
    account = account[: account.index("</details>")]
    assert "Mon mot de passe" in account and "Déconnexion" in account
    nav = page[page.index('<nav class="staff-nav"') :]
    assert "Déconnexion" not in nav[: nav.index("</nav>")]
