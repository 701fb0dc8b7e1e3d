"""Reports from the street without JavaScript, through the test client:
the form, the confirmation, the errors, the token, the honeypot, the
throttle (across two app objects too), and that nothing stored or logged
identifies the sender."""

from __future__ import annotations

import html
import logging
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from angela import create_app
from angela.core import report_token
from angela.extensions import db
from angela.models import Report, ReportAttempt, ReportSalt

JSON = {"Accept": "application/json"}
SENDER = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) unique-agent-7f3a"


def form_url(refuge_id: int) -> str:
    return f"/refuges/{refuge_id}/signaler"


def token_of(client, refuge_id: int) -> str:
    return client.get(form_url(refuge_id), headers=JSON).get_json()["token"]


def send(client, refuge_id: int, sender: str = SENDER, json: bool = False, **fields: str):
    data = {"token": token_of(client, refuge_id), "reason": "closed", **fields}
    return client.post(
        form_url(refuge_id),
        data=data,
        headers=JSON if json else {},
        environ_base={"REMOTE_ADDR": sender},
    )


def stored(app, model=Report) -> list:
    with app.app_context():
        return list(
            db.session.execute(
                select(model).order_by(model.id if model is not ReportSalt else model.day)
            ).scalars()
        )


def form_errors(response) -> list[str]:
    summary = re.search(r'<div class="report-errors".*?</ul>', response.text, re.S)
    assert summary is not None, response.text[:500]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item))
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0))
    ]


# --- the form ---------------------------------------------------------------------


def test_the_form_is_french_and_works_without_javascript(client, make_merchant):
    refuge = make_merchant(name="Pharmacie du Marché")
    response = client.get(form_url(refuge.id))
    assert response.status_code == 200
    page = response.text
    assert "<h1>Signaler un problème</h1>" in page and "Pharmacie du Marché" in page
    assert f'action="/refuges/{refuge.id}/signaler"' in page and 'method="post"' in page
    for label in ("Aide refusée ou mal accueillie", "Horaires faux", "Autre problème"):
        assert label in page
    assert 'maxlength="500"' in page
    assert "seulement si vous voulez une réponse" in page.lower()
    trap = re.search(r'<div class="report-trap" aria-hidden="true">.*?</div>', page, re.S)
    assert trap is not None
    assert 'name="site_web"' in trap.group(0) and 'tabindex="-1"' in trap.group(0)
    assert 'autocomplete="off"' in trap.group(0)
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    report_token.check("test-secret", token.group(1), refuge.id, 7200)
    assert 'href="tel:17"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "Accept" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


def test_the_script_gets_a_fresh_token_as_json(client, make_merchant):
    refuge = make_merchant()
    response = client.get(form_url(refuge.id), headers=JSON)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"token", "expires_in"} and body["expires_in"] == 7200
    report_token.check("test-secret", body["token"], refuge.id, 7200)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Accept" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("status", ["pending", "suspended", "withdrawn"])
def test_a_refuge_that_is_not_public_cannot_be_reported(app, client, make_merchant, status):
    hidden = make_merchant(name="Caché", status=status)
    page = client.get(form_url(hidden.id))
    assert page.status_code == 404
    assert "Ce refuge n'existe pas ou n'est plus actif" in page.text and "Caché" not in page.text
    token = report_token.issue("test-secret", hidden.id)
    posted = client.post(form_url(hidden.id), data={"token": token, "reason": "closed"})
    assert posted.status_code == 404
    as_json = client.post(
        form_url(hidden.id), data={"token": token, "reason": "closed"}, headers=JSON
    )
    assert as_json.status_code == 404 and as_json.get_json()["error"]["code"] == "not_found"
    assert client.get(form_url(999_999), headers=JSON).status_code == 404
    assert stored(app) == []


