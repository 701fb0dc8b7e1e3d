"""Staff sessions and failed logins do not pile up: the expired ones are
purged at each login and by `flask --app angela sessions purge`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from angela import cli
from angela.extensions import db
from angela.models import LoginFailure, StaffSession, utcnow
from angela.services import login_throttle
from tests.conftest import log_in

LIMITS = login_throttle.ThrottleLimits(5, timedelta(minutes=15))


@pytest.fixture
def aged(app, make_user):
    """Three sessions (live, idle too long, too old) and two failed logins
    (recent, past the window); return the live session's id."""
    app.config["WTF_CSRF_ENABLED"] = False
    email = make_user("agent")
    for _ in range(3):
        assert log_in(app.test_client(), email).status_code == 302
    now = utcnow()
    with app.app_context():
        live, idle, old = db.session.execute(select(StaffSession.id).order_by("id")).scalars()
        for session_id, values in (
            (idle, {"last_seen_at": now - timedelta(minutes=31)}),
            (old, {"created_at": now - timedelta(hours=13), "last_seen_at": now}),
        ):
            db.session.execute(
                update(StaffSession).where(StaffSession.id == session_id).values(values)
            )
        db.session.commit()
        login_throttle.admit("someone@cidff77.fr", "192.0.2.1", LIMITS)
        login_throttle.admit("someone@cidff77.fr", "192.0.2.1", LIMITS, now - timedelta(minutes=16))
    return live


def remaining(app):
    with app.app_context():
        sessions = db.session.execute(select(StaffSession.id)).scalars().all()
        failures = db.session.execute(select(LoginFailure.at)).scalars().all()
    return sessions, len(failures)


def test_a_login_purges_expired_sessions_and_old_failed_logins(app, make_user, aged):
    assert log_in(app.test_client(), make_user("viewer")).status_code == 302
    sessions, failures = remaining(app)
    assert aged in sessions and len(sessions) == 2  # the live one and the new one
    assert failures == 1


def test_the_command_purges_and_says_how_many(app, aged):
    # `flask --app angela sessions purge` once cli.init_app adds the group.
    result = app.test_cli_runner().invoke(cli.sessions_cli, ["purge"])
    assert result.exit_code == 0, result.output
    assert result.output == "purged 2 expired sessions, 1 old failed logins\n"
    assert remaining(app) == ([aged], 1)
    again = app.test_cli_runner().invoke(cli.sessions_cli, ["purge"])
    assert again.output == "purged 0 expired sessions, 0 old failed logins\n"


def test_the_live_session_still_works_after_a_purge(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    log_in(client, make_user("agent"))
    app.test_cli_runner().invoke(cli.sessions_cli, ["purge"])
    assert client.get("/staff/").status_code == 200
