"""The opening-hours editor in the merchant form, without JavaScript: the
day rows and the free text are plain inputs, a choice says which is saved,
and the reading endpoint the script calls answers in French."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.places import MELUN_STATION
from tests.test_staff_exchange import csv_text, row, upload
from tests.test_staff_merchants import form, stored

NEW = "/staff/merchants/new"
READING = "/staff/hours/reading"
DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")


def rows(**days):
    """Posted row inputs: days as `tu=[("07:00", "19:30")]`, `su="closed"`."""
    values = {"hours_source": "rows"}
    for day in DAYS:
        given = days.get(day, "closed")
        if isinstance(given, str):
            values[f"hours-{day}-state"] = given
            continue
        values[f"hours-{day}-state"] = "hours"
        for index, (start, end) in enumerate(given):
            values[f"hours-{day}-start-{index}"] = start
            values[f"hours-{day}-end-{index}"] = end
    return values


def value_of(page, name):
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


def checked(page, element_id):
    tag = re.search(rf'<input[^>]*id="{re.escape(element_id)}"[^>]*>', page)
    assert tag, element_id
    return " checked" in tag.group(0)


@pytest.fixture
def agent(staff_client):
    return staff_client("agent")


def test_the_rows_are_saved_as_openstreetmap_text(app, agent, today):
    week = rows(tu=[("07:00", "19:30")], we=[("07:00", "19:30")], th=[("07:00", "19:30")],
                fr=[("07:00", "19:30")], sa=[("07:00", "19:30")])  # fmt: skip
    week["hours-holidays-closed"] = "y"
    # The stale free text is ignored: the rows were chosen.
    response = agent.post(NEW, data=form(today, opening_hours="n'importe quoi", **week))
    assert response.status_code == 302, response.text
    assert stored(app, name="Boulangerie du Marché").opening_hours == "Tu-Sa 07:00-19:30; PH off"


def test_a_range_past_midnight_and_a_day_open_all_day_are_saved(app, agent, today):
    week = rows(fr=[("18:00", "02:00")], sa=[("18:00", "02:00")], su="always")
    response = agent.post(NEW, data=form(today, **week))
    assert response.status_code == 302, response.text
    assert (
        stored(app, name="Boulangerie du Marché").opening_hours
        == "Fr,Sa 18:00-02:00, Su 00:00-24:00"
    )


def test_rows_with_no_open_day_save_no_hours(app, agent, today):
    response = agent.post(NEW, data=form(today, **rows()))
    assert response.status_code == 302, response.text
    assert stored(app, name="Boulangerie du Marché").opening_hours is None


def test_the_free_text_is_saved_when_chosen(app, agent, today):
    week = rows(mo=[("09:00", "12:00")])
    week["hours_source"] = "text"
    response = agent.post(NEW, data=form(today, opening_hours="Mo-Fr 10:00-18:00", **week))
    assert response.status_code == 302, response.text
    assert stored(app, name="Boulangerie du Marché").opening_hours == "Mo-Fr 10:00-18:00"


def test_without_a_choice_the_free_text_is_saved_as_before(app, agent, today):
    response = agent.post(NEW, data=form(today, opening_hours="24/7"))
    assert response.status_code == 302, response.text
    assert stored(app, name="Boulangerie du Marché").opening_hours == "24/7"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ([("09:00", "")], "Lundi, plage 1 : indiquez l'heure d'ouverture et l'heure de fermeture."),
        ([("9 heures", "12:00")], "Lundi, plage 1 : « 9 heures » n'est pas une heure (ex. 09:30)."),
        ([("09:00", "09:00")], "Lundi, plage 1 : l'ouverture et la fermeture sont à la même heure"),
        ([("09:00", "14:00"), ("12:00", "18:00")], "Lundi : des plages se chevauchent."),
    ],
)
def test_wrong_rows_are_refused_with_the_day_and_range_named(app, agent, today, day, words):
    response = agent.post(NEW, data=form(today, **rows(mo=day)))
    assert response.status_code == 422
    assert str(escape(words)) in response.text
    assert 'id="hours-error"' in response.text
    # What was typed comes back, to be corrected rather than typed again.
    assert value_of(response.text, "hours-mo-start-0") == day[0][0]


def test_unreadable_free_text_says_where_in_french(agent, today):
    response = agent.post(
        NEW, data=form(today, hours_source="text", opening_hours="du mardi au samedi 7h-19h30")
    )
    assert response.status_code == 422
    assert (
        str(escape("horaires illisibles à partir du caractère 1 : « du mardi au samedi 7… »"))
        in response.text
    )
    assert "expected" not in response.text


def test_the_new_form_offers_blank_rows_and_no_hours(agent):
    page = agent.get(NEW).text
    assert checked(page, "hours_source-rows")
    assert not checked(page, "hours_source-text")
    for day, label in zip(
        DAYS, ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"), strict=True
    ):
        assert f"<legend>{label}</legend>" in page
        assert f'<label for="hours-{day}-start-0">Ouverture' in page
        assert f'type="time" id="hours-{day}-end-0"' in page
    assert "Horaires non renseignés" in page
    assert "Ajouter une plage" in page and ">Retirer<span" in page


def test_an_existing_value_is_read_back_into_the_rows(agent, make_merchant):
    merchant = make_merchant(opening_hours="Tu-Sa 07:00-13:00,15:30-19:30; Su 07:00-12:30; PH off")
    page = agent.get(f"/staff/merchants/{merchant.id}/edit").text
    assert checked(page, "hours_source-rows")
    assert value_of(page, "hours-mo-start-0") == ""  # Monday is closed: only the blank range
    assert 'value="closed" selected' in page
    assert value_of(page, "hours-tu-start-0") == "07:00"
    assert value_of(page, "hours-tu-end-1") == "19:30"
    assert value_of(page, "hours-su-end-0") == "12:30"
    assert checked(page, "hours-holidays-closed")
    reading = (
        "Du mardi au samedi de 7 h à 13 h et de 15 h 30 à 19 h 30, le dimanche de 7 h à 12 h 30, "
        "fermé le lundi et les jours fériés"
    )
    assert reading in page


def test_a_value_the_rows_cannot_say_stays_in_free_text_and_says_so(agent, make_merchant):
    merchant = make_merchant(opening_hours="Mo-Fr 09:00-18:00; Dec 24 off")
    page = agent.get(f"/staff/merchants/{merchant.id}/edit").text
    assert checked(page, "hours_source-text")
    assert "la saisie par jour ne sait pas écrire" in page
    assert "Mo-Fr 09:00-18:00; Dec 24 off</textarea>" in page


def test_saving_an_edit_with_unchanged_rows_keeps_the_same_hours(app, agent, make_merchant, today):
    merchant = make_merchant(opening_hours="Mo-Th 17:00-01:00, Fr-Sa 17:00-02:00", name="Le Zinc")
    late, later = [("17:00", "01:00")], [("17:00", "02:00")]
    week = rows(mo=late, tu=late, we=late, th=late, fr=later, sa=later)
    data = form(today, name="Le Zinc", version=str(merchant.version), **week)
    response = agent.post(f"/staff/merchants/{merchant.id}/edit", data=data)
    assert response.status_code == 302, response.text
    assert stored(app, id=merchant.id).opening_hours == "Mo-Th 17:00-01:00, Fr,Sa 17:00-02:00"


# --- the reading endpoint ----------------------------------------------------


def test_the_endpoint_reads_rows_aloud(agent):
    answer = agent.post(
        READING, data={**rows(fr=[("18:00", "02:00")]), "hours-holidays-closed": "y"}
    )
    assert answer.status_code == 200
    assert answer.json == {
        "text": "Fr 18:00-02:00; PH off",
        "reading": (
            "Le vendredi de 18 h à 2 h le lendemain, fermé du samedi au jeudi et les jours fériés"
        ),
    }


def test_the_endpoint_reads_free_text_aloud(agent):
    answer = agent.post(READING, data={"hours_source": "text", "opening_hours": "24/7"})
    assert answer.json == {"text": "24/7", "reading": "Ouvert 24 h/24, 7 jours sur 7"}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"hours_source": "text", "opening_hours": "Mo-Sa 9h-19h"},
            "Horaires illisibles à partir du caractère 7",
        ),
        (rows(mo=[("18:00", "")]), "Lundi, plage 1 : indiquez"),
    ],
)
def test_the_endpoint_explains_what_it_cannot_read(agent, data, words):
    answer = agent.post(READING, data=data)
    assert answer.status_code == 422
    assert answer.json["error"].startswith(words)


def test_the_endpoint_is_for_agents(staff_client):
    viewer = staff_client("viewer")
    assert viewer.post(READING, data={"hours_source": "text"}).status_code == 403


def test_the_endpoint_needs_the_csrf_token(app, agent):
    app.config["WTF_CSRF_ENABLED"] = True
    answer = agent.post(READING, data={"hours_source": "text", "opening_hours": "24/7"})
    assert answer.status_code == 400


def test_the_csv_import_explains_unreadable_hours_in_french_with_where(agent, today):
    data = csv_text(
        row("ANG-0100", "Bar du Pont", MELUN_STATION, today, opening_hours="Tu-Sa 7h-19h30")
    )
    page = upload(agent, data)
    assert page.status_code == 422
    expected = (
        "horaires illisibles à partir du caractère 7 : « 7h-19h30 » (dans « Tu-Sa 7h-19h30 »)"
    )
    assert str(escape(expected)) in page.text
    assert "expected" not in page.text
