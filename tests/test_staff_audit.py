"""The audit log: admins only, global and per merchant, filterable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.places import MELUN_STATION


def test_audit_log_shows_who_did_what_with_before_and_after(staff_client, make_merchant, today):
    merchant = make_merchant(name="Café Central", position=MELUN_STATION, trainer="Ancien")
    agent, admin = staff_client("agent"), staff_client("admin")
    agent.post(
        f"/staff/merchants/{merchant.id}/training",
        data={
            "trained_on": (today - timedelta(days=1)).isoformat(),
            "trainer": "Nouvelle",
            "version": str(merchant.version),
        },
    )
    agent.post(
        f"/staff/merchants/{merchant.id}/status/suspend",
        data={"reason": "Contrôle", "version": str(merchant.version + 1)},
    )
    page = admin.get("/staff/admin/audit").text
    assert "Formation enregistrée" in page and "Suspension" in page and "Motif : Contrôle" in page
    assert "agent" in page and "Ancien" in page and "Nouvelle" in page
    assert "Compte créé" in page
    only_suspensions = admin.get("/staff/admin/audit?action=merchant_suspend").text
    assert (
        "Suspension" in only_suspensions
        and "Formation enregistrée</strong>" not in only_suspensions
    )
    detail = admin.get(f"/staff/merchants/{merchant.id}").text
    assert "Historique" in detail and "Nouvelle" in detail


def test_user_management_is_audited(app, staff_client):
    admin = staff_client("admin")
    created = admin.post(
        "/staff/admin/users",
        data={
            "email": "new@cidff77.example",
            "role": "viewer",
            "password": "a long enough password",
        },
    )
    assert created.status_code == 302
    too_short = admin.post(
        "/staff/admin/users",
        data={"email": "x@cidff77.example", "role": "viewer", "password": "short"},
    )
    assert too_short.status_code == 422
    page = admin.get("/staff/admin/audit?action=user_create").text
    assert "new@cidff77.example" in page
    assert "x@cidff77.example" not in admin.get("/staff/admin/users").text


@pytest.mark.parametrize(
    "query",
    [
        "actor=99999999999999999999999",
        "merchant=2147483648",
        "actor=-3",
        "page=99999999999999999999",
    ],
)
def test_the_audit_filters_take_any_number_without_failing(staff_client, make_merchant, query):
    make_merchant()
    admin = staff_client("admin")
    response = admin.get(f"/staff/admin/audit?{query}")
    assert response.status_code == 200
    if not query.startswith("page"):
        assert "Aucun événement." in response.get_data(as_text=True)
