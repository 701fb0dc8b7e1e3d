"""Retention: `flask reports purge` deletes the text and e-mail of reports
closed more than 12 months ago, once, and keeps the reports counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from angela.core.hours import PARIS, paris_today
from angela.extensions import db
from angela.models import AuditEvent, Report

TODAY = date(2026, 3, 11)


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def rows(app):
    with app.app_context():
        query = select(
            Report.id, Report.status, Report.reason, Report.text, Report.email,
            Report.purged_at.is_not(None), Report.version,
        ).order_by(Report.id)  # fmt: skip
        return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}


def purge_events(app):
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == "reports_purge")
        return [(event.actor_id, event.changes) for event in db.session.execute(query).scalars()]


@pytest.fixture
def reports(make_merchant, make_report):
    merchant = make_merchant()

    def closed(status, at, **fields):
        fields.setdefault("email", "reponse@example.fr")
        return make_report(
            merchant.id, status=status, closed_at=at, made_at=paris(date(2024, 1, 5), 12), **fields
        ).id

    return {
        # Closed on the last day that is more than 12 months ago: purged.
        "day_before": closed("resolved", paris(date(2025, 3, 10), 23, 30)),
        "dismissed_long_ago": closed("dismissed", paris(date(2024, 6, 1), 9), text=None),
        # Closed exactly 12 months before, in the first minutes of the day: kept.
        "same_day": closed("resolved", paris(date(2025, 3, 11), 0, 5)),
        "recent": closed("dismissed", paris(date(2026, 1, 2), 10)),
        # Never closed, however old: kept.
        "open": make_report(
            merchant.id,
            status="in_progress",
            made_at=paris(date(2024, 1, 1), 8),
            email="a@example.fr",
        ).id,
        "nothing_left": closed("resolved", paris(date(2024, 2, 1), 9), text=None, email=None),
    }


def test_purge_deletes_text_and_email_after_12_months_and_keeps_the_counts(app, runner, reports):
    before = rows(app)
    result = runner.invoke(args=["reports", "purge", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output == "purged the text and e-mail of 2 closed reports\n"

    after = rows(app)
    assert len(after) == len(before) == 6
    for name in ("day_before", "dismissed_long_ago"):
        status, reason, text, email, purged, _version = after[reports[name]]
        assert (text, email, purged) == (None, None, True), name
        assert (status, reason) == before[reports[name]][:2], name
    for name in ("same_day", "recent", "open", "nothing_left"):
        assert after[reports[name]] == before[reports[name]], name
    with app.app_context():
        assert db.session.execute(select(func.count(Report.id))).scalar_one() == 6
    assert purge_events(app) == [(None, {"reports_purged": {"before": None, "after": 2}})]


def test_purge_is_idempotent(app, runner, reports):
    runner.invoke(args=["reports", "purge", "--today", TODAY.isoformat()])
    once = rows(app)
    again = runner.invoke(args=["reports", "purge", "--today", TODAY.isoformat()])
    assert again.exit_code == 0
    assert again.output == "purged the text and e-mail of 0 closed reports\n"
    assert rows(app) == once  # not even a version moved
    assert len(purge_events(app)) == 1


def test_the_next_day_purges_the_report_closed_12_months_before(app, runner, reports):
    runner.invoke(args=["reports", "purge", "--today", TODAY.isoformat()])
    result = runner.invoke(args=["reports", "purge", "--today", "2026-03-12"])
    assert result.output == "purged the text and e-mail of 1 closed reports\n"
    assert rows(app)[reports["same_day"]][2:5] == (None, None, True)


def test_purge_without_a_date_uses_today_and_a_bad_date_is_refused(app, runner, reports):
    result = runner.invoke(args=["reports", "purge"])
    assert result.exit_code == 0
    # The fixture's closing days that still hold a text or an e-mail.
    closed_on = [date(2025, 3, 10), date(2024, 6, 1), date(2025, 3, 11), date(2026, 1, 2)]
    expected = sum(day + relativedelta(months=12) < paris_today() for day in closed_on)
    assert result.output == f"purged the text and e-mail of {expected} closed reports\n"
    refused = runner.invoke(args=["reports", "purge", "--today", "11/03/2026"])
    assert refused.exit_code == 2
    assert "YYYY-MM-DD" in refused.output or "%Y-%m-%d" in refused.output


def test_a_purged_report_says_so_in_the_staff_face(app, runner, staff_client, reports):
    runner.invoke(args=["reports", "purge", "--today", TODAY.isoformat()])
    page = staff_client("agent").get(f"/staff/reports/{reports['day_before']}").text
    assert "Effacé le" in page and "12 mois après la clôture" in page
    assert "reponse@example.fr" not in page and "On m&#39;a demandé de partir." not in page
