"""The coverage observatory's page (issue 11): who may read it, what it
shows, the hand-built bar through the page, the cache per data revision
and per speed, the week table for Excel, and that nothing of it reaches
the public face or the API."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from angela.core import coverage_words as words
from angela.core.population import ATTRIBUTION
from angela.services import coverage
from tests.fake_ban import fake_ban
from tests.places import LE_MEE_CENTRE, MELUN_TOWN_HALL

PAGE = "/staff/coverage"
CSV = "/staff/coverage/semaine.csv"
MAP = "/staff/coverage/carte.json"
RECRUIT = "/staff/coverage/recruter"
BAR_HOURS = "Fr-Sa 18:00-02:00"
MELUN = "77288"
NBSP = "\u00a0"


def heat_titles(page: str) -> dict[str, int]:
    """The heat map cells' titles: « samedi 1 h » → percent."""
    found = re.findall(r"<title>([^<:]+) : (\d+)" + NBSP + "%</title>", page)
    return {moment.replace(NBSP, " "): int(share) for moment, share in found}


@pytest.mark.parametrize("path", [PAGE, CSV, MAP])
def test_anonymous_visitors_are_sent_to_the_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_a_viewer_reads_the_page_but_may_not_geocode_addresses(
    staff_client: Callable[..., FlaskClient], make_merchant: Callable[..., object]
) -> None:
    make_merchant(opening_hours="24/7")
    viewer = staff_client("viewer")
    for path in (PAGE, CSV, MAP):
        assert viewer.get(path).status_code == 200, path
    assert viewer.post(RECRUIT, data={"addresses": "16 rue Paul Doumer Melun"}).status_code == 403
    assert "Comparer des adresses précises" not in viewer.get(PAGE).text


def test_the_page_shows_the_heat_map_its_table_the_holes_and_where_to_recruit(
    staff_client: Callable[..., FlaskClient], make_merchant: Callable[..., object]
) -> None:
    make_merchant(opening_hours="Mo-Sa 09:00-19:30", position=MELUN_TOWN_HALL)
    page = staff_client("viewer").get(PAGE).text
    svg = page[page.index("<svg") : page.index("</svg>")]
    # 7 days × 24 hours and the next public holiday's 24, each cell with a title.
    assert svg.count("<rect") == 8 * 24 + len(words.SCALE)
    titles = heat_titles(svg)
    assert len(titles) == 8 * 24
    assert titles["samedi 10 h"] > 0 and titles["samedi 23 h"] == 0
    assert titles["dimanche 10 h"] == 0
    table = page[page.index('<table class="data compact heat">') :]
    assert "<caption" in table and '<th scope="row">samedi</th>' in table
    assert f"0{NBSP}%" in table
    assert ATTRIBUTION in page and "577 m à vol d" in page
    # Saturday 23:00 by default: the shop is closed, Melun's people are out of reach.
    assert "Les plus grands trous samedi" in page
    holes = page[page.index('class="data compact coverage-holes"') :]
    assert '<th scope="row">Melun</th>' in holes.split("</table>")[0]
    assert "toutes les heures de la semaine" in holes
    picks = page[page.index('class="data compact coverage-picks"') :].split("</table>")[0]
    assert picks.count("<tr>") == 1 + 5
    assert "personnes × heures" in picks and "Mo-Su 18:00-02:00" in page


def test_a_bar_open_friday_and_saturday_nights_covers_saturday_1_h_not_sunday_3_h(
    staff_client: Callable[..., FlaskClient], make_merchant: Callable[..., object]
) -> None:
    make_merchant(name="Le Bar du Port", opening_hours=BAR_HOURS, position=MELUN_TOWN_HALL)
    viewer = staff_client("viewer")
    titles = heat_titles(viewer.get(PAGE, query_string={"commune": MELUN}).text)
    assert titles["samedi 1 h"] > 0  # Friday night, after midnight
    assert titles["dimanche 1 h"] == titles["samedi 1 h"]  # Saturday night
    assert titles["dimanche 3 h"] == 0
    assert titles["vendredi 17 h"] == 0 and titles["vendredi 18 h"] > 0
    at_1 = viewer.get(MAP, query_string={"jour": 5, "heure": 1}).get_json()
    at_3 = viewer.get(MAP, query_string={"jour": 6, "heure": 3}).get_json()
    assert [refuge["name"] for refuge in at_1["refuges"]] == ["Le Bar du Port"]
    assert at_3["refuges"] == []
    # Around the bar, fewer cells are out of reach when it is open.
    assert len(at_1["cells"]) < len(at_3["cells"])
    assert all(len(cell["corners"]) == 4 for cell in at_3["cells"])


