"""The `coverage` blueprint: the coverage observatory (viewer and up) — the
week's heat map, the map and the holes at a chosen hour, where to recruit
next, and the week table for Excel. Staff-only: holes tell an aggressor
where and when no refuge is open. Views parse, call the service, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from angela.core import coverage as measure
from angela.core import coverage_words as words
from angela.core import hours, population, territory
from angela.core.vocab import Role
from angela.services import coverage, geocoding
from angela.staff import coverage_view, spreadsheets, templating
from angela.staff.forms import StaffForm
from angela.staff.guard import protect, role_required

bp = Blueprint("coverage", __name__, url_prefix="/staff/coverage")
protect(bp)
templating.install(bp)

DEFAULT_SPEED = measure.SPEEDS_KMH[1]
DEFAULT_DAY, DEFAULT_HOUR = 5, 23  # Saturday 23:00: late, when bars close
DEFAULT_START, DEFAULT_END = "18:00", "02:00"
MAX_ADDRESSES = 20  # each is a request to the address service


@dataclass(frozen=True)
class Choice:
    """What the page shows: the speed, a commune (or "" for the territory), the hour."""

    speed: float
    commune: str
    day: int  # 0 = Monday … 6 = Sunday, 7 = the next public holiday
    hour: int

    @property
    def moment(self) -> int:
        return self.day * 24 + self.hour

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query arguments of this choice (with `changes`), for links."""
        values = {"vitesse": words.speed_param(self.speed), "commune": self.commune,
                  "jour": self.day, "heure": self.hour}  # fmt: skip
        values.update(changes)
        return {name: value for name, value in values.items() if value != ""}


class PastedForm(StaffForm):
    """Candidate places typed or pasted by an agent, one address a line."""

    addresses = TextAreaField(
        "Adresses des lieux candidats, une par ligne",
        validators=[DataRequired("Collez au moins une adresse."), Length(max=4000)],
    )
    start = StringField("De", default=DEFAULT_START, validators=[Length(max=5)])
    end = StringField("À", default=DEFAULT_END, validators=[Length(max=5)])
    opening_hours = StringField(
        "Ou des horaires au format OpenStreetMap", validators=[Optional(), Length(max=255)]
    )


def _choice(args: MultiDict[str, str]) -> Choice:
    # Unknown values fall back to the defaults: a hand-edited link still shows a page.
    speed = words.parse_speed(args.get("vitesse", "")) or DEFAULT_SPEED
    commune = args.get("commune", "")
    day = args.get("jour", DEFAULT_DAY, type=int)
    hour = args.get("heure", DEFAULT_HOUR, type=int)
    return Choice(
        speed=speed,
        commune=commune if commune in territory.communes_by_code() else "",
        day=day if day is not None and 0 <= day <= words.HOLIDAY_ROW else DEFAULT_DAY,
        hour=hour if hour is not None and 0 <= hour < 24 else DEFAULT_HOUR,
    )


def _hours_asked(start: str, end: str, text: str) -> tuple[str, str | None]:
    """Return the opening hours asked for and an error message (or None)."""
    if text.strip():
        try:
            hours.parse(text)
        except hours.HoursError as error:
            return text, f"Horaires illisibles : {error}."
        return text.strip(), None
    try:
        return words.daily_hours(start, end), None
    except ValueError as error:
        return "", str(error)


@bp.get("", endpoint="coverage_page")
@role_required(Role.VIEWER)
def coverage_page() -> ResponseReturnValue:
    args = request.args
    start, end = args.get("de", DEFAULT_START)[:5], args.get("a", DEFAULT_END)[:5]
    text = args.get("horaires", "")[:255]
    opening_hours, error = _hours_asked(start, end, text)
    asked = {"start": start, "end": end, "text": text, "error": error}
    return _page(_choice(args), opening_hours if error is None else None, asked, None)


