"""The opening-hours editor of the merchant form: the form field that reads
its day rows, what the template shows (rows, free text, the French reading)
and the endpoint the editor's script asks for that reading as one types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from wtforms import Field, RadioField, SelectChoice
from wtforms.validators import ValidationError

from angela.core import hours, hours_editor
from angela.core.hours_editor import DayState, RowsError, Week
from angela.core.vocab import Role
from angela.staff.guard import role_required

ROWS, TEXT = "rows", "text"
SOURCE_CHOICES = [(ROWS, "Saisie par jour"), (TEXT, "Texte libre (syntaxe OpenStreetMap)")]
STATE_LABELS = {
    DayState.HOURS: "Ouvert aux heures indiquées",
    DayState.CLOSED: "Fermé",
    DayState.ALWAYS: "Ouvert 24 h/24",
}
NOT_EXPRESSIBLE = (
    "Ces horaires utilisent des règles que la saisie par jour ne sait pas écrire "
    "(mois, commentaires, horaires incertains…) : ils restent en texte libre."
)
# Ranges drawn for a day without ranges, for a page without script.
BLANK_SLOTS = 2
NO_READING = "Pas de lecture en clair pour ces règles ; les sept prochains jours : "


def source_field() -> RadioField:
    """Which input wins on saving: the rows or the free text."""
    choices = [SelectChoice(value, label) for value, label in SOURCE_CHOICES]
    return RadioField("Saisie des horaires", choices=choices, validate_choice=False)


class HoursRowsField(Field):  # type: ignore[misc]
    """The day rows, posted as inputs named after the field
    ("hours-mo-start-0"). Declared just before the free-text field: when
    the rows are chosen, validating them writes the free text that the
    schema then checks and saves."""

    def __init__(self, label: str, text_field: str, source_field: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.text_field, self.source_field = text_field, source_field
        self.posted: dict[str, str] | None = None

    def __call__(self, **_kwargs: Any) -> Markup:
        return Markup("")  # the partial staff/_hours_editor.html draws the rows

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors: list[str] = []
        self.raw_data: list[str] = []
        self.data = None
        prefix = f"{self.name}-"
        if formdata is not None:
            self.posted = {key: formdata.get(key) for key in formdata if key.startswith(prefix)}

    def pre_validate(self, form: Any) -> None:
        if getattr(form, self.source_field).data != ROWS:
            return
        try:
            week = hours_editor.read_rows(self.posted or {}, self.name)
        except RowsError as error:
            raise ValidationError(" ".join(error.messages)) from None
        getattr(form, self.text_field).data = hours_editor.to_osm(week)

    def editor(self, form: Any) -> EditorView:
        """What the partial shows for this form, posted or not."""
        text = getattr(form, self.text_field).data or ""
        source = getattr(form, self.source_field).data
        return editor_view(text, source, self.posted if source in (ROWS, TEXT) else None, self.name)


@dataclass(frozen=True)
class DayRow:
    key: str
    label: str
    state: str
    spans: list[tuple[str, str]]  # filled ranges, then blank ones to fill without script


@dataclass(frozen=True)
class EditorView:
    source: str
    expressible: bool  # whether the stored text can be shown as rows
    days: list[DayRow]
    holidays_closed: bool
    reading: str
    text: str
    note: str = NOT_EXPRESSIBLE
    max_spans: int = hours_editor.MAX_SPANS
    sources: tuple[tuple[str, str], ...] = tuple(SOURCE_CHOICES)
    states: tuple[tuple[str, str], ...] = tuple(
        (s.value, label) for s, label in STATE_LABELS.items()
    )


def editor_view(
    text: str, source: str | None, posted: Mapping[str, str] | None, prefix: str
) -> EditorView:
    """The editor as shown: on a posted form, what was posted; otherwise
    the rows read from the stored text, and the free text chosen only when
    the rows cannot say it."""
    week = hours_editor.from_osm(text)
    if posted is not None and source == ROWS:
        try:
            reading = hours_editor.reading(hours_editor.read_rows(posted, prefix))
        except RowsError:
            reading = "Corrigez les plages signalées pour voir la lecture en clair."
            text = ""  # what would be saved is not known yet
    else:
        reading = _read(text, week)
    if posted is not None:
        rows = _posted_rows(posted, prefix)
    else:
        rows = _rows(week or Week())
        source = ROWS if week is not None else TEXT
    holidays = week.holidays_closed if posted is None and week else _checked(posted, prefix)
    return EditorView(
        source=source or TEXT,
        expressible=week is not None or source == ROWS,
        days=rows,
        holidays_closed=holidays,
        reading=_capital(reading),
        text=text,
    )


def read_aloud(text: str) -> str:
    """The French reading of `opening_hours` text; raise nothing (an
    unreadable text gets the parser's French reason)."""
    return _read(text, hours_editor.from_osm(text))


def sentence(text: str) -> str:
    """The French reading of `opening_hours` text as a sentence (capital first)."""
    return _capital(read_aloud(text))


def _read(text: str, week: Week | None) -> str:
    if week is not None:
        return hours_editor.reading(week)
    try:
        parsed = hours.parse(text)
    except hours.HoursError as error:
        return str(error)
    days = hours.week_in_words(parsed, hours.paris_today())
    return NO_READING + " ; ".join(f"{day} : {words}" for day, words in days) + "."


def _rows(week: Week) -> list[DayRow]:
    rows = []
    for key, label, day in zip(
        hours_editor.DAY_KEYS, hours_editor.DAY_LABELS, week.days, strict=True
    ):
        spans = [(_clock(s.start), _clock(s.end)) for s in day.spans]
        rows.append(DayRow(key, label, day.state.value, _with_blank(spans)))
    return rows


def _posted_rows(posted: Mapping[str, str], prefix: str) -> list[DayRow]:
    rows = []
    for key, label in zip(hours_editor.DAY_KEYS, hours_editor.DAY_LABELS, strict=True):
        name = hours_editor.field_name
        spans = [
            (
                posted.get(name(prefix, key, "start", i), ""),
                posted.get(name(prefix, key, "end", i), ""),
            )
            for i in range(hours_editor.MAX_SPANS)
        ]
        filled = [span for span in spans if any(span)]
        state = posted.get(name(prefix, key, "state"), DayState.HOURS.value)
        rows.append(DayRow(key, label, state, _with_blank(filled)))
    return rows


def _with_blank(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ranges and blank ones to fill without script: one more than
    those given, two at least (a day with a lunch break), within MAX_SPANS."""
    wanted = min(max(len(spans) + 1, BLANK_SLOTS), hours_editor.MAX_SPANS)
    return spans + [("", "")] * (wanted - len(spans))


def _checked(posted: Mapping[str, str] | None, prefix: str) -> bool:
    return (posted or {}).get(f"{prefix}-holidays-closed", "") in ("y", "on", "1")


def _clock(minutes: int) -> str:
    # An <input type=time> has no 24:00: midnight as an end is 00:00.
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


# --- the endpoint ------------------------------------------------------------


def install(bp: Blueprint, prefix: str = "hours") -> None:
    """Add the reading endpoint to the staff blueprint."""

    @bp.post("/hours/reading", endpoint="hours_reading")
    @role_required(Role.AGENT)
    def hours_reading() -> ResponseReturnValue:
        """JSON for the editor's script: the text the posted form would
        save ("" for no hours), its French reading, or the French error."""
        form = request.form
        if form.get(f"{prefix}_source") == ROWS:
            try:
                week = hours_editor.read_rows(form, prefix)
            except RowsError as error:
                return jsonify({"error": " ".join(error.messages)}), 422
            # The rows as typed are read, not rows read back from the text.
            text, words = hours_editor.to_osm(week), hours_editor.reading(week)
        else:
            text = form.get("opening_hours", "").strip()
            if text:
                try:
                    hours.parse(text)
                except hours.HoursError as error:
                    return jsonify({"error": _capital(str(error))}), 422
            words = read_aloud(text)
        return jsonify({"text": text, "reading": _capital(words)})


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