def test_the_week_is_cached_per_revision_and_per_speed(
    app: Flask, make_merchant: Callable[..., object]
) -> None:
    make_merchant(opening_hours="24/7", position=MELUN_TOWN_HALL)
    with app.test_request_context():
        first = coverage.week(4.5)
        assert coverage.week(4.5) is first
        slower = coverage.week(3.0)
        assert slower is not first and slower.radius < first.radius
        assert slower.territory[0] < first.territory[0]
    make_merchant(opening_hours="24/7", position=LE_MEE_CENTRE)
    with app.test_request_context():
        again = coverage.week(4.5)
        assert again is not first and again.revision > first.revision
        assert again.territory[0] > first.territory[0]
        with pytest.raises(ValueError):
            coverage.week(6.0)


def test_the_csv_is_the_week_for_excel_with_its_source(
    staff_client: Callable[..., FlaskClient], make_merchant: Callable[..., object]
) -> None:
    make_merchant(opening_hours=BAR_HOURS, position=MELUN_TOWN_HALL)
    response = staff_client("viewer").get(CSV, query_string={"vitesse": "3"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "3-kmh" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Commune", "Code INSEE", "Habitants", "Moyenne de la semaine (%)"]
    assert header[4] == "lundi 0 h".replace(" h", NBSP + "h") and len(header) == 4 + 168 + 24
    body = [row for row in rows[1:22]]
    assert body[0][0] == "Territoire (20 communes)" and len(body) == 21
    melun = next(row for row in body if row[1] == MELUN)
    saturday_1, sunday_3 = 4 + 5 * 24 + 1, 4 + 6 * 24 + 3
    assert float(melun[saturday_1].replace(",", ".")) > 0
    assert melun[sunday_3] == "0,0"
    assert "," in melun[3]  # French decimal comma
    assert [ATTRIBUTION] in rows and any("385 m à vol" in row[0] for row in rows if row)


def test_pasted_addresses_are_geocoded_ranked_and_refused_line_by_line(
    app: Flask, staff_client: Callable[..., FlaskClient], make_merchant: Callable[..., object]
) -> None:
    make_merchant(opening_hours="Mo-Fr 09:00-18:00")
    with fake_ban() as (ban_url, _asked):
        app.config["GEOCODER_URL"] = ban_url
        agent = staff_client("agent")
        addresses = "16 rue Paul Doumer, Melun\nplace du château, Fontainebleau\npanne"
        response = agent.post(
            RECRUIT, data={"addresses": addresses, "start": "18:00", "end": "02:00"}
        )
    assert response.status_code == 200
    page = response.text
    assert "Ligne 2 : " in page and "Ligne 3 : " in page and "Ligne 1 :" not in page
    picks = page[page.index('class="data compact coverage-picks"') :].split("</table>")[0]
    assert "16 Rue Paul Doumer 77000 Melun" in picks and picks.count("<tr>") == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"de": "25:00"}, "HH:MM, par exemple 18:00"),
        ({"horaires": "tous les jours"}, "Horaires illisibles"),
    ],
)
def test_unreadable_hours_are_refused_in_french(
    staff_client: Callable[..., FlaskClient], query: dict[str, str], message: str
) -> None:
    page = staff_client("viewer").get(PAGE, query_string=query).text
    assert message in page and "Il y a un problème" in page
    assert "coverage-picks" not in page


def test_nothing_of_the_observatory_reaches_the_public_face_or_the_api(
    app: Flask, client: FlaskClient, make_merchant: Callable[..., object]
) -> None:
    merchant = make_merchant(opening_hours="24/7")
    public = [rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/staff")]
    assert not [rule for rule in public if "coverage" in rule.endpoint or "couverture" in rule.rule]
    fetched = 0
    for rule in public:
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", str(merchant.id), rule.rule)  # type: ignore[attr-defined]
        body = client.get(path).get_data(as_text=True).lower()
        fetched += 1
        for secret in ("/staff/coverage", "filosofi", "carroyées", "hors de portée"):
            assert secret not in body, (path, secret)
    assert fetched >= 8
    spec = client.get("/api/v1/openapi.json").get_data(as_text=True).lower()
    assert "coverage" not in spec and "couverture" not in spec and "insee, filosofi" not in spec


@pytest.mark.parametrize(
    ("moments", "text"),
    [
        (range(168), "toutes les heures de la semaine"),
        ([d * 24 + h for d in range(7) for h in (22, 23, 0, 1, 2, 3, 4, 5, 6)],
         f"de 22{NBSP}h à 7{NBSP}h chaque jour"),
        ([d * 24 + h for d in range(7) for h in (12, 13)], f"de 12{NBSP}h à 14{NBSP}h chaque jour"),
        ([5 * 24 + 23, 6 * 24, 6 * 24 + 1, 2 * 24 + 3],
         f"4 heures sur 168, dont sans interruption du samedi 23{NBSP}h au dimanche 2{NBSP}h"),
        ([], "à aucune autre heure de la semaine"),
    ],
)  # fmt: skip
def test_the_hours_of_a_hole_are_summarised_honestly(moments: list[int], text: str) -> None:
    assert words.hours_in_words(moments) == text
