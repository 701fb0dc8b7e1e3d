"""When the database fails. Down or frozen (the connection accepted, then
nothing), the public face keeps answering from its copy of the refuges —
in memory, or on disk for a process started during the outage — and never
waits on the database; the health probe says so within seconds; staff get
the outage page, not a bare error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from angela import create_app
from angela.extensions import db
from tests.conftest import log_in
from tests.frozen_relay import relay_to
from tests.places import MELUN_TOWN_HALL

# Nothing listens on port 9: every connection is refused at once.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/angela"
NEAREST = "/api/v1/refuges/nearest?lat={}&lon={}".format(*MELUN_TOWN_HALL)
postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def serving(url: str, **config: Any) -> Flask:
    settings = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url}
    return create_app({**settings, "INDEX_POLL_SECONDS": 0.0, **config})


def closed(app: Flask) -> None:
    """Close the app's connections, once its background reads have ended."""
    for thread in threading.enumerate():
        if thread.name.startswith("angela-"):
            thread.join(10)
    with app.app_context():
        db.engine.dispose()


def within(seconds: float, ask: Callable[[], Any]) -> Any:
    """Return what `ask` returns, failing if it has not returned in `seconds`
    (a request held by a frozen database never would)."""
    answer: list[Any] = []
    thread = threading.Thread(target=lambda: answer.append(ask()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"no answer within {seconds} s"
    return answer[0]


@postgres_only
def test_the_postgresql_settings_reach_the_engine(app):
    with app.app_context():
        assert db.session.execute(text("SHOW statement_timeout")).scalar_one() == "30s"
        assert db.engine.pool._pre_ping


@postgres_only
def test_a_frozen_database_holds_up_no_public_request(app, database_url, make_merchant):
    refuge = make_merchant(name="Café ouvert", opening_hours="24/7")
    public = [NEAREST, f"/api/v1/refuges/{refuge.id}", "/api/v1/refuges/snapshot", "/"]
    public.append(f"/refuges/{refuge.id}")
    with relay_to(database_url) as (relay, through):
        served = serving(through)
        client = served.test_client()
        assert [client.get(url).status_code for url in public] == [200] * len(public)
        relay.freeze()
        answers = within(20, lambda: [client.get(url) for url in public])
        assert [response.status_code for response in answers] == [200] * len(public)
        assert answers[0].get_json()["refuges"][0]["name"] == "Café ouvert"
        assert within(10, lambda: client.get("/healthz").status_code) == 503
    closed(served)


def test_a_process_started_during_an_outage_serves_the_copy_on_disk(
    app, database_url, make_merchant, tmp_path
):
    refuge = make_merchant(name="Café gardé", opening_hours="24/7")
    before = serving(database_url, PUBLIC_COPY_DIR=str(tmp_path))
    assert before.test_client().get(NEAREST).status_code == 200
    closed(before)
    during = serving(UNREACHABLE, PUBLIC_COPY_DIR=str(tmp_path)).test_client()
    nearest = during.get(NEAREST)
    assert nearest.status_code == 200
    assert [item["name"] for item in nearest.get_json()["refuges"]] == ["Café gardé"]
    assert "Café gardé" in during.get(f"/refuges/{refuge.id}").text
    assert during.get("/").status_code == 200
    assert during.get("/healthz").status_code == 503
    # Nothing kept on disk: nothing to serve, and it says so.
    assert serving(UNREACHABLE).test_client().get(NEAREST).status_code == 503


@postgres_only
def test_logged_in_staff_get_the_outage_page(app, database_url, make_user):
    with relay_to(database_url) as (relay, through):
        served = serving(through, WTF_CSRF_ENABLED=False)
        client = served.test_client()
        assert log_in(client, make_user("agent")).status_code == 302
        assert client.get("/staff/merchants").status_code == 200
        relay.go_down()
        response = within(20, lambda: client.get("/staff/merchants"))
        assert response.status_code == 503
        assert "Service indisponible" in response.text
    closed(served)