def test_every_public_card_links_to_the_report_form(client, make_merchant):
    refuge = make_merchant(name="Bar des Amis")
    link = f'data-field="report" href="/refuges/{refuge.id}/signaler"'
    assert link in client.get(f"/refuges/{refuge.id}").text
    home = client.get("/?commune=77288").text
    assert link in home
    # The blank card the page's script fills has the link, its address empty.
    blank = re.search(r"<template data-card-template>.*?</template>", home, re.S)
    assert blank is not None and 'data-field="report" href=""' in blank.group(0)


# --- sending ------------------------------------------------------------------------


def test_a_report_is_stored_new_and_thanked_in_french(app, client, make_merchant):
    refuge = make_merchant(name="Tabac de la Gare")
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    response = send(client, refuge.id, reason="help_refused", text="On m'a dit de partir.")
    assert response.status_code == 200
    page = response.text
    assert "Merci, votre signalement est transmis" in page
    assert "Nous ne gardons rien qui vous identifie" in page
    assert 'href="tel:17"' in page and 'href="tel:112"' in page
    assert f'href="/refuges/{refuge.id}"' in page
    assert "Nous vous répondrons" not in page  # no e-mail given
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    [report] = stored(app)
    assert (report.merchant_id, report.reason, report.status) == (refuge.id, "help_refused", "new")
    assert (report.text, report.email) == ("On m'a dit de partir.", None)
    made_at = (
        report.made_at.replace(tzinfo=UTC) if report.made_at.tzinfo is None else report.made_at
    )
    assert made_at.second == 0 and before <= made_at <= datetime.now(UTC)


def test_the_script_gets_201_and_the_email_is_kept_to_answer(app, client, make_merchant):
    refuge = make_merchant()
    response = send(client, refuge.id, json=True, reason="wrong_hours", email="Camille@Exemple.fr")
    assert response.status_code == 201
    assert response.get_json() == {"status": "received"}
    assert "Set-Cookie" not in response.headers
    [report] = stored(app)
    assert (report.reason, report.text, report.email) == ("wrong_hours", None, "camille@exemple.fr")


def test_the_confirmation_says_an_answer_will_come_when_an_email_is_given(client, make_merchant):
    refuge = make_merchant()
    response = send(client, refuge.id, email="camille@exemple.fr")
    assert "Nous vous répondrons à l'adresse e-mail que vous avez donnée" in response.text


def test_a_report_made_offline_keeps_its_moment(app, client, make_merchant):
    refuge = make_merchant()
    made = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    response = send(client, refuge.id, json=True, made_at=made.isoformat())
    assert response.status_code == 201
    [report] = stored(app)
    kept = report.made_at.replace(tzinfo=None) if report.made_at.tzinfo else report.made_at
    assert kept == made.astimezone(UTC).replace(second=0, tzinfo=None)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(days=-7, minutes=1), True),
        (timedelta(days=-7, minutes=-1), False),
        (timedelta(minutes=4), True),
        (timedelta(minutes=6), False),
    ],
)
def test_made_at_is_taken_from_a_week_back_to_five_minutes_ahead(
    app, client, make_merchant, offset, accepted
):
    refuge = make_merchant()
    made = datetime.now(UTC) + offset
    response = send(client, refuge.id, json=True, made_at=made.isoformat())
    assert response.status_code == (201 if accepted else 422)
    if not accepted:
        error = response.get_json()["error"]
        assert (error["code"], error["parameter"]) == ("made_at_out_of_range", "made_at")
    assert len(stored(app)) == int(accepted)


# --- errors ---------------------------------------------------------------------------


def test_errors_show_the_form_again_with_what_was_typed(app, client, make_merchant):
    refuge = make_merchant()
    typed = {"reason": "wrong_place", "text": "Le numéro est 12, pas 21.", "email": "pas@"}
    response = send(client, refuge.id, **typed)
    assert response.status_code == 422
    page = response.text
    assert form_errors(response) == [
        "Cette adresse e-mail n'est pas valide (exemple : nom@exemple.fr). "
        "Elle est facultative : vous pouvez aussi la laisser vide."
    ]
    assert 'value="wrong_place" required checked' in page
    assert ">Le numéro est 12, pas 21.</textarea>" in page
    assert 'value="pas@"' in page and 'aria-invalid="true"' in page
    assert "<title>Erreur — " in page
    assert response.headers["Cache-Control"] == "no-store"
    assert stored(app) == []


