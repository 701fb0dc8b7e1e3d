"""The staff queue of street reports: filters, taking in hand, resolving and
dismissing (audited, version-checked), roles, escaping, the safeguarding
flag « Visite à prévoir » and the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from angela.core.safeguarding import VISIT_WINDOW_DAYS
from angela.extensions import db
from angela.models import AuditEvent, Report, utcnow
from angela.services import safeguarding
from tests.places import DAMMARIE_TOWN_HALL, MELUN_TOWN_HALL

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def stored(app, report_id):
    with app.app_context():
        report = db.session.get(Report, report_id)
        db.session.expunge(report)
        return report


def report_events(app):
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.report_id.is_not(None)).order_by(AuditEvent.id)
        return [
            (event.action, event.report_id, event.merchant_id, event.changes)
            for event in db.session.execute(query).scalars()
        ]


def opened(html: str) -> list[str]:
    """The report numbers the queue lists, in order."""
    return re.findall(r"signalement n° (\d+)", html)


@pytest.fixture
def melun_and_dammarie(make_merchant):
    return make_merchant(name="Pharmacie de Melun"), make_merchant(
        name="Bar de Dammarie", position=DAMMARIE_TOWN_HALL
    )


# --- the list and its filters -----------------------------------------------


def test_the_queue_lists_newest_first_and_filters_by_status_reason_and_commune(
    staff_client, make_report, melun_and_dammarie
):
    melun, dammarie = melun_and_dammarie
    now = utcnow()
    old = make_report(melun.id, reason="wrong_hours", made_at=now - timedelta(days=3))
    fresh = make_report(dammarie.id, reason="help_refused", made_at=now - timedelta(hours=2))
    done = make_report(
        melun.id, reason="closed", status="resolved", made_at=now - timedelta(days=1)
    )
    viewer = staff_client("viewer")

    page = viewer.get("/staff/reports").text
    assert opened(page) == [str(fresh.id), str(done.id), str(old.id)]
    assert 'Signalements <span class="count">(3)</span>' in page

    def listed(**args):
        return opened(viewer.get("/staff/reports", query_string=args).text)

    assert listed(status="new") == [str(fresh.id), str(old.id)]
    assert listed(status="resolved") == [str(done.id)]
    assert listed(reason="wrong_hours") == [str(old.id)]
    assert listed(commune=dammarie.commune_code) == [str(fresh.id)]
    assert listed(commune=melun.commune_code, status="new") == [str(old.id)]
    assert listed(status="nonsense") == []
    filtered = viewer.get("/staff/reports?reason=help_refused").text
    assert '<option value="help_refused" selected>' in filtered


def test_each_report_shows_its_merchant_commune_reason_dates_and_text(
    staff_client, make_report, make_merchant
):
    merchant = make_merchant(name="Café du Port")
    made = utcnow() - timedelta(days=2)
    report = make_report(
        merchant.id, reason="wrong_hours", text="Fermé le lundi, pas le mardi.",
        email="Personne@Example.fr", made_at=made, created_at=made + timedelta(hours=5),
    )  # fmt: skip
    page = staff_client("agent").get(f"/staff/reports/{report.id}").text
    assert f'href="/staff/merchants/{merchant.id}">Café du Port</a>' in page
    assert "Melun" in page
    assert "Horaires faux" in page
    assert "Fermé le lundi, pas le mardi." in page
    assert 'href="mailto:Personne%40Example.fr">Personne@Example.fr</a>' in page
    assert re.search(r"Fait le <time[^>]*>\d+(er)? \w+ \d{4} à \d+ h", page)
    assert ", reçu le <time" in page  # it waited on the phone five hours
    assert "Nouveau" in page


def test_the_page_counts_and_the_menu_shows_the_new_reports(
    staff_client, make_report, make_merchant
):
    merchant = make_merchant()
    make_report(merchant.id)
    make_report(merchant.id, reason="other")
    make_report(merchant.id, status="dismissed", staff_note="Doublon")
    page = staff_client("viewer").get("/staff/merchants").text
    assert re.search(
        r'Signalements <span class="nav-count">2<span class="visually-hidden"> nouveaux', page
    )


# --- the steps ----------------------------------------------------------------


def step(client, report, name, note="", version=None):
    return client.post(
        f"/staff/reports/{report.id}/{name}",
        data={"note": note, "version": report.version if version is None else version},
    )


def test_taking_in_hand_then_resolving_is_audited_with_before_and_after(
    app, staff_client, make_report, make_merchant
):
    merchant = make_merchant()
    report = make_report(merchant.id)
    agent = staff_client("agent")

    response = step(agent, report, "progress")
    assert response.status_code == 302
    assert "Signalement pris en charge." in agent.get(response.headers["Location"]).text
    taken = stored(app, report.id)
    assert (taken.status, taken.closed_at, taken.handled_by_id) == ("in_progress", None, 1)

    assert step(agent, taken, "resolve", "  Appelé le gérant : malentendu.  ").status_code == 302
    resolved = stored(app, report.id)
    assert resolved.status == "resolved"
    assert resolved.staff_note == "Appelé le gérant : malentendu."
    assert resolved.closed_at is not None
    assert report_events(app) == [
        (
            "report_progress", report.id, merchant.id,
            {"report_status": {"before": "new", "after": "in_progress"}},
        ),
        (
            "report_resolve", report.id, merchant.id,
            {
                "report_status": {"before": "in_progress", "after": "resolved"},
                "staff_note": {"before": None, "after": "Appelé le gérant : malentendu."},
            },
        ),
    ]  # fmt: skip
    page = agent.get(f"/staff/reports/{report.id}").text
    assert "Résolu" in page and "ne se rouvre pas" in page
    assert 'action="/staff/reports/' not in page  # no step left to take


def test_dismissing_needs_a_note_and_is_audited(app, staff_client, make_report, make_merchant):
    report = make_report(make_merchant().id)
    agent = staff_client("agent")

    refused = step(agent, report, "dismiss", "   ")
    assert refused.status_code == 422
    assert "Écrivez une note : pourquoi ce signalement est écarté." in refused.text
    assert 'href="#note-dismiss"' in refused.text  # the error summary leads to the field
    assert stored(app, report.id).status == "new"

    assert step(agent, report, "dismiss", "Message sans rapport.").status_code == 302
    dismissed = stored(app, report.id)
    assert (dismissed.status, dismissed.staff_note) == ("dismissed", "Message sans rapport.")
    assert dismissed.closed_at is not None
    assert [event[0] for event in report_events(app)] == ["report_dismiss"]


def test_a_note_over_1000_characters_is_refused(app, staff_client, make_report, make_merchant):
    report = make_report(make_merchant().id)
    response = step(staff_client("agent"), report, "resolve", "é" * 1001)
    assert response.status_code == 422
    assert "La note fait au plus 1000 caractères." in response.text
    assert "é" * 1001 in response.text  # the typed note is kept
    assert stored(app, report.id).status == "new"
    assert report_events(app) == []


def test_a_closed_report_is_not_reopened(app, staff_client, make_report, make_merchant):
    report = make_report(make_merchant().id, status="dismissed", staff_note="Doublon")
    agent = staff_client("agent")
    for name in ("progress", "resolve"):
        response = step(agent, report, name, "Finalement si.")
        assert response.status_code == 422
        assert "Ce signalement est déjà écarté : un signalement clos ne se rouvre pas." in (
            response.text
        )
    assert stored(app, report.id).status == "dismissed"
    assert report_events(app) == []


def test_a_stale_form_is_refused_as_changed_in_the_meantime(
    app, staff_client, make_report, make_merchant
):
    report = make_report(make_merchant().id)
    first, second = staff_client("agent"), staff_client("agent")
    assert step(first, report, "progress").status_code == 302
    # The second agent's page still carries the version it was opened at.
    response = step(second, report, "dismiss", "Pas fondé.")
    assert response.status_code == 302
    page = second.get(response.headers["Location"]).text
    assert "Ce signalement a été modifié entre-temps : rien n&#39;a été enregistré." in page
    assert stored(app, report.id).status == "in_progress"
    assert [event[0] for event in report_events(app)] == ["report_progress"]
    garbled = step(second, report, "resolve", version="x")
    assert "trop ancien" in second.get(garbled.headers["Location"]).text


def test_an_unknown_step_or_report_is_a_404(staff_client, make_report, make_merchant):
    report = make_report(make_merchant().id)
    agent = staff_client("agent")
    assert step(agent, report, "reopen").status_code == 404
    assert agent.get("/staff/reports/999").status_code == 404
    assert agent.get(f"/staff/reports/{2**40}").status_code == 404


# --- roles and escaping ---------------------------------------------------------


def test_a_viewer_reads_but_has_no_buttons_and_gets_403_on_every_step(
    app, staff_client, make_report, make_merchant
):
    report = make_report(make_merchant().id, email="reponse@example.fr")
    viewer = staff_client("viewer")
    page = viewer.get(f"/staff/reports/{report.id}").text
    assert "On m&#39;a demandé de partir." in page
    assert '<form method="post" action="/staff/reports/' not in page
    assert "Prendre en charge" not in page
    assert "mailto:" not in page and "reponse@example.fr" not in page
    assert "visible des agents seulement" in page
    assert "Lecture seule" in page
    for name in ("progress", "resolve", "dismiss"):
        assert step(viewer, report, name, "Note").status_code == 403
    assert stored(app, report.id).status == "new"


def test_an_agent_sees_the_buttons(staff_client, make_report, make_merchant):
    report = make_report(make_merchant().id)
    page = staff_client("agent").get(f"/staff/reports/{report.id}").text
    for name in ("progress", "resolve", "dismiss"):
        assert f'action="/staff/reports/{report.id}/{name}"' in page
    assert "Écarter" in page and "la note est obligatoire" in page


def test_the_steps_carry_a_csrf_token(app, make_user, make_report, make_merchant):
    from tests.conftest import log_in

    report = make_report(make_merchant().id)
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    log_in(client, make_user("agent"))
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/staff/reports/{report.id}").text
    assert page.count('name="csrf_token"') >= 4  # three steps and the logout
    refused = client.post(f"/staff/reports/{report.id}/progress", data={"version": "1"})
    assert refused.status_code == 400
    assert stored(app, report.id).status == "new"


def test_anonymous_visitors_are_sent_to_the_login(app, client, make_report, make_merchant):
    app.config["WTF_CSRF_ENABLED"] = False  # the login check, not the CSRF one
    report = make_report(make_merchant().id)
    for response in (
        client.get("/staff/reports"),
        client.get(f"/staff/reports/{report.id}"),
        client.post(f"/staff/reports/{report.id}/resolve", data={"version": "1"}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login")


def test_what_a_stranger_typed_is_shown_escaped_everywhere(
    staff_client, make_report, make_merchant
):
    merchant = make_merchant()
    report = make_report(merchant.id, text=XSS, staff_note=XSS)
    agent = staff_client("agent")
    for url in ("/staff/reports", f"/staff/reports/{report.id}", f"/staff/merchants/{merchant.id}"):
        page = agent.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, url


# --- the merchant page, the safeguarding flag and the dashboard -------------------


def test_the_merchant_page_lists_its_reports(staff_client, make_report, make_merchant):
    merchant, other = make_merchant(), make_merchant()
    mine = make_report(merchant.id, reason="wrong_place", text="Le numéro est faux.")
    make_report(other.id, text="Pas ce commerce.")
    page = staff_client("viewer").get(f"/staff/merchants/{merchant.id}").text
    assert 'Signalements <span class="count">(1)</span>' in page
    assert f'href="/staff/reports/{mine.id}"' in page
    assert "Adresse ou position fausse" in page and "Le numéro est faux." in page
    assert "Pas ce commerce." not in page
    empty = staff_client("viewer").get(f"/staff/merchants/{make_merchant().id}").text
    assert "Aucun signalement sur ce lieu." in empty


def days_ago(days, minutes=0):
    return utcnow() - timedelta(days=days, minutes=minutes)


@pytest.mark.parametrize(
    ("ages", "statuses", "flagged"),
    [
        ((1, VISIT_WINDOW_DAYS - 0.01), ("new", "resolved"), True),  # exactly 2, both in 90 days
        ((1,), ("new",), False),  # one is not enough
        ((1, VISIT_WINDOW_DAYS + 1), ("new", "new"), False),  # the other at 91 days
        ((1, 2), ("new", "dismissed"), False),  # a dismissed one does not count
        ((1, 2, 3), ("in_progress", "dismissed", "new"), True),
    ],
)
def test_two_refused_helps_in_90_days_flag_a_visit(
    app, make_report, make_merchant, ages, statuses, flagged
):
    merchant = make_merchant()
    for age, status in zip(ages, statuses, strict=True):
        make_report(merchant.id, made_at=utcnow() - timedelta(days=age), status=status)
    make_report(merchant.id, reason="wrong_hours")  # another reason never counts
    with app.app_context():
        flag = safeguarding.flag_of(merchant.id)
    assert (flag is not None) == flagged
    if flagged:
        assert flag.reason == f"{flag.count} signalements d'aide refusée en 90 jours"


def test_the_window_ends_exactly_90_days_before_now(app, make_report, make_merchant):
    merchant = make_merchant()
    now = utcnow().replace(microsecond=0)
    make_report(merchant.id, made_at=now - timedelta(days=1))
    make_report(merchant.id, made_at=now - timedelta(days=90))
    with app.app_context():
        assert merchant.id in safeguarding.flags(now)
        assert merchant.id not in safeguarding.flags(now + timedelta(seconds=1))


def test_the_visit_badge_shows_on_the_list_row_and_the_merchant_page(
    staff_client, make_report, make_merchant
):
    flagged, calm = make_merchant(name="Bar Flagué"), make_merchant(name="Bar Tranquille")
    make_report(flagged.id)
    make_report(flagged.id, made_at=days_ago(40))
    make_report(calm.id)
    viewer = staff_client("viewer")
    listing = viewer.get("/staff/merchants").text
    rows = {name: row for row in listing.split('<li class="merchant-row">')[1:]
            for name in ("Bar Flagué", "Bar Tranquille") if name in row}  # fmt: skip
    assert "Visite à prévoir" in rows["Bar Flagué"]
    assert "2 signalements d&#39;aide refusée en 90 jours" in rows["Bar Flagué"]
    assert "Visite à prévoir" not in rows["Bar Tranquille"]
    page = viewer.get(f"/staff/merchants/{flagged.id}").text
    assert "Visite à prévoir" in page and "les signalements écartés ne comptent pas" in page.lower()
    assert "Visite à prévoir</span>" not in viewer.get(f"/staff/merchants/{calm.id}").text


def test_the_dashboard_shows_refused_help_first(staff_client, make_report, make_merchant):
    merchant = make_merchant(name="Tabac de la Gare", position=MELUN_TOWN_HALL)
    make_report(merchant.id)
    make_report(merchant.id, made_at=days_ago(10))
    make_report(merchant.id, reason="wrong_hours")
    make_report(merchant.id, reason="wrong_hours", status="resolved")
    page = staff_client("viewer").get("/staff/").text
    main = page.split('<main id="contenu"')[1]
    refused = main.index("Aide refusée : à traiter en premier")
    assert refused < main.index("refuges visibles du public")
    assert refused < main.index("Nouveaux signalements par motif")
    assert "Tabac de la Gare" in main[refused:] and "Visite à prévoir" in main[refused:]
    by_reason = main[main.index("Nouveaux signalements par motif") :]
    assert re.search(
        r'href="/staff/reports\?status=new&amp;reason=help_refused">Aide refusée ou mal accueillie'
        r'</a></td><td class="num">2<',
        by_reason,
    )
    assert re.search(r'reason=wrong_hours">Horaires faux</a></td><td class="num">1<', by_reason)
