"""The report form's signed token and the rules of a street report: pure
functions, checked without an app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from angela.core import report_token, reports
from angela.core.report_token import TokenError
from angela.core.vocab import ReportReason

SECRET = "test-secret"
TWO_HOURS = 2 * 60 * 60
ISSUED = 1_790_000_000  # a Unix time in 2026


def test_a_token_is_good_for_its_refuge_for_two_hours():
    token = report_token.issue(SECRET, 42, now=ISSUED)
    report_token.check(SECRET, token, 42, TWO_HOURS, now=ISSUED)
    report_token.check(SECRET, token, 42, TWO_HOURS, now=ISSUED + TWO_HOURS)


def test_an_old_token_is_expired():
    token = report_token.issue(SECRET, 42, now=ISSUED)
    with pytest.raises(TokenError) as refused:
        report_token.check(SECRET, token, 42, TWO_HOURS, now=ISSUED + TWO_HOURS + 1)
    assert refused.value.code == "token_expired"
    assert "expiré" in refused.value.message


def test_a_token_for_another_refuge_is_invalid():
    token = report_token.issue(SECRET, 42, now=ISSUED)
    with pytest.raises(TokenError) as refused:
        report_token.check(SECRET, token, 43, TWO_HOURS, now=ISSUED)
    assert refused.value.code == "token_invalid"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        report_token.issue("another-secret", 42, now=ISSUED),
        report_token.issue(SECRET, 42, now=ISSUED)[:-2] + "xx",
        # Signed by us, but with another salt: a different purpose.
        __import__("itsdangerous").URLSafeTimedSerializer(SECRET, salt="other").dumps(42),
    ],
    ids=["empty", "garbage", "other-key", "tampered", "other-salt"],
)
def test_forged_tokens_are_invalid(token):
    with pytest.raises(TokenError) as refused:
        report_token.check(SECRET, token, 42, TWO_HOURS, now=ISSUED)
    assert refused.value.code == "token_invalid"
    assert "vérifié" in refused.value.message


def test_a_signed_boolean_is_not_refuge_one():
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(SECRET, salt=report_token.SALT).dumps(True)
    with pytest.raises(TokenError):
        report_token.check(SECRET, forged, 1, TWO_HOURS)


# --- the rules of a report ------------------------------------------------------

NOW = datetime(2026, 10, 12, 19, 30, 45, tzinfo=UTC)


def test_a_plain_report_is_read_with_its_moment_rounded_down():
    report = reports.read({"reason": "help_refused", "text": "  Refusé.  ", "email": ""}, NOW)
    assert report.reason is ReportReason.HELP_REFUSED
    assert report.text == "Refusé."
    assert report.email is None
    assert report.made_at == datetime(2026, 10, 12, 19, 30, tzinfo=UTC)


def test_a_report_made_offline_keeps_its_moment_in_utc():
    form = {"reason": "closed", "made_at": "2026-10-10T21:17:59+02:00"}
    assert reports.read(form, NOW).made_at == datetime(2026, 10, 10, 19, 17, tzinfo=UTC)


def test_the_email_is_kept_in_its_canonical_form():
    form = {"reason": "other", "email": "  Camille@Exemple.FR "}
    assert reports.read(form, NOW).email == "camille@exemple.fr"


def test_line_breaks_count_as_one_character_as_the_browser_counts_them():
    # 500 characters as typed: "b", then ten lines of 49 letters and a break
    # (the last break trimmed).
    text = "b" + ("a" * 49 + "\r\n") * 10
    assert len(text) == 511
    assert len(reports.read({"reason": "other", "text": text}, NOW).text or "") == 500


@pytest.mark.parametrize(
    ("form", "field", "code", "words"),
    [
        ({}, "reason", "missing_reason", "Choisissez le problème"),
        ({"reason": "spam"}, "reason", "invalid_reason", "Ce motif n'existe pas"),
        (
            {"reason": "other", "text": "x" * 501},
            "text",
            "text_too_long",
            "Le texte fait 501 caractères : 500 au plus",
        ),
        ({"reason": "other", "text": "a\x00b"}, "text", "invalid_character", "invisible"),
        ({"reason": "other", "email": "pas-une-adresse"}, "email", "invalid_email", "facultative"),
        ({"reason": "other", "made_at": "hier"}, "made_at", "invalid_made_at", "fuseau"),
        ({"reason": "other", "made_at": "2026-10-12T19:00:00"}, "made_at", "invalid_made_at", ""),
        (
            {"reason": "other", "made_at": "2026-10-05T19:30:00+00:00"},
            "made_at",
            "made_at_out_of_range",
            "plus de sept jours",
        ),
        (
            {"reason": "other", "made_at": "2026-10-12T19:36:00+00:00"},
            "made_at",
            "made_at_out_of_range",
            "",
        ),
    ],
)
def test_refused_fields_say_why_in_french(form, field, code, words):
    with pytest.raises(reports.InvalidReport) as invalid:
        reports.read(form, NOW)
    [error] = invalid.value.errors
    assert (error.field, error.code) == (field, code)
    assert words in error.message


@pytest.mark.parametrize(
    "made_at",
    ["2026-10-05T19:31:00+00:00", "2026-10-12T19:35:00+00:00", "2026-10-12T21:35:45+02:00"],
)
def test_a_moment_within_a_week_back_and_five_minutes_ahead_is_taken(made_at):
    assert reports.read({"reason": "other", "made_at": made_at}, NOW).made_at <= NOW + timedelta(
        minutes=5
    )


def test_every_refused_field_is_listed_in_the_order_of_the_form():
    form = {"reason": "x", "text": "y" * 600, "email": "@", "made_at": "z"}
    with pytest.raises(reports.InvalidReport) as invalid:
        reports.read(form, NOW)
    assert [error.field for error in invalid.value.errors] == list(reports.FIELDS)