@bp.post("/recruter", endpoint="coverage_recruit")
@role_required(Role.AGENT)
def coverage_recruit() -> ResponseReturnValue:
    """Rank pasted addresses; a POST because each line goes to the address service."""
    choice = _choice(request.args)
    form = PastedForm()
    asked = {"start": DEFAULT_START, "end": DEFAULT_END, "text": "", "error": None}
    if not form.validate():
        return _page(choice, None, asked, form), 422
    opening_hours, error = _hours_asked(
        form.start.data or "", form.end.data or "", form.opening_hours.data or ""
    )
    if error:
        form.opening_hours.errors = [error]
        return _page(choice, None, asked, form), 422
    lines = [line.strip() for line in (form.addresses.data or "").splitlines() if line.strip()]
    candidates, problems = _locate_all(lines[:MAX_ADDRESSES])
    if len(lines) > MAX_ADDRESSES:
        problems.append(f"Seules les {MAX_ADDRESSES} premières adresses ont été cherchées.")
    form.addresses.errors = problems
    return _page(choice, opening_hours, asked, form, candidates)


def _locate_all(lines: list[str]) -> tuple[list[coverage.Candidate], list[str]]:
    config = current_app.config
    found, problems = [], []
    for number, line in enumerate(lines, start=1):
        try:
            place = geocoding.locate(line, "", config["GEOCODER_URL"], config["GEOCODER_TIMEOUT"])
        except geocoding.GeocodingError as error:
            problems.append(f"Ligne {number} : {error}")
            continue
        found.append(coverage.Candidate(place.lat, place.lon, place.commune.code, place.label))
    return found, problems


def _page(
    choice: Choice,
    opening_hours: str | None,
    asked: dict[str, Any],
    form: PastedForm | None,
    candidates: list[coverage.Candidate] | None = None,
) -> str:
    week = coverage.week(choice.speed)
    if choice.day == words.HOLIDAY_ROW and week.holiday is None:
        choice = Choice(choice.speed, choice.commune, DEFAULT_DAY, choice.hour)
    picks, hours_count = None, 0
    if opening_hours is not None and (form is None or candidates):
        picks = coverage.recruit(week, opening_hours, candidates)
        hours_count = coverage.hours_open(week, opening_hours)
    return render_template(
        "staff/coverage.html",
        page=coverage_view.page(week, choice.commune, choice.moment),
        choice=choice, words=words, speeds=measure.SPEEDS_KMH, asked=asked, picks=picks,
        pasted_form=form or PastedForm(formdata=None), opening_hours=opening_hours,
        opening_hours_count=hours_count, max_addresses=MAX_ADDRESSES,
        focus=_focus(request.args.get("focus", "")),
        attribution=population.ATTRIBUTION, conventions=coverage_view.conventions(week),
    )  # fmt: skip


def _focus(text: str) -> tuple[float, float] | None:
    """The point a "see on the map" link asks the map to centre on, if readable."""
    try:
        lat, lon = (float(part) for part in text[:40].split(","))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


@bp.get("/semaine.csv", endpoint="coverage_csv")
@role_required(Role.VIEWER)
def coverage_csv() -> ResponseReturnValue:
    choice = _choice(request.args)
    week = coverage.week(choice.speed)
    text = coverage_view.week_csv(week)
    filename = f"angela-couverture-{week.day:%Y-%m-%d}-{words.speed_param(choice.speed)}-kmh.csv"
    return spreadsheets.download(text, filename)


@bp.get("/carte.json", endpoint="coverage_map_data")
@role_required(Role.VIEWER)
def coverage_map_data() -> ResponseReturnValue:
    """The map's layers at the chosen hour: the uncovered populated cells
    (their corners) and the refuges open then."""
    choice = _choice(request.args)
    response = jsonify(coverage_view.map_layers(coverage.week(choice.speed), choice.moment))
    response.headers["Cache-Control"] = "no-store"
    return response
