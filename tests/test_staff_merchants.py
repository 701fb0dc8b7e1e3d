"""Registering, editing and following merchants in the staff face."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from markupsafe import escape
from sqlalchemy import select

from angela.core import french
from angela.extensions import db
from angela.models import AuditEvent, Merchant
from tests.fake_ban import fake_ban
from tests.places import (
    DAMMARIE_TOWN_HALL,
    FONTAINEBLEAU_CHATEAU,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
)


def form(today, **overrides):
    values = {
        "name": "Boulangerie du Marché",
        "category": "bakery",
        "address": "16 rue Paul Doumer",
        "postcode": "77000",
        "lat": str(MELUN_STATION[0]),
        "lon": str(MELUN_STATION[1]),
        "phone": "01 64 52 10 00",
        "opening_hours": "Mo-Sa 07:00-19:30",
        "training_status": "trained",
        "trained_on": (today - timedelta(days=3)).isoformat(),
        "trainer": "Claire (CIDFF)",
        "contact_name": "Mme Martin",
        "contact_email": "Martin@Example.fr",
        "contact_phone": "06 12 34 56 78",
        "notes": "Formée avec toute l'équipe.",
        "save": "1",
    }
    values.update(overrides)
    return values


def stored(app, **where):
    with app.app_context():
        query = select(Merchant).filter_by(**where)
        merchant = db.session.execute(query).scalar_one()
        db.session.expunge(merchant)
        return merchant


def events(app):
    with app.app_context():
        return [
            (event.action, event.changes, event.reason)
            for event in db.session.execute(
                select(AuditEvent)
                .where(AuditEvent.merchant_id.is_not(None))
                .order_by(AuditEvent.id)
            ).scalars()
        ]


def test_register_a_trained_merchant_makes_it_public_at_once(app, staff_client, today, client):
    agent = staff_client("agent")
    response = agent.post("/staff/merchants/new", data=form(today))
    assert response.status_code == 302, response.text
    merchant = stored(app, name="Boulangerie du Marché")
    assert merchant.ref == "ANG-0001"
    assert merchant.phone == "+33164521000" and merchant.contact_phone == "+33612345678"
    assert merchant.commune_code == "77288" and merchant.contact_email == "Martin@example.fr"
    page = agent.get(response.headers["Location"]).text
    assert "ANG-0001" in page and "Visible au public" in page
    nearest = client.get(
        "/api/v1/refuges/nearest", query_string={"lat": MELUN_STATION[0], "lon": MELUN_STATION[1]}
    )
    assert [r["name"] for r in nearest.json["refuges"]] == ["Boulangerie du Marché"]
    [(action, changes, _reason)] = events(app)
    assert action == "merchant_create"
    assert changes["notes"] == {"before": None, "after": "Formée avec toute l'équipe."}
    assert changes["contact_phone"]["after"] == "+33612345678"


def test_generated_refs_follow_the_highest(app, staff_client, today, make_merchant):
    make_merchant(ref="ANG-0041", position=DAMMARIE_TOWN_HALL)
    staff_client("agent").post("/staff/merchants/new", data=form(today))
    assert stored(app, name="Boulangerie du Marché").ref == "ANG-0042"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "n&#39;est pas un numéro"),
        ("opening_hours", "lundi 9h-18h", "horaires illisibles"),
        ("lat", "abc", "nombre décimal"),
        ("postcode", "7700", "5 chiffres"),
        ("trained_on", "", "Obligatoire pour le statut « Formé »"),
        ("name", "", "Saisissez le nom du lieu"),
        ("contact_email", "pas-un-email", "Adresse e-mail invalide"),
    ],
)
def test_bad_fields_are_explained_in_french(app, staff_client, today, field, value, message):
    response = staff_client("agent").post(
        "/staff/merchants/new", data=form(today, **{field: value})
    )
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.execute(select(Merchant)).first() is None


def test_a_point_outside_the_territory_is_refused(app, staff_client, today):
    lat, lon = FONTAINEBLEAU_CHATEAU
    response = staff_client("agent").post(
        "/staff/merchants/new", data=form(today, lat=lat, lon=lon)
    )
    assert response.status_code == 422
    assert "hors des 20 communes" in response.text


def test_the_geocoders_citycode_wins_near_a_boundary(app, staff_client, today):
    staff_client("agent").post("/staff/merchants/new", data=form(today, citycode="77152"))
    # the station is in Melun, far from Dammarie-lès-Lys: the boundaries decide
    assert stored(app, name="Boulangerie du Marché").commune_code == "77288"


def test_a_probable_duplicate_needs_confirmation(app, staff_client, today, make_merchant):
    make_merchant(name="Pharmacie de la Gare", position=MELUN_STATION)
    agent = staff_client("agent")
    warned = agent.post("/staff/merchants/new", data=form(today))
    assert warned.status_code == 409
    assert "Doublon probable" in warned.text and "Pharmacie de la Gare" in warned.text
    assert (
        agent.post("/staff/merchants/new", data=form(today, confirm_duplicate="y")).status_code
        == 302
    )
    same_name = form(
        today, lat=MELUN_TOWN_HALL[0], lon=MELUN_TOWN_HALL[1], name="pharmacie de la gare"
    )
    assert agent.post("/staff/merchants/new", data=same_name).status_code == 409


def test_locate_returns_the_point_as_json(app, staff_client):
    agent = staff_client("agent")
    with fake_ban() as (url, _requests):
        app.config["GEOCODER_URL"] = url
        found = agent.post(
            "/staff/locate", data={"address": "16 rue Paul Doumer", "postcode": "77000"}
        )
        missing = agent.post("/staff/locate", data={"address": "nulle part", "postcode": "77000"})
    assert found.status_code == 200
    assert found.json["citycode"] == "77288" and found.json["commune"] == "Melun"
    assert missing.status_code == 422 and "introuvable" in missing.json["error"]


def test_locate_without_javascript_fills_the_coordinates(app, staff_client, today):
    agent = staff_client("agent")
    with fake_ban() as (url, _requests):
        app.config["GEOCODER_URL"] = url
        page = agent.post(
            "/staff/merchants/new", data=form(today, lat="", lon="", locate="1", save=None)
        )
        failed = agent.post(
            "/staff/merchants/new", data=form(today, address="rue en panne", locate="1")
        )
    assert page.status_code == 200
    assert 'value="48.539343"' in page.text and "Trouvé" in page.text
    assert failed.status_code == 422 and "à la main" in failed.text
    with app.app_context():
        assert db.session.execute(select(Merchant)).first() is None


def test_an_edit_over_someone_elses_save_is_refused(app, staff_client, today, make_merchant):
    merchant = make_merchant(name="Café des Arts", position=MELUN_STATION)
    alice, bob = staff_client("agent"), staff_client("agent")
    alices_form = alice.get(f"/staff/merchants/{merchant.id}/edit").text
    assert f'name="version" type="hidden" value="{merchant.version}"' in alices_form
    edit = form(today, name="Café des Arts", version=str(merchant.version))
    assert (
        bob.post(
            f"/staff/merchants/{merchant.id}/edit", data={**edit, "opening_hours": "24/7"}
        ).status_code
        == 302
    )
    refused = alice.post(f"/staff/merchants/{merchant.id}/edit", data={**edit, "notes": "Alice"})
    assert refused.status_code == 409
    assert "modifié entre-temps" in refused.text and "24/7" in refused.text
    after = stored(app, id=merchant.id)
    assert after.opening_hours == "24/7" and after.notes == "Formée avec toute l'équipe."
    # the form now carries the new version: saving again is a deliberate choice
    assert f'value="{after.version}"' in refused.text


def current(app, merchant_id: int) -> dict[str, str]:
    """The version field a form opened now would carry."""
    return {"version": str(stored(app, id=merchant_id).version)}


def test_training_lifecycle_and_visibility(app, staff_client, today, make_merchant, client):
    merchant = make_merchant(status="trained", trained_on=today - timedelta(days=800))
    agent = staff_client("agent")
    url = f"/staff/merchants/{merchant.id}"

    def send(tail: str, **data: str):
        return agent.post(f"{url}/{tail}", data={**data, **current(app, merchant.id)})

    assert "formation expirée" in agent.get(url).text
    assert client.get(f"/api/v1/refuges/{merchant.id}").status_code == 404
    renewed = send("training", trained_on=today.isoformat(), trainer="Nadia")
    assert renewed.status_code == 302
    assert client.get(f"/api/v1/refuges/{merchant.id}").status_code == 200
    no_reason = send("status/suspend", reason="")
    assert no_reason.status_code == 422 and stored(app, id=merchant.id).training_status == "trained"
    assert '<a href="#reason-suspend">Saisissez le motif.</a>' in no_reason.text
    assert 'aria-invalid="true">' in no_reason.text
    send("status/suspend", reason="Plainte reçue")
    assert client.get(f"/api/v1/refuges/{merchant.id}").status_code == 404
    send("status/reinstate", reason="Vérifié")
    assert client.get(f"/api/v1/refuges/{merchant.id}").status_code == 200
    send("status/withdraw", reason="Fermeture")
    assert stored(app, id=merchant.id).training_status == "withdrawn"
    actions = [(action, reason) for action, _changes, reason in events(app)]
    assert actions == [
        ("training_record", None),
        ("merchant_suspend", "Plainte reçue"),
        ("merchant_reinstate", "Vérifié"),
        ("merchant_withdraw", "Fermeture"),
    ]
    renewal = events(app)[0][1]
    assert renewal["trained_on"] == {
        "before": (today - timedelta(days=800)).isoformat(),
        "after": today.isoformat(),
    }
    assert renewal["trainer"] == {"before": None, "after": "Nadia"}


def test_training_in_the_future_is_refused(app, staff_client, today, make_merchant):
    merchant = make_merchant()
    agent = staff_client("agent")
    agent.post(
        f"/staff/merchants/{merchant.id}/training",
        data={"trained_on": (today + timedelta(days=2)).isoformat(), **current(app, merchant.id)},
    )
    assert stored(app, id=merchant.id).trained_on == merchant.trained_on
    assert events(app) == []


VERSION_FIELD = re.compile(r'<input type="hidden" name="version" value="(\d+)">')


def test_a_stale_training_form_does_not_lift_a_suspension(app, staff_client, today, make_merchant):
    merchant = make_merchant(trained_on=today - timedelta(days=800))
    alice, bob = staff_client("agent"), staff_client("agent")
    url = f"/staff/merchants/{merchant.id}"
    alices_page = alice.get(url).text  # Alice opens the page to renew the training...
    versions = VERSION_FIELD.findall(alices_page)
    assert versions == [str(merchant.version)] * 4  # check, training, suspend, withdraw
    bobs_page = bob.get(url).text  # ...Bob suspends the place meanwhile...
    suspended = bob.post(
        f"{url}/status/suspend",
        data={"reason": "Plainte reçue", "version": VERSION_FIELD.findall(bobs_page)[2]},
    )
    assert suspended.status_code == 302
    late = alice.post(  # ...then Alice's form arrives.
        f"{url}/training",
        data={"trained_on": today.isoformat(), "trainer": "Nadia", "version": versions[0]},
        follow_redirects=True,
    )
    assert "modifié entre-temps" in late.text
    after = stored(app, id=merchant.id)
    assert (after.training_status, after.trained_on) == ("suspended", merchant.trained_on)
    assert [action for action, _changes, _reason in events(app)] == ["merchant_suspend"]


# Every form that changes a merchant from its page: (URL tail, data, status before).
STATE_FORMS = [
    ("training", {"trained_on": "today", "trainer": "Nadia"}, "trained"),
    ("status/suspend", {"reason": "Plainte reçue"}, "trained"),
    ("status/withdraw", {"reason": "Fermeture"}, "trained"),
    ("status/reinstate", {"reason": "Vérifié"}, "suspended"),
    ("check", {}, "trained"),
]


def _filled(data: dict[str, str], today) -> dict[str, str]:
    return {name: today.isoformat() if value == "today" else value for name, value in data.items()}


@pytest.mark.parametrize(("tail", "data", "status"), STATE_FORMS)
def test_a_stale_form_is_refused_and_changes_nothing(
    app, staff_client, today, make_merchant, tail, data, status
):
    merchant = make_merchant(status=status, trained_on=today - timedelta(days=800))
    with app.app_context():  # someone saves the merchant after the form was opened
        saved = db.session.get(Merchant, merchant.id)
        saved.notes = "Changé entre-temps"
        db.session.commit()
    before = stored(app, id=merchant.id)
    stale = {**_filled(data, today), "version": str(merchant.version)}
    page = staff_client("agent").post(
        f"/staff/merchants/{merchant.id}/{tail}", data=stale, follow_redirects=True
    )
    assert "modifié entre-temps" in page.text
    after = stored(app, id=merchant.id)
    assert (after.version, after.training_status, after.trained_on, after.trainer) == (
        before.version, before.training_status, before.trained_on, before.trainer,
    )  # fmt: skip
    assert events(app) == []


@pytest.mark.parametrize("version", [None, "", "abc", "²", "-1", "1" * 30])
@pytest.mark.parametrize(("tail", "data", "status"), STATE_FORMS)
def test_a_form_without_a_readable_version_is_refused(
    app, staff_client, today, make_merchant, tail, data, status, version
):
    merchant = make_merchant(status=status)
    sent = _filled(data, today) if version is None else {**_filled(data, today), "version": version}
    page = staff_client("agent").post(
        f"/staff/merchants/{merchant.id}/{tail}", data=sent, follow_redirects=True
    )
    assert page.status_code == 200
    assert "incomplet ou trop ancien" in page.text
    assert stored(app, id=merchant.id).version == merchant.version
    assert events(app) == []


@pytest.mark.parametrize(("status", "word"), [("suspended", "suspendu"), ("withdrawn", "retiré")])
def test_a_suspended_or_withdrawn_merchant_is_reinstated_before_training(
    app, staff_client, today, make_merchant, status, word
):
    merchant = make_merchant(status=status, trained_on=today - timedelta(days=800))
    agent = staff_client("agent")
    url = f"/staff/merchants/{merchant.id}"
    page = agent.get(url).text
    assert f"Ce commerçant est {word}" in page and "Rétablissez-le d" in page
    assert "Enregistrer la formation</button>" not in page
    training = {"trained_on": today.isoformat(), "trainer": "Nadia"}
    refused = agent.post(
        f"{url}/training", data={**training, **current(app, merchant.id)}, follow_redirects=True
    )
    assert "Formation non enregistrée" in refused.text and "Rétablissez-le d" in refused.text
    assert stored(app, id=merchant.id).training_status == status
    assert events(app) == []
    # Reinstated on purpose, with a reason, the training can be recorded.
    agent.post(f"{url}/status/reinstate", data={"reason": "Vérifié", **current(app, merchant.id)})
    agent.post(f"{url}/training", data={**training, **current(app, merchant.id)})
    after = stored(app, id=merchant.id)
    assert (after.training_status, after.trained_on) == ("trained", today)
    assert [action for action, _changes, _reason in events(app)] == [
        "merchant_reinstate", "training_record",
    ]  # fmt: skip


def test_an_edit_with_an_unreadable_version_is_refused(app, staff_client, today, make_merchant):
    merchant = make_merchant(name="Café des Arts", position=MELUN_STATION)
    agent = staff_client("agent")
    for version in ("", "²", "abc"):
        response = agent.post(
            f"/staff/merchants/{merchant.id}/edit",
            data=form(today, name="Café des Arts", version=version),
        )
        assert response.status_code == 422
    assert stored(app, id=merchant.id).version == merchant.version


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "gare"}, ["Pharmacie de la Gare"]),
        ({"q": "ang-0002"}, ["Tabac du Centre"]),
        ({"commune": "77152"}, ["Tabac du Centre"]),
        ({"status": "suspended"}, ["Bar Suspendu"]),
        ({"training": "due"}, ["Tabac du Centre"]),
        ({"training": "expired"}, ["Vieux Café"]),
        (
            {"training": "no_hours"},
            ["Bar Suspendu", "En Attente", "Pharmacie de la Gare", "Vieux Café"],
        ),
        ({"training": "public", "sort": "name"}, ["Pharmacie de la Gare", "Tabac du Centre"]),
        ({"training": "hidden"}, ["Bar Suspendu", "Vieux Café", "En Attente"]),
    ],
)
def test_list_filters(staff_client, make_merchant, today, query, expected):
    make_merchant(name="Pharmacie de la Gare", position=MELUN_STATION)
    make_merchant(
        name="Tabac du Centre",
        position=DAMMARIE_TOWN_HALL,
        opening_hours="Mo-Sa 08:00-20:00",
        trained_on=today - timedelta(days=700),
    )
    make_merchant(name="Bar Suspendu", status="suspended")
    make_merchant(name="Vieux Café", trained_on=today - timedelta(days=900))
    make_merchant(name="En Attente", status="pending", trained_on=None, position=LE_MEE_CENTRE)
    page = staff_client("viewer").get("/staff/merchants", query_string=query).text
    everyone = ("Pharmacie de la Gare", "Tabac du Centre", "Bar Suspendu", "Vieux Café")
    names = [n for n in (*everyone, "En Attente") if f">{n}</a>" in page]
    assert sorted(names) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100%", ["Remise 100% Solidaire"]),
        ("%", ["Remise 100% Solidaire"]),
        ("_", ["Bar_Tabac"]),
        ("bar_t", ["Bar_Tabac"]),
        ("\\", ["Café \\ Presse"]),
    ],
)
def test_the_search_takes_wildcards_literally(staff_client, make_merchant, text, expected):
    names = ("Remise 100% Solidaire", "Remise 1000 Cadeaux", "Bar_Tabac", "Bar Tabac",
             "Café \\ Presse")  # fmt: skip
    for name in names:
        make_merchant(name=name)
    page = staff_client("viewer").get("/staff/merchants", query_string={"q": text}).text
    shown = [name for name in names if f">{escape(name)}</a>" in page]
    assert shown == expected


def test_the_badge_gives_the_last_valid_day(app, staff_client, make_merchant, today):
    trained_on = today - timedelta(days=40)
    merchant = make_merchant(trained_on=trained_on)
    page = staff_client("viewer").get("/staff/merchants").text
    # Public while trained less than 24 months ago: the last day is the eve
    # of the second anniversary.
    last_day = trained_on + relativedelta(years=2) - timedelta(days=1)
    assert str(escape(f"formation valable jusqu'au {french.day_text(last_day)}")) in page
    assert f">{merchant.name}</a>" in page


def test_list_is_paginated(staff_client, make_merchant):
    for _ in range(30):
        make_merchant()
    viewer = staff_client("viewer")
    first = viewer.get("/staff/merchants").text
    assert "Page 1 sur 2" in first and "ANG-0025" in first and "ANG-0026" not in first
    assert "ANG-0030" in viewer.get("/staff/merchants?page=2").text


def test_viewer_does_not_see_private_fields(app, staff_client, make_merchant):
    merchant = make_merchant(notes="Code porte 1234", contact_name="M. Secret")
    page = staff_client("viewer").get(f"/staff/merchants/{merchant.id}").text
    assert "Code porte 1234" not in page and "M. Secret" not in page
    assert "Code porte 1234" in staff_client("agent").get(f"/staff/merchants/{merchant.id}").text


def test_dashboard_counts(staff_client, make_merchant, today):
    make_merchant(position=MELUN_STATION, opening_hours="24/7")
    make_merchant(position=DAMMARIE_TOWN_HALL, trained_on=today - timedelta(days=700))
    make_merchant(status="pending", trained_on=None)
    page = staff_client("viewer").get("/staff/").text
    assert "<strong>2</strong> refuges visibles du public" in page
    assert "<strong>1</strong> formations à renouveler" in page
    assert "<strong>2</strong> commerçants sans horaires" in page
    assert "Dammarie-lès-Lys" in page