def test_overlong_text_is_refused_with_a_clear_french_message(app, client, make_merchant):
    refuge = make_merchant()
    response = send(client, refuge.id, text="é" * 501)
    assert response.status_code == 422
    assert form_errors(response) == [
        "Le texte fait 501 caractères : 500 au plus. Raccourcissez-le, l'essentiel suffit."
    ]
    as_json = send(client, refuge.id, json=True, text="é" * 501).get_json()["error"]
    assert (as_json["code"], as_json["parameter"]) == ("text_too_long", "text")
    assert send(client, refuge.id, json=True, text="é" * 500).status_code == 201


def test_a_missing_reason_is_asked_for(client, make_merchant):
    refuge = make_merchant()
    response = send(client, refuge.id, reason="")
    assert response.status_code == 422
    assert form_errors(response) == ["Choisissez le problème que vous signalez."]


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_the_text_is_stored_as_typed_and_shown_escaped(app, client, make_merchant):
    refuge = make_merchant()
    # Shown back on the form (the e-mail is wrong) and then stored.
    again = send(client, refuge.id, text=XSS, email="faux")
    assert again.status_code == 422
    assert XSS not in again.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in again.text
    assert send(client, refuge.id, text=XSS).status_code == 200
    [report] = stored(app)
    assert report.text == XSS


def test_an_expired_token_is_refused_and_a_fresh_one_given(app, client, make_merchant):
    refuge = make_merchant()
    old = report_token.issue("test-secret", refuge.id, now=time.time() - 7201)
    data = {"token": old, "reason": "closed", "text": "Fermé depuis lundi."}
    response = client.post(form_url(refuge.id), data=data)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in form_errors(response)[0]
    assert ">Fermé depuis lundi.</textarea>" in response.text
    fresh = re.search(r'name="token" value="([^"]+)"', response.text)
    assert fresh is not None and fresh.group(1) != old
    # Sending the form again as shown is all it takes.
    resent = client.post(form_url(refuge.id), data={**data, "token": fresh.group(1)})
    assert resent.status_code == 200
    as_json = client.post(form_url(refuge.id), data={**data, "token": old}, headers=JSON)
    assert as_json.status_code == 400
    assert as_json.get_json()["error"]["code"] == "token_expired"
    assert as_json.get_json()["error"]["parameter"] == "token"
    assert len(stored(app)) == 1


