"""Login throttling: one count per account whatever the spelling of its
address, and at most the limit of attempts let through, even at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from angela.extensions import db
from angela.models import LoginFailure, utcnow
from angela.services import login_throttle
from tests.conftest import STAFF_PASSWORD

VICTIM = "victim@cidff77.fr"
# Spellings that reach the victim's account.
SPELLINGS = [
    "victim@cidff77.ｆｒ",
    "ｖｉｃｔｉｍ@ｃｉｄｆｆ７７.ｆｒ",
    "VICTIM@CIDFF77.FR",
    " victim@cidff77.fr\u00a0",
]
WRONG_PASSWORD = "not the password, sorry"
LIMITS = login_throttle.ThrottleLimits(5, timedelta(minutes=15))


def attempt(client, email, password=WRONG_PASSWORD, address="192.0.2.1"):
    return client.post(
        "/staff/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def victim(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    return make_user("agent", email=VICTIM)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_another_spelling_logs_in_to_the_same_account(client, victim, spelling):
    response = attempt(client, spelling, STAFF_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_locked_account_stays_locked_under_another_spelling(client, victim, spelling):
    for number in range(5):
        assert attempt(client, VICTIM, address=f"192.0.2.{number}").status_code == 200
    response = attempt(client, spelling, STAFF_PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text


def test_failures_under_other_spellings_lock_the_account(client, victim):
    for number, spelling in enumerate([*SPELLINGS, VICTIM]):
        assert attempt(client, spelling, address=f"192.0.2.{number}").status_code == 200
    assert attempt(client, VICTIM, STAFF_PASSWORD, address="198.51.100.7").status_code == 429


@pytest.mark.parametrize("shared", ["account", "address"])
def test_simultaneous_attempts_let_at_most_the_limit_through(app, victim, shared):
    tries = 20
    start = threading.Barrier(tries)

    def one(number):
        client = app.test_client()
        email = VICTIM if shared == "account" else f"guess{number}@cidff77.fr"
        address = "192.0.2.1" if shared == "address" else f"192.0.2.{number + 1}"
        start.wait(timeout=30)
        return attempt(client, email, address=address).status_code

    with ThreadPoolExecutor(max_workers=tries) as pool:
        statuses = list(pool.map(one, range(tries)))
    assert sorted(statuses) == [200] * 5 + [429] * 15
    with app.app_context():
        kept = db.session.execute(select(func.count(LoginFailure.id))).scalar_one()
    assert kept == 5  # refused attempts are not kept: the lock ends 15 minutes after the 5th


def test_a_successful_login_forgets_the_accounts_attempts(client, victim):
    for _ in range(4):
        attempt(client, VICTIM)
    assert attempt(client, SPELLINGS[0], STAFF_PASSWORD).status_code == 302
    with client.application.app_context():
        assert db.session.execute(select(LoginFailure)).first() is None


def test_attempts_older_than_the_window_no_longer_count_and_are_forgotten(app):
    with app.app_context():
        old = utcnow() - timedelta(minutes=16)
        for _ in range(5):
            assert login_throttle.admit(VICTIM, "192.0.2.1", LIMITS, now=old)
        assert not login_throttle.admit(SPELLINGS[0], "192.0.2.9", LIMITS, now=old)
        assert login_throttle.admit(SPELLINGS[1], "192.0.2.1", LIMITS)
        assert db.session.execute(select(LoginFailure.email)).scalars().all() == [VICTIM]