@pytest.mark.parametrize("forged", ["", "abc.def.ghi", "other-refuge"])
def test_a_forged_token_or_one_for_another_refuge_is_refused(app, client, make_merchant, forged):
    refuge, other = make_merchant(), make_merchant()
    token = token_of(client, other.id) if forged == "other-refuge" else forged
    response = client.post(
        form_url(refuge.id), data={"token": token, "reason": "closed"}, headers=JSON
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "token_invalid" and "vérifié" in error["message"]
    assert stored(app) == [] and stored(app, ReportAttempt) == []


def test_the_honeypot_is_answered_as_accepted_and_nothing_is_stored(app, client, make_merchant):
    refuge = make_merchant()
    response = send(client, refuge.id, site_web="http://spam.example")
    assert response.status_code == 200 and "Merci" in response.text
    as_json = send(client, refuge.id, json=True, site_web="x")
    assert as_json.status_code == 201
    for model in (Report, ReportAttempt, ReportSalt):
        assert stored(app, model) == [], model


# --- the throttle ---------------------------------------------------------------------


def test_a_sender_may_send_five_reports_an_hour(app, client, make_merchant):
    refuges = [make_merchant() for _ in range(6)]
    statuses = [send(client, refuge.id, json=True).status_code for refuge in refuges]
    assert statuses == [201] * 5 + [429]
    refused = send(client, refuges[0].id)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3500
    assert "Trop de signalements envoyés depuis cette connexion" in form_errors(refused)[0]
    # Someone else, on another connection, is not held back.
    assert send(client, refuges[5].id, sender="198.51.100.9").status_code == 200
    assert len(stored(app)) == 6


def test_a_refuge_takes_five_reports_an_hour(app, client, make_merchant):
    refuge, other = make_merchant(), make_merchant()
    statuses = [
        send(client, refuge.id, sender=f"198.51.100.{n}", json=True).status_code
        for n in range(1, 7)
    ]
    assert statuses == [201] * 5 + [429]
    refused = send(client, refuge.id, sender="198.51.100.50", json=True)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "déjà reçu plusieurs signalements" in refused.get_json()["error"]["message"]
    assert send(client, other.id, sender="198.51.100.50", json=True).status_code == 201


def test_the_limits_hold_across_two_app_servers_on_one_database(app, client, make_merchant):
    refuge = make_merchant()
    second = create_app(dict(app.config.items()))  # another worker, its own memory
    try:
        other = second.test_client()
        statuses = [
            send(client if n % 2 else other, refuge.id, json=True).status_code for n in range(8)
        ]
    finally:
        with second.app_context():
            db.engine.dispose()
    assert statuses == [201] * 5 + [429] * 3
    assert len(stored(app)) == 5


def test_a_flood_is_refused_after_the_limit_without_touching_the_database(
    app, client, make_merchant
):
    refuge = make_merchant()
    token = token_of(client, refuge.id)
    touched: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if "report" in statement.lower():
            touched.append(statement)

    statuses = []
    with app.app_context():
        engine = db.engine
    for number in range(200):
        if number == 10:
            event.listen(engine, "before_cursor_execute", record)
        response = client.post(
            form_url(refuge.id),
            data={"token": token, "reason": "other", "text": f"flood {number}"},
            headers=JSON,
            environ_base={"REMOTE_ADDR": SENDER},
        )
        statuses.append(response.status_code)
    event.remove(engine, "before_cursor_execute", record)
    assert statuses == [201] * 5 + [429] * 195
    assert touched == []  # the refused sender is remembered in memory
    with app.app_context():
        assert db.session.execute(select(func.count(Report.id))).scalar_one() == 5
        assert db.session.execute(select(func.count(ReportAttempt.id))).scalar_one() == 5


# --- nothing that identifies the sender ---------------------------------------------------


def test_nothing_stored_or_logged_identifies_the_sender(app, client, make_merchant, caplog):
    refuge = make_merchant()
    caplog.set_level(logging.DEBUG)
    response = client.post(
        form_url(refuge.id),
        data={
            "token": token_of(client, refuge.id),
            "reason": "help_refused",
            "text": "Refusée à l'entrée.",
            # What a careless script might add: ignored, never stored.
            "lat": "48.539343",
            "lon": "2.660290",
        },
        headers={**JSON, "User-Agent": USER_AGENT},
        environ_base={"REMOTE_ADDR": SENDER},
    )
    assert response.status_code == 201
    secrets_ = [SENDER, USER_AGENT, "unique-agent", "48.539", "2.660"]
    with app.app_context():
        for model in (Report, ReportAttempt, ReportSalt):
            table = model.__table__
            rows = db.session.execute(select(table)).all()  # every column
            assert rows, table
            for row in rows:
                for value in row:
                    as_text = value.hex() if isinstance(value, bytes) else str(value)
                    raw = value if isinstance(value, bytes) else str(value).encode()
                    for secret in secrets_:
                        assert secret not in as_text and secret.encode() not in raw, (table, row)
    for record in caplog.records:
        for secret in secrets_:
            assert secret not in record.getMessage(), record.getMessage()
